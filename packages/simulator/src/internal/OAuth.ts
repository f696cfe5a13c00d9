/** OAuth 2 in the IdentityServer layout Arlo uses: authorize, token, userinfo, revocation, discovery. */
import * as crypto from "node:crypto"
import { knownScopes } from "../Scenario.js"
import { BEARER_INVALID, parseBasic, parseBearer, type RequestInfo } from "./Auth.js"
import { escapeXml, html, json, type Reply, redirect } from "./Reply.js"
import * as SignIn from "./SignIn.js"
import type { ClientState, PlatformState } from "./State.js"

const known = new Set<string>(knownScopes)

/** Why the authorize endpoint shows an error page instead of redirecting. */
interface AuthorizeFailure {
  /** Today's page (dialect `classes`): the code and description it shows. */
  readonly classes: readonly [code: string, description: string]
  /** The RFC 6749 error name (dialects `paragraph` and `json`). */
  readonly rfc: string
  /** The name an IdentityServer-style `<pre>` page uses (dialect `pre`), outside the RFC list for the redirect URI. */
  readonly pre: string
  /** The description of the `paragraph`, `pre` and `json` pages. */
  readonly description: string
}

const UNKNOWN_CLIENT: AuthorizeFailure = {
  classes: ["unauthorized_client", "Unknown client or client not enabled."],
  rfc: "invalid_client",
  pre: "invalid_client",
  description: "Unknown client."
}
const NOT_APPROVED: AuthorizeFailure = {
  classes: ["unauthorized_client", "The client is registered but not approved: ask Arlo support to approve it."],
  rfc: "unauthorized_client",
  pre: "unauthorized_client",
  description: "The client is registered but not approved."
}
const REDIRECT_URI: AuthorizeFailure = {
  classes: ["invalid_request", "The redirect_uri is not registered for this client."],
  rfc: "invalid_request",
  pre: "invalid_redirect_uri",
  description: "The redirect_uri is not registered for this client."
}

const plainErrorPage = (inner: string): Reply =>
  html(
    400,
    `<!DOCTYPE html>
<html>
<head><title>Error</title></head>
<body>
<h1>Error</h1>
${inner}
</body>
</html>
`
  )

/** The authorize endpoint's error page, in the platform's `authorizeError` dialect. Never a redirect. */
const errorPage = (p: PlatformState, f: AuthorizeFailure): Reply => {
  switch (p.dialect.authorizeError) {
    case "classes":
      return html(
        400,
        `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Arlo: sign-in error</title></head>
<body>
<h1>Sorry, there was an error</h1>
<p class="error-code">${escapeXml(f.classes[0])}</p>
<p class="error-description">${escapeXml(f.classes[1])}</p>
</body>
</html>
`
      )
    case "paragraph":
      return plainErrorPage(`<p>${escapeXml(f.rfc)}: ${escapeXml(f.description)}</p>`)
    case "pre":
      return plainErrorPage(`<pre>error: ${escapeXml(f.pre)}\nerror_description: ${escapeXml(f.description)}</pre>`)
    case "json":
      return json(400, { error: f.rfc, error_description: f.description })
  }
}

const withQuery = (uri: string, params: Record<string, string | undefined>): string => {
  const u = new URL(uri)
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v)
  return u.toString()
}

const splitScopes = (raw: string | null | undefined): Array<string> =>
  (raw ?? "")
    .split(/[\s+]+/)
    .map((s) => s.trim())
    .filter((s) => s !== "")

/**
 * Where a valid authorize request goes to sign in, in the platform's `signIn` dialect, carrying the
 * pending sign-in's id. `rawQuery` is the request's query string as received (no `?`); `centralOrigin`
 * the other origin a `central` platform signs in on; `action` where the login form posts.
 */
