/** Authentication on the Auth REST API: Basic and Bearer credentials, the role gate and how a 401 looks. */
import { apiException, html, type Reply } from "./Reply.js"
import type { PlatformState, UserState } from "./State.js"

/** What the journal learns about a request's credentials (never the credentials themselves). */
export interface RequestInfo {
  credentials: "none" | "basic" | "bearer" | "client"
  username?: string
  clientId?: string
}

/** `full`: unencumbered; `limited`: route control and trimming. */
export type Access = "full" | "limited"

/** Who a request to the resources authenticated as. */
export interface Identity {
  readonly user: UserState
  readonly access: Access
  /** `undefined`: Basic auth, no scope restriction. */
  readonly scopes: ReadonlySet<string> | undefined
}

const BASIC_CHALLENGE = 'Basic realm="Arlo"'
export const BEARER_INVALID = 'Bearer error="invalid_token"'
const OPAQUE_MESSAGE = "Authentication failed. The credentials supplied are invalid."
const MFA_MESSAGE =
  "Users with MFA enabled are not able to authenticate using the API. Use an Integration Account, or turn MFA off for this user."
const MFA_FORBIDDEN_MESSAGE = "Users with multi-factor authentication (MFA) enabled are not able to access the API."
const LOCKED_MESSAGE = "The user account is locked. An administrator must unlock it before it can sign in."
const NO_API_ACCESS_MESSAGE = "The user does not have access to the API: the API User role is required."

const opaque401 = () => apiException(401, "Unauthorized", OPAQUE_MESSAGE, { "www-authenticate": BASIC_CHALLENGE })
const invalidToken = () =>
  apiException(401, "Unauthorized", "The access token is missing, invalid, expired or revoked.", {
    "www-authenticate": BEARER_INVALID
  })
const locked = (challenge: string) =>
  apiException(401, "AccountLocked", LOCKED_MESSAGE, { "www-authenticate": challenge })
export const forbidden = (message: string) => apiException(403, "Forbidden", message)

/** Decodes `Basic base64(user:pass)`; `undefined` when malformed. */
export const parseBasic = (header: string): { username: string; password: string } | undefined => {
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header)
  if (!m) return undefined
  const decoded = Buffer.from(m[1]!, "base64").toString("utf8")
  const colon = decoded.indexOf(":")
  if (colon <= 0) return undefined
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

/** The token of `Bearer TOKEN`; `undefined` when absent or malformed. */
export const parseBearer = (header: string | undefined): string | undefined => {
  if (header === undefined) return undefined
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return m ? m[1] : undefined
}

const accessOf = (p: PlatformState, u: UserState): Access => {
  if (u.roles.includes("Administrator")) return "full"
  if (u.roles.includes("Presenter")) return "limited"
  return p.dialect.apiUserOnly === "full" ? "full" : "limited"
}

const bearer = (p: PlatformState, header: string, info: RequestInfo): Identity | Reply => {
  info.credentials = "bearer"
  const token = parseBearer(header)
  const known = token === undefined ? undefined : p.tokens.get(token)
  if (known !== undefined) info.username = known.username
  const grant = token === undefined ? undefined : p.validToken(token)
  if (grant === undefined) return invalidToken()
  const u = grant.user
  if (u.locked) return p.dialect.lockedFailure === "explicit" ? locked(BEARER_INVALID) : invalidToken()
  if (!u.roles.includes("API User")) {
    return p.dialect.noApiAccessStatus === 403 ? forbidden(NO_API_ACCESS_MESSAGE) : invalidToken()
  }
  return { user: u, access: accessOf(p, u), scopes: new Set(grant.scopes) }
}

const mfaBlocked = (p: PlatformState): Reply => {
  switch (p.dialect.mfaFailure) {
    case "explicit":
      return apiException(401, "MfaEnabled", MFA_MESSAGE, { "www-authenticate": BASIC_CHALLENGE })
    case "forbidden":
      return forbidden(MFA_FORBIDDEN_MESSAGE)
    case "opaque":
      return opaque401()
  }
}

const basic = (p: PlatformState, header: string | undefined, info: RequestInfo): Identity | Reply => {
  if (header === undefined) return opaque401()
  const creds = parseBasic(header)
  if (/^Basic(\s|$)/i.test(header)) info.credentials = "basic"
  if (creds === undefined) return opaque401()
  info.username = creds.username
  const u = p.user(creds.username)
  if (u === undefined || u.password !== creds.password) return opaque401()
  if (u.locked) return p.dialect.lockedFailure === "explicit" ? locked(BASIC_CHALLENGE) : opaque401()
  if (p.mfaBlocked(u)) return mfaBlocked(p)
  if (!u.roles.includes("API User")) {
    return p.dialect.noApiAccessStatus === 403 ? forbidden(NO_API_ACCESS_MESSAGE) : opaque401()
  }
  return { user: u, access: accessOf(p, u), scopes: undefined }
}

/** The identity behind a request's `Authorization` header, or the error answer; notes the credentials in `info`. */
export const authenticate = (
  p: PlatformState,
  authorization: string | undefined,
  info: RequestInfo
): Identity | Reply =>
  authorization !== undefined && /^Bearer(\s|$)/i.test(authorization)
    ? bearer(p, authorization, info)
    : basic(p, authorization, info)

/** The page an API gateway in front of the API answers a 401 with (dialect `unauthorized: gateway_html`). */
const GATEWAY_401_PAGE =
  "<html><head><title>401 Authorization Required</title></head><body><h1>401 Authorization Required</h1></body></html>\n"

/** Dialect `unauthorized`: how every 401 from the resources reaches the client. */
export const shape401 = (p: PlatformState, reply: Reply): Reply => {
  switch (p.dialect.unauthorized) {
    case "challenge":
      return reply
    case "no_challenge": {
      const { "www-authenticate": _challenge, ...headers } = reply.headers
      return { ...reply, headers }
    }
    case "gateway_html":
      return html(401, GATEWAY_401_PAGE)
  }
}
