/**
 * Role checks. Roles are confirmed when the platform reveals them (the contact's `security/roles`, the
 * OAuth userinfo role claims) and otherwise inferred from which routes answer; each result says which.
 */
import { Effect, Either, Option } from "effect"
import type { ArloResponse, Auth, HttpFailure } from "../ArloHttp.js"
import { maskedHint } from "../Config.js"
import {
  type CheckContext,
  type CheckSpec,
  fromFailure,
  type Outcome,
  pass,
  recheck,
  unexpectedCause
} from "../internal/check.js"
import { basicAuth, basicSignIn, type Fetched, get, resourcesUrl } from "../internal/probes.js"
import { type Door, plainDoor } from "../internal/untrusted.js"
import type { CheckResult, Exchange } from "../Report.js"
import { apiException, fieldNames, itemLinks, links, parseXml, roles as readRoles, type XmlElement } from "../Xml.js"
import { bearerAuth, userinfo } from "./OAuth.js"

export type IdentityMethod = "basic" | "oauth"

/** What the audit learnt about the identity's access. */
export interface IdentityView {
  readonly method: IdentityMethod
  /** e.g. "the Basic user ap…@acme.test". */
  readonly label: string
  readonly auth: Auth
  /** `refused`: the platform knew the identity and refused API access (403). */
  readonly apiAccess: "granted" | "refused"
  /** The roles, when the platform revealed them. */
  readonly roles: ReadonlyArray<string> | null
  readonly rolesFrom: string | null
  /** Whether `contacts/`, a route that route control refuses without Administrator, answered. */
  readonly contacts: "answered" | "refused" | "unknown"
  readonly contactsStatus: number | null
  readonly contactId: string | null
  readonly evidence: ReadonlyArray<Exchange>
  /** A request that could not be decided (5xx, timeout…): the checks report `error`. */
  readonly failure: HttpFailure | null
  /** `contacts/` answered 200 with something that is not a Contacts collection (HTML, broken XML…). */
  readonly unexpected: string | null
  /** Why the contact's roles were not read when their request failed (not sent, timed out…). */
  readonly rolesUnread?: string
  /** How server text (role names) is shown: the audit's door; only neutralised when absent. */
  readonly door?: Door
}

/** The roles as a report shows them: each through the door, at most {@link ROLES_SHOWN}. */
const ROLES_SHOWN = 20
const shownRoles = (v: IdentityView): Array<string> | null => {
  if (v.roles === null) return null
  const door = v.door ?? plainDoor
  const shown = v.roles.slice(0, ROLES_SHOWN).map(door)
  return v.roles.length > ROLES_SHOWN ? [...shown, `… (${v.roles.length - ROLES_SHOWN} more)`] : shown
}

const exchangesOf = (f: Fetched): ReadonlyArray<Exchange> => (Either.isRight(f) ? f.right.exchanges : f.left.exchanges)

/** The identity the role checks examine: the Basic user when Basic sign-in worked, else the token's user. */
export const chooseMethod = (prerequisite: (id: "basic.credentials" | "oauth.token") => CheckResult | undefined) => {
  const ok = (r: CheckResult | undefined) => r !== undefined && (r.status === "pass" || r.status === "warn")
  return ok(prerequisite("basic.credentials")) ? "basic" : "oauth"
}

const routeRefused = (status: number) => status === 403 || status === 404