const signIn = (p: PlatformState, rawQuery: string, centralOrigin: string, id: string, action: string): Reply => {
  switch (p.dialect.signIn) {
    case "identityserver3":
      return redirect(`/${p.name}/oauth/account/login?signin=${id}`)
    case "identityserver4": {
      const returnUrl = `/${p.name}/oauth/connect/authorize/callback?${rawQuery}`
      return redirect(`/${p.name}/Account/Login?ReturnUrl=${encodeURIComponent(returnUrl)}`)
    }
    case "oidc-provider":
      return redirect(`/${p.name}/oauth/interaction/${id}`, 303)
    case "central":
      return redirect(`${centralOrigin}${CENTRAL_LOGIN_PATH}?signin=${id}&login_hint=tenant:${p.name}`)
    case "page":
      return SignIn.loginPage(p, id, action)
  }
}

/** The path of the sign-in page on the central identity host (dialect `signIn: central`). */
export const CENTRAL_LOGIN_PATH = "/identity/login"

/** `GET /oauth/connect/authorize` (and, under `signIn: identityserver4`, `…/authorize/callback`). */
export const authorize = (p: PlatformState, rawQuery: string, centralOrigin: string, baseUrl: string): Reply => {
  const search = new URLSearchParams(rawQuery)
  const clientId = search.get("client_id") ?? ""
  const client = p.clients.get(clientId)
  if (client === undefined || client.status === "revoked") return errorPage(p, UNKNOWN_CLIENT)
  if (client.status === "pending") {
    if (p.dialect.unapprovedClient === "unauthorized_client") return errorPage(p, NOT_APPROVED)
    if (p.dialect.unapprovedClient === "invalid_client") return errorPage(p, UNKNOWN_CLIENT)
  }
  const redirectUri = search.get("redirect_uri") ?? ""
  if (!client.redirectUris.includes(redirectUri)) return errorPage(p, REDIRECT_URI)
  const state = search.get("state") ?? undefined
  if (search.get("response_type") !== "code") {
    return redirect(withQuery(redirectUri, { error: "unsupported_response_type", state }))
  }
  const scopes = splitScopes(search.get("scope"))
  const bad = scopes.find((s) => !known.has(s) || !client.allowedScopes.includes(s))
  if (scopes.length === 0 || bad !== undefined) {
    return redirect(
      withQuery(redirectUri, {
        error: "invalid_scope",
        error_description: bad === undefined ? "No scope was requested." : `The scope "${bad}" is not allowed.`,
        state
      })
    )
  }
  const challenge = search.get("code_challenge") ?? undefined
  const method = search.get("code_challenge_method") ?? (challenge === undefined ? undefined : "plain")
  if (method !== undefined && method !== "S256" && method !== "plain") {
    return redirect(
      withQuery(redirectUri, {
        error: "invalid_request",
        error_description: "code_challenge_method must be S256.",
        state
      })
    )
  }
  const id = SignIn.pend(
    p,
    {
      clientId,
      redirectUri,
      scopes,
      state,
      codeChallenge: challenge,
      codeChallengeMethod: method,
      nonce: search.get("nonce") ?? undefined
    },
    p.dialect.signIn === "identityserver4"
      ? SignIn.returnUrlId(rawQuery)
      : p.dialect.signIn === "oidc-provider"
        ? SignIn.interactionId()
        : undefined
  )
  return signIn(p, rawQuery, centralOrigin, id, `${baseUrl}${SignIn.SIGN_IN_PATH}`)
}

const tokenHeaders = { "cache-control": "no-store", pragma: "no-cache" }
const invalidClient = () =>
  json(401, { error: "invalid_client" }, { ...tokenHeaders, "www-authenticate": 'Basic realm="Arlo"' })
const oauthError = (status: number, error: string, description?: string) =>
  json(status, description === undefined ? { error } : { error, error_description: description }, tokenHeaders)

const safeDecode = (s: string) => {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "))
  } catch {
    return s
  }
}

