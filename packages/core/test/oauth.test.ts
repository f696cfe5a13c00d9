/** Access tokens: supplied, refreshed on opt-in only, rejected, without data scopes; roles over OAuth. */
import { Scenario, startSimulator } from "@arlo-ready/simulator"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { audit, byId, expectOutcome, optionsFor, type Sim, tokensFor } from "./helpers.js"

let sim: Sim
beforeAll(async () => {
  sim = await startSimulator({ scenario: "ready" })
})
afterAll(() => sim?.close())

/** OAuth only: the scenario's client, no Basic credentials. */
const oauthOnly = (extra: Record<string, unknown>) => {
  const { username: _u, password: _p, ...rest } = optionsFor(sim)
  return { ...rest, ...extra }
}
const full = "openid profile roles offline_access all_claims"
const basicNa = ["basic.credentials", "basic.mfa", "policy.basic-auth"] as const

describe("oauth.token", () => {
  it("a valid token: accepted; roles confirmed from the userinfo role claim", async () => {
    const { accessToken } = await tokensFor(sim, "acme", "api@acme.example", full)
    const r = await audit(sim, oauthOnly({ accessToken }))
    expectOutcome(r, { notPass: [], na: [...basicNa, "roles.presenter-limits"] })
    expect(byId(r)["roles.api-user"]).toMatchObject({ basis: "confirmed", facts: { identity: "oauth" } })
    expect(byId(r)["roles.administrator"]).toMatchObject({ status: "pass", basis: "confirmed" })
    expect(byId(r)["roles.administrator"]?.summary).toMatch(/userinfo role claim/)
  })

  it("a token without the roles scope: roles inferred from the routes that answer", async () => {
    const { accessToken } = await tokensFor(sim, "acme", "api@acme.example", "openid profile all_claims")
    const r = await audit(sim, oauthOnly({ accessToken }))
    expect(byId(r)["roles.administrator"]).toMatchObject({ status: "pass", basis: "inferred" })
  })

  it("a Presenter's token: Administrator confirmed missing, limits listed", async () => {
    const { accessToken } = await tokensFor(sim, "acme", "presenter@acme.example", full)
    const r = await audit(sim, oauthOnly({ accessToken }))
    expectOutcome(r, {
      notPass: ["roles.administrator: fail administrator_missing", "roles.presenter-limits: warn presenter_limits"],
      na: [...basicNa]
    })
    expect(byId(r)["roles.administrator"]?.basis).toBe("confirmed")
    expect(byId(r)["roles.presenter-limits"]?.facts?.refused).toEqual([
      "contacts/",
      "registrations/",
      "organisations/",
      "orders/"
    ])
  })

  it("an invalid token: rejected, and roles cannot be read through it", async () => {
    const r = await audit(sim, oauthOnly({ accessToken: "not-a-real-token-0000" }))
    expectOutcome(r, {
      notPass: [
        "roles.api-user: skipped prerequisite_failed <oauth.token>",
        "roles.administrator: skipped prerequisite_failed <oauth.token>",
        "roles.presenter-limits: skipped prerequisite_failed <oauth.token>",
        "oauth.token: fail token_rejected"
      ],
      na: [...basicNa]
    })
    expect(byId(r)["oauth.token"]?.summary).toMatch(/invalid_token/)
  })

  it("no data scope, dialect missingScope empty: the token sees nothing", async () => {
    sim.updatePlatform("acme", { dialect: { missingScope: "empty" } })
    const { accessToken } = await tokensFor(sim, "acme", "api@acme.example", "openid profile")
    const r = await audit(sim, oauthOnly({ accessToken }))
    expect(byId(r)["oauth.token"]).toMatchObject({ status: "fail", cause: { code: "token_no_data" } })
  })

  it("no data scope, dialect missingScope 403: insufficient_scope", async () => {
    sim.updatePlatform("acme", { dialect: { missingScope: "403" } })
    const { accessToken } = await tokensFor(sim, "acme", "api@acme.example", "openid profile")
    const r = await audit(sim, oauthOnly({ accessToken }))
    expect(byId(r)["oauth.token"]).toMatchObject({ status: "fail", cause: { code: "insufficient_scope" } })
    sim.updatePlatform("acme", { dialect: { missingScope: "empty" } })
  })

  it("a token's user without API User, dialect noApiAccessStatus 403: the token is valid, the role fails", async () => {
    const { accessToken } = await tokensFor(sim, "acme", "presenter@acme.example", full)
    sim.updateUser("acme", "presenter@acme.example", { roles: ["Presenter"] })
    try {
      const r = await audit(sim, oauthOnly({ accessToken }))
      expect(byId(r)["oauth.token"]?.status).toBe("pass")
      expect(byId(r)["roles.api-user"]).toMatchObject({ status: "fail", cause: { code: "api_user_missing" } })
    } finally {
      sim.updateUser("acme", "presenter@acme.example", { roles: ["Presenter", "API User"] })
    }
  })
})

