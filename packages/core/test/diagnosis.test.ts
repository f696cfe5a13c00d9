import { Either } from "effect"
import { describe, expect, it } from "vitest"
import type { ArloResponse } from "../src/ArloHttp.js"
import { classifyTransport, displayQuery, HttpFailure, parseRetryAfter } from "../src/ArloHttp.js"
import type { OAuthClient } from "../src/Config.js"
import { diagnoseCredentials } from "../src/checks/basic/credentials.js"
import { diagnoseMfa } from "../src/checks/basic/mfa.js"
import { classifyBasicSignIn, opaque401Possibilities } from "../src/checks/basic/probes.js"
import { classifyAuthorize, classifyToken, readDiscovery } from "../src/checks/oauth/classify.js"
import { diagnoseApproved } from "../src/checks/oauth/client-approved.js"
import { diagnoseRegistered } from "../src/checks/oauth/client-registered.js"
import { diagnoseSecret } from "../src/checks/oauth/client-secret.js"
import { diagnoseRedirectUri, redirectUriProblem } from "../src/checks/oauth/redirect-uri.js"
import { diagnoseScopes } from "../src/checks/oauth/scopes.js"
import { readContacts } from "../src/checks/roles/classify.js"
import { diagnoseReachable, dnsNotFound, noDns } from "../src/checks/target/reachable.js"
import { unexpectedCause } from "../src/internal/check.js"

const res = (status: number, body = "", headers: Record<string, string> = {}): ArloResponse => ({
  status,
  headers,
  body,
  url: "https://acme.arlo.co/oauth/connect/authorize",
  exchanges: [{ method: "GET", path: "/x", status, durationMs: 1 }]
})
const xmlEx = (code: string, message: string) =>
  `<ApiException><Code>${code}</Code><Message>${message}</Message></ApiException>`
const basic = { "www-authenticate": 'Basic realm="Arlo"', "content-type": "application/xml" }

describe("the 401/403 classifier", () => {
  it("reads MFA, lock, opaque 401 and 403", () => {
    const c = (r: ArloResponse) => classifyBasicSignIn(Either.right(r))._tag
    expect(c(res(401, xmlEx("MfaEnabled", "Users with MFA enabled are not able to authenticate"), basic))).toBe("mfa")
    expect(c(res(401, xmlEx("Unauthorized", "Multi-factor authentication blocks this sign-in"), basic))).toBe("mfa")
    expect(c(res(401, xmlEx("AccountLocked", "The user account is locked."), basic))).toBe("locked")
    expect(c(res(401, xmlEx("Unauthorized", "Your account has been locked out"), basic))).toBe("locked")
    expect(
      c(res(401, xmlEx("Unauthorized", "Authentication failed. The credentials supplied are invalid."), basic))
    ).toBe("rejected")
    expect(c(res(401, "", basic))).toBe("rejected")
    expect(c(res(403, xmlEx("Forbidden", "no API access")))).toBe("forbidden")
    expect(c(res(200, "<Resources/>"))).toBe("accepted")
    expect(c(res(200, "<Resources"))).toBe("unexpected")
    expect(c(res(503, xmlEx("ServiceUnavailable", "x")))).toBe("unexpected")
    expect(c(res(404, xmlEx("NotFound", "x")))).toBe("unexpected")
    const f = new HttpFailure({ code: "timeout", message: "slow", exchanges: [] })
    expect(classifyBasicSignIn(Either.left(f))._tag).toBe("failed")
  })

  it("never passes basic.mfa on an opaque 401, and orders possibilities by the MFA setting", () => {
    const opaque = classifyBasicSignIn(Either.right(res(401, xmlEx("Unauthorized", "invalid"), basic)))
    for (const setting of ["optional", "required", "unknown"] as const) {
      const mfa = diagnoseMfa(opaque, setting)
      expect(mfa.status).toBe("warn")
      expect(mfa.cause?.code).toBe("mfa_not_ruled_out")
      const cred = diagnoseCredentials(opaque, setting)
      expect(cred.status).toBe("fail")
      expect(cred.cause?.code).toBe("rejected")
      expect(cred.cause?.possibilities).toHaveLength(4)
    }
    expect(opaque401Possibilities("required")[0]).toMatch(/MFA/)
    expect(opaque401Possibilities("optional")[0]).toMatch(/wrong username or password/)
    expect(opaque401Possibilities("unknown")[0]).toMatch(/wrong username or password/)
    expect(diagnoseMfa(opaque, "unknown").remediation?.steps[0]).toMatch(/Settings > Advanced > Platform security/)
  })

  it("gives MFA remediation by setting", () => {
    const mfa = classifyBasicSignIn(Either.right(res(401, xmlEx("MfaEnabled", "MFA"), basic)))
    const optional = diagnoseMfa(mfa, "optional")
    expect(optional.status).toBe("fail")
    expect(optional.remediation?.steps.join(" ")).toMatch(/own Contact record, Security tab/)
    const required = diagnoseMfa(mfa, "required")
    expect(required.remediation?.steps.join(" ")).toMatch(/Integration Account/)
    expect(required.remediation?.steps.join(" ")).toMatch(/Settings > Administrators > New Administrator/)
    expect(required.remediation?.steps.join(" ")).not.toMatch(/own Contact record/)
    const cred = diagnoseCredentials(mfa, "required")
    expect(cred).toMatchObject({ status: "skipped", blockedBy: ["basic.mfa"] })
  })
})

