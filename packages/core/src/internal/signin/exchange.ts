/**
 * The code exchange of a sign-in (RFC 6749 §4.1.3 with the PKCE verifier, RFC 7636 §4.5; the client
 * authenticated with HTTP Basic as Arlo's sample does) and the revocation of what it issued (RFC 7009).
 */
import { Effect, Either, Option, Redacted, Schema } from "effect"
import type { ArloHttpService, ArloResponse } from "../../ArloHttp.js"
import type { Exchange } from "../../Report.js"
import { readErrorWords } from "../protocol.js"
import type { Door } from "../untrusted.js"
import type { SignInRequest } from "./authorize.js"
import type { IdTokenClaims, SignInOutcome } from "./types.js"

/** Exchanges marked as made by a sign-in. */
export const fromSignIn = (exchanges: ReadonlyArray<Exchange>): ReadonlyArray<Exchange> =>
  exchanges.map((e) => ({ ...e, from: "sign-in" as const }))

const TokenResponse = Schema.Struct({
  access_token: Schema.NonEmptyString,
  refresh_token: Schema.optional(Schema.String),
  id_token: Schema.optional(Schema.String),
  scope: Schema.optional(Schema.String)
})
const readTokens = Schema.decodeUnknownOption(Schema.parseJson(TokenResponse))

const Claims = Schema.Struct({
  iss: Schema.optional(Schema.Unknown),
  sub: Schema.optional(Schema.Unknown),
  exp: Schema.optional(Schema.Unknown),
  nonce: Schema.optional(Schema.Unknown),
  role: Schema.optional(Schema.Unknown),
  roles: Schema.optional(Schema.Unknown)
})
const readClaims = Schema.decodeUnknownOption(Schema.parseJson(Claims))

const str = (v: unknown, door: Door): string | null => (typeof v === "string" ? door(v) : null)

/**
 * The claims of an ID token (a JWT: header.payload.signature), for display only: the signature is not
 * checked, so nothing here decides a result.
 */
export const decodeIdToken = (jwt: string, nonce: string | null, door: Door): IdTokenClaims | null => {
  const parts = jwt.split(".")
  if (parts.length !== 3 || parts[1]!.length > 64 * 1024) return null
  const c = readClaims(Buffer.from(parts[1]!, "base64url").toString("utf8"))
  if (Option.isNone(c)) return null
  const j = c.value
  const raw = j.role ?? j.roles
  const roles = typeof raw === "string" ? [raw] : Array.isArray(raw) ? raw.filter((r) => typeof r === "string") : null
  return {
    issuer: str(j.iss, door),
    subject: str(j.sub, door),
    expires: typeof j.exp === "number" && Number.isFinite(j.exp) ? j.exp : null,
    nonceMatches: nonce === null || j.nonce === undefined ? null : j.nonce === nonce,
    roles: roles === null ? null : roles.slice(0, 20).map((r) => door(r))
  }
}

const splitScope = (s: string): Array<string> => s.split(/\s+/).filter((x) => x !== "")

const readIssued = (req: SignInRequest, res: ArloResponse, door: Door): SignInOutcome => {
  const evidence = fromSignIn(res.exchanges)
  const tokens = res.status === 200 ? readTokens(res.body) : Option.none()
  if (Option.isSome(tokens)) {
    const t = tokens.value
    return {
      _tag: "issued",
      accessToken: Redacted.make(t.access_token),
      refreshToken: t.refresh_token ? Redacted.make(t.refresh_token) : null,
      granted: t.scope === undefined ? null : splitScope(door(t.scope)),
      idToken: t.id_token ? decodeIdToken(t.id_token, req.nonce, door) : null,
      evidence
    }
  }
  const w = readErrorWords(res.body, res.headers["content-type"] ?? "")
  const e = w.error ?? (res.status === 401 ? "invalid_client" : null)
  return {
    _tag: "token_error",
    status: res.status,
    error: e === null ? null : door(e),
    description: door(w.description),
    evidence
  }
}

/** POSTs the code and the verifier to the token endpoint. */
export const exchange = (
  http: ArloHttpService,
  tokenUrl: string,
  req: SignInRequest,
  clientSecret: Redacted.Redacted<string>,
  code: Redacted.Redacted<string>
): Effect.Effect<SignInOutcome> =>
  Effect.map(
    Effect.either(
      http.request({
        method: "POST",
        kind: "sign-in-exchange",
        url: tokenUrl,
        auth: { _tag: "client", clientId: req.clientId, clientSecret },
        accept: "application/json",
        redirects: "manual",
        form: [
          ["grant_type", "authorization_code"],
          ["code", code],
          ["redirect_uri", req.redirectUri],
          ["code_verifier", req.verifier]
        ]
      })
    ),
    (r): SignInOutcome =>
      Either.isLeft(r) ? { _tag: "failed", failure: r.left } : readIssued(req, r.right, http.untrusted)
  )

/** What came of revoking one token. */
export type Revocation =
  | { readonly _tag: "revoked"; readonly evidence: ReadonlyArray<Exchange> }
  /** The server has no revocation endpoint (404, 405) or cannot revoke this kind (`unsupported_token_type`). */
  | { readonly _tag: "unsupported"; readonly why: string; readonly evidence: ReadonlyArray<Exchange> }
  | { readonly _tag: "failed"; readonly why: string; readonly evidence: ReadonlyArray<Exchange> }

/** RFC 7009 §2.1: POST token and token_type_hint with client authentication; 200 is success. */
export const revoke = (
  http: ArloHttpService,
  revocationUrl: string,
  client: { readonly clientId: string; readonly clientSecret: Redacted.Redacted<string> },
  token: Redacted.Redacted<string>,
  hint: "access_token" | "refresh_token"
): Effect.Effect<Revocation> =>
  Effect.map(
    Effect.either(
      http.request({
        method: "POST",
        kind: "sign-in-revoke",
        url: revocationUrl,
        auth: { _tag: "client", clientId: client.clientId, clientSecret: client.clientSecret },
        accept: "application/json",
        redirects: "manual",
        form: [
          ["token", token],
          ["token_type_hint", hint]
        ]
      })
    ),
    (r): Revocation => {
      if (Either.isLeft(r)) return { _tag: "failed", why: r.left.message, evidence: fromSignIn(r.left.exchanges) }
      const res = r.right
      const evidence = fromSignIn(res.exchanges)
      if (res.status === 200) return { _tag: "revoked", evidence }
      const e = readErrorWords(res.body, res.headers["content-type"] ?? "").error
      if (res.status === 404 || res.status === 405)
        return { _tag: "unsupported", why: `the revocation endpoint answered ${res.status}`, evidence }
      if (e === "unsupported_token_type")
        return {
          _tag: "unsupported",
          why: "the server cannot revoke this kind of token (unsupported_token_type)",
          evidence
        }
      return {
        _tag: "failed",
        why: `the revocation endpoint answered ${res.status}${e ? ` ${http.untrusted(e)}` : ""}`,
        evidence
      }
    }
  )
