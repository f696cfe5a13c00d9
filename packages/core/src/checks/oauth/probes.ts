/**
 * The OAuth probes, none of which changes anything: the authorize endpoint (a known client with a
 * registered redirect URI is sent on to sign-in; otherwise an error page), the token endpoint with a
 * deliberately invalid authorization code (`invalid_grant` proves the client authenticated), the OpenID
 * discovery document, and the access token to test (supplied, or redeemed from a refresh token when
 * allowed). Each is memoised, and classified once, however many checks read it.
 */
import { Effect, Either, Option, Redacted, Schema } from "effect"
import type { ArloResponse, Auth, HttpFailure } from "../../ArloHttp.js"
import type { AuditConfig, OAuthClient } from "../../Config.js"
import { type CheckContext, type Outcome, type Prefetch, undecided, unexpectedCause } from "../../internal/check.js"
import { type Fetched, get, oauthUrl } from "../../internal/probes.js"
import { readErrorWords } from "../../internal/protocol.js"
import type { Exchange } from "../../Report.js"
import { type AuthorizeView, classifyAuthorize, classifyToken, type TokenView } from "./classify.js"

/** Why an OAuth client check does not apply: no client id. */
export function noOAuth(c: Pick<AuditConfig, "oauth">): string | undefined {
  return c.oauth?.clientId ? undefined : "No OAuth client was given (client id)."
}

/** The OAuth client of a check that applies only with one (see {@link noOAuth}). */
export type Client = OAuthClient & { readonly clientId: string }

export const oauthOf = (ctx: Pick<CheckContext, "config">): Client => ctx.config.oauth as Client

const randomToken = () => globalThis.crypto.randomUUID().replace(/-/g, "")

