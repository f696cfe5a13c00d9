/**
 * OAuth 2 checks. The facts come from two probes that change nothing: the authorize endpoint (a known
 * client with a registered redirect URI is sent on to sign-in; otherwise an error page whose RFC 6749
 * error code or message is read) and the token endpoint with a deliberately invalid authorization code
 * (`invalid_grant` proves the client authenticated; `invalid_client` and `unauthorized_client` say why
 * not). Where one probe is ambiguous, the two are combined.
 */
import { Effect, Either, Option, Redacted } from "effect"
import type { ArloResponse, Auth, HttpFailure } from "../ArloHttp.js"
import { type AuditConfig, isLoopbackHost, type OAuthClient } from "../Config.js"
import {
  type CheckContext,
  type CheckSpec,
  fromFailure,
  type Outcome,
  pass,
  recheck,
  unexpectedCause
} from "../internal/check.js"
import { echo, withoutUserinfo } from "../internal/echo.js"
import { type Fetched, get, oauthUrl, resourcesUrl } from "../internal/probes.js"
import {
  aboutApproval,
  aboutRedirectUri,
  challengeError,
  clientCodes,
  readErrorWords,
  redirectCodes
} from "../internal/protocol.js"
import { type Door, plainDoor } from "../internal/untrusted.js"
import type { Exchange, Remediation } from "../Report.js"
import { itemLinks, parseXml } from "../Xml.js"

const noOAuth = (c: AuditConfig) => (c.oauth?.clientId ? undefined : "No OAuth client was given (client id).")

/** The OAuth client of a check that applies only with one (see {@link noOAuth}). */
type Client = OAuthClient & { readonly clientId: string }

const oauthOf = (ctx: Pick<CheckContext, "config">): Client => ctx.config.oauth as Client

const randomToken = () => globalThis.crypto.randomUUID().replace(/-/g, "")

const developerPortal = "the OAuth clients section of Arlo's developer portal (developer.arlo.co)"

// ---------------------------------------------------------------------------------------------------
// The authorize probe (RFC 6749 §4.1.1, §4.1.2.1)

