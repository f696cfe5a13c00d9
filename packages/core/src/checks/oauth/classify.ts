/**
 * What the OAuth endpoints' answers mean, by the RFCs alone: the authorize endpoint (RFC 6749 §4.1.1,
 * §4.1.2.1), the token endpoint refusing a deliberately invalid code (§5.2) and the OpenID discovery
 * document. Pure functions over a fetched answer; every string in a view came through the audit's door.
 */
import { Either, Schema } from "effect"
import type { ArloResponse, HttpFailure } from "../../ArloHttp.js"
import type { Fetched } from "../../internal/probes.js"
import {
  aboutApproval,
  aboutRedirectUri,
  challengeError,
  clientCodes,
  readErrorWords
} from "../../internal/protocol.js"
import { type Door, plainDoor } from "../../internal/untrusted.js"
import type { Exchange } from "../../Report.js"

/** Where a remediation sends the developer. */
export const developerPortal = "the OAuth clients section of Arlo's developer portal (developer.arlo.co)"

/** Server words quoted in one of our sentences (they came through the door: capped, one line, scrubbed). */
export const quote = (words: string) => `"${words}"`

// ---------------------------------------------------------------------------------------------------
// The authorize endpoint

/** How the authorize endpoint answered. */
export type AuthorizeView =
  /**
   * The server moved on to the resource owner (RFC 6749 §4.1.1): a redirect anywhere but the redirect
   * URI (a sign-in or interaction page, on any origin, with any 3xx), a sign-in page rendered at once, or
   * a code sent straight to the redirect URI by a server that skips sign-in. So far, client id and
   * redirect URI were accepted.
   */
  | {
      readonly _tag: "signin"
      readonly res: ArloResponse
      readonly how: "redirect" | "page" | "code"
      /** Where it went (origin when another, and path), for the report. */
      readonly where: string
    }
  /** Redirected back to the redirect URI with an RFC 6749 error (e.g. invalid_scope): client and URI known. */
  | {
      readonly _tag: "redirect_error"
      readonly res: ArloResponse
      readonly error: string
      readonly description: string
    }
  /** An error shown without redirecting (§4.1.2.1): the client id or the redirect URI was not trusted. */
  | {
      readonly _tag: "error_page"
      readonly res: ArloResponse
      readonly error: string | null
      readonly description: string
      /** The page's own words about the refusal (capped), when it has any. */
      readonly words: string
      readonly aboutRedirect: boolean
      readonly aboutApproval: boolean
    }
  | { readonly _tag: "not_found"; readonly res: ArloResponse }
  | { readonly _tag: "unexpected"; readonly res: ArloResponse; readonly why: string }
  | { readonly _tag: "failed"; readonly failure: HttpFailure }

/** An authorize error page. */
export type ErrorPage = Extract<AuthorizeView, { _tag: "error_page" }>

const sameTarget = (a: URL, b: URL) =>
  a.origin === b.origin && a.pathname.replace(/\/$/, "") === b.pathname.replace(/\/$/, "")

const parseUrl = (raw: string, base?: string): URL | null => {
  try {
    return new URL(raw, base)
  } catch {
    return null
  }
}

/** Where a redirect went, as the report shows it: the path on the same origin, else origin and path. */
const whereOf = (loc: URL, from: URL | null): string =>
  from && loc.origin === from.origin ? loc.pathname : `${loc.origin}${loc.pathname}`