/** The memoised authorize probe (RFC 6749 §4.1.1), classified once per audit. */
export const authorizeProbe = (ctx: CheckContext): Effect.Effect<AuthorizeView> => {
  const o = oauthOf(ctx)
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

/** The memoised token probe: a deliberately invalid authorization code (RFC 6749 §5.2), classified once. */
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

/** The memoised GET of the OpenID discovery document. */
export const discoveryProbe = (ctx: CheckContext): Effect.Effect<Fetched> =>
  get(ctx, oauthUrl(ctx, ".well-known/openid-configuration"), { _tag: "none" }, "application/json")

const withClient = (c: AuditConfig) => Boolean(c.oauth?.clientId)

/** The authorize probe carries the client id only: it need not wait for the target. */
export const authorizePrefetch: Prefetch = { secret: false, when: withClient, start: authorizeProbe }

export const discoveryPrefetch: Prefetch = { secret: false, when: withClient, start: discoveryProbe }

/** The token probe sends the client secret; its readers need oauth.server, so it starts only with it. */
export const tokenPrefetch: Prefetch = {
  secret: true,
  when: (c, runs) => withClient(c) && runs("oauth.server"),
  start: tokenProbe
}

/** The run of a check decided from both client probes (authorize and the invalid-code token request) together. */
export const fromBothProbes =
  (diagnose: (a: AuthorizeView, t: TokenView, o: Client) => Outcome) =>
  (ctx: CheckContext): Effect.Effect<Outcome> =>
    Effect.map(Effect.all([authorizeProbe(ctx), tokenProbe(ctx)], { concurrency: "unbounded" }), ([a, t]) =>
      diagnose(a, t, oauthOf(ctx))
    )

// ---------------------------------------------------------------------------------------------------
// An access token

/** The access token to test: the one supplied, or one from redeeming the refresh token (opt-in only). */
export type AccessTokenView =
  | {
      readonly _tag: "token"
      readonly token: Redacted.Redacted<string>
      readonly from: "supplied" | "refresh" | "sign-in"
      readonly evidence: ReadonlyArray<Exchange>
    }
  | { readonly _tag: "none"; readonly reason: string }
  | { readonly _tag: "refresh_refused"; readonly res: ArloResponse; readonly error: string | null }
  | { readonly _tag: "failed"; readonly failure: HttpFailure }

const notGiven = "No access token was given, so none was tested."
const notRedeemed =
  "A refresh token was given but not redeemed (redeeming can rotate it and break a live integration); allow refresh to test it."

/** Why the client's access token is not tested: none given, or a refresh token not allowed to be redeemed. */
export const noAccessToken = (o: OAuthClient): string | undefined => {
  if (o.accessToken || (o.refreshToken && o.allowRefresh)) return undefined
  return o.refreshToken ? notRedeemed : notGiven
}

/** A successful refresh: a JSON body with a non-empty `access_token`. */
const readAccessToken = Schema.decodeUnknownOption(
  Schema.parseJson(Schema.Struct({ access_token: Schema.NonEmptyString }))
)

const redeem = (
  ctx: CheckContext,
  o: OAuthClient,
  refreshToken: Redacted.Redacted<string>
): Effect.Effect<AccessTokenView> =>
  Effect.gen(function* () {
    const fetched = yield* Effect.either(
      ctx.http.request({
        method: "POST",
        kind: "token-refresh",
        url: oauthUrl(ctx, "connect/token"),
        auth: { _tag: "client", clientId: o.clientId ?? "", clientSecret: o.clientSecret },
        accept: "application/json",
        redirects: "manual",
        form: [
          ["grant_type", "refresh_token"],
          ["refresh_token", refreshToken],
          ...(o.redirectUri ? ([["redirect_uri", o.redirectUri]] as const) : [])
        ]
      })
    )
    if (Either.isLeft(fetched)) return { _tag: "failed", failure: fetched.left }
    const res = fetched.right
    const issued = res.status === 200 ? readAccessToken(res.body) : Option.none()
    if (Option.isSome(issued)) {
      return {
        _tag: "token",
        token: Redacted.make(issued.value.access_token),
        from: "refresh",
        evidence: res.exchanges
      }
    }
    const refused = readErrorWords(res.body, "application/json").error
    return { _tag: "refresh_refused", res, error: refused === null ? null : ctx.http.untrusted(refused) }
  })

/** The memoised access token probe. */
export const accessTokenProbe = (ctx: CheckContext): Effect.Effect<AccessTokenView> => {
  const o = ctx.config.oauth
  if (!o) return Effect.succeed({ _tag: "none", reason: "no OAuth client" })
  if (o.signIn?.outcome._tag === "issued") {
    const { accessToken, evidence } = o.signIn.outcome
    return Effect.succeed({ _tag: "token", token: accessToken, from: "sign-in", evidence })
  }
  if (o.accessToken) return Effect.succeed({ _tag: "token", token: o.accessToken, from: "supplied", evidence: [] })
  if (!o.refreshToken) return Effect.succeed({ _tag: "none", reason: notGiven })
  if (!o.allowRefresh) return Effect.succeed({ _tag: "none", reason: notRedeemed })
  const refreshToken = o.refreshToken
  return ctx.shared("oauth.refresh", () => redeem(ctx, o, refreshToken))
}

/** The Bearer auth of the tested access token, when there is one. */
export const bearerAuth = (ctx: CheckContext): Effect.Effect<Option.Option<Auth>> =>
  Effect.map(accessTokenProbe(ctx), (v) =>
    v._tag === "token" ? Option.some<Auth>({ _tag: "bearer", token: v.token }) : Option.none()
  )

/** The userinfo claims (JSON) of the tested access token. */
export const userinfo = (ctx: CheckContext, auth: Auth): Effect.Effect<Fetched> =>
  get(ctx, oauthUrl(ctx, "connect/userinfo"), auth, "application/json")

/** A token endpoint answer no rule reads: undecided, saying what could not be told. */
export const undecidedToken = (
  question: string,
  t: Extract<TokenView, { _tag: "other" }>,
  evidence: ReadonlyArray<Exchange>
): Outcome =>
  undecided(
    `Could not tell whether ${question}: the token endpoint answered ${t.res.status}${t.error ? ` (${t.error})` : ""}.`,
    {
      cause: unexpectedCause(
        t.res.status,
        "token_unexpected",
        `the token endpoint answered ${t.error ?? t.res.status}`
      ),
      evidence
    }
  )