/** Escapes a string literal for an Arlo filter expression. */
export const filterLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`

/** What a link says about a contact: its ContactID, or what stands where one should. */
export type ContactRef =
  | { readonly _tag: "id"; readonly id: string }
  | { readonly _tag: "invalid"; readonly raw: string }

/** The path of an href as the server wrote it (no resolution, no decoding), without query or fragment. */
const rawPath = (href: string): string => {
  const end = href.search(/[?#]/)
  return end === -1 ? href : href.slice(0, end)
}

/**
 * The ContactID of a link to a contact (`…/contacts/{id}/`), read from the href as the server wrote it:
 * `null` when the link is not to a contact; `invalid` when what follows `contacts/` is not a ContactID
 * (digits: `..`, `%2e%2e`, `1/../x`, `5/security`…). An id goes into a request path, so nothing but
 * digits ever does: `GET …/contacts/../security/roles` would be a request for another resource.
 */
export const contactRef = (href: string): ContactRef | null => {
  const path = rawPath(href)
  // ASCII case only: the index must hold in the href itself.
  const at = path.replace(/[A-Z]/g, (c) => c.toLowerCase()).lastIndexOf("/contacts/")
  if (at === -1) return null
  const rest = path.slice(at + "/contacts/".length).replace(/\/$/, "")
  if (rest === "") return null
  return /^[0-9]{1,19}$/.test(rest) ? { _tag: "id", id: rest } : { _tag: "invalid", raw: rest }
}

const readRoleList = (res: ArloResponse): Array<string> | null => {
  if (res.status !== 200) return null
  const doc = parseXml(res.body)
  return Either.isRight(doc) ? (readRoles(doc.right) ?? null) : null
}

/**
 * Reads a 200 of `contacts/`: the Contacts collection, or why it is not one (the server's words through
 * `door`; the XML reader's messages never quote the document).
 */
export const readContacts = (body: string, door: Door = plainDoor): Either.Either<XmlElement, string> => {
  const doc = parseXml(body)
  if (Either.isLeft(doc))
    return Either.left(`contacts/ answered 200 with a body that is not well-formed XML (${doc.left.message})`)
  const ex = apiException(doc.right)
  if (ex) return Either.left(`contacts/ answered 200 carrying an ApiException (${door(ex.code)})`)
  if (doc.right.name.toLowerCase() !== "contacts")
    return Either.left(`contacts/ answered 200 with <${door(doc.right.name)}> where a Contacts collection was expected`)
  return Either.right(doc.right)
}

/** The URL of a contact's security roles. */
const rolesUrl = (ctx: Pick<CheckContext, "config">, id: string): string =>
  resourcesUrl(ctx, `contacts/${encodeURIComponent(id)}/security/roles`)

/**
 * The contacts whose roles are read: those the lookup by email found (two at most); or, when a contact
 * link carries something else than a ContactID, what it carries (then no roles are requested at all).
 */
export const roleCandidates = (collection: XmlElement): Either.Either<Array<string>, string> => {
  const ids: Array<string> = []
  for (const l of itemLinks(collection)) {
    const ref = contactRef(l.href)
    if (ref === null) continue
    if (ref._tag === "invalid") return Either.left(ref.raw)
    ids.push(ref.id)
  }
  return Either.right(ids.slice(0, 2))
}

/** The Basic contacts lookup as the role checks read it. */
interface BasicContacts {
  readonly fetched: Fetched
  /** The Contacts collection (or why the answer is not one), when the lookup answered 200. */
  readonly collection: Either.Either<XmlElement, string> | undefined
  /** The contacts whose roles are read: found by the user's email, when the username is one. */
  readonly candidates: ReadonlyArray<string>
  /** Why no roles are requested although the lookup found contacts: a link without a ContactID. */
  readonly invalid: string | undefined
}

/** The Basic contacts lookup and its reading, memoised: the answer is read once for every caller. */
const basicContacts = (ctx: CheckContext): Effect.Effect<BasicContacts> =>
  ctx.shared("roles.basic.contacts", () =>
    Effect.map(get(ctx, basicContactsUrl(ctx), basicAuth(ctx)), (fetched) => {
      const collection =
        Either.isRight(fetched) && fetched.right.status === 200
          ? readContacts(fetched.right.body, ctx.http.untrusted)
          : undefined
      const byEmail = ctx.config.basic?.username.includes("@") === true
      const found =
        collection && Either.isRight(collection) && byEmail ? roleCandidates(collection.right) : Either.right([])
      return {
        fetched,
        collection,
        candidates: Either.getOrElse(found, () => []),
        invalid: Either.isLeft(found)
          ? `contacts/ answered a contact link whose ContactID is not a number ('${ctx.http.untrusted(found.left)}'), so its roles were not requested`
          : undefined
      }
    })
  )

/**
 * The Basic contacts lookup and, as soon as it answers with the contacts of the user's email, their
 * roles: those requests leave with the answer they need instead of after the checks that read them.
 * Every request is memoised, so the role checks read these very answers.
 */
export const basicContactsAndRoles = (ctx: CheckContext): Effect.Effect<void> =>
  Effect.flatMap(basicContacts(ctx), ({ candidates }) =>
    Effect.forEach(candidates, (id) => get(ctx, rolesUrl(ctx, id), basicAuth(ctx)), {
      concurrency: "unbounded",
      discard: true
    })
  )

/** Basic has no "who am I": the user's own contact is found by email, when the username is one. */
export const basicContactsUrl = (ctx: Pick<CheckContext, "config">): string => {
  const username = ctx.config.basic?.username ?? ""
  return resourcesUrl(
    ctx,
    username.includes("@")
      ? `contacts/?filter=${encodeURIComponent(`Email eq ${filterLiteral(username)}`)}&top=2`
      : "contacts/?top=1"
  )
}

const basicIdentity = (ctx: CheckContext): Effect.Effect<IdentityView> =>
  Effect.gen(function* () {
    const auth = basicAuth(ctx)
    const username = ctx.config.basic!.username
    const base = {
      method: "basic" as const,
      label: `the Basic user ${maskedHint(username, "identifier")}`,
      auth,
      door: ctx.http.untrusted
    }
    const signIn = yield* basicSignIn(ctx)
    const none = {
      roles: null,
      rolesFrom: null,
      contacts: "unknown" as const,
      contactsStatus: null,
      contactId: null,
      unexpected: null
    }
    if (signIn._tag === "forbidden") {
      return { ...base, ...none, apiAccess: "refused", evidence: signIn.res.exchanges, failure: null }
    }
    if (signIn._tag !== "accepted") {
      const failure = signIn._tag === "failed" ? signIn.failure : null
      return {
        ...base,
        ...none,
        apiAccess: "granted",
        evidence: signIn._tag === "failed" ? [] : signIn.res.exchanges,
        failure
      }
    }
    const evidence: Array<Exchange> = [...signIn.res.exchanges]
    const { fetched: contactsF, collection, candidates, invalid } = yield* basicContacts(ctx)
    evidence.push(...exchangesOf(contactsF))
    if (Either.isLeft(contactsF)) {
      return { ...base, ...none, apiAccess: "granted", evidence, failure: contactsF.left }
    }
    const c = contactsF.right
    const contacts = c.status === 200 ? "answered" : routeRefused(c.status) ? "refused" : "unknown"
    if (contacts === "unknown") {
      return { ...base, ...none, apiAccess: "granted", contactsStatus: c.status, evidence, failure: null }
    }
    if (collection && Either.isLeft(collection)) {
      return {
        ...base,
        ...none,
        apiAccess: "granted",
        contactsStatus: c.status,
        evidence,
        failure: null,
        unexpected: collection.left
      }
    }
    if (invalid !== undefined) {
      return {
        ...base,
        ...none,
        apiAccess: "granted",
        contactsStatus: c.status,
        evidence,
        failure: null,
        unexpected: invalid,
        rolesUnread: invalid
      }
    }
    let contactId: string | null = null
    let roles: Array<string> | null = null
    let unread: string | undefined
    for (const id of candidates) {
      const rf = yield* get(ctx, rolesUrl(ctx, id), auth)
      evidence.push(...exchangesOf(rf))
      if (Either.isLeft(rf)) {
        unread = rf.left.message
        continue
      }
      const list = readRoleList(rf.right)
      if (list !== null && (roles === null || list.includes("API User"))) {
        roles = list
        contactId = id
      }
    }
    return {
      ...base,
      apiAccess: "granted",
      roles,
      rolesFrom: roles ? `contacts/${contactId}/security/roles` : null,
      contacts,
      contactsStatus: c.status,
      contactId,
      evidence,
      failure: null,
      unexpected: null,
      ...(roles === null && unread !== undefined ? { rolesUnread: unread } : {})
    }
  })

const roleClaims = (body: string): { roles: Array<string> | null; sub: string | null } => {
  try {
    const j = JSON.parse(body) as Record<string, unknown>
    const raw = j.role ?? j.roles
    const roles = typeof raw === "string" ? [raw] : Array.isArray(raw) ? raw.filter((x) => typeof x === "string") : null
    return { roles, sub: typeof j.sub === "string" ? j.sub : null }
  } catch {
    return { roles: null, sub: null }
  }
}

const oauthIdentity = (ctx: CheckContext): Effect.Effect<IdentityView> =>
  Effect.gen(function* () {
    const maybeAuth = yield* bearerAuth(ctx)
    const auth: Auth = Option.getOrElse(maybeAuth, (): Auth => ({ _tag: "none" }))
    const base = { method: "oauth" as const, label: "the access token's user", auth, door: ctx.http.untrusted }
    const none = {
      roles: null,
      rolesFrom: null,
      contacts: "unknown" as const,
      contactsStatus: null,
      contactId: null,
      unexpected: null
    }
    const [info, root] = yield* Effect.all([userinfo(ctx, auth), get(ctx, resourcesUrl(ctx), auth)], {
      concurrency: "unbounded"
    })
    const evidence: Array<Exchange> = [...exchangesOf(info), ...exchangesOf(root)]
    if (Either.isLeft(root)) return { ...base, ...none, apiAccess: "granted", evidence, failure: root.left }
    if (root.right.status === 403 && !/insufficient_scope/i.test(root.right.headers["www-authenticate"] ?? "")) {
      return { ...base, ...none, apiAccess: "refused", evidence, failure: null }
    }
    const claims = Either.isRight(info) && info.right.status === 200 ? roleClaims(info.right.body) : null
    const contactsF = yield* get(ctx, resourcesUrl(ctx, "contacts/?top=1"), auth)
    evidence.push(...exchangesOf(contactsF))
    if (Either.isLeft(contactsF)) return { ...base, ...none, apiAccess: "granted", evidence, failure: contactsF.left }
    const s = contactsF.right.status
    return {
      ...base,
      apiAccess: "granted",
      roles: claims?.roles ?? null,
      rolesFrom: claims?.roles ? "the userinfo role claim" : null,
      contacts: s === 200 ? "answered" : routeRefused(s) ? "refused" : "unknown",
      contactsStatus: s,
      contactId: null,
      evidence,
      failure: null,
      unexpected: null
    }
  })

/** The memoised identity probe of a method. */
export const identity = (ctx: CheckContext, method: IdentityMethod): Effect.Effect<IdentityView> =>
  ctx.shared(`roles.identity.${method}`, () => (method === "basic" ? basicIdentity(ctx) : oauthIdentity(ctx)))

/**
 * The identity roles.api-user examined: as it chose it in this audit, else (a re-run that kept its
 * result) as its facts say. The facts are a report's, through the door, so they are the fallback only.
 */
const methodOf = (ctx: CheckContext): Effect.Effect<IdentityMethod> =>
  ctx.shared("roles.method", () =>
    Effect.sync((): IdentityMethod => {
      const facts = ctx.prerequisite("roles.api-user")?.facts
      return facts?.identity === "oauth" ? "oauth" : "basic"
    })
  )

const enableApiUser = {
  steps: [
    'An Arlo administrator enables API access for the user: Settings > Administrators, open the user, enable "Access to the API", save.',
    'Or create a dedicated API user (Settings > Administrators > New Administrator with "Access to the API").'
  ],
  who: "platform-administrator" as const,
  recheck: recheck("roles.api-user")
}

/** roles.api-user from the identity view. */
export const diagnoseApiUser = (v: IdentityView): Outcome => {
  const facts = { identity: v.method, roles: shownRoles(v) }
  if (v.apiAccess === "refused") {
    return {
      status: "fail",
      summary: `The platform knew ${v.label} and refused API access (403): the API User role is missing.`,
      cause: {
        code: "api_user_missing",
        message: "403 on the root collection: authenticated, but not allowed to use the API"
      },
      basis: "inferred",
      facts,
      evidence: v.evidence,
      remediation: enableApiUser
    }
  }
  if (v.roles !== null) {
    if (v.roles.includes("API User")) {
      return pass(`${cap(v.label)} holds the API User role (${v.rolesFrom}).`, {
        basis: "confirmed",
        facts,
        evidence: v.evidence
      })
    }
    return pass(`${cap(v.label)} has API access, though ${v.rolesFrom} does not list API User.`, {
      basis: "inferred",
      facts,
      evidence: v.evidence
    })
  }
  if (v.failure && v.evidence.length === 0)
    return fromFailure("roles.api-user", v.failure, "read the identity's access")
  return pass(`${cap(v.label)} has API access (the API answered it), so it holds the API User role.${unreadNote(v)}`, {
    basis: "inferred",
    facts,
    evidence: v.evidence
  })
}

/** Says why an inference stands where the contact's roles would have confirmed it. */
const unreadNote = (v: IdentityView) =>
  v.rolesUnread === undefined ? "" : ` The contact's roles could not be read to confirm it: ${v.rolesUnread}.`

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

