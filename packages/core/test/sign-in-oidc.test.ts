/**
 * The guided sign-in against an authorization server this repository did not write: `oidc-provider`
 * (PKCE, revocation, introspection), its own development sign-in and consent pages driven over real
 * HTTP. Every token the tests are issued is checked through the provider's introspection: after the
 * file, none is active.
 */
import { FetchHttpClient } from "@effect/platform"
import { Effect, Either, Layer, Redacted } from "effect"
import type Provider from "oidc-provider"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  ArloHttp,
  type AuditConfig,
  audit,
  beginSignIn,
  completeSignIn,
  fromOptions,
  revokeSignIn,
  type SignInRecord,
  withSignIn
} from "../src/index.js"
import { browse, type Person } from "./browser.js"
import { byId } from "./helpers.js"
import { type IndependentPlatform, readyClient, startOidcProvider } from "./independent.js"

let codeTtl = 60
let withRevocation: IndependentPlatform
let withoutRevocation: IndependentPlatform
let plainProvider: Provider | undefined
const issued: Array<{ p: () => IndependentPlatform; token: string }> = []
const someone: Person = { username: "api@acme.example", password: "any" }

beforeAll(async () => {
  withRevocation = await startOidcProvider({ signIn: { revocation: true, codeTtl: () => codeTtl } })
  withoutRevocation = await startOidcProvider({
    signIn: { revocation: false },
    onProvider: (p) => {
      plainProvider = p
    }
  })
})

const introspect = async (p: IndependentPlatform, token: string): Promise<boolean> => {
  const res = await fetch(`${p.baseUrl}/oauth/connect/introspect`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${readyClient.clientId}:${readyClient.clientSecret}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded"
    },
    body: new URLSearchParams({ token }).toString()
  })
  return ((await res.json()) as { active: boolean }).active
}

afterAll(async () => {
  for (const t of issued) expect(await introspect(t.p(), t.token)).toBe(false)
  await withRevocation?.close()
  await withoutRevocation?.close()
})

const configOf = (p: IndependentPlatform, scopes = "openid profile all_claims"): AuditConfig => {
  const c = fromOptions({
    baseUrl: p.baseUrl,
    clientId: readyClient.clientId,
    clientSecret: readyClient.clientSecret,
    redirectUri: readyClient.redirectUri,
    scopes: scopes.split(" ")
  })
  if (Either.isLeft(c)) throw new Error(c.left.message)
  return c.right
}

const withHttp = <A>(config: AuditConfig, e: Effect.Effect<A, never, ArloHttp>) =>
  Effect.runPromise(
    e.pipe(
      Effect.provide(ArloHttp.layer(config, Date.now() + config.deadlineMs).pipe(Layer.provide(FetchHttpClient.layer)))
    )
  )

const signIn = async (
  p: IndependentPlatform,
  person: Person,
  options: { scopes?: string; tamper?: (u: string) => string; beforeExchange?: () => Promise<void> } = {}
): Promise<{ config: AuditConfig; record: SignInRecord }> => {
  const config = configOf(p, options.scopes)
  const req = await Effect.runPromise(beginSignIn(config))
  const back = await browse(req.url, req.redirectUri, person)
  await options.beforeExchange?.()
  const record = await withHttp(config, completeSignIn(config, req, options.tamper ? options.tamper(back) : back))
  const o = record.outcome
  if (o._tag === "issued") {
    issued.push({ p: () => p, token: Redacted.value(o.accessToken) })
    if (o.refreshToken) issued.push({ p: () => p, token: Redacted.value(o.refreshToken) })
  }
  return { config, record }
}

describe("sign-in against oidc-provider", () => {
  it("a ready client: issued (PKCE verified by the provider), approval proven, and both tokens revoked", async () => {
    const { config, record } = await signIn(withRevocation, someone)
    expect(record.outcome).toMatchObject({ _tag: "issued", idToken: { nonceMatches: true } })
    const report = await Effect.runPromise(
      audit(withSignIn(config, record)).pipe(Effect.provide(FetchHttpClient.layer))
    )
    expect(byId(report)["oauth.client.approved"]).toMatchObject({ status: "pass", facts: { provenBy: "sign-in" } })
    const r = await withHttp(config, revokeSignIn(config, record))
    expect(r.access).toMatchObject({ _tag: "revoked" })
    expect(r.byHand).toBeNull()
    if (record.outcome._tag === "issued")
      expect(await introspect(withRevocation, Redacted.value(record.outcome.accessToken))).toBe(false)
  })

  it("consent refused: the provider's abort comes back as access_denied", async () => {
    const { record } = await signIn(withRevocation, { ...someone, consent: "deny" })
    expect(record.outcome).toMatchObject({ _tag: "authorize_error", error: "access_denied" })
  })

  it("a scope refused: invalid_scope before any sign-in page", async () => {
    const { record } = await signIn(withRevocation, someone, { scopes: "openid profile all_claims write" })
    expect(record.outcome).toMatchObject({ _tag: "authorize_error", error: "invalid_scope" })
  })

  it("a state mismatch: refused before any exchange", async () => {
    const { record } = await signIn(withRevocation, someone, {
      tamper: (u) => {
        const x = new URL(u)
        x.searchParams.set("state", "forged")
        return x.toString()
      }
    })
    expect(record.outcome._tag).toBe("state_mismatch")
  })

  it("an expired code: the provider answers invalid_grant", async () => {
    codeTtl = 1
    try {
      const { record } = await signIn(withRevocation, someone, {
        beforeExchange: () => new Promise((r) => setTimeout(r, 2100))
      })
      expect(record.outcome).toMatchObject({ _tag: "token_error", error: "invalid_grant" })
    } finally {
      codeTtl = 60
    }
  })

  it("revocation disabled: unsupported, and the way to revoke by hand", async () => {
    const { config, record } = await signIn(withoutRevocation, someone)
    expect(record.outcome._tag).toBe("issued")
    const r = await withHttp(config, revokeSignIn(config, record))
    expect(r.access).toMatchObject({ _tag: "unsupported" })
    expect(r.byHand).toMatch(/developer portal/)
    // By hand, as the run says: here through the provider's own store.
    if (record.outcome._tag === "issued") {
      const token = Redacted.value(record.outcome.accessToken)
      expect(await introspect(withoutRevocation, token)).toBe(true)
      await (await plainProvider!.AccessToken.find(token))?.destroy()
    }
  })
})
