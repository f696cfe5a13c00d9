/**
 * A guided sign-in against the simulator over real HTTP: the authorize URL a browser follows, its
 * sign-in page completed by the test's browser, the code exchanged, the audit's OAuth checks proven by
 * it, and the tokens revoked. After the file, the platform holds no live token.
 */

import { startSimulator } from "@arlo-ready/simulator"
import { FetchHttpClient } from "@effect/platform"
import { Effect, Either, Layer, Redacted } from "effect"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import {
  ArloHttp,
  type AuditConfig,
  audit,
  beginSignIn,
  completeSignIn,
  fromOptions,
  type Report,
  revokeSignIn,
  type SignInRecord,
  type SignInRevocation,
  withSignIn
} from "../src/index.js"
import { browse, type Person } from "./browser.js"
import { byId, digest, optionsFor, type Sim } from "./helpers.js"

let sim: Sim
const platform = "acme"
const client = "acme-integration"
const avery: Person = { username: "api@acme.example", password: "correct-horse-42" }

beforeAll(async () => {
  sim = await startSimulator({ scenario: "ready" })
})
afterEach(() => {
  sim.updatePlatform(platform, { dialect: { revocation: "rfc7009" }, codeLifetimeSeconds: 300 })
  sim.updateClient(platform, client, { status: "approved" })
})
afterAll(async () => {
  // Every token the tests were issued has been revoked.
  expect(sim.liveTokens(platform)).toEqual([])
  await sim.close()
})

const configOf = (extra: Record<string, unknown> = {}): AuditConfig => {
  const { username: _u, password: _p, ...rest } = optionsFor(sim)
  const c = fromOptions({ ...rest, ...extra })
  if (Either.isLeft(c)) throw new Error(c.left.message)
  return c.right
}

const withHttp = <A>(config: AuditConfig, e: Effect.Effect<A, never, ArloHttp>) =>
  Effect.runPromise(
    e.pipe(
      Effect.provide(ArloHttp.layer(config, Date.now() + config.deadlineMs).pipe(Layer.provide(FetchHttpClient.layer)))
    )
  )

interface Run {
  readonly record: SignInRecord
  readonly report: Report
  readonly revocation: SignInRevocation
}

/** A whole sign-in: begin, the browser, complete, the audit with it, and the revocation. */
const signIn = async (
  person: Person,
  options: { config?: AuditConfig; tamper?: (url: string) => string; beforeExchange?: () => void } = {}
): Promise<Run> => {
  const config = options.config ?? configOf()
  const req = await Effect.runPromise(beginSignIn(config))
  const back = await browse(req.url, req.redirectUri, person)
  options.beforeExchange?.()
  const record = await withHttp(config, completeSignIn(config, req, options.tamper ? options.tamper(back) : back))
  const signed = withSignIn(config, record)
  const report = await Effect.runPromise(audit(signed).pipe(Effect.provide(FetchHttpClient.layer)))
  const revocation = await withHttp(config, revokeSignIn(config, record))
  return { record, report, revocation }
}

const oauthDigest = (r: Report) => digest(r).filter((l) => /^(oauth|roles)\./.test(l))

