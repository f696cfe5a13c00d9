/** OAuth 2 in the IdentityServer layout Arlo uses: authorize, token, userinfo, revocation, discovery. */
import * as crypto from "node:crypto"
import { knownScopes } from "../Scenario.js"
import { escapeXml, html, json, type Reply, redirect } from "./Reply.js"
import { BEARER_INVALID, parseBasic, parseBearer, type RequestInfo } from "./Resources.js"
import type { ClientState, PlatformState } from "./State.js"

const known = new Set<string>(knownScopes)

const errorPage = (code: string, description: string): Reply =>
  html(
    400,
    `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Arlo: sign-in error</title></head>
<body>
<h1>Sorry, there was an error</h1>
<p class="error-code">${escapeXml(code)}</p>
<p class="error-description">${escapeXml(description)}</p>
</body>
</html>
`
  )

const unknownClientPage = () => errorPage("unauthorized_client", "Unknown client or client not enabled.")
const notApprovedPage = () =>
  errorPage("unauthorized_client", "The client is registered but not approved: ask Arlo support to approve it.")

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

/** `GET /oauth/connect/authorize` */
export const authorize = (p: PlatformState, search: URLSearchParams): Reply => {
  const clientId = search.get("client_id") ?? ""
  const client = p.clients.get(clientId)
  if (client === undefined || client.status === "revoked") return unknownClientPage()
  if (client.status === "pending") {
    if (p.dialect.unapprovedClient === "unauthorized_client") return notApprovedPage()
    if (p.dialect.unapprovedClient === "invalid_client") return unknownClientPage()
  }
  const redirectUri = search.get("redirect_uri") ?? ""
  if (!client.redirectUris.includes(redirectUri)) {
    return errorPage("invalid_request", "The redirect_uri is not registered for this client.")
  }
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
  const signin = crypto.randomBytes(12).toString("hex")
  return redirect(`/${p.name}/oauth/account/login?signin=${signin}`)
}

/** `GET /oauth/account/login`: the page a browser signs in on (the simulator never completes it). */
export const loginPage = (p: PlatformState): Reply =>
  html(
    200,
    `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign in to ${escapeXml(p.name)}</title></head>
<body>
<h1>Sign in</h1>
<form method="post"><label>Username <input name="username"></label><label>Password <input name="password" type="password"></label><button>Sign in</button></form>
</body>
</html>
`
  )

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

/** Client authentication at the token and revocation endpoints: HTTP Basic or form fields. */
const authenticateClient = (
  p: PlatformState,
  authorization: string | undefined,
  form: URLSearchParams,
  info: RequestInfo
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

const idToken = (p: PlatformState, baseUrl: string, clientId: string, username: string) => {
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
    tenant: p.name
  })
  const sig = crypto.createHmac("sha256", `arlo-simulator:${p.name}`).update(`${header}.${payload}`).digest("base64url")
  return `${header}.${payload}.${sig}`
}

/** `POST /oauth/connect/token` */
export const token = (
  p: PlatformState,
  baseUrl: string,
  authorization: string | undefined,
  form: URLSearchParams,
  info: RequestInfo
): Reply => {
  const client = authenticateClient(p, authorization, form, info)
  if (client === undefined) return invalidClient()
  if (client.status === "pending") {
    if (p.dialect.unapprovedClient === "invalid_client") return invalidClient()
    return oauthError(400, "unauthorized_client", "The client is registered but not approved by Arlo.")
  }
  const grantType = form.get("grant_type")
  if (grantType === null || grantType === "") return oauthError(400, "invalid_request", "grant_type is required.")
  const issue = (username: string, scopes: ReadonlyArray<string>) => {
    const { accessToken, refreshToken } = p.issueTokens(client.clientId, username, scopes)
    info.username = username
    return json(
      200,
      {
        access_token: accessToken,
        token_type: "Bearer",
        expires_in: p.tokenLifetimeSeconds,
        id_token: idToken(p, baseUrl, client.clientId, username),
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
      grant.redirectUri !== (form.get("redirect_uri") ?? "")
    ) {
      if (grant !== undefined) grant.used = true
      return oauthError(400, "invalid_grant")
    }
    grant.used = true
    return issue(grant.username, grant.scopes)
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
export const revocation = (
  p: PlatformState,
  authorization: string | undefined,
  form: URLSearchParams,
  info: RequestInfo
): Reply => {
  const client = authenticateClient(p, authorization, form, info)
  if (client === undefined) return invalidClient()
  const t = form.get("token") ?? ""
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