describe("oauth.token when the user lacks API User, dialect noApiAccessStatus 401", () => {
  it("the token is refused; the missing role is one of the possibilities", async () => {
    const { accessToken } = await tokensFor(sim, "acme", "presenter@acme.example", full)
    sim.updateUser("acme", "presenter@acme.example", { roles: ["Presenter"] })
    sim.updatePlatform("acme", { dialect: { noApiAccessStatus: 401 } })
    try {
      const r = await audit(sim, oauthOnly({ accessToken }))
      expect(byId(r)["oauth.token"]).toMatchObject({ status: "fail", cause: { code: "token_rejected" } })
      expect(byId(r)["oauth.token"]?.cause?.possibilities?.join(" ")).toMatch(/API User/)
      expect(byId(r)["roles.api-user"]).toMatchObject({ status: "skipped", blockedBy: ["oauth.token"] })
    } finally {
      sim.updatePlatform("acme", { dialect: { noApiAccessStatus: 403 } })
      sim.updateUser("acme", "presenter@acme.example", { roles: ["Presenter", "API User"] })
    }
  })
})

describe("refresh tokens", () => {
  it("are never redeemed without the opt-in", async () => {
    const { refreshToken } = await tokensFor(sim, "acme", "api@acme.example", full)
    const r = await audit(sim, oauthOnly({ refreshToken }))
    expect(byId(r)["oauth.token"]).toMatchObject({ status: "not_applicable" })
    expect(byId(r)["oauth.token"]?.summary).toMatch(/not redeemed/)
    // Only the invalid-code probe was posted: the refresh token still works.
    expect(sim.journal().filter((j) => j.method === "POST")).toHaveLength(1)
    const again = await audit(sim, oauthOnly({ refreshToken, allowRefresh: true }))
    expect(byId(again)["oauth.token"]?.status).toBe("pass")
    expect(byId(again)["oauth.token"]?.summary).toMatch(/redeeming the refresh token/)
    // Redeeming rotated it: the same refresh token is now refused.
    const third = await audit(sim, oauthOnly({ refreshToken, allowRefresh: true }))
    expect(byId(third)["oauth.token"]).toMatchObject({ status: "fail", cause: { code: "refresh_token_rejected" } })
  })
})

describe("scopes", () => {
  it("a scope the client may not use: refused by the authorize endpoint", async () => {
    sim.updateClient("acme", "acme-integration", {
      allowedScopes: ["openid", "profile", "offline_access", "all_claims"]
    })
    try {
      const r = await audit(sim, optionsFor(sim))
      expect(byId(r)["oauth.scopes"]).toMatchObject({ status: "fail", cause: { code: "scope_refused" } })
      expect(byId(r)["oauth.redirect-uri"]?.status).toBe("pass")
    } finally {
      sim.updateClient("acme", "acme-integration", {
        allowedScopes: [...Scenario.knownScopes]
      })
    }
  })

  it("scopes without openid, or without data: static failures", async () => {
    const r = await audit(sim, optionsFor(sim, "acme", { scopes: ["profile", "all_claims"] }))
    expect(byId(r)["oauth.scopes"]?.cause?.code).toBe("scope_required_missing")
  })

  it("a client without a secret: the secret fails, approval cannot be tested, no token is posted", async () => {
    const { clientSecret: _s, ...rest } = optionsFor(sim)
    const r = await audit(sim, rest)
    expect(byId(r)["oauth.client.secret"]?.cause?.code).toBe("secret_missing")
    expect(byId(r)["oauth.client.approved"]).toMatchObject({ status: "skipped", blockedBy: ["oauth.client.secret"] })
    expect(sim.journal().filter((j) => j.method === "POST")).toHaveLength(0)
  })

  it("an http redirect URI off loopback fails statically", async () => {
    const r = await audit(sim, optionsFor(sim, "acme", { redirectUri: "http://arlo-ready.example/oauth/callback" }))
    expect(byId(r)["oauth.redirect-uri"]?.cause?.code).toBe("redirect_uri_not_https")
  })
})