type AdminFact =
  | { readonly held: true; readonly basis: "confirmed" | "inferred"; readonly why: string }
  | { readonly held: false; readonly basis: "confirmed" | "inferred"; readonly why: string; readonly enforced: boolean }
  | { readonly held: null; readonly why: string }

/** Whether the identity holds Administrator, and on what basis. */
export const administratorFact = (v: IdentityView): AdminFact => {
  if (v.roles !== null) {
    if (v.roles.includes("Administrator"))
      return { held: true, basis: "confirmed", why: `${v.rolesFrom} lists Administrator` }
    return {
      held: false,
      basis: "confirmed",
      why: `${v.rolesFrom} lists ${v.roles.length > 0 ? shownRoles(v)!.join(", ") : "no roles"}`,
      enforced: v.contacts !== "answered"
    }
  }
  if (v.contacts === "answered") {
    return {
      held: true,
      basis: "inferred",
      why: "contacts/ answered, a route that role-based route control refuses without Administrator"
    }
  }
  if (v.contacts === "refused") {
    return {
      held: false,
      basis: "inferred",
      why: `contacts/ was refused (${v.contactsStatus}) while the root collection answered: limited access, as for Presenter or API User without Administrator`,
      enforced: true
    }
  }
  if (v.unexpected) return { held: null, why: v.unexpected }
  if (v.contactsStatus !== null) return { held: null, why: `contacts/ answered ${v.contactsStatus}` }
  return { held: null, why: "neither the roles nor the routes answered clearly" }
}

