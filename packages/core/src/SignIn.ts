/**
 * A guided sign-in: the OAuth authorization code grant driven by a person in a browser, so that the
 * audit can prove what its probes only infer. {@link beginSignIn} builds the authorize URL (PKCE S256,
 * `state`, and `nonce` when `openid` is asked); the front end opens it and takes back the URL the
 * browser was sent to (a loopback listener, or pasted); {@link completeSignIn} checks `state`, reads an
 * `error=` answer, and exchanges the code with the client secret; {@link withSignIn} hands the outcome
 * to the audit, whose checks then read it (`oauth.client.approved`, `oauth.scopes`, `oauth.token` and
 * the role checks, with the identity that signed in); {@link revokeSignIn} revokes what was issued
 * (RFC 7009). Tokens stay `Redacted`; nothing is written anywhere.
 */
import { Effect } from "effect"
import { ArloHttp } from "./ArloHttp.js"
import type { AuditConfig } from "./Config.js"
import { makeRequest, type RedirectAnswer, readRedirect, type SignInRequest } from "./internal/signin/authorize.js"
import { exchange, type Revocation, revoke } from "./internal/signin/exchange.js"
import type { SignInOutcome, SignInRecord } from "./internal/signin/types.js"
import type { Exchange } from "./Report.js"

export type { IdTokenClaims, SignInOutcome, SignInRecord } from "./internal/signin/types.js"
export type { RedirectAnswer, Revocation, SignInRequest }

const oauthUrl = (config: AuditConfig, rest: string) => `${config.baseUrl}/oauth/${rest}`

/**
 * Why a sign-in cannot start with this config (a one-line usage error), or undefined: it needs the
 * client id, the client secret and the registered redirect URI.
 */
export const signInUnavailable = (config: AuditConfig): string | undefined => {
  const o = config.oauth
  if (!o?.clientId) return "--sign-in needs the OAuth client: give --client-id (or ARLO_CLIENT_ID)"
  if (o.clientSecret === null)
    return "--sign-in exchanges the code with the client secret: give --client-secret (or ARLO_CLIENT_SECRET)"
  if (o.redirectUri === null)
    return "--sign-in needs the client's registered redirect URI: give --redirect-uri (or ARLO_REDIRECT_URI)"
  return undefined
}

/** Starts a sign-in: the authorize URL to open, with its fresh verifier, state and nonce. */
export const beginSignIn = (config: AuditConfig): Effect.Effect<SignInRequest, string> =>
  Effect.suspend(() => {
    const why = signInUnavailable(config)
    if (why !== undefined) return Effect.fail(why)
    const o = config.oauth!
    return Effect.promise(() =>
      makeRequest({
        authorizeUrl: oauthUrl(config, "connect/authorize"),
        clientId: o.clientId!,
        redirectUri: o.redirectUri!,
        scopes: o.scopes,
        platform: config.platform
      })
    )
  })

/** A loopback redirect URI (`http://127.0.0.1:PORT/…`, `localhost`, `[::1]`): a listener can take the answer. */
export const loopbackRedirect = (
  redirectUri: string
): { readonly host: string; readonly port: number; readonly path: string } | null => {
  let u: URL
  try {
    u = new URL(redirectUri)
  } catch {
    return null
  }
  const host = u.hostname.replace(/^\[|\]$/g, "")
  if (u.protocol !== "http:" || u.port === "" || !["127.0.0.1", "localhost", "::1"].includes(host)) return null
  return { host, port: Number(u.port), path: u.pathname }
}

/**
 * Completes a sign-in from the URL the browser was sent to: checks `state`, reads an `error=` answer,
 * or exchanges the code (with the PKCE verifier, the client authenticated by Basic).
 */
export const completeSignIn = (
  config: AuditConfig,
  req: SignInRequest,
  redirectedTo: string
): Effect.Effect<SignInRecord, never, ArloHttp> =>
  Effect.gen(function* () {
    const http = yield* ArloHttp
    const answer = readRedirect(req, redirectedTo, http.untrusted)
    const done = (outcome: SignInOutcome): SignInRecord => ({ asked: req.scopes, outcome })
    switch (answer._tag) {
      case "error":
        return done({ _tag: "authorize_error", error: answer.error, description: answer.description })
      case "state_mismatch":
      case "unreadable":
        return done(answer)
      case "code":
        return done(
          yield* exchange(http, oauthUrl(config, "connect/token"), req, config.oauth!.clientSecret!, answer.code)
        )
    }
  })

