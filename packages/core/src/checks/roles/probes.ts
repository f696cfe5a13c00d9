/**
 * The identity the role checks examine: the Basic user (its contact, found by email, and the contact's
 * security roles) or the access token's user (the userinfo role claims), and which routes answer it.
 * Every request is memoised: the three role checks read one identity view.
 */
import { Effect, Either, Option, Predicate, Schema } from "effect"
import type { Auth } from "../../ArloHttp.js"
import type { CheckContext, Prefetch } from "../../internal/check.js"
import { maskedHint } from "../../internal/config/credentials.js"
import { basicAuth, exchangesOf, type Fetched, get, resourcesUrl } from "../../internal/probes.js"
import type { CheckResult, Exchange } from "../../Report.js"
import type { XmlElement } from "../../Xml.js"
import { basicSignIn } from "../basic/probes.js"
import { bearerAuth, userinfo } from "../oauth/probes.js"
import {
  filterLiteral,
  type IdentityMethod,
  type IdentityView,
  readContacts,
  readRoleList,
  roleCandidates,
  routeRefused
} from "./classify.js"

/** The identity the role checks examine: the Basic user when Basic sign-in worked, else the token's user. */
export const chooseMethod = (prerequisite: (id: "basic.credentials" | "oauth.token") => CheckResult | undefined) => {
  const ok = (r: CheckResult | undefined) => r !== undefined && (r.status === "pass" || r.status === "warn")
  return ok(prerequisite("basic.credentials")) ? "basic" : "oauth"
}

/** The URL of a contact's security roles. */
const rolesUrl = (ctx: Pick<CheckContext, "config">, id: string): string =>
  resourcesUrl(ctx, `contacts/${encodeURIComponent(id)}/security/roles`)

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

/**
 * The Basic contacts lookup leads (the roles' URLs need its answer) and sends the password; the role
 * checks read the Basic identity only once basic.credentials has passed.
 */
export const basicContactsPrefetch: Prefetch = {
  secret: true,
  leads: true,
  when: (c, runs) => Boolean(c.basic) && runs("basic.credentials"),
  start: basicContactsAndRoles
}

/** The fields of a view that the platform did not reveal. */
const unrevealed = {
  roles: null,
  rolesFrom: null,
  contacts: "unknown" as const,
  contactsStatus: null,
  contactId: null,
  unexpected: null
}

/** The roles of the first candidate contact that lists API User, else of the first that lists any. */
const candidateRoles = (ctx: CheckContext, candidates: ReadonlyArray<string>, auth: Auth, evidence: Array<Exchange>) =>
  Effect.gen(function* () {
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
    return { contactId, roles, unread }
  })

const basicIdentity = (ctx: CheckContext): Effect.Effect<IdentityView> =>
  Effect.gen(function* () {
    const auth = basicAuth(ctx)
    const base = {
      method: "basic" as const,
      label: `the Basic user ${maskedHint(ctx.config.basic!.username, "identifier")}`,
      auth,
      door: ctx.http.untrusted
    }
    const signIn = yield* basicSignIn(ctx)
    if (signIn._tag === "forbidden") {
      return { ...base, ...unrevealed, apiAccess: "refused", evidence: signIn.res.exchanges, failure: null }
    }
    if (signIn._tag !== "accepted") {
      const failed = signIn._tag === "failed"
      return {
        ...base,
        ...unrevealed,
        apiAccess: "granted",
        evidence: failed ? [] : signIn.res.exchanges,
        failure: failed ? signIn.failure : null
      }
    }
    const evidence: Array<Exchange> = [...signIn.res.exchanges]
    const { fetched: contactsF, collection, candidates, invalid } = yield* basicContacts(ctx)
    evidence.push(...exchangesOf(contactsF))
    if (Either.isLeft(contactsF)) {
      return { ...base, ...unrevealed, apiAccess: "granted", evidence, failure: contactsF.left }
    }
    const c = contactsF.right
    const contacts = c.status === 200 ? "answered" : routeRefused(c.status) ? "refused" : "unknown"
    const granted = { ...base, ...unrevealed, apiAccess: "granted" as const, contactsStatus: c.status, evidence }
    if (contacts === "unknown") return { ...granted, failure: null }
    if (collection && Either.isLeft(collection)) return { ...granted, failure: null, unexpected: collection.left }
    if (invalid !== undefined) return { ...granted, failure: null, unexpected: invalid, rolesUnread: invalid }
    const { contactId, roles, unread } = yield* candidateRoles(ctx, candidates, auth, evidence)
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

/** The userinfo claims, of which the role checks read `role` (or `roles`): one role or a list. */
const readClaims = Schema.decodeUnknownOption(
  Schema.parseJson(Schema.Struct({ role: Schema.optional(Schema.Unknown), roles: Schema.optional(Schema.Unknown) }))
)

/** The roles the userinfo claims list, when they list any. */
const roleClaims = (body: string): Array<string> | null =>
  Option.match(readClaims(body), {
    onNone: () => null,
    onSome: (j) => {
      const raw = j.role ?? j.roles
      return typeof raw === "string" ? [raw] : Array.isArray(raw) ? raw.filter(Predicate.isString) : null
    }
  })

const oauthIdentity = (ctx: CheckContext): Effect.Effect<IdentityView> =>
  Effect.gen(function* () {
    const maybeAuth = yield* bearerAuth(ctx)
    const auth: Auth = Option.getOrElse(maybeAuth, (): Auth => ({ _tag: "none" }))
    const label = ctx.config.oauth?.signIn ? "the user who signed in" : "the access token's user"
    const base = { method: "oauth" as const, label, auth, door: ctx.http.untrusted }
    const [info, root] = yield* Effect.all([userinfo(ctx, auth), get(ctx, resourcesUrl(ctx), auth)], {
      concurrency: "unbounded"
    })
    const evidence: Array<Exchange> = [...exchangesOf(info), ...exchangesOf(root)]
    if (Either.isLeft(root)) return { ...base, ...unrevealed, apiAccess: "granted", evidence, failure: root.left }
    if (root.right.status === 403 && !/insufficient_scope/i.test(root.right.headers["www-authenticate"] ?? "")) {
      return { ...base, ...unrevealed, apiAccess: "refused", evidence, failure: null }
    }
    const roles = Either.isRight(info) && info.right.status === 200 ? roleClaims(info.right.body) : null
    const contactsF = yield* get(ctx, resourcesUrl(ctx, "contacts/?top=1"), auth)
    evidence.push(...exchangesOf(contactsF))
    if (Either.isLeft(contactsF)) {
      return { ...base, ...unrevealed, apiAccess: "granted", evidence, failure: contactsF.left }
    }
    const s = contactsF.right.status
    return {
      ...base,
      apiAccess: "granted",
      roles,
      rolesFrom: roles ? "the userinfo role claim" : null,
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
export const methodOf = (ctx: CheckContext): Effect.Effect<IdentityMethod> =>
  ctx.shared("roles.method", () =>
    Effect.sync((): IdentityMethod => {
      const facts = ctx.prerequisite("roles.api-user")?.facts
      return facts?.identity === "oauth" ? "oauth" : "basic"
    })
  )