/** A request to the token or revocation endpoint. */
export interface ClientRequest {
  readonly authorization: string | undefined
  /** The form body. */
  readonly form: URLSearchParams
  readonly info: RequestInfo
}

/** Client authentication at the token and revocation endpoints: HTTP Basic or form fields. */
const authenticateClient = (
  p: PlatformState,
  { authorization, form, info }: ClientRequest
): ClientState | undefined => {
  let id: string | undefined
  let secret: string | undefined
  const basic = authorization === undefined ? undefined : parseBasic(authorization)
  if (basic !== undefined) {
    id = safeDecode(basic.username)
    secret = safeDecode(basic.password)
  } else {
    id = form.get("client_id") ?? undefined
    secret = form.get("client_secret") ?? undefined
  }
  if (id !== undefined || secret !== undefined) info.credentials = "client"
  if (id !== undefined) info.clientId = id
  const client = id === undefined ? undefined : p.clients.get(id)
  if (client === undefined || client.status === "revoked" || secret === undefined || client.clientSecret !== secret) {
    return undefined
  }
  return client
}

const idToken = (p: PlatformState, baseUrl: string, clientId: string, username: string, nonce?: string) => {
  const u = p.user(username)
  const now = Math.floor(Date.now() / 1000)
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url")
  const header = enc({ alg: "HS256", typ: "JWT" })
  const payload = enc({
    iss: `${baseUrl}/oauth`,
    aud: clientId,
    sub: String(u?.contactId ?? ""),
    iat: now,
    exp: now + p.tokenLifetimeSeconds,
    tenant: p.name,
    ...(nonce === undefined ? {} : { nonce })
  })
  const sig = crypto.createHmac("sha256", `arlo-simulator:${p.name}`).update(`${header}.${payload}`).digest("base64url")
  return `${header}.${payload}.${sig}`
}

/** `POST /oauth/connect/token` */
export const token = (p: PlatformState, baseUrl: string, request: ClientRequest): Reply => {
  const { form, info } = request
  const client = authenticateClient(p, request)
  if (client === undefined) return invalidClient()
  if (client.status === "pending") {
    if (p.dialect.unapprovedClient === "invalid_client") return invalidClient()
    return oauthError(400, "unauthorized_client", "The client is registered but not approved by Arlo.")
  }
  const grantType = form.get("grant_type")
  if (grantType === null || grantType === "") return oauthError(400, "invalid_request", "grant_type is required.")
  const issue = (username: string, scopes: ReadonlyArray<string>, nonce?: string) => {
    const { accessToken, refreshToken } = p.issueTokens(client.clientId, username, scopes)
    info.username = username
    return json(
      200,
      {
        access_token: accessToken,
        token_type: "Bearer",
        expires_in: p.tokenLifetimeSeconds,
        id_token: idToken(p, baseUrl, client.clientId, username, nonce),
        ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
        scope: scopes.join(" ")
      },
      tokenHeaders
    )
  }
  if (grantType === "authorization_code") {
    const code = form.get("code") ?? ""
    const grant = p.codes.get(code)
    if (
      grant === undefined ||
      grant.used ||
      Date.now() >= grant.expiresAt ||
      grant.clientId !== client.clientId ||
      grant.redirectUri !== (form.get("redirect_uri") ?? "") ||
      !SignIn.verifierMatches(grant.codeChallenge, grant.codeChallengeMethod, form.get("code_verifier"))
    ) {
      if (grant !== undefined) grant.used = true
      return oauthError(400, "invalid_grant")
    }
    grant.used = true
    return issue(grant.username, grant.scopes, grant.nonce)
  }
  if (grantType === "refresh_token") {
    const rt = form.get("refresh_token") ?? ""
    const grant = p.refreshTokens.get(rt)
    if (grant === undefined || grant.revoked || grant.clientId !== client.clientId) {
      return oauthError(400, "invalid_grant")
    }
    grant.revoked = true
    return issue(grant.username, grant.scopes)
  }
  return oauthError(400, "unsupported_grant_type")
}

