/**
 * The same verdicts whatever shape the platform's answers take: every OAuth case against every sign-in
 * redirect and every error-page shape of the simulator (the same table the independent servers meet in
 * independent.test.ts), and the Basic checks against 401s without a challenge and MFA refused with 403.
 */
import { startSimulator } from "@arlo-ready/simulator"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type CheckId, type Report, runAudit } from "../src/index.js"
import { byId, optionsFor, type Sim } from "./helpers.js"

let sim: Sim
beforeAll(async () => {
  sim = await startSimulator({ scenario: "ready" })
  // A hundred audits in a minute: far beyond Arlo's 300 requests a minute, which is not what is tested here.
  sim.updatePlatform("acme", { rateLimit: { perMinute: 100_000 } })
})
afterAll(async () => {
  await sim.close()
})

const signIns = ["identityserver3", "identityserver4", "oidc-provider", "central", "page"] as const
const errorPages = ["classes", "paragraph", "pre", "json"] as const

const oauthOnly = (extra: Record<string, unknown> = {}) => {
  const { username: _u, password: _p, ...o } = optionsFor(sim)
  return { ...o, ...extra }
}

const statuses = (r: Report, ids: ReadonlyArray<CheckId>) =>
  Object.fromEntries(
    ids.map((id) => [id, `${byId(r)[id]?.status}${byId(r)[id]?.cause ? ` ${byId(r)[id]?.cause?.code}` : ""}`])
  )

const ids: ReadonlyArray<CheckId> = [
  "oauth.server",
  "oauth.client.registered",
  "oauth.client.approved",
  "oauth.client.secret",
  "oauth.redirect-uri"
]

describe.each(signIns.flatMap((signIn) => errorPages.map((authorizeError) => ({ signIn, authorizeError }))))(
  "sign-in $signIn, error page $authorizeError",
  ({ signIn, authorizeError }) => {
    beforeAll(() => {
      sim.updatePlatform("acme", { dialect: { signIn, authorizeError } })
    })

    it("a ready client: every OAuth check passes", async () => {
      const r = await runAudit(oauthOnly())
      expect(statuses(r, ids)).toEqual(Object.fromEntries(ids.map((id) => [id, "pass"])))
      expect(r.verdict).toMatch(/^ready/)
    })

    it("a wrong secret: registered, the secret fails, approval waits for it", async () => {
      const r = await runAudit(oauthOnly({ clientSecret: "wrong" }))
      expect(statuses(r, ids)).toMatchObject({
        "oauth.client.registered": "pass",
        "oauth.client.secret": "fail secret_rejected",
        "oauth.client.approved": "skipped blocked_by_secret"
      })
    })

    it("an unknown client: not registered, the rest skipped", async () => {
      const r = await runAudit(oauthOnly({ clientId: "nobody" }))
      expect(statuses(r, ids)).toMatchObject({
        "oauth.server": "pass",
        "oauth.client.registered": "fail client_not_recognised",
        "oauth.client.approved": "skipped prerequisite_failed",
        "oauth.client.secret": "skipped prerequisite_failed",
        "oauth.redirect-uri": "skipped prerequisite_failed"
      })
    })

    it("an unregistered redirect URI: fail, whatever the page looks like", async () => {
      const r = await runAudit(oauthOnly({ redirectUri: "https://arlo-ready.example/elsewhere" }))
      expect(statuses(r, ids)).toEqual({
        "oauth.server": "pass",
        "oauth.client.registered": "pass",
        "oauth.client.approved": "pass",
        "oauth.client.secret": "pass",
        "oauth.redirect-uri": "fail redirect_uri_not_registered"
      })
      expect(byId(r)["oauth.redirect-uri"]?.basis).toBe(authorizeError === "pre" ? "confirmed" : "inferred")
      expect(r.verdict).toBe("not_ready")
    })

    it("a scope the platform does not know: the scopes check fails on the server's word", async () => {
      const r = await runAudit(oauthOnly({ scopes: "openid profile all_claims offline_access admin" }))
      expect(byId(r)["oauth.scopes"]).toMatchObject({ status: "fail", cause: { code: "scope_refused" } })
    })
  }
)

describe("401s without a challenge, and MFA refused with 403", () => {
  afterAll(() => {
    sim.updatePlatform("acme", {
      dialect: {
        signIn: "identityserver3",
        authorizeError: "classes",
        unauthorized: "challenge",
        mfaFailure: "explicit"
      }
    })
  })

  for (const unauthorized of ["no_challenge", "gateway_html"] as const) {
    it(`${unauthorized}: reachable (with a warning when nothing Arlo-like answers), and the credentials still decide`, async () => {
      sim.updatePlatform("acme", { dialect: { unauthorized } })
      const good = await runAudit({ ...optionsFor(sim), only: ["basic.credentials"] })
      if (unauthorized === "gateway_html") {
        expect(byId(good)["target.reachable"]).toMatchObject({ status: "warn", cause: { code: "challenge_missing" } })
        expect(good.verdict).toBe("ready_with_warnings")
      } else {
        // An ApiException body is Arlo's own answer, challenge or not.
        expect(byId(good)["target.reachable"]?.status).toBe("pass")
        expect(good.verdict).toBe("ready")
      }
      expect(byId(good)["basic.credentials"]?.status).toBe("pass")
      const bad = await runAudit({ ...optionsFor(sim), password: "wrong", only: ["basic.credentials"] })
      expect(byId(bad)["basic.credentials"]).toMatchObject({ status: "fail", cause: { code: "rejected" } })
      expect(bad.verdict).toBe("not_ready")
    })
  }

  it("mfaFailure forbidden: a 403 naming MFA fails basic.mfa", async () => {
    const mfa = await startSimulator({ scenario: "mfa-optional", dialect: { mfaFailure: "forbidden" } })
    try {
      const r = await runAudit({ ...optionsFor(mfa), only: ["basic.mfa", "roles.administrator"] })
      expect(byId(r)["basic.mfa"]).toMatchObject({ status: "fail", cause: { code: "mfa_enabled" } })
      expect(byId(r)["roles.administrator"]?.status).toBe("skipped")
      expect(r.verdict).toBe("not_ready")
    } finally {
      await mfa.close()
    }
  })
})
