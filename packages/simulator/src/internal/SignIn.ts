/**
 * The interactive sign-in a browser completes: the authorize request waits as a pending sign-in, the
 * login page posts the user's credentials and a consent choice (allow or deny), and the answer goes back
 * to the redirect URI (RFC 6749 §4.1.2): a code bound to the client, redirect URI, scopes, PKCE challenge
 * (RFC 7636) and nonce, or an `error=` (access_denied, unauthorized_client). Codes are single-use and
 * expire (`codeLifetimeSeconds`).
 */
import * as crypto from "node:crypto"
import { escapeXml, html, type Reply, redirect } from "./Reply.js"
import type { PlatformState } from "./State.js"

/** An authorize request waiting for its user to sign in. */
export interface PendingSignIn {
  readonly clientId: string
  readonly redirectUri: string
  readonly scopes: ReadonlyArray<string>
  readonly state: string | undefined
  readonly codeChallenge: string | undefined
  readonly codeChallengeMethod: "S256" | "plain" | undefined
  readonly nonce: string | undefined
  readonly expiresAt: number
}

/** How long a sign-in page stays usable. */
const PENDING_MS = 10 * 60 * 1000

/**
 * The id of an IdentityServer4-style sign-in, whose login URL carries only the authorize request's
 * query (`ReturnUrl`): the same request is the same sign-in.
 */
export const returnUrlId = (rawQuery: string): string =>
  crypto.createHash("sha256").update(rawQuery).digest("base64url").slice(0, 22)

/** A fresh interaction uid, as oidc-provider makes them. */
export const interactionId = (): string => crypto.randomBytes(16).toString("base64url")

/** Records a pending sign-in; returns its id (the `signin` the login page carries). */
export const pend = (p: PlatformState, pending: Omit<PendingSignIn, "expiresAt">, given?: string): string => {
  const id = given ?? crypto.randomBytes(12).toString("hex")
  const now = Date.now()
  for (const [k, v] of p.pendingSignIns) if (v.expiresAt <= now) p.pendingSignIns.delete(k)
  p.pendingSignIns.set(id, { ...pending, expiresAt: now + PENDING_MS })
  return id
}

/** The path the login form posts to, under the platform's base. */
export const SIGN_IN_PATH = "/oauth/account/signin"

/**
 * The page a browser signs in on. `action` is where the form posts (absolute: the page may be served on
 * another origin); `signin` the pending sign-in's id, or null for a page reached without one.
 */
export const loginPage = (p: PlatformState, signin: string | null, action: string, message?: string): Reply =>
  html(
    200,
    `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign in to ${escapeXml(p.name)}</title></head>
<body>
<h1>Sign in</h1>
${message ? `<p class="error">${escapeXml(message)}</p>\n` : ""}<form method="post" action="${escapeXml(action)}">
<input type="hidden" name="signin" value="${escapeXml(signin ?? "")}">
<label>Username <input name="username"></label>
<label>Password <input name="password" type="password"></label>
<button name="consent" value="allow">Sign in and allow</button>
<button name="consent" value="deny">Deny</button>
</form>
</body>
</html>
`
  )

const back = (pending: PendingSignIn, params: Record<string, string | undefined>): Reply => {
  const u = new URL(pending.redirectUri)
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v)
  if (pending.state !== undefined) u.searchParams.set("state", pending.state)
  return redirect(u.toString())
}

/** `POST …/oauth/account/signin`: the login form's credentials and consent choice. */
export const submit = (p: PlatformState, form: URLSearchParams, action: string): Reply => {
  const id = form.get("signin") ?? ""
  const pending = p.pendingSignIns.get(id)
  if (pending === undefined || pending.expiresAt <= Date.now()) {
    p.pendingSignIns.delete(id)
    return html(
      400,
      "<!DOCTYPE html>\n<html><body><h1>This sign-in has expired</h1><p>Start again from the application.</p></body></html>\n"
    )
  }
  if (form.get("consent") === "deny") {
    p.pendingSignIns.delete(id)
    return back(pending, { error: "access_denied", error_description: "The user denied the request." })
  }
  const user = p.user(form.get("username") ?? "")
  if (user === undefined || user.password !== (form.get("password") ?? ""))
    return loginPage(p, id, action, "The username or password is incorrect.")
  if (user.locked) return loginPage(p, id, action, "The account is locked.")
  p.pendingSignIns.delete(id)
  const client = p.clients.get(pending.clientId)
  if (client === undefined || client.status !== "approved")
    return back(pending, { error: "unauthorized_client", error_description: "The client is not approved." })
  const code = p.issueCode({
    clientId: pending.clientId,
    username: user.username,
    scopes: pending.scopes,
    redirectUri: pending.redirectUri,
    codeChallenge: pending.codeChallenge,
    codeChallengeMethod: pending.codeChallengeMethod,
    nonce: pending.nonce
  })
  return back(pending, { code })
}

/** RFC 7636 §4.6: whether the verifier matches the code's challenge (always, for a code without one). */
export const verifierMatches = (
  challenge: string | undefined,
  method: "S256" | "plain" | undefined,
  verifier: string | null
): boolean => {
  if (challenge === undefined) return true
  if (verifier === null || !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return false
  const computed = method === "plain" ? verifier : crypto.createHash("sha256").update(verifier).digest("base64url")
  const a = Buffer.from(computed)
  const b = Buffer.from(challenge)
  return a.length === b.length && crypto.timingSafeEqual(a, b)
}