/** Whether a 200 page is a sign-in (interaction) page rendered in place: it holds a form or a password field. */
const isSignInPage = (body: string): boolean => {
  const head = body.slice(0, 256 * 1024).toLowerCase()
  return head.includes("<form") || /type\s*=\s*["']?password/.test(head)
}

/** A redirect: to the redirect URI (an error or a code), or anywhere else (on to sign-in). */
const classifyRedirect = (
  res: ArloResponse,
  location: string,
  redirectUri: string | null,
  door: Door
): AuthorizeView => {
  const from = parseUrl(res.url)
  const loc = parseUrl(location, res.url)
  if (!loc) return { _tag: "unexpected", res, why: "a redirect to an unreadable location" }
  const redirect = redirectUri ? parseUrl(redirectUri) : null
  if (redirect && sameTarget(loc, redirect)) {
    const error = loc.searchParams.get("error")
    if (error)
      return {
        _tag: "redirect_error",
        res,
        error: door(error),
        description: door(loc.searchParams.get("error_description") ?? "")
      }
    if (loc.searchParams.has("code")) return { _tag: "signin", res, how: "code", where: door(whereOf(loc, from)) }
    return { _tag: "unexpected", res, why: "a redirect to the redirect URI with neither a code nor an error" }
  }
  if (from && loc.href === from.href)
    return { _tag: "unexpected", res, why: `a redirect (${res.status}) to the authorize request itself` }
  return { _tag: "signin", res, how: "redirect", where: door(whereOf(loc, from)) }
}

/**
 * Reads the authorize endpoint's answer by RFC 6749 alone: a redirect to the redirect URI carries an
 * error (or a code); a redirect anywhere else is the server moving on to sign-in, whatever its path or
 * origin; an answer that does not redirect is either a sign-in page rendered in place or an error page
 * (the client id or the redirect URI could not be trusted), read in any shape for its code and words.
 */
export const classifyAuthorize = (
  fetched: Fetched,
  redirectUri: string | null,
  door: Door = plainDoor
): AuthorizeView => {
  if (Either.isLeft(fetched)) return { _tag: "failed", failure: fetched.left }
  const res = fetched.right
  const location = res.headers.location
  if (res.status >= 300 && res.status < 400 && location) return classifyRedirect(res, location, redirectUri, door)
  if (res.status >= 500) return { _tag: "unexpected", res, why: `the authorize endpoint answered ${res.status}` }
  const w = readErrorWords(res.body, res.headers["content-type"] ?? "")
  if (res.status === 200 && w.error === null) {
    if (isSignInPage(res.body))
      return { _tag: "signin", res, how: "page", where: door(parseUrl(res.url)?.pathname ?? "") }
    return { _tag: "unexpected", res, why: "a 200 page that is neither a sign-in page nor names an error" }
  }
  if (res.status === 404 && w.error === null) return { _tag: "not_found", res }
  if (res.status >= 400 || w.error !== null) {
    return {
      _tag: "error_page",
      res,
      error: w.error === null ? null : door(w.error),
      description: door(w.description),
      words: door(w.description || w.text),
      aboutRedirect: aboutRedirectUri(w),
      aboutApproval: aboutApproval(w)
    }
  }
  return {
    _tag: "unexpected",
    res,
    why: `a ${res.status} answer that neither redirects nor names an error`
  }
}

/** Whether an error page's code names the client as what was refused. */
export const pageNamesClient = (a: ErrorPage) =>
  a.error !== null && (clientCodes.has(a.error) || a.error === "unauthorized_client")

// ---------------------------------------------------------------------------------------------------
// The token endpoint (a deliberately invalid authorization code; RFC 6749 §5.2)

export type TokenView =
  /** The client authenticated; the code was (rightly) refused. Nothing was issued. */
  | { readonly _tag: "invalid_grant"; readonly res: ArloResponse }
  | { readonly _tag: "invalid_client"; readonly res: ArloResponse }
  | { readonly _tag: "unauthorized_client"; readonly res: ArloResponse; readonly description: string }
  | { readonly _tag: "other"; readonly res: ArloResponse; readonly error: string | null }
  | { readonly _tag: "failed"; readonly failure: HttpFailure }
  /** No probe: no client secret to authenticate with. */
  | { readonly _tag: "not_sent" }

/**
 * Reads the token endpoint's error (RFC 6749 §5.2) from any body shape, or from the challenge of a 401
 * (client authentication failed: `invalid_client` whether or not the body says so).
 */
export const classifyToken = (fetched: Fetched, door: Door = plainDoor): TokenView => {
  if (Either.isLeft(fetched)) return { _tag: "failed", failure: fetched.left }
  const res = fetched.right
  const w = readErrorWords(res.body, res.headers["content-type"] ?? "")
  const challenged = challengeError(res.headers["www-authenticate"] ?? "")
  const e = w.error ?? challenged ?? (res.status === 401 ? "invalid_client" : null)
  if (e === "invalid_grant") return { _tag: "invalid_grant", res }
  if (e !== null && clientCodes.has(e)) return { _tag: "invalid_client", res }
  if (e === "unauthorized_client") return { _tag: "unauthorized_client", res, description: door(w.description) }
  return { _tag: "other", res, error: e === null ? null : door(e) }
}

/** Whether the token endpoint authenticated the client (it got past client authentication). */
export const tokenAuthenticated = (t: TokenView) => t._tag === "invalid_grant" || t._tag === "unauthorized_client"

/** The exchanges behind a view. */
export const ex = (v: AuthorizeView | TokenView): ReadonlyArray<Exchange> =>
  "res" in v ? v.res.exchanges : v._tag === "failed" ? v.failure.exchanges : []

// ---------------------------------------------------------------------------------------------------
// The OpenID discovery document

/** The OpenID discovery document: published, absent (404: it is optional) or not read (any other failure). */
export type DiscoveryView =
  | { readonly _tag: "published" }
  | { readonly _tag: "absent" }
  | { readonly _tag: "unreadable"; readonly why: string }

/** A discovery document names an `issuer` or an `authorization_endpoint`. */
const DiscoveryDocument = Schema.Union(
  Schema.Struct({ issuer: Schema.String }),
  Schema.Struct({ authorization_endpoint: Schema.String })
)
const isDiscoveryDocument = Schema.is(DiscoveryDocument)
const parseJson = Schema.decodeUnknownEither(Schema.parseJson())

/** Only valid JSON naming an `issuer` or an `authorization_endpoint` is the discovery document. */
export const readDiscovery = (fetched: Fetched): DiscoveryView => {
  if (Either.isLeft(fetched)) return { _tag: "unreadable", why: fetched.left.message }
  const res = fetched.right
  if (res.status === 404) return { _tag: "absent" }
  if (res.status !== 200) return { _tag: "unreadable", why: `it answered ${res.status}` }
  const json = parseJson(res.body)
  if (Either.isLeft(json)) return { _tag: "unreadable", why: "a 200 whose body is not JSON" }
  return isDiscoveryDocument(json.right)
    ? { _tag: "published" }
    : { _tag: "unreadable", why: "a 200 that is not a discovery document" }
}

// ---------------------------------------------------------------------------------------------------
// Scopes

/** The scopes that give a token API data. */
export const functionalScopes: ReadonlyArray<string> = [
  "events",
  "registrations",
  "contacts",
  "organisations",
  "regions",
  "timezones",
  "venues",
  "leads",
  "metadata"
]

/** The scopes Arlo documents (the simulator keeps the same list: a test compares them). */
export const knownScopes: ReadonlySet<string> = new Set([
  "openid",
  "profile",
  "read",
  "write",
  "roles",
  "offline_access",
  "all_claims",
  ...functionalScopes
])