/** Why the roles could not be read: a 5xx is `server_error`, a body that is not a collection `unexpected_response`. */
const unreadableCause = (v: IdentityView, why: string) =>
  v.unexpected
    ? { code: "unexpected_response", message: why }
    : unexpectedCause(v.contactsStatus, "roles_unreadable", why)

/** roles.administrator from the identity view. */
export const diagnoseAdministrator = (v: IdentityView, expectAccess: "full" | "presenter"): Outcome => {
  const f = administratorFact(v)
  const facts = { identity: v.method, roles: shownRoles(v) }
  if (f.held === null) {
    if (v.failure) return fromFailure("roles.administrator", v.failure, "read the identity's roles", v.evidence)
    return {
      status: "error",
      summary: `Could not tell whether ${v.label} holds Administrator: ${f.why}.`,
      cause: unreadableCause(v, f.why),
      evidence: v.evidence,
      remediation: { steps: ["Re-run the check."], who: "you", recheck: recheck("roles.administrator") }
    }
  }
  if (f.held) {
    return pass(
      `${cap(v.label)} holds Administrator${f.basis === "inferred" ? " (inferred)" : ""}: ${f.why}.${unreadNote(v)}`,
      {
        basis: f.basis,
        facts,
        evidence: v.evidence
      }
    )
  }
  if (expectAccess === "presenter") {
    return {
      status: "not_applicable",
      summary: `${cap(v.label)} does not hold Administrator${f.basis === "inferred" ? " (inferred)" : ""}, which Presenter access does not need.`,
      cause: null,
      basis: f.basis,
      facts,
      evidence: v.evidence
    }
  }
  const remediation = {
    steps: [
      "Arlo requires both API User and Administrator for unencumbered API access: an Arlo administrator gives the user administrator access in Settings > Administrators.",
      "If the integration needs only Presenter access, re-run with the expected access set to presenter (ARLO_EXPECT_ACCESS=presenter)."
    ],
    who: "platform-administrator" as const,
    recheck: recheck("roles.administrator")
  }
  if (!f.enforced) {
    return {
      status: "warn",
      summary: `${cap(v.label)} does not hold Administrator (${f.why}), yet the platform restricted no route: it may start to once role-based access control is active.`,
      cause: {
        code: "administrator_missing_unenforced",
        message:
          "Arlo documents API User + Administrator for unencumbered access; this platform does not enforce it now"
      },
      basis: f.basis,
      facts,
      evidence: v.evidence,
      remediation
    }
  }
  return {
    status: "fail",
    summary: `${cap(v.label)} lacks the Administrator role${f.basis === "inferred" ? " (inferred from the routes that answer)" : ""}: API access is limited.`,
    cause: { code: "administrator_missing", message: f.why },
    basis: f.basis,
    facts,
    evidence: v.evidence,
    remediation
  }
}