describe("sign-in against the simulator", () => {
  it("a ready client: the token is issued, accepted, the roles proven, and both tokens revoked", async () => {
    const before = sim.liveTokens(platform).length
    const { record, report, revocation } = await signIn(avery)
    expect(record.outcome._tag).toBe("issued")
    const c = byId(report)
    expect(c["oauth.client.approved"]).toMatchObject({ status: "pass", facts: { provenBy: "sign-in" } })
    expect(c["oauth.token"]).toMatchObject({
      status: "pass",
      facts: {
        provenBy: "sign-in",
        refreshToken: true,
        granted: ["openid", "profile", "roles", "offline_access", "all_claims"]
      }
    })
    expect(c["oauth.token"]?.facts?.idToken).toMatchObject({ subject: "562", nonceMatches: true, verified: false })
    expect(
      c["oauth.token"]?.evidence.some((e) => e.from === "sign-in" && e.path.endsWith("/oauth/connect/token"))
    ).toBe(true)
    expect(c["roles.api-user"]).toMatchObject({ status: "pass", facts: { identity: "oauth" } })
    expect(c["roles.administrator"]).toMatchObject({ status: "pass", basis: "confirmed" })
    expect(revocation).toMatchObject({ access: { _tag: "revoked" }, refresh: { _tag: "revoked" }, byHand: null })
    expect(sim.liveTokens(platform).length).toBe(before)
    // No token, code or verifier in the report.
    const text = JSON.stringify(report)
    if (record.outcome._tag === "issued") expect(text).not.toContain(Redacted.value(record.outcome.accessToken))
  })

  it("consent refused: access_denied is the diagnosis and nothing is issued", async () => {
    const { record, report } = await signIn({ ...avery, consent: "deny" })
    expect(record.outcome).toMatchObject({ _tag: "authorize_error", error: "access_denied" })
    expect(byId(report)["oauth.token"]).toMatchObject({ status: "fail", cause: { code: "consent_refused" } })
  })

  it("a scope refused: invalid_scope fails oauth.scopes and blocks the token", async () => {
    sim.updateClient(platform, client, { allowedScopes: ["openid", "profile", "all_claims"] })
    try {
      const config = configOf({ scopes: ["openid", "profile", "all_claims", "offline_access"] })
      const req = await Effect.runPromise(beginSignIn(config))
      // The server answers the authorize request itself: no sign-in page.
      const back = await browse(req.url, req.redirectUri, avery)
      const record = await withHttp(config, completeSignIn(config, req, back))
      expect(record.outcome).toMatchObject({ _tag: "authorize_error", error: "invalid_scope" })
      const report = await Effect.runPromise(
        audit(withSignIn(config, record)).pipe(Effect.provide(FetchHttpClient.layer))
      )
      expect(oauthDigest(report)).toContain("oauth.scopes: fail scope_refused")
      expect(oauthDigest(report)).toContain("oauth.token: skipped sign_in_invalid_scope <oauth.scopes>")
    } finally {
      sim.updateClient(platform, client, {
        allowedScopes: ["openid", "profile", "read", "write", "roles", "offline_access", "all_claims"]
      })
    }
  })

  it("a state mismatch: nothing is exchanged", async () => {
    sim.clearJournal()
    const { record, report } = await signIn(avery, {
      tamper: (url) => {
        const u = new URL(url)
        u.searchParams.set("state", "forged")
        return u.toString()
      }
    })
    expect(record.outcome._tag).toBe("state_mismatch")
    expect(byId(report)["oauth.token"]).toMatchObject({ status: "error", cause: { code: "state_mismatch" } })
    expect(sim.journal().some((e) => e.path.endsWith("/connect/token") && e.status === 200)).toBe(false)
    expect(sim.journal().some((e) => e.path.endsWith("/oauth/account/signin"))).toBe(true)
  })

  it("an expired code: invalid_grant, diagnosed as a code to sign in again for", async () => {
    const { record, report } = await signIn(avery, { beforeExchange: () => sim.expireCodes(platform) })
    expect(record.outcome).toMatchObject({ _tag: "token_error", error: "invalid_grant" })
    expect(byId(report)["oauth.token"]).toMatchObject({ status: "error", cause: { code: "code_rejected" } })
  })

  it("an unapproved client (login_then_denied): the sign-in proves oauth.client.approved failed", async () => {
    sim.updatePlatform(platform, { dialect: { unapprovedClient: "login_then_denied" } })
    sim.updateClient(platform, client, { status: "pending" })
    try {
      const { record, report } = await signIn(avery)
      expect(record.outcome).toMatchObject({ _tag: "authorize_error", error: "unauthorized_client" })
      expect(byId(report)["oauth.client.approved"]).toMatchObject({
        status: "fail",
        cause: { code: "client_not_approved" },
        facts: { provenBy: "sign-in" }
      })
    } finally {
      sim.updatePlatform(platform, { dialect: { unapprovedClient: "unauthorized_client" } })
    }
  })

  it("revocation unsupported: says so and how to revoke by hand", async () => {
    sim.updatePlatform(platform, { dialect: { revocation: "absent" } })
    const config = configOf()
    const { record, revocation } = await signIn(avery, { config })
    expect(revocation.access).toMatchObject({ _tag: "unsupported" })
    expect(revocation.byHand).toMatch(/developer portal/)
    // Clean up through a server that can revoke again.
    sim.updatePlatform(platform, { dialect: { revocation: "rfc7009" } })
    const again = await withHttp(config, revokeSignIn(config, record))
    expect(again.byHand).toBeNull()
  })

  it("PKCE: a code redeemed with another verifier is refused", async () => {
    const config = configOf()
    const req = await Effect.runPromise(beginSignIn(config))
    const other = await Effect.runPromise(beginSignIn(config))
    const back = await browse(req.url, req.redirectUri, avery)
    // The other request's verifier (and state, so the state check passes).
    const u = new URL(back)
    u.searchParams.set("state", other.state)
    const record = await withHttp(config, completeSignIn(config, other, u.toString()))
    expect(record.outcome).toMatchObject({ _tag: "token_error", error: "invalid_grant" })
  })
})
