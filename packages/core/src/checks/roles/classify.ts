/**
 * What the role checks read: the identity view the probes build, the contact links and collections the
 * platform answers, and whether the identity holds Administrator. Pure functions; server text reaches a
 * report only through the audit's door.
 */
import { Either } from "effect"
import type { ArloResponse, Auth, HttpFailure } from "../../ArloHttp.js"
import { unexpectedCause } from "../../internal/check.js"
import { type Door, plainDoor } from "../../internal/untrusted.js"
import type { Exchange } from "../../Report.js"
import { apiException, itemLinks, parseXml, roles as readRoles, type XmlElement } from "../../Xml.js"

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
export const shownRoles = (v: IdentityView): Array<string> | null => {
  if (v.roles === null) return null
  const door = v.door ?? plainDoor
  const shown = v.roles.slice(0, ROLES_SHOWN).map(door)
  return v.roles.length > ROLES_SHOWN ? [...shown, `… (${v.roles.length - ROLES_SHOWN} more)`] : shown
}

/** Says why an inference stands where the contact's roles would have confirmed it. */
export const unreadNote = (v: IdentityView) =>
  v.rolesUnread === undefined ? "" : ` The contact's roles could not be read to confirm it: ${v.rolesUnread}.`

export const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

/** Whether a status refuses a route (route control answers 403, or 404 as if it were missing). */
export const routeRefused = (status: number) => status === 403 || status === 404

/** Escapes a string literal for an Arlo filter expression. */
export const filterLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`

/** What a link says about a contact: its ContactID, or what stands where one should. */
export type ContactRef =
  | { readonly _tag: "id"; readonly id: string }
  | { readonly _tag: "invalid"; readonly raw: string }

/** The path of an href as the server wrote it (no resolution, no decoding), without query or fragment. */
export const rawPath = (href: string): string => {
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

/** The roles a contact's `security/roles` answer lists, when it is one. */
export const readRoleList = (res: ArloResponse): Array<string> | null => {
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

/** Whether the identity holds Administrator, and on what basis. */
export type AdminFact =
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
export const unreadableCause = (v: IdentityView, why: string) =>
  v.unexpected
    ? { code: "unexpected_response", message: why }
    : unexpectedCause(v.contactsStatus, "roles_unreadable", why)