/** `GET|POST /oauth/connect/userinfo` */
export const userinfo = (p: PlatformState, authorization: string | undefined, info: RequestInfo): Reply => {
  const t = parseBearer(authorization)
  if (authorization !== undefined) info.credentials = /^Bearer(\s|$)/i.test(authorization) ? "bearer" : "none"
  const knownGrant = t === undefined ? undefined : p.tokens.get(t)
  if (knownGrant !== undefined) info.username = knownGrant.username
  const grant = t === undefined ? undefined : p.validToken(t)
  if (grant === undefined) {
    return json(401, { error: "invalid_token" }, { "www-authenticate": BEARER_INVALID })
  }
  const u = grant.user
  return json(200, {
    sub: String(u.contactId),
    name: `${u.firstName} ${u.lastName}`,
    email: u.email,
    preferred_username: u.username,
    tenant: p.name,
    ...(grant.scopes.includes("roles") ? { role: [...u.roles] } : {})
  })
}

/** `POST /oauth/connect/revocation` (RFC 7009) */
export const revocation = (p: PlatformState, request: ClientRequest): Reply | undefined => {
  if (p.dialect.revocation === "absent") return undefined
  const client = authenticateClient(p, request)
  if (client === undefined) return invalidClient()
  if (p.dialect.revocation === "unsupported_token_type")
    return oauthError(400, "unsupported_token_type", "This server cannot revoke tokens.")
  const t = request.form.get("token") ?? ""
  const access = p.tokens.get(t)
  if (access !== undefined && access.clientId === client.clientId) access.revoked = true
  const refresh = p.refreshTokens.get(t)
  if (refresh !== undefined && refresh.clientId === client.clientId) refresh.revoked = true
  return { status: 200, headers: { "content-type": "text/plain; charset=utf-8" }, body: "" }
}

/** `GET /oauth/.well-known/openid-configuration` */
export const discovery = (p: PlatformState, baseUrl: string): Reply | undefined => {
  if (!p.dialect.discovery) return undefined
  const oauth = `${baseUrl}/oauth`
  return json(200, {
    issuer: oauth,
    authorization_endpoint: `${oauth}/connect/authorize`,
    token_endpoint: `${oauth}/connect/token`,
    userinfo_endpoint: `${oauth}/connect/userinfo`,
    revocation_endpoint: `${oauth}/connect/revocation`,
    scopes_supported: [...knownScopes],
    response_types_supported: ["code"],
    grant_types_supported: ["authorization_code", "refresh_token"],
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    claims_supported: ["sub", "name", "email", "preferred_username", "tenant", "role"]
  })
}

/** The test-only consent: a code for a named user as if they had signed in and consented. */
export const consent = (
  p: PlatformState,
  body: { clientId: string; username: string; scopes: ReadonlyArray<string> | string; redirectUri: string }
): Reply => {
  const client = p.clients.get(body.clientId)
  if (client === undefined) return json(400, { error: "unknown_client", error_description: "No such client." })
  const user = p.user(body.username)
  if (user === undefined) return json(400, { error: "unknown_user", error_description: "No such user." })
  if (user.locked) return json(400, { error: "access_denied", error_description: "The user is locked." })
  if (!client.redirectUris.includes(body.redirectUri)) {
    return json(400, { error: "invalid_request", error_description: "The redirect URI is not registered." })
  }
  const scopes = typeof body.scopes === "string" ? splitScopes(body.scopes) : [...body.scopes]
  const bad = scopes.find((s) => !known.has(s) || !client.allowedScopes.includes(s))
  if (bad !== undefined) {
    return json(400, { error: "invalid_scope", error_description: `The scope "${bad}" is not allowed.` })
  }
  const code = p.issueCode({
    clientId: client.clientId,
    username: user.username,
    scopes,
    redirectUri: body.redirectUri
  })
  return json(200, { code })
}
