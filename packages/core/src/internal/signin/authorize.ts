/**
 * The authorize request of a sign-in (RFC 6749 §4.1.1 with PKCE S256, RFC 7636 §4, and an OpenID nonce
 * when `openid` is asked) and the reading of the URL the browser was sent back to (§4.1.2, §4.1.2.1).
 */
import { Redacted } from "effect"
import type { Door } from "../untrusted.js"

/** A sign-in under way: what was sent, and what the answer must match. The verifier never leaves but to the token endpoint. */
export interface SignInRequest {
  /** The URL to open in a browser. */
  readonly url: string
  readonly clientId: string
  readonly redirectUri: string
  readonly scopes: ReadonlyArray<string>
  readonly state: string
  readonly nonce: string | null
  readonly verifier: Redacted.Redacted<string>
}

const base64url = (bytes: Uint8Array): string =>
  Buffer.from(bytes).toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")

/** 32 random bytes as base64url: 43 characters, within RFC 7636 §4.1's 43..128 unreserved characters. */
const random = (): string => base64url(globalThis.crypto.getRandomValues(new Uint8Array(32)))

/** RFC 7636 §4.2: BASE64URL(SHA256(ASCII(verifier))). */
export const s256 = async (verifier: string): Promise<string> =>
  base64url(new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))))

/** Builds the authorize URL of a fresh sign-in: a random verifier, state and (with `openid`) nonce. */
export const makeRequest = async (input: {
  readonly authorizeUrl: string
  readonly clientId: string
  readonly redirectUri: string
  readonly scopes: ReadonlyArray<string>
  /** Arlo's own sample sends `login_hint=tenant:{platform}`. */
  readonly platform: string | null
}): Promise<SignInRequest> => {
  const verifier = random()
  const state = random()
  const nonce = input.scopes.includes("openid") ? random() : null
  const q = new URLSearchParams({
    client_id: input.clientId,
    response_type: "code",
    scope: input.scopes.join(" "),
    redirect_uri: input.redirectUri,
    state,
    code_challenge: await s256(verifier),
    code_challenge_method: "S256"
  })
  if (nonce !== null) q.set("nonce", nonce)
  if (input.platform !== null) q.set("login_hint", `tenant:${input.platform}`)
  return {
    url: `${input.authorizeUrl}?${q.toString().replace(/\+/g, "%20")}`,
    clientId: input.clientId,
    redirectUri: input.redirectUri,
    scopes: input.scopes,
    state,
    nonce,
    verifier: Redacted.make(verifier)
  }
}

/** What the URL the browser was sent back to says. */
export type RedirectAnswer =
  | { readonly _tag: "code"; readonly code: Redacted.Redacted<string> }
  | { readonly _tag: "error"; readonly error: string; readonly description: string }
  | { readonly _tag: "state_mismatch"; readonly why: string }
  | { readonly _tag: "unreadable"; readonly why: string }

const sameTarget = (a: URL, b: URL) =>
  a.origin === b.origin && a.pathname.replace(/\/$/, "") === b.pathname.replace(/\/$/, "")

/**
 * Reads the redirect: it must be at the redirect URI and carry this sign-in's `state` (else nothing in
 * it is trusted, RFC 6749 §10.12), then a `code` or an `error`. Parameters may also sit in the fragment
 * of a URL a person copied. Server words go through the door.
 */
export const readRedirect = (req: SignInRequest, raw: string, door: Door): RedirectAnswer => {
  const text = raw.trim()
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return { _tag: "unreadable", why: "that is not a URL: paste the whole address the browser was sent to" }
  }
  if (!sameTarget(url, new URL(req.redirectUri)))
    return { _tag: "unreadable", why: `that URL is not at the redirect URI ${req.redirectUri}` }
  const params = url.searchParams.has("state") ? url.searchParams : new URLSearchParams(url.hash.slice(1))
  const state = params.get("state")
  if (state === null)
    return { _tag: "state_mismatch", why: "the redirect carries no state, so it cannot be told from a forged one" }
  if (state !== req.state)
    return {
      _tag: "state_mismatch",
      why: "the redirect's state is not this sign-in's (another attempt's URL, or a forged one)"
    }
  const error = params.get("error")
  if (error !== null)
    return { _tag: "error", error: door(error), description: door(params.get("error_description") ?? "") }
  const code = params.get("code")
  if (code === null || code === "")
    return { _tag: "unreadable", why: "the redirect carries neither a code nor an error" }
  return { _tag: "code", code: Redacted.make(code) }
}