/** How the authorize endpoint answered. Every string in a view came through the audit's door. */
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
  const from = parseUrl(res.url)
  if (res.status >= 300 && res.status < 400 && location) {
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
  if (res.status >= 500) return { _tag: "unexpected", res, why: `the authorize endpoint answered ${res.status}` }
  const w = readErrorWords(res.body, res.headers["content-type"] ?? "")
  if (res.status === 200 && w.error === null) {
    if (isSignInPage(res.body)) return { _tag: "signin", res, how: "page", where: door(from?.pathname ?? "") }
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

export const authorizeProbe = (ctx: CheckContext): Effect.Effect<AuthorizeView> => {
  const o = oauthOf(ctx)
  // Classified once per audit, however many checks read it.
  return ctx.shared("oauth.authorize.view", () =>
    ctx
      .shared("oauth.authorize", () => {
        const q = new URLSearchParams({ client_id: o.clientId, response_type: "code", scope: o.scopes.join(" ") })
        if (o.redirectUri) q.set("redirect_uri", o.redirectUri)
        q.set("state", randomToken())
        return Effect.either(
          ctx.http.request({
            method: "GET",
            url: `${oauthUrl(ctx, "connect/authorize")}?${q.toString().replace(/\+/g, "%20")}`,
            auth: { _tag: "none" },
            accept: "text/html",
            redirects: "manual"
          })
        )
      })
      .pipe(Effect.map((f) => classifyAuthorize(f, o.redirectUri, ctx.http.untrusted)))
  )
}

// ---------------------------------------------------------------------------------------------------
// The token probe (a deliberately invalid authorization code; RFC 6749 §5.2)

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

const jsonError = (body: string): { error: string | null } => {
  const w = readErrorWords(body, "application/json")
  return { error: w.error }
}

export const tokenProbe = (ctx: CheckContext): Effect.Effect<TokenView> => {
  const o = oauthOf(ctx)
  if (o.clientSecret === null) return Effect.succeed({ _tag: "not_sent" })
  const secret = o.clientSecret
  return ctx.shared("oauth.token-probe.view", () =>
    ctx
      .shared("oauth.token-probe", () =>
        Effect.either(
          ctx.http.request({
            method: "POST",
            kind: "token-probe",
            url: oauthUrl(ctx, "connect/token"),
            auth: { _tag: "client", clientId: o.clientId, clientSecret: secret },
            accept: "application/json",
            redirects: "manual",
            form: [
              ["grant_type", "authorization_code"],
              ["code", `arlo-ready-invalid-${randomToken()}`],
              ...(o.redirectUri ? ([["redirect_uri", o.redirectUri]] as const) : [])
            ]
          })
        )
      )
      .pipe(Effect.map((f) => classifyToken(f, ctx.http.untrusted)))
  )
}

// ---------------------------------------------------------------------------------------------------
// Diagnosis: the two probes combined

const ex = (v: AuthorizeView | TokenView): ReadonlyArray<Exchange> =>
  "res" in v ? v.res.exchanges : v._tag === "failed" ? v.failure.exchanges : []

const tokenAuthenticated = (t: TokenView) => t._tag === "invalid_grant" || t._tag === "unauthorized_client"

/** Whether an error page's code names the client as what was refused. */
const pageNamesClient = (a: Extract<AuthorizeView, { _tag: "error_page" }>) =>
  a.error !== null && (clientCodes.has(a.error) || a.error === "unauthorized_client")

/** Server words quoted in one of our sentences (they came through the door: capped, one line, scrubbed). */
const quote = (words: string) => `"${words}"`
const approvalRequest = (clientId: string): Remediation => ({
  steps: [
    `Email apisupport@arlo.co to request approval of the OAuth client ${clientId} (give its name and the platform).`,
    "Nothing authenticates with the client until Arlo approves it; re-run once they confirm."
  ],
  who: "arlo-support",
  recheck: recheck("oauth.client.approved")
})

/** oauth.client.registered */
export const diagnoseRegistered = (a: AuthorizeView, t: TokenView, o: Client): Outcome => {
  const evidence = [...ex(a), ...ex(t)]
  if (tokenAuthenticated(t)) {
    return pass(`The platform knows the client ${o.clientId}: the token endpoint authenticated it.`, { evidence })
  }
  if (a._tag === "signin" || a._tag === "redirect_error") {
    return pass(
      `The platform knows the client ${o.clientId}: the authorize endpoint ${a._tag === "signin" ? "moved on to sign-in" : "answered on the redirect URI"}.`,
      { evidence }
    )
  }
  if (a._tag === "error_page" && a.aboutApproval) {
    return pass(`The platform knows the client ${o.clientId} (the authorize endpoint says it is not approved).`, {
      evidence
    })
  }
  if (a._tag === "error_page" && a.aboutRedirect) {
    return pass(
      `The platform knows the client ${o.clientId}: the authorize endpoint checked the redirect URI against its registration.`,
      { evidence }
    )
  }
  if (a._tag === "error_page" && t._tag !== "invalid_client" && !pageNamesClient(a)) {
    // RFC 6749 §4.1.2.1: a page without a redirect means the client id or the redirect URI was not
    // trusted; without the token endpoint's word on the client, the two cannot be told apart.
    return {
      status: "fail",
      summary: `The authorize endpoint refused the client ${o.clientId} or its redirect URI with an error page.`,
      cause: {
        code: "client_or_redirect_refused",
        message: `the authorize endpoint answered ${a.res.status} without redirecting${a.words ? `: ${quote(a.words)}` : ""}`,
        possibilities: [
          "the client id is wrong, or the client is registered for another platform",
          "the redirect URI is not registered for the client",
          "the client is registered but Arlo has not approved it yet"
        ]
      },
      basis: "inferred",
      evidence,
      remediation: {
        steps: [
          `Check the client id and its registered redirect URIs in ${developerPortal}.`,
          "Give the client secret too (ARLO_CLIENT_SECRET): the token endpoint then tells an unknown client from a wrong redirect URI."
        ],
        who: "developer",
        recheck: recheck("oauth.client.registered")
      }
    }
  }
  if (a._tag === "error_page" && (t._tag === "invalid_client" || t._tag === "not_sent" || t._tag === "failed")) {
    return {
      status: "fail",
      summary: `The platform does not recognise the client ${o.clientId}${a.error ? ` (${a.error})` : ""}.`,
      cause: {
        code: "client_not_recognised",
        message: `the authorize endpoint showed an error page${a.words ? ` (${quote(a.words)})` : ""}${t._tag === "invalid_client" ? " and the token endpoint refused the client" : ""}; the platform does not say whether the client is unknown or not yet approved`,
        possibilities: [
          "the client id is wrong, or the client is registered for another platform",
          "the client is registered but Arlo has not approved it yet (this platform answers the same way)",
          "the client was revoked"
        ]
      },
      evidence,
      remediation: {
        steps: [
          `Check the client id against ${developerPortal}.`,
          `If the client is registered there, email apisupport@arlo.co to request its approval (or ask why it was revoked).`
        ],
        who: "developer",
        recheck: recheck("oauth.client.registered")
      }
    }
  }
  if (a._tag === "failed" && t._tag === "failed")
    return fromFailure("oauth.client.registered", t.failure, "reach the OAuth endpoints")
  return {
    status: "error",
    summary: "Could not tell whether the platform knows the client: the OAuth endpoints answered unexpectedly.",
    cause: {
      code: "oauth_unreadable",
      message: `authorize: ${a._tag === "unexpected" ? a.why : a._tag}; token: ${t._tag === "other" ? (t.error ?? `status ${t.res.status}`) : t._tag}`
    },
    evidence,
    remediation: {
      steps: ["Re-run the check; if it persists, compare the base URL with the platform's OAuth server."],
      who: "you",
      recheck: recheck("oauth.client.registered")
    }
  }
}

/** oauth.client.approved (runs once the client is known). */
export const diagnoseApproved = (a: AuthorizeView, t: TokenView, o: Client): Outcome => {
  const evidence = [...ex(a), ...ex(t)]
  if (t._tag === "invalid_grant") {
    return pass("Arlo has approved the client: the token endpoint accepted it and refused only the (invalid) code.", {
      evidence
    })
  }
  if (t._tag === "unauthorized_client" || (a._tag === "error_page" && a.aboutApproval)) {
    return {
      status: "fail",
      summary: `The client ${o.clientId} is registered but Arlo has not approved it.`,
      cause: {
        code: "client_not_approved",
        message:
          t._tag === "unauthorized_client"
            ? `the token endpoint answered unauthorized_client${t.description ? `: ${t.description}` : ""}`
            : `the authorize endpoint says the client is not approved${a._tag === "error_page" && a.description ? `: ${a.description}` : ""}`
      },
      evidence,
      remediation: approvalRequest(o.clientId)
    }
  }
  if (t._tag === "invalid_client" || t._tag === "not_sent") {
    return {
      status: "skipped",
      summary:
        t._tag === "not_sent"
          ? "Approval could not be tested without the client secret."
          : "Approval could not be tested while the client secret is rejected.",
      cause: {
        code: "blocked_by_secret",
        message: "only an authenticated token request shows whether Arlo approved the client"
      },
      blockedBy: ["oauth.client.secret"],
      evidence,
      remediation: null
    }
  }
  if (t._tag === "failed") return fromFailure("oauth.client.approved", t.failure, "test the client's approval", ex(a))
  return {
    status: "error",
    summary: `Could not tell whether Arlo approved the client: the token endpoint answered ${t.res.status}${t.error ? ` (${t.error})` : ""}.`,
    cause: unexpectedCause(t.res.status, "token_unexpected", `the token endpoint answered ${t.error ?? t.res.status}`),
    evidence,
    remediation: { steps: ["Re-run the check."], who: "you", recheck: recheck("oauth.client.approved") }
  }
}

/** oauth.client.secret (runs once the client is known). */
export const diagnoseSecret = (t: TokenView, o: Client): Outcome => {
  const evidence = ex(t)
  if (t._tag === "not_sent") {
    return {
      status: "fail",
      summary: "No client secret was given: the integration cannot exchange codes for tokens without it.",
      cause: { code: "secret_missing", message: "no client secret was given" },
      evidence,
      remediation: {
        steps: [`Copy the client secret from ${developerPortal} and give it (ARLO_CLIENT_SECRET).`],
        who: "developer",
        recheck: recheck("oauth.client.secret")
      }
    }
  }
  if (t._tag === "invalid_grant") {
    return pass(
      "The client secret authenticates the client (the token endpoint answered invalid_grant to the probe code).",
      {
        evidence
      }
    )
  }
  if (t._tag === "unauthorized_client") {
    return pass("The client secret authenticates the client: the token endpoint got past client authentication.", {
      evidence
    })
  }
  if (t._tag === "invalid_client") {
    return {
      status: "fail",
      summary: `The client secret is wrong: the token endpoint refused the client ${o.clientId} (invalid_client).`,
      cause: {
        code: "secret_rejected",
        message:
          "the client is known (the authorize endpoint accepted it) but the token endpoint answered invalid_client"
      },
      evidence,
      remediation: {
        steps: [
          `Copy the client secret again from ${developerPortal}; if it is lost, generate a new one there.`,
          "Update every place the integration keeps it."
        ],
        who: "developer",
        recheck: recheck("oauth.client.secret")
      }
    }
  }
  if (t._tag === "failed") return fromFailure("oauth.client.secret", t.failure, "test the client secret")
  return {
    status: "error",
    summary: `Could not tell whether the secret is right: the token endpoint answered ${t.res.status}${t.error ? ` (${t.error})` : ""}.`,
    cause: unexpectedCause(t.res.status, "token_unexpected", `the token endpoint answered ${t.error ?? t.res.status}`),
    evidence,
    remediation: { steps: ["Re-run the check."], who: "you", recheck: recheck("oauth.client.secret") }
  }
}

/** The static part of oauth.redirect-uri: absolute https (http only on a loopback host, for development). */
export const redirectUriProblem = (redirectUri: string | null): { code: string; message: string } | null => {
  if (redirectUri === null) return { code: "redirect_uri_missing", message: "no redirect URI was given" }
  let u: URL
  try {
    u = new URL(redirectUri)
  } catch {
    return {
      code: "redirect_uri_not_absolute",
      message: `${echo(withoutUserinfo(redirectUri))} is not an absolute URI`
    }
  }
  if (u.hash !== "") return { code: "redirect_uri_fragment", message: "a redirect URI must not have a fragment" }
  if (u.protocol === "https:") return null
  if (u.protocol === "http:" && isLoopbackHost(u.hostname)) return null
  return {
    code: "redirect_uri_not_https",
    message: `Arlo requires an https redirect URI (got ${u.protocol.replace(/:$/, "")}; http is accepted only on loopback, for development)`
  }
}

/**
 * oauth.redirect-uri (runs once the client is known). RFC 6749 §4.1.2.1: an authorize request that is
 * answered with an error page instead of a redirect had its client id or its redirect URI distrusted;
 * when the token endpoint has shown the client is registered and its secret right, the redirect URI is
 * left (inferred), whatever the page's markup.
 */
export const diagnoseRedirectUri = (a: AuthorizeView, t: TokenView, o: Client): Outcome => {
  const evidence = [...ex(a), ...ex(t)]
  const problem = redirectUriProblem(o.redirectUri)
  if (problem) {
    return {
      status: "fail",
      summary: `The redirect URI is not usable: ${problem.message}.`,
      cause: problem,
      evidence,
      remediation: {
        steps: [
          "Give the integration's redirect URI exactly as registered (ARLO_REDIRECT_URI): absolute and https.",
          `Register it for the client in ${developerPortal}.`
        ],
        who: "developer",
        recheck: recheck("oauth.redirect-uri")
      }
    }
  }
  const http = new URL(o.redirectUri!).protocol === "http:"
  if (a._tag === "signin" || a._tag === "redirect_error") {
    return pass(
      `The redirect URI is registered for the client${http ? " (plain http on loopback: for development only)" : ""}.`,
      { evidence }
    )
  }
  const notRegistered = (basis: "confirmed" | "inferred", message: string): Outcome => ({
    status: "fail",
    summary: "The redirect URI is not registered for the client.",
    cause: { code: "redirect_uri_not_registered", message },
    basis,
    evidence,
    remediation: {
      steps: [
        `Add ${echo(withoutUserinfo(o.redirectUri ?? ""))} to the client's redirect URIs in ${developerPortal}, or give the one registered there.`,
        "Redirect URIs must match exactly (scheme, host, port, path)."
      ],
      who: "developer",
      recheck: recheck("oauth.redirect-uri")
    }
  })
  const pageWords = (p: Extract<AuthorizeView, { _tag: "error_page" }>) =>
    p.words ? `: ${quote(p.words)}` : p.error ? ` (${p.error})` : " (no words on the page)"
  if (
    a._tag === "error_page" &&
    !a.aboutApproval &&
    t._tag !== "unauthorized_client" &&
    (a.aboutRedirect || t._tag === "invalid_grant")
  ) {
    // Confirmed when the page names a redirect-URI error code; inferred from its words, or from the two
    // probes together (the token endpoint authenticated the client, so only the redirect URI is left).
    const named = a.error !== null && redirectCodes.has(a.error)
    return notRegistered(
      named ? "confirmed" : "inferred",
      a.aboutRedirect
        ? `the authorize endpoint refused it with an error page instead of redirecting${pageWords(a)}`
        : `the token endpoint shows the client is registered and its secret right, and the authorize endpoint answered ${a.res.status} with an error page instead of redirecting: by RFC 6749 §4.1.2.1 only the redirect URI is left${pageWords(a)}`
    )
  }
  if (a._tag === "error_page" && (a.aboutApproval || t._tag === "unauthorized_client")) {
    return {
      status: "skipped",
      summary: "The redirect URI could not be tested while the client is not approved.",
      cause: { code: "blocked_by_approval", message: "the authorize endpoint refuses an unapproved client first" },
      blockedBy: ["oauth.client.approved"],
      evidence,
      remediation: null
    }
  }
  if (a._tag === "failed") return fromFailure("oauth.redirect-uri", a.failure, "test the redirect URI")
  return {
    status: "error",
    summary: "Could not tell whether the redirect URI is registered: the authorize endpoint answered unexpectedly.",
    cause: unexpectedCause(
      a._tag === "unexpected" ? a.res.status : null,
      "authorize_unexpected",
      a._tag === "unexpected" ? a.why : a._tag
    ),
    evidence,
    remediation: { steps: ["Re-run the check."], who: "you", recheck: recheck("oauth.redirect-uri") }
  }
}

// ---------------------------------------------------------------------------------------------------
// Checks

/** The memoised GET of the OpenID discovery document. */
export const discoveryProbe = (ctx: CheckContext): Effect.Effect<Fetched> =>
  get(ctx, oauthUrl(ctx, ".well-known/openid-configuration"), { _tag: "none" }, "application/json")

/** The OpenID discovery document: published, absent (404: it is optional) or not read (any other failure). */
export type DiscoveryView =
  | { readonly _tag: "published" }
  | { readonly _tag: "absent" }
  | { readonly _tag: "unreadable"; readonly why: string }

/** Only valid JSON naming an `issuer` or an `authorization_endpoint` is the discovery document. */
export const readDiscovery = (fetched: Fetched): DiscoveryView => {
  if (Either.isLeft(fetched)) return { _tag: "unreadable", why: fetched.left.message }
  const res = fetched.right
  if (res.status === 404) return { _tag: "absent" }
  if (res.status !== 200) return { _tag: "unreadable", why: `it answered ${res.status}` }
  try {
    const j = JSON.parse(res.body) as unknown
    if (
      j !== null &&
      typeof j === "object" &&
      !Array.isArray(j) &&
      (typeof (j as Record<string, unknown>).issuer === "string" ||
        typeof (j as Record<string, unknown>).authorization_endpoint === "string")
    )
      return { _tag: "published" }
    return { _tag: "unreadable", why: "a 200 that is not a discovery document" }
  } catch {
    return { _tag: "unreadable", why: "a 200 whose body is not JSON" }
  }
}

export const oauthServer: CheckSpec = {
  id: "oauth.server",
  notApplicable: noOAuth,
  run: (ctx) =>
    Effect.gen(function* () {
      const [discovery, a] = yield* Effect.all([discoveryProbe(ctx), authorizeProbe(ctx)], {
        concurrency: "unbounded"
      })
      const d = readDiscovery(discovery)
      const dEvidence = Either.isRight(discovery) ? discovery.right.exchanges : discovery.left.exchanges
      const evidence = [...dEvidence, ...ex(a)]
      const facts = {
        ...(d._tag === "unreadable"
          ? { discovery: false, discoveryUnread: true }
          : { discovery: d._tag === "published" }),
        ...(a._tag === "signin" ? { signIn: a.how, signInAt: a.where } : {})
      }
      switch (a._tag) {
        case "signin":
        case "redirect_error":
        case "error_page":
          return pass(
            `The OAuth authorize endpoint answers${
              a._tag === "signin"
                ? a.how === "redirect"
                  ? ` (it moved on to sign-in: ${a.res.status} to ${a.where})`
                  : a.how === "page"
                    ? " (with a sign-in page)"
                    : " (it sent a code to the redirect URI without sign-in)"
                : ""
            }${
              d._tag === "published"
                ? "; the discovery document is published"
                : d._tag === "absent"
                  ? " (no discovery document, which is optional)"
                  : `; the discovery document could not be read (${d.why}), which is optional and decides nothing here`
            }.`,
            { evidence, facts }
          )
        case "not_found":
          return {
            status: "fail",
            summary: "The OAuth authorize endpoint does not answer (404).",
            cause: { code: "oauth_not_found", message: "404 at /oauth/connect/authorize" },
            evidence,
            facts,
            remediation: {
              steps: ["Check the base URL: Arlo serves OAuth at BASE/oauth/connect/authorize."],
              who: "you",
              recheck: recheck("oauth.server")
            }
          } satisfies Outcome
        case "failed":
          return fromFailure("oauth.server", a.failure, "reach the OAuth authorize endpoint", dEvidence)
        case "unexpected":
          return {
            status: "error",
            summary: `Could not tell whether the OAuth endpoints work: ${a.why}.`,
            cause: unexpectedCause(a.res.status, "authorize_unexpected", a.why),
            evidence,
            facts,
            remediation: { steps: ["Re-run the check."], who: "you", recheck: recheck("oauth.server") }
          } satisfies Outcome
      }
    })
}

/** A check decided from both client probes (authorize and the invalid-code token request) together. */
const fromBothProbes = (
  id: CheckSpec["id"],
  diagnose: (a: AuthorizeView, t: TokenView, o: Client) => Outcome
): CheckSpec => ({
  id,
  notApplicable: noOAuth,
  run: (ctx) =>
    Effect.map(Effect.all([authorizeProbe(ctx), tokenProbe(ctx)], { concurrency: "unbounded" }), ([a, t]) =>
      diagnose(a, t, oauthOf(ctx))
    )
})

export const oauthRegistered: CheckSpec = fromBothProbes("oauth.client.registered", diagnoseRegistered)

export const oauthApproved: CheckSpec = fromBothProbes("oauth.client.approved", diagnoseApproved)

export const oauthSecret: CheckSpec = {
  id: "oauth.client.secret",
  notApplicable: noOAuth,
  run: (ctx) => Effect.map(tokenProbe(ctx), (t) => diagnoseSecret(t, oauthOf(ctx)))
}

export const oauthRedirectUri: CheckSpec = fromBothProbes("oauth.redirect-uri", diagnoseRedirectUri)

// ---------------------------------------------------------------------------------------------------
// Scopes (static, plus the authorize endpoint's verdict when it ran)

const functionalScopes = [
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

/** The static scope rules. */
export const diagnoseScopes = (o: Client): Outcome => {
  const s = new Set(o.scopes)
  const list = o.scopes.join(" ")
  const remediation = (code: string): Remediation => ({
    steps: [
      "Request openid and profile, all_claims (or the functional scopes the integration needs), and offline_access for a refresh token; add write only if the integration updates data.",
      `Allow the same scopes for the client in ${developerPortal}.`
    ],
    who: "developer",
    recheck: recheck("oauth.scopes"),
    ...(code === "" ? {} : {})
  })
  const missingRequired = ["openid", "profile"].filter((x) => !s.has(x))
  if (missingRequired.length > 0) {
    return {
      status: "fail",
      summary: `The scopes lack ${missingRequired.join(" and ")}, which Arlo requires.`,
      cause: { code: "scope_required_missing", message: `requested: ${list}` },
      remediation: remediation("scope_required_missing")
    }
  }
  if (!s.has("all_claims") && !functionalScopes.some((f) => s.has(f))) {
    return {
      status: "fail",
      summary: "The scopes include neither all_claims nor a functional scope: the token would get no API data.",
      cause: { code: "scope_no_data", message: `requested: ${list}` },
      remediation: remediation("scope_no_data")
    }
  }
  const warnings: Array<string> = []
  const unknown = o.scopes.filter((x) => !knownScopes.has(x))
  if (unknown.length > 0)
    warnings.push(`${unknown.join(", ")} ${unknown.length === 1 ? "is" : "are"} not a documented Arlo scope`)
  if (!s.has("offline_access")) warnings.push("offline_access is missing, so no refresh token is issued")
  if (!o.scopesGiven) warnings.push(`no scopes were given; the recommended set was audited (${list})`)
  const notes = s.has("write") ? " write is requested: grant it only if the integration updates data." : ""
  if (warnings.length > 0) {
    return {
      status: "warn",
      summary: `The scopes work, but ${warnings.join("; ")}.${notes}`,
      cause: {
        code:
          unknown.length > 0
            ? "scope_unknown"
            : !s.has("offline_access")
              ? "scope_no_offline_access"
              : "scopes_not_given",
        message: `requested: ${list}`
      },
      remediation: remediation("warn")
    }
  }
  return pass(
    `The scopes (${list}) include openid, profile, ${s.has("all_claims") ? "all_claims" : "functional scopes"} and offline_access.${notes}`
  )
}

export const oauthScopes: CheckSpec = {
  id: "oauth.scopes",
  notApplicable: noOAuth,
  run: (ctx) =>
    Effect.gen(function* () {
      const o = oauthOf(ctx)
      const staticOutcome = diagnoseScopes(o)
      if (staticOutcome.status === "fail") return staticOutcome
      // The authorize endpoint validates scopes too; read its verdict when it ran in this audit.
      const server = yield* ctx.awaitResult("oauth.server")
      if (Option.isNone(server) || server.value.status !== "pass") return staticOutcome
      const a = yield* authorizeProbe(ctx)
      if (a._tag === "redirect_error" && a.error === "invalid_scope") {
        return {
          status: "fail",
          summary: `The platform refused the requested scopes (invalid_scope)${a.description ? `: ${a.description}` : ""}.`,
          cause: {
            code: "scope_refused",
            message: "the authorize endpoint answered invalid_scope: a scope is unknown or not allowed for the client"
          },
          evidence: ex(a),
          remediation: {
            steps: [
              `Allow the requested scopes for the client in ${developerPortal}, or request only the scopes it allows.`,
              "Request openid, profile, all_claims (or functional scopes) and offline_access."
            ],
            who: "developer",
            recheck: recheck("oauth.scopes")
          }
        } satisfies Outcome
      }
      return staticOutcome
    })
}

// ---------------------------------------------------------------------------------------------------
// An access token

/** The access token to test: the one supplied, or one from redeeming the refresh token (opt-in only). */
export type AccessTokenView =
  | {
      readonly _tag: "token"
      readonly token: Redacted.Redacted<string>
      readonly from: "supplied" | "refresh"
      readonly evidence: ReadonlyArray<Exchange>
    }
  | { readonly _tag: "none"; readonly reason: string }
  | { readonly _tag: "refresh_refused"; readonly res: ArloResponse; readonly error: string | null }
  | { readonly _tag: "failed"; readonly failure: HttpFailure }

export const accessTokenProbe = (ctx: CheckContext): Effect.Effect<AccessTokenView> => {
  const o = ctx.config.oauth
  if (!o) return Effect.succeed({ _tag: "none", reason: "no OAuth client" })
  if (o.accessToken) return Effect.succeed({ _tag: "token", token: o.accessToken, from: "supplied", evidence: [] })
  if (!o.refreshToken) return Effect.succeed({ _tag: "none", reason: "No access token was given, so none was tested." })
  if (!o.allowRefresh) {
    return Effect.succeed({
      _tag: "none",
      reason:
        "A refresh token was given but not redeemed (redeeming can rotate it and break a live integration); allow refresh to test it."
    })
  }
  const refreshToken = o.refreshToken
  const clientId = o.clientId ?? ""
  return ctx.shared("oauth.refresh", () =>
    Effect.gen(function* () {
      const fetched = yield* Effect.either(
        ctx.http.request({
          method: "POST",
          kind: "token-refresh",
          url: oauthUrl(ctx, "connect/token"),
          auth: { _tag: "client", clientId, clientSecret: o.clientSecret },
          accept: "application/json",
          redirects: "manual",
          form: [
            ["grant_type", "refresh_token"],
            ["refresh_token", refreshToken],
            ...(o.redirectUri ? ([["redirect_uri", o.redirectUri]] as const) : [])
          ]
        })
      )
      if (Either.isLeft(fetched)) return { _tag: "failed", failure: fetched.left } satisfies AccessTokenView
      const res = fetched.right
      if (res.status === 200) {
        try {
          const j = JSON.parse(res.body) as { access_token?: unknown }
          if (typeof j.access_token === "string" && j.access_token !== "") {
            return {
              _tag: "token",
              token: Redacted.make(j.access_token),
              from: "refresh",
              evidence: res.exchanges
            } satisfies AccessTokenView
          }
        } catch {
          // fall through
        }
      }
      const refused = jsonError(res.body).error
      return {
        _tag: "refresh_refused",
        res,
        error: refused === null ? null : ctx.http.untrusted(refused)
      } satisfies AccessTokenView
    })
  )
}

/** The Bearer auth of the tested access token, when there is one. */
export const bearerAuth = (ctx: CheckContext): Effect.Effect<Option.Option<Auth>> =>
  Effect.map(accessTokenProbe(ctx), (v) =>
    v._tag === "token" ? Option.some<Auth>({ _tag: "bearer", token: v.token }) : Option.none()
  )

/** The userinfo claims (JSON) of the tested access token. */
export const userinfo = (ctx: CheckContext, auth: Auth): Effect.Effect<Fetched> =>
  get(ctx, oauthUrl(ctx, "connect/userinfo"), auth, "application/json")

const bearerError = (res: ArloResponse) => challengeError(res.headers["www-authenticate"] ?? "")

export const oauthToken: CheckSpec = {
  id: "oauth.token",
  notApplicable: (c) => {
    if (!c.oauth) return "No OAuth client was given (client id)."
    if (c.oauth.accessToken) return undefined
    if (c.oauth.refreshToken && c.oauth.allowRefresh) return undefined
    return c.oauth.refreshToken
      ? "A refresh token was given but not redeemed (redeeming can rotate it and break a live integration); allow refresh to test it."
      : "No access token was given, so none was tested."
  },
  run: (ctx) =>
    Effect.gen(function* () {
      const tv = yield* accessTokenProbe(ctx)
      if (tv._tag === "none") return { status: "not_applicable", summary: tv.reason, cause: null } satisfies Outcome
      if (tv._tag === "failed") return fromFailure("oauth.token", tv.failure, "redeem the refresh token")
      if (tv._tag === "refresh_refused") {
        return {
          status: "fail",
          summary: `The refresh token was refused (${tv.error ?? tv.res.status}): it is expired, revoked or already rotated.`,
          cause: {
            code: "refresh_token_rejected",
            message: `the token endpoint answered ${tv.error ?? tv.res.status}`
          },
          evidence: tv.res.exchanges,
          remediation: {
            steps: [
              "Sign in through the integration again to get new tokens (request offline_access for a refresh token)."
            ],
            who: "developer",
            recheck: recheck("oauth.token")
          }
        } satisfies Outcome
      }
      const auth: Auth = { _tag: "bearer", token: tv.token }
      const [info, root] = yield* Effect.all([userinfo(ctx, auth), get(ctx, resourcesUrl(ctx), auth)], {
        concurrency: "unbounded"
      })
      const before = [...tv.evidence, ...(Either.isRight(info) ? info.right.exchanges : info.left.exchanges)]
      const evidence = [...before, ...(Either.isRight(root) ? root.right.exchanges : root.left.exchanges)]
      const refreshed =
        tv.from === "refresh"
          ? " (obtained by redeeming the refresh token; if the platform rotates refresh tokens, the one given no longer works)"
          : ""
      if (Either.isLeft(root)) return fromFailure("oauth.token", root.left, "test the access token", before)
      const r = root.right
      const rejected = (Either.isRight(info) && info.right.status === 401) || r.status === 401
      if (rejected) {
        const err = bearerError(r.status === 401 ? r : Either.isRight(info) ? info.right : r)
        return {
          status: "fail",
          summary: `The API refused the access token (401${err ? ` ${err}` : ""}): it is expired, revoked, or its client is no longer approved.`,
          cause: {
            code: "token_rejected",
            message: `401${err ? ` ${err}` : ""} with the Bearer token`,
            possibilities: [
              "the token expired (access tokens are short-lived) or was revoked",
              "the client is no longer approved",
              "the token's user lacks the API User role (some platforms answer 401 rather than 403)",
              "the token was issued for another platform"
            ]
          },
          evidence,
          remediation: {
            steps: [
              "Get a fresh access token (they expire; use the refresh token to renew it).",
              "If fresh tokens are refused too, check the client's approval and status in the developer portal."
            ],
            who: "developer",
            recheck: recheck("oauth.token")
          }
        } satisfies Outcome
      }
      if (r.status === 403) {
        const err = bearerError(r)
        if (err === "insufficient_scope") {
          return {
            status: "fail",
            summary: "The access token reaches the API but its scopes give it no data (403 insufficient_scope).",
            cause: { code: "insufficient_scope", message: "403 insufficient_scope on the root collection" },
            evidence,
            remediation: {
              steps: [
                "Request all_claims (or the functional scopes the integration needs) and sign in again for a new token."
              ],
              who: "developer",
              recheck: recheck("oauth.token")
            }
          } satisfies Outcome
        }
        return pass(
          `The access token is valid; the API refuses its user access (403): see the API User role.${refreshed}`,
          {
            evidence
          }
        )
      }
      if (r.status === 200) {
        const doc = parseXml(r.body)
        const collections = Either.isRight(doc) ? itemLinks(doc.right).length : 0
        if (collections === 0) {
          return {
            status: "fail",
            summary:
              "The access token is accepted but sees no collections: its scopes include neither all_claims nor a functional scope.",
            cause: { code: "token_no_data", message: "the root collection lists nothing for this token" },
            evidence,
            remediation: {
              steps: [
                "Request all_claims (or the functional scopes the integration needs) and sign in again for a new token."
              ],
              who: "developer",
              recheck: recheck("oauth.token")
            }
          } satisfies Outcome
        }
        return pass(`The API accepts the access token${refreshed}.`, { evidence })
      }
      return {
        status: "error",
        summary: `Could not tell whether the access token works: the API answered ${r.status}.`,
        cause: unexpectedCause(r.status, "unexpected_response", `the root collection answered ${r.status}`),
        evidence,
        remediation: { steps: ["Re-run the check."], who: "you", recheck: recheck("oauth.token") }
      } satisfies Outcome
    })
}