const client = (o: Partial<OAuthClient> = {}): OAuthClient & { readonly clientId: string } => ({
  clientSecret: null,
  redirectUri: "https://app.example/cb",
  scopes: ["openid", "profile", "offline_access", "all_claims"],
  scopesGiven: true,
  accessToken: null,
  refreshToken: null,
  allowRefresh: false,
  ...o,
  clientId: o.clientId ?? "c1"
})
const page = (code: string, desc: string) =>
  res(400, `<html><p class="error-code">${code}</p><p class="error-description">${desc}</p></html>`, {
    "content-type": "text/html"
  })
const signin = res(302, "", { location: "/acme/oauth/account/login?signin=ab" })
const tokenRes = (status: number, error: string) =>
  res(status, JSON.stringify({ error }), { "content-type": "application/json" })

describe("the OAuth probes combined", () => {
  const A = {
    signin: classifyAuthorize(Either.right(signin), "https://app.example/cb"),
    unknown: classifyAuthorize(
      Either.right(page("unauthorized_client", "Unknown client or client not enabled.")),
      null
    ),
    pending: classifyAuthorize(
      Either.right(page("unauthorized_client", "The client is registered but not approved.")),
      null
    ),
    badRedirect: classifyAuthorize(
      Either.right(page("invalid_request", "The redirect_uri is not registered for this client.")),
      null
    ),
    scope: classifyAuthorize(
      Either.right(res(302, "", { location: "https://app.example/cb?error=invalid_scope&state=x" })),
      "https://app.example/cb"
    )
  }
  const T = {
    grant: classifyToken(Either.right(tokenRes(400, "invalid_grant"))),
    client: classifyToken(Either.right(tokenRes(401, "invalid_client"))),
    unauthorized: classifyToken(Either.right(tokenRes(400, "unauthorized_client")))
  }

  it("classifies the authorize answers", () => {
    expect(A.signin._tag).toBe("signin")
    expect(A.unknown).toMatchObject({ _tag: "error_page", error: "unauthorized_client", aboutApproval: false })
    expect(A.pending).toMatchObject({ _tag: "error_page", aboutApproval: true })
    expect(A.badRedirect).toMatchObject({ _tag: "error_page", error: "invalid_request", aboutRedirect: true })
    expect(A.scope).toMatchObject({ _tag: "redirect_error", error: "invalid_scope" })
    expect(classifyAuthorize(Either.right(res(404, "")), null)._tag).toBe("not_found")
    expect(classifyToken(Either.right(res(401, "")))._tag).toBe("invalid_client")
  })

  it("counts any redirect that is not to the redirect URI as moving on to sign-in (RFC 6749 §4.1.1)", () => {
    const c = (r: ArloResponse) => classifyAuthorize(Either.right(r), "https://app.example/cb")._tag
    const self = "https://acme.arlo.co/oauth/connect/authorize"
    // IdentityServer3, IdentityServer4, oidc-provider, a central identity host, any 3xx.
    expect(c(res(302, "", { location: "/acme/oauth/login?signin=abc" }))).toBe("signin")
    expect(c(res(302, "", { location: "/Account/Login?ReturnUrl=%2Fconnect%2Fauthorize%2Fcallback" }))).toBe("signin")
    expect(c(res(303, "", { location: "/oauth/interaction/Yx1-aB" }))).toBe("signin")
    expect(c(res(307, "", { location: "https://id.example.net/login?login_hint=tenant:acme" }))).toBe("signin")
    expect(c(res(302, "", { location: "/oauth/connect/authorize?client_id=x&prompt=login" }))).toBe("signin")
    // A sign-in page rendered in place.
    const form = '<html><body><form method="post"><input name="u"><input type="password" name="p"></form></body></html>'
    expect(c(res(200, form, { "content-type": "text/html" }))).toBe("signin")
    // To the redirect URI: an error, or a code from a server that skips sign-in.
    expect(c(res(302, "", { location: "https://app.example/cb?error=invalid_scope&state=s" }))).toBe("redirect_error")
    expect(c(res(302, "", { location: "https://app.example/cb?code=abc&state=s" }))).toBe("signin")
    expect(c(res(302, "", { location: "https://app.example/cb?state=s" }))).toBe("unexpected")
    // The request itself again (a loop), a 200 page naming no error and holding no form: undecided.
    expect(c(res(302, "", { location: `${self}` }))).toBe("unexpected")
    const maintenance = "<!DOCTYPE html><html><body><h1>We'll be back soon</h1></body></html>"
    expect(c(res(200, maintenance, { "content-type": "text/html" }))).toBe("unexpected")
    expect(c(res(200, '<Events><Link href="broken></Events>'))).toBe("unexpected")
    const o = client()
    const loop = classifyAuthorize(Either.right(res(302, "", { location: self })), o.redirectUri)
    expect(diagnoseRedirectUri(loop, T.grant, o)).toMatchObject({
      status: "error",
      cause: { code: "authorize_unexpected" }
    })
    const down = classifyAuthorize(Either.right(res(503, "")), o.redirectUri)
    expect(diagnoseRedirectUri(down, T.grant, o)).toMatchObject({ status: "error", cause: { code: "server_error" } })
  })

  it("reads an error page in any shape for its code and words, never by its CSS classes", () => {
    const o = client()
    const page = (body: string, ct = "text/html") =>
      classifyAuthorize(Either.right(res(400, body, { "content-type": ct })), o.redirectUri)
    const shapes = [
      page("<html><body><p>invalid_request: The redirect_uri is not registered for this client.</p></body></html>"),
      page("<html><body><pre>error: invalid_redirect_uri\nerror_description: not registered</pre></body></html>"),
      page('{"error":"invalid_request","error_description":"The redirect_uri is not registered."}', "application/json"),
      page("error=invalid_request&error_description=redirect_uri+mismatch", "application/x-www-form-urlencoded"),
      page('<p class="error-code">invalid_request</p><p class="error-description">Bad redirect URI</p>')
    ]
    for (const a of shapes) {
      expect(a).toMatchObject({ _tag: "error_page", aboutRedirect: true })
      expect(diagnoseRedirectUri(a, T.grant, o)).toMatchObject({
        status: "fail",
        cause: { code: "redirect_uri_not_registered" }
      })
    }
    expect(shapes[1]).toMatchObject({ error: "invalid_redirect_uri" })
    expect(diagnoseRedirectUri(shapes[1]!, T.grant, o).basis).toBe("confirmed")
    expect(diagnoseRedirectUri(shapes[0]!, T.grant, o).basis).toBe("inferred")
    // A page with no words at all: with the client authenticated at the token endpoint, only the redirect
    // URI is left (inferred); without the token probe, the client id or the redirect URI (registered fails).
    const bare = page("<html><body><h1>Error</h1></body></html>")
    expect(diagnoseRedirectUri(bare, T.grant, o)).toMatchObject({
      status: "fail",
      basis: "inferred",
      cause: { code: "redirect_uri_not_registered" }
    })
    expect(diagnoseRegistered(bare, T.grant, o).status).toBe("pass")
    expect(diagnoseRegistered(bare, { _tag: "not_sent" } as const, o)).toMatchObject({
      status: "fail",
      cause: { code: "client_or_redirect_refused" }
    })
    // The page's own words are quoted.
    expect(diagnoseRedirectUri(shapes[0]!, T.grant, o).cause?.message).toMatch(/not registered for this client/)
  })

  it("reads the token endpoint's error from any body shape", () => {
    const t = (status: number, body: string, headers: Record<string, string> = {}) =>
      classifyToken(Either.right(res(status, body, headers)))._tag
    expect(t(400, '{"error":"invalid_grant"}', { "content-type": "application/json" })).toBe("invalid_grant")
    expect(t(400, "error=invalid_grant", { "content-type": "application/x-www-form-urlencoded" })).toBe("invalid_grant")
    expect(t(400, "<html><body><pre>error: invalid_grant</pre></body></html>", { "content-type": "text/html" })).toBe(
      "invalid_grant"
    )
    expect(t(401, "", { "www-authenticate": 'Basic realm="x"' })).toBe("invalid_client")
    expect(t(400, "", { "www-authenticate": 'Basic error="invalid_client"' })).toBe("invalid_client")
    expect(t(400, '{"error":"unauthorized_client"}')).toBe("unauthorized_client")
    expect(t(400, "{}")).toBe("other")
  })

  it("gives a 5xx after the retries the cause server_error on every route", () => {
    const o = client()
    const t = classifyToken(Either.right(res(502, "<ApiException/>")))
    expect(diagnoseSecret(t, o).cause?.code).toBe("server_error")
    expect(diagnoseApproved(A.signin, t, o).cause?.code).toBe("server_error")
    const odd = classifyToken(Either.right(res(400, "{}")))
    expect(diagnoseSecret(odd, o).cause?.code).toBe("token_unexpected")
    const signIn = classifyBasicSignIn(Either.right(res(500, "")))
    expect(diagnoseCredentials(signIn, "optional").cause?.code).toBe("server_error")
    expect(unexpectedCause(503, "roles_unreadable", "x")).toEqual({ code: "server_error", message: "x" })
    expect(unexpectedCause(418, "roles_unreadable", "x")).toEqual({ code: "roles_unreadable", message: "x" })
    expect(unexpectedCause(null, "authorize_unexpected", "x").code).toBe("authorize_unexpected")
  })

  it("takes only a JSON document naming the issuer or authorize endpoint for the discovery document", () => {
    const d = (r: ArloResponse) => readDiscovery(Either.right(r))._tag
    expect(d(res(200, JSON.stringify({ issuer: "https://acme.arlo.co/oauth" })))).toBe("published")
    expect(
      d(res(200, JSON.stringify({ authorization_endpoint: "https://acme.arlo.co/oauth/connect/authorize" })))
    ).toBe("published")
    expect(d(res(404, ""))).toBe("absent")
    expect(d(res(200, "<!DOCTYPE html><html></html>"))).toBe("unreadable")
    expect(d(res(200, '{"issuer": "https://acme'))).toBe("unreadable")
    expect(d(res(200, "[]"))).toBe("unreadable")
    expect(d(res(503, ""))).toBe("unreadable")
    const f = new HttpFailure({ code: "timeout", message: "no complete response within 10 ms", exchanges: [] })
    expect(readDiscovery(Either.left(f))).toEqual({ _tag: "unreadable", why: "no complete response within 10 ms" })
  })

  it("takes only a Contacts collection for an answer of contacts/", () => {
    expect(Either.isRight(readContacts('<Contacts><Link rel="self" href="x"/></Contacts>'))).toBe(true)
    expect(Either.isLeft(readContacts("<!DOCTYPE html><html><body>maintenance</body></html>"))).toBe(true)
    expect(Either.isLeft(readContacts('<Contacts><Link href="broken></Contacts>'))).toBe(true)
    expect(Either.isLeft(readContacts("<ApiException><Code>X</Code><Message>y</Message></ApiException>"))).toBe(true)
    expect(Either.isLeft(readContacts("<Events/>"))).toBe(true)
  })

  it("decides registered / approved / secret / redirect-uri in each combination", () => {
    const o = client()
    // ready
    expect(diagnoseRegistered(A.signin, T.grant, o).status).toBe("pass")
    expect(diagnoseApproved(A.signin, T.grant, o).status).toBe("pass")
    expect(diagnoseSecret(T.grant, o).status).toBe("pass")
    expect(diagnoseRedirectUri(A.signin, T.grant, o).status).toBe("pass")
    // pending, dialect unauthorized_client
    expect(diagnoseRegistered(A.pending, T.unauthorized, o).status).toBe("pass")
    expect(diagnoseApproved(A.pending, T.unauthorized, o).cause?.code).toBe("client_not_approved")
    expect(diagnoseSecret(T.unauthorized, o).status).toBe("pass")
    expect(diagnoseRedirectUri(A.pending, T.unauthorized, o)).toMatchObject({
      status: "skipped",
      blockedBy: ["oauth.client.approved"]
    })
    // pending, dialect login_then_denied
    expect(diagnoseApproved(A.signin, T.unauthorized, o).status).toBe("fail")
    // unknown client, or pending in dialect invalid_client: indistinguishable
    const reg = diagnoseRegistered(A.unknown, T.client, o)
    expect(reg.cause?.code).toBe("client_not_recognised")
    expect(reg.cause?.possibilities?.join(" ")).toMatch(/not approved/)
    expect(reg.remediation?.steps.join(" ")).toMatch(/apisupport@arlo\.co/)
    // wrong secret
    expect(diagnoseRegistered(A.signin, T.client, o).status).toBe("pass")
    expect(diagnoseSecret(T.client, o).cause?.code).toBe("secret_rejected")
    expect(diagnoseApproved(A.signin, T.client, o)).toMatchObject({
      status: "skipped",
      blockedBy: ["oauth.client.secret"]
    })
    // bad redirect URI
    expect(diagnoseRegistered(A.badRedirect, T.grant, o).status).toBe("pass")
    expect(diagnoseRedirectUri(A.badRedirect, T.grant, o).cause?.code).toBe("redirect_uri_not_registered")
    // no secret
    expect(diagnoseSecret({ _tag: "not_sent" }, o).cause?.code).toBe("secret_missing")
    expect(diagnoseRegistered(A.unknown, { _tag: "not_sent" }, o).status).toBe("fail")
  })

  it("checks redirect URIs statically", () => {
    expect(redirectUriProblem("https://app.example/cb")).toBeNull()
    expect(redirectUriProblem("http://localhost:3000/cb")).toBeNull()
    expect(redirectUriProblem("http://app.example/cb")?.code).toBe("redirect_uri_not_https")
    expect(redirectUriProblem("/cb")?.code).toBe("redirect_uri_not_absolute")
    expect(redirectUriProblem(null)?.code).toBe("redirect_uri_missing")
    expect(diagnoseRedirectUri(A.signin, T.grant, client({ redirectUri: "http://app.example/cb" })).status).toBe("fail")
  })

  it("never echoes credentials or a line break from a redirect URI", () => {
    const message = redirectUriProblem("https://me:hunter2pw@app .example/\ncb")?.message ?? ""
    expect(message).not.toContain("hunter2pw")
    expect(message).not.toMatch(/[\r\n]/)
    expect(message).toContain("is not an absolute URI")
  })

  it("checks scopes statically", () => {
    expect(diagnoseScopes(client()).status).toBe("pass")
    expect(diagnoseScopes(client({ scopes: ["openid", "all_claims"] })).cause?.code).toBe("scope_required_missing")
    expect(diagnoseScopes(client({ scopes: ["openid", "profile", "offline_access"] })).cause?.code).toBe(
      "scope_no_data"
    )
    expect(diagnoseScopes(client({ scopes: ["openid", "profile", "events"] })).cause?.code).toBe(
      "scope_no_offline_access"
    )
    expect(
      diagnoseScopes(client({ scopes: ["openid", "profile", "events", "offline_access", "bogus"] })).cause?.code
    ).toBe("scope_unknown")
    expect(diagnoseScopes(client({ scopesGiven: false })).cause?.code).toBe("scopes_not_given")
    expect(
      diagnoseScopes(client({ scopes: ["openid", "profile", "all_claims", "offline_access", "write"] })).summary
    ).toMatch(/write is requested/)
  })
})