/** The routes presenter-limits probes, and the fields role trimming hides. */
export const limitedRoutes = [
  "events",
  "eventsessions",
  "eventtemplates",
  "onlineactivities",
  "venues",
  "contacts",
  "registrations",
  "organisations",
  "orders"
] as const
export const trimmedFields = {
  Event: ["Cost", "Notes", "CreditHours"],
  Contact: ["Email", "PhoneMobile", "PhoneWork", "Organisation"]
} as const

/**
 * The URL of the Event an events/ link points to, on the audited platform: only for an href whose
 * path ends in `auth/resources/events/{EventID}/` (digits), read as the server wrote it, so that no
 * dot segment, encoded or not, ever reaches a request path.
 */
export const eventUrl = (ctx: Pick<CheckContext, "config">, href: string): string | null => {
  const path = rawPath(href)
  const i = path.lastIndexOf("/auth/resources/")
  if (i === -1) return null
  const rest = path.slice(i + "/auth/resources/".length)
  return /^events\/[0-9]{1,19}\/?$/.test(rest) ? resourcesUrl(ctx, rest) : null
}

const absentFields = (res: ArloResponse, expected: ReadonlyArray<string>): Array<string> | null => {
  if (res.status !== 200) return null
  const doc = parseXml(res.body)
  if (Either.isLeft(doc)) return null
  const present = new Set([
    ...fieldNames(doc.right),
    ...links(doc.right)
      .map((l) => l.title ?? "")
      .filter((t) => t !== "")
  ])
  return expected.filter((f) => !present.has(f))
}