/** The audit config with a sign-in's outcome: its access token (when issued) is the one the checks test. */
export const withSignIn = (config: AuditConfig, record: SignInRecord): AuditConfig => {
  const o = config.oauth!
  const issued = record.outcome._tag === "issued" ? record.outcome : null
  return {
    ...config,
    oauth: {
      ...o,
      signIn: record,
      accessToken: issued ? issued.accessToken : o.accessToken,
      refreshToken: issued ? issued.refreshToken : o.refreshToken,
      allowRefresh: issued ? false : o.allowRefresh
    }
  }
}

/** What revoking a sign-in's tokens came to, and, unless both were revoked, how to revoke the grant by hand. */
export interface SignInRevocation {
  readonly access: Revocation | { readonly _tag: "kept" } | null
  readonly refresh: Revocation | null
  /** Set unless every token issued was revoked (or kept on purpose). */
  readonly byHand: string | null
  readonly evidence: ReadonlyArray<Exchange>
}

/** Where an issued grant can be revoked by hand: Arlo documents issued tokens as managed there. */
export const revokeByHand = (clientId: string): string =>
  `Revoke the grant by hand: in the OAuth clients section of Arlo's developer portal (developer.arlo.co), open the client ${clientId} and revoke its issued tokens; a platform administrator can also remove the user's consent.`

/**
 * Revokes the tokens a sign-in was issued (RFC 7009: the refresh token first, as it outlives the
 * access token), each bounded by the config's per-request timeout. `keepAccess` keeps the access token
 * (`--keep-token`); the refresh token is still revoked.
 */
export const revokeSignIn = (
  config: AuditConfig,
  record: SignInRecord,
  options: { readonly keepAccess?: boolean } = {}
): Effect.Effect<SignInRevocation, never, ArloHttp> =>
  Effect.gen(function* () {
    const o = record.outcome
    if (o._tag !== "issued") return { access: null, refresh: null, byHand: null, evidence: [] }
    const http = yield* ArloHttp
    const client = { clientId: config.oauth!.clientId!, clientSecret: config.oauth!.clientSecret! }
    const url = oauthUrl(config, "connect/revocation")
    const one = (t: typeof o.accessToken, hint: "access_token" | "refresh_token") =>
      revoke(http, url, client, t, hint).pipe(
        Effect.timeoutTo({
          duration: config.timeoutMs * 2,
          onSuccess: (r): Revocation => r,
          onTimeout: (): Revocation => ({
            _tag: "failed",
            why: "the revocation endpoint did not answer in time",
            evidence: []
          })
        })
      )
    const refresh = o.refreshToken ? yield* one(o.refreshToken, "refresh_token") : null
    const access = options.keepAccess ? { _tag: "kept" as const } : yield* one(o.accessToken, "access_token")
    const undone = [access, refresh].some((r) => r !== null && r._tag !== "revoked" && r._tag !== "kept")
    const evidence = [access, refresh].flatMap((r) => (r !== null && "evidence" in r ? r.evidence : []))
    return { access, refresh, byHand: undone ? revokeByHand(client.clientId) : null, evidence }
  })

/** The one line a front end prints about the revocation. */
export const revocationLine = (r: SignInRevocation): string | null => {
  const said = (name: string, v: SignInRevocation["access"]) => {
    if (v === null) return null
    switch (v._tag) {
      case "revoked":
        return `${name} revoked`
      case "kept":
        return `${name} kept (--keep-token): it works until it expires`
      case "unsupported":
        return `${name} not revoked: ${v.why}`
      case "failed":
        return `${name} not revoked: ${v.why}`
    }
  }
  const parts = [said("the access token", r.access), said("the refresh token", r.refresh)].filter(
    (x): x is string => x !== null
  )
  if (parts.length === 0) return null
  return `Sign-in: ${parts.join("; ")}.${r.byHand ? ` ${r.byHand}` : ""}`
}

/** Whether a record issued a token (so there is something to revoke). */
export const signInIssued = (record: SignInRecord | null): boolean => record?.outcome._tag === "issued"