describe("ArloHttp helpers", () => {
  it("redacts secret query values in evidence", () => {
    expect(displayQuery("?code=abc&state=1&client_secret=s&filter=Email%20eq%20%27a%27")).toBe(
      "?code=REDACTED&state=1&client_secret=REDACTED&filter=Email eq 'a'"
    )
    expect(displayQuery("")).toBe("")
  })

  it("reads Retry-After as seconds or a date", () => {
    expect(parseRetryAfter("60", 0)).toBe(60)
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 0)).toBe(10)
    expect(parseRetryAfter("soon", 0)).toBeNull()
    expect(parseRetryAfter(undefined, 0)).toBeNull()
  })

  it("classifies transport errors by their cause chain", () => {
    const wrap = (code: string) => ({
      cause: new Error("fetch failed", { cause: Object.assign(new Error(code), { code }) })
    })
    expect(classifyTransport(wrap("ENOTFOUND"), "connect")).toMatchObject({ code: "dns_not_found", retryable: false })
    expect(classifyTransport(wrap("ECONNREFUSED"), "connect")).toMatchObject({
      code: "connection_refused",
      retryable: false
    })
    expect(classifyTransport(wrap("UND_ERR_SOCKET"), "connect")).toMatchObject({
      code: "connection_reset",
      retryable: true
    })
    expect(classifyTransport(wrap("DEPTH_ZERO_SELF_SIGNED_CERT"), "connect")).toMatchObject({
      code: "tls",
      retryable: false
    })
    expect(classifyTransport(wrap("UND_ERR_CONNECT_TIMEOUT"), "connect")).toMatchObject({
      code: "timeout",
      retryable: true
    })
    expect(classifyTransport(new Error("terminated"), "body")).toMatchObject({ code: "connection_reset" })
  })

  it("says a DNS miss on NAME.arlo.co means a wrong platform name", () => {
    expect(dnsNotFound("acmee.arlo.co", []).summary).toBe("No platform named 'acmee': acmee.arlo.co does not resolve.")
    expect(dnsNotFound("proxy.example", []).remediation?.who).toBe("network-administrator")
  })
})