const presenterLimits = (ctx: CheckContext, v: IdentityView): Effect.Effect<Outcome> =>
  Effect.gen(function* () {
    const fetched = yield* Effect.forEach(
      limitedRoutes,
      (r) => Effect.map(get(ctx, resourcesUrl(ctx, `${r}/?top=1`), v.auth), (f) => [r, f] as const),
      { concurrency: "unbounded" }
    )
    const evidence: Array<Exchange> = []
    const refused: Array<string> = []
    const allowed: Array<string> = []
    const statuses = new Set<number>()
    for (const [route, f] of fetched) {
      evidence.push(...exchangesOf(f))
      if (Either.isLeft(f)) return fromFailure("roles.presenter-limits", f.left, `probe ${route}/`, evidence)
      const s = f.right.status
      if (s === 200) allowed.push(`${route}/`)
      else if (routeRefused(s)) {
        refused.push(`${route}/`)
        statuses.add(s)
      } else {
        return {
          status: "error",
          summary: `Could not read the limits: ${route}/ answered ${s}.`,
          cause: unexpectedCause(s, "unexpected_response", `${route}/ answered ${s}`),
          evidence,
          remediation: { steps: ["Re-run the check."], who: "you", recheck: recheck("roles.presenter-limits") }
        } satisfies Outcome
      }
    }
    // Trimming: compare an Event (and the identity's own Contact, when known) with the fields trimming hides.
    const trimmed: Record<string, Array<string>> = {}
    const events = fetched.find(([r]) => r === "events")?.[1]
    if (events && Either.isRight(events) && events.right.status === 200) {
      const doc = parseXml(events.right.body)
      const first = Either.isRight(doc) ? itemLinks(doc.right)[0] : undefined
      const url = first ? eventUrl(ctx, first.href) : null
      if (url) {
        const ef = yield* get(ctx, url, v.auth)
        evidence.push(...exchangesOf(ef))
        const absent = Either.isRight(ef) ? absentFields(ef.right, trimmedFields.Event) : null
        if (absent && absent.length > 0) trimmed.Event = absent
      }
    }
    if (v.contactId) {
      const cf = yield* get(ctx, resourcesUrl(ctx, `contacts/${encodeURIComponent(v.contactId)}/`), v.auth)
      evidence.push(...exchangesOf(cf))
      const absent = Either.isRight(cf) ? absentFields(cf.right, trimmedFields.Contact) : null
      if (absent && absent.length > 0) trimmed.Contact = absent
    }
    const trimmedText = Object.entries(trimmed)
      .map(([k, fs]) => `${k} without ${fs.join(", ")}`)
      .join("; ")
    const facts = {
      identity: v.method,
      refused,
      allowed,
      trimmed,
      refusalStatus: statuses.size === 0 ? null : [...statuses].sort()
    }
    if (refused.length === 0 && trimmedText === "") {
      return pass(`${cap(v.label)} is refused no probed route and no field was found trimmed.`, { facts, evidence })
    }
    const limits = `refused: ${refused.join(", ") || "none"}${statuses.has(404) ? " (404, indistinguishable from missing)" : ""}; trimmed: ${trimmedText || "none found"}`
    if (ctx.config.expectAccess === "presenter") {
      return pass(`Limited (Presenter) access, as expected: ${limits}.`, { facts, evidence })
    }
    return {
      status: "warn",
      summary: `Limited access: ${limits}.`,
      cause: {
        code: "presenter_limits",
        message: "route control and trimming apply to this identity (see roles.administrator)"
      },
      facts,
      evidence,
      remediation: {
        steps: [
          "Fix roles.administrator to lift these limits, or re-run with the expected access set to presenter if they suit the integration."
        ],
        who: "platform-administrator",
        recheck: recheck("roles.presenter-limits")
      }
    } satisfies Outcome
  })

export const rolesApiUser: CheckSpec = {
  id: "roles.api-user",
  run: (ctx) =>
    Effect.gen(function* () {
      const chosen = chooseMethod(ctx.prerequisite)
      const method = yield* ctx.shared("roles.method", () => Effect.succeed<IdentityMethod>(chosen))
      const v = yield* identity(ctx, method)
      return diagnoseApiUser(v)
    })
}

export const rolesAdministrator: CheckSpec = {
  id: "roles.administrator",
  run: (ctx) =>
    Effect.flatMap(methodOf(ctx), (method) =>
      Effect.map(identity(ctx, method), (v) => diagnoseAdministrator(v, ctx.config.expectAccess))
    )
}

export const rolesPresenterLimits: CheckSpec = {
  id: "roles.presenter-limits",
  run: (ctx) =>
    Effect.gen(function* () {
      const v = yield* identity(ctx, yield* methodOf(ctx))
      const f = administratorFact(v)
      if (f.held === null) {
        if (v.failure) return fromFailure("roles.presenter-limits", v.failure, "read the identity's access", v.evidence)
        return {
          status: "error",
          summary: `Could not tell whether limits apply: ${f.why}.`,
          cause: unreadableCause(v, f.why),
          evidence: v.evidence,
          remediation: { steps: ["Re-run the check."], who: "you", recheck: recheck("roles.presenter-limits") }
        } satisfies Outcome
      }
      if (f.held) {
        return {
          status: "not_applicable",
          summary: `${cap(v.label)} holds Administrator: no route control or trimming applies.`,
          cause: null,
          basis: f.basis
        } satisfies Outcome
      }
      return yield* presenterLimits(ctx, v)
    })
}