describe("diagnosis from the protocol, not one server's shapes", () => {
  it("a 401 at the Auth API path without a challenge: reachable with a warning, not 'not Arlo'", () => {
    const html = res(401, "<html><body><h1>401 Authorization Required</h1></body></html>", {
      "content-type": "text/html"
    })
    expect(diagnoseReachable("https://acme.arlo.co", "acme", html)).toMatchObject({
      status: "warn",
      cause: { code: "challenge_missing" }
    })
    const xml = res(401, "<ApiException><Code>Unauthorized</Code><Message>m</Message></ApiException>", {
      "content-type": "application/xml"
    })
    expect(diagnoseReachable("https://acme.arlo.co", "acme", xml).status).toBe("pass")
    const challenged = res(401, "", { "www-authenticate": 'Negotiate, Basic realm="x"' })
    expect(diagnoseReachable("https://acme.arlo.co", "acme", challenged).status).toBe("pass")
    // And the credential checks still decide: a gateway's 401 to the credentials is a rejection.
    const signIn = classifyBasicSignIn(Either.right(html))
    expect(diagnoseCredentials(signIn, "optional")).toMatchObject({ status: "fail", cause: { code: "rejected" } })
  })

  it("MFA named in a 403 is MFA: the message is read before the status", () => {
    const body =
      "<ApiException><Code>Forbidden</Code><Message>Users with multi-factor authentication (MFA) enabled are not able to access the API.</Message></ApiException>"
    const s = classifyBasicSignIn(Either.right(res(403, body, { "content-type": "application/xml" })))
    expect(s._tag).toBe("mfa")
    expect(diagnoseMfa(s, "optional")).toMatchObject({ status: "fail", cause: { code: "mfa_enabled" } })
    expect(diagnoseCredentials(s, "optional")).toMatchObject({ status: "skipped", blockedBy: ["basic.mfa"] })
    // A JSON or HTML body naming MFA counts too; a 403 that names nothing is a refusal on access.
    const json = classifyBasicSignIn(Either.right(res(403, '{"message":"Two-factor authentication is required"}')))
    expect(json._tag).toBe("mfa")
    const plain = classifyBasicSignIn(
      Either.right(res(403, "<ApiException><Code>Forbidden</Code><Message>No.</Message></ApiException>"))
    )
    expect(plain._tag).toBe("forbidden")
  })

  it("with no DNS at all, the network is the cause, not the platform name", () => {
    expect(noDns("acme.arlo.co", [])).toMatchObject({ status: "error", cause: { code: "dns_unavailable" } })
    expect(noDns("acme.arlo.co", []).summary).not.toMatch(/No platform named/)
  })
})
