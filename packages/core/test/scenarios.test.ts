/**
 * Every built-in scenario, in every dialect that changes how it answers: the status, cause and
 * blockedBy of each check. All checks not listed pass; `na` lists the not-applicable ones.
 */
import { startSimulator } from "@arlo-ready/simulator"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { audit, byId, expectOutcome, noOAuth, noToken, optionsFor, platformOf, type Sim } from "./helpers.js"

const withScenario = (scenario: string, body: (get: () => Sim) => void) =>
  describe(scenario, () => {
    let sim: Sim
    beforeAll(async () => {
      sim = await startSimulator({ scenario })
    })
    afterAll(() => sim?.close())
    body(() => sim)
  })

const dialect = (sim: Sim, d: Record<string, unknown>) => sim.updatePlatform(platformOf(sim), { dialect: d })

const blockedByCredentials = [
  "roles.api-user: skipped prerequisite_failed <basic.credentials>",
  "roles.administrator: skipped prerequisite_failed <basic.credentials>",
  "roles.presenter-limits: skipped prerequisite_failed <basic.credentials>",
  "policy.basic-auth: skipped prerequisite_failed <basic.credentials>"
]
const blockedByMfa = blockedByCredentials.map((l) => l.replace("<basic.credentials>", "<basic.mfa>"))

withScenario("ready", (sim) => {
  it("passes everything that applies", async () => {
    const r = await audit(sim(), optionsFor(sim()))
    expectOutcome(r, { notPass: [], na: ["roles.presenter-limits", "oauth.token"] })
    expect(r.verdict).toBe("ready")
    const c = byId(r)
    expect(c["roles.api-user"]?.basis).toBe("confirmed")
    expect(c["roles.administrator"]).toMatchObject({ basis: "confirmed", status: "pass" })
    expect(c["oauth.server"]?.facts).toEqual({
      discovery: true,
      signIn: "redirect",
      signInAt: "/acme/oauth/account/login"
    })
    // Shared probes happen once: one authenticated root GET for basic.* and roles.*, one authorize GET
    // for oauth.server/registered/approved/redirect-uri/scopes, one token POST for registered/approved/secret.
    const seen = sim()
      .journal()
      .map((j) => `${j.method} ${j.path} ${j.credentials}`)
    expect(seen.filter((s) => s === "GET /api/2012-02-01/auth/resources/ basic")).toHaveLength(1)
    expect(seen.filter((s) => s.startsWith("GET /oauth/connect/authorize"))).toHaveLength(1)
    expect(seen.filter((s) => s.startsWith("POST /oauth/connect/token"))).toHaveLength(1)
    expect(seen).toHaveLength(7)
  })

  it("dialect discovery off: the discovery document is optional", async () => {
    dialect(sim(), { discovery: false })
    const r = await audit(sim(), optionsFor(sim()))
    expectOutcome(r, { notPass: [], na: ["roles.presenter-limits", "oauth.token"] })
    expect(byId(r)["oauth.server"]?.facts).toMatchObject({ discovery: false, signIn: "redirect" })
    dialect(sim(), { discovery: true })
  })
})

withScenario("wrong-password", (sim) => {
  it("an opaque 401: credentials fail with possibilities, MFA cannot be ruled out", async () => {
    const r = await audit(sim(), optionsFor(sim()))
    expectOutcome(r, {
      notPass: ["basic.credentials: fail rejected", "basic.mfa: warn mfa_not_ruled_out", ...blockedByCredentials],
      na: noOAuth
    })
    expect(byId(r)["basic.credentials"]?.cause?.possibilities?.[0]).toBe("wrong username or password")
    expect(r.verdict).toBe("not_ready")
  })
})

withScenario("locked", (sim) => {
  it("dialect lockedFailure explicit: the lock is named, MFA cannot be tested", async () => {
    const r = await audit(sim(), optionsFor(sim()))
    expectOutcome(r, {
      notPass: [
        "basic.credentials: fail account_locked",
        "basic.mfa: skipped blocked_by_lock <basic.credentials>",
        ...blockedByCredentials
      ],
      na: noOAuth
    })
    expect(byId(r)["basic.credentials"]?.remediation?.who).toBe("platform-administrator")
  })

  it("dialect lockedFailure opaque: the lock is one of the possibilities", async () => {
    dialect(sim(), { lockedFailure: "opaque" })
    const r = await audit(sim(), optionsFor(sim()))
    expectOutcome(r, {
      notPass: ["basic.credentials: fail rejected", "basic.mfa: warn mfa_not_ruled_out", ...blockedByCredentials],
      na: noOAuth
    })
    expect(byId(r)["basic.credentials"]?.cause?.possibilities).toContain("the account is locked")
  })
})

withScenario("mfa-optional", (sim) => {
  it("dialect mfaFailure explicit: MFA fails (setting Optional), credentials blocked by MFA", async () => {
    const r = await audit(sim(), optionsFor(sim()))
    expectOutcome(r, {
      notPass: [
        "basic.credentials: skipped blocked_by_mfa <basic.mfa>",
        "basic.mfa: fail mfa_enabled",
        ...blockedByMfa
      ],
      na: noOAuth
    })
    const mfa = byId(r)["basic.mfa"]!
    expect(mfa.remediation?.steps[0]).toMatch(/own Contact record, Security tab/)
    expect(mfa.docs.map((d) => d.url).join(" ")).toMatch(/Multi-factor-Authentication/)
  })

  it("dialect mfaFailure opaque: MFA stays a named possibility", async () => {
    dialect(sim(), { mfaFailure: "opaque" })
    const r = await audit(sim(), optionsFor(sim()))
    expectOutcome(r, {
      notPass: ["basic.credentials: fail rejected", "basic.mfa: warn mfa_not_ruled_out", ...blockedByCredentials],
      na: noOAuth
    })
    expect(byId(r)["basic.credentials"]?.cause?.possibilities?.[1]).toMatch(/MFA/)
  })
})

withScenario("mfa-required", (sim) => {
  it("dialect mfaFailure explicit: an Integration Account is the remedy", async () => {
    const r = await audit(sim(), optionsFor(sim()))
    expectOutcome(r, {
      notPass: [
        "basic.credentials: skipped blocked_by_mfa <basic.mfa>",
        "basic.mfa: fail mfa_enabled",
        ...blockedByMfa
      ],
      na: noOAuth
    })
    const steps = byId(r)["basic.mfa"]!.remediation!.steps.join(" ")
    expect(steps).toMatch(/Account type = Integration Account/)
    expect(byId(r)["basic.mfa"]!.remediation!.who).toBe("platform-administrator")
  })

  it("dialect mfaFailure opaque: MFA is the first possibility under Required", async () => {
    dialect(sim(), { mfaFailure: "opaque" })
    const r = await audit(sim(), optionsFor(sim()))
    expectOutcome(r, {
      notPass: ["basic.credentials: fail rejected", "basic.mfa: warn mfa_not_ruled_out", ...blockedByCredentials],
      na: noOAuth
    })
    expect(byId(r)["basic.credentials"]?.cause?.possibilities?.[0]).toMatch(/MFA/)
  })

  it("setting unknown: the remediation says where to find the MFA setting", async () => {
    dialect(sim(), { mfaFailure: "explicit" })
    const r = await audit(sim(), optionsFor(sim(), undefined, { mfaSetting: "unknown" }))
    expect(byId(r)["basic.mfa"]?.status).toBe("fail")
    expect(byId(r)["basic.mfa"]?.remediation?.steps[0]).toMatch(/Settings > Advanced > Platform security/)
  })
})

withScenario("integration-account", (sim) => {
  it("passes Basic sign-in under Required MFA", async () => {
    const r = await audit(sim(), optionsFor(sim()))
    expectOutcome(r, { notPass: ["policy.basic-auth: warn basic_only"], na: ["roles.presenter-limits", ...noOAuth] })
    expect(byId(r)["basic.mfa"]?.summary).toMatch(/Integration Account/)
  })
})

withScenario("no-api-access", (sim) => {
  it("dialect noApiAccessStatus 403: credentials pass, the API User role fails", async () => {
    const r = await audit(sim(), optionsFor(sim()))
    expectOutcome(r, {
      notPass: [
        "roles.api-user: fail api_user_missing",
        "roles.administrator: skipped prerequisite_failed <roles.api-user>",
        "roles.presenter-limits: skipped prerequisite_failed <roles.api-user>",
        "policy.basic-auth: warn basic_only"
      ],
      na: noOAuth
    })
    expect(byId(r)["roles.api-user"]?.remediation?.steps[0]).toMatch(/Access to the API/)
  })

  it("dialect noApiAccessStatus 401: the missing role is one of the possibilities", async () => {
    dialect(sim(), { noApiAccessStatus: 401 })
    const r = await audit(sim(), optionsFor(sim()))
    expectOutcome(r, {
      notPass: ["basic.credentials: fail rejected", "basic.mfa: warn mfa_not_ruled_out", ...blockedByCredentials],
      na: noOAuth
    })
    expect(byId(r)["basic.credentials"]?.cause?.possibilities?.join(" ")).toMatch(/API User/)
  })
})

withScenario("api-user-only", (sim) => {
  it("dialect apiUserOnly limited, expecting full access: Administrator missing (inferred), limits listed", async () => {
    const r = await audit(sim(), optionsFor(sim(), undefined, { expectAccess: "full" }))
    expectOutcome(r, {
      notPass: [
        "roles.administrator: fail administrator_missing",
        "roles.presenter-limits: warn presenter_limits",
        "policy.basic-auth: warn basic_only"
      ],
      na: noOAuth
    })
    expect(byId(r)["roles.administrator"]?.basis).toBe("inferred")
    expect(byId(r)["roles.administrator"]?.summary).toMatch(/inferred/)
  })

  it("expecting presenter access: Administrator is not needed, the limits pass", async () => {
    const r = await audit(sim(), optionsFor(sim(), undefined, { expectAccess: "presenter" }))
    expectOutcome(r, {
      notPass: ["policy.basic-auth: warn basic_only"],
      na: ["roles.administrator", ...noOAuth]
    })
    expect(byId(r)["roles.presenter-limits"]?.facts?.refused).toEqual([
      "contacts/",
      "registrations/",
      "organisations/",
      "orders/"
    ])
  })

  it("dialect apiUserOnly full: Administrator confirmed missing but not enforced", async () => {
    dialect(sim(), { apiUserOnly: "full" })
    const r = await audit(sim(), optionsFor(sim(), undefined, { expectAccess: "full" }))
    expectOutcome(r, {
      notPass: ["roles.administrator: warn administrator_missing_unenforced", "policy.basic-auth: warn basic_only"],
      na: noOAuth
    })
    const admin = byId(r)["roles.administrator"]!
    expect(admin.basis).toBe("confirmed")
    expect(byId(r)["roles.presenter-limits"]?.facts?.refused).toEqual([])
    expect(byId(r)["roles.api-user"]?.basis).toBe("confirmed")
  })
})

withScenario("presenter", (sim) => {
  it("dialect routeDenialStatus 403: refused routes and trimmed fields, as a Presenter integration expects", async () => {
    const r = await audit(sim(), optionsFor(sim()))
    expectOutcome(r, {
      notPass: ["policy.basic-auth: warn basic_only"],
      na: ["roles.administrator", ...noOAuth]
    })
    const limits = byId(r)["roles.presenter-limits"]!
    expect(limits.facts).toMatchObject({
      refused: ["contacts/", "registrations/", "organisations/", "orders/"],
      trimmed: { Event: ["Cost", "Notes", "CreditHours"] },
      refusalStatus: [403]
    })
  })

  it("dialect routeDenialStatus 404, expecting full access: one root cause (Administrator), limits as a warning", async () => {
    dialect(sim(), { routeDenialStatus: 404 })
    const r = await audit(sim(), optionsFor(sim(), undefined, { expectAccess: "full" }))
    expectOutcome(r, {
      notPass: [
        "roles.administrator: fail administrator_missing",
        "roles.presenter-limits: warn presenter_limits",
        "policy.basic-auth: warn basic_only"
      ],
      na: noOAuth
    })
    expect(byId(r)["roles.presenter-limits"]?.facts?.refusalStatus).toEqual([404])
    expect(byId(r)["roles.presenter-limits"]?.summary).toMatch(/404, indistinguishable from missing/)
  })
})

const oauthBlocked = [
  "oauth.client.approved: skipped prerequisite_failed <oauth.client.registered>",
  "oauth.client.secret: skipped prerequisite_failed <oauth.client.registered>",
  "oauth.redirect-uri: skipped prerequisite_failed <oauth.client.registered>"
]

withScenario("oauth-pending", (sim) => {
  it("dialect unapprovedClient unauthorized_client: not approved, the redirect URI untestable", async () => {
    const r = await audit(sim(), optionsFor(sim()))
    expectOutcome(r, {
      notPass: [
        "oauth.client.approved: fail client_not_approved",
        "oauth.redirect-uri: skipped blocked_by_approval <oauth.client.approved>"
      ],
      na: ["roles.presenter-limits", ...noToken]
    })
    const approved = byId(r)["oauth.client.approved"]!
    expect(approved.remediation?.steps[0]).toMatch(/apisupport@arlo\.co/)
    expect(approved.remediation?.who).toBe("arlo-support")
  })

  it("dialect unapprovedClient invalid_client: unknown and unapproved are one answer, both remedies given", async () => {
    dialect(sim(), { unapprovedClient: "invalid_client" })
    const r = await audit(sim(), optionsFor(sim()))
    expectOutcome(r, {
      notPass: ["oauth.client.registered: fail client_not_recognised", ...oauthBlocked],
      na: ["roles.presenter-limits", ...noToken]
    })
    const reg = byId(r)["oauth.client.registered"]!
    expect(reg.cause?.possibilities?.join(" ")).toMatch(/not approved/)
    expect(reg.remediation?.steps.join(" ")).toMatch(/OAuth clients section.*apisupport@arlo\.co/s)
  })

  it("dialect unapprovedClient login_then_denied: authorize passes, the token endpoint refuses", async () => {
    dialect(sim(), { unapprovedClient: "login_then_denied" })
    const r = await audit(sim(), optionsFor(sim()))
    expectOutcome(r, {
      notPass: ["oauth.client.approved: fail client_not_approved"],
      na: ["roles.presenter-limits", ...noToken]
    })
  })
})

withScenario("oauth-wrong-secret", (sim) => {
  it("the client is known (authorize), so invalid_client means a wrong secret", async () => {
    const r = await audit(sim(), optionsFor(sim()))
    expectOutcome(r, {
      notPass: [
        "oauth.client.approved: skipped blocked_by_secret <oauth.client.secret>",
        "oauth.client.secret: fail secret_rejected"
      ],
      na: ["roles.presenter-limits", ...noToken]
    })
  })
})

withScenario("oauth-unknown-client", (sim) => {
  it("the unknown-client page and invalid_client: not recognised", async () => {
    const r = await audit(sim(), optionsFor(sim()))
    expectOutcome(r, {
      notPass: ["oauth.client.registered: fail client_not_recognised", ...oauthBlocked],
      na: ["roles.presenter-limits", ...noToken]
    })
  })
})

withScenario("oauth-bad-redirect", (sim) => {
  it("the invalid_request page: the redirect URI is not registered", async () => {
    const r = await audit(sim(), optionsFor(sim()))
    expectOutcome(r, {
      notPass: ["oauth.redirect-uri: fail redirect_uri_not_registered"],
      na: ["roles.presenter-limits", ...noToken]
    })
    expect(byId(r)["oauth.redirect-uri"]?.remediation?.steps[0]).toContain("https://arlo-ready.example/wrong/callback")
  })
})

withScenario("rate-limited", (sim) => {
  it("a 429 beyond the deadline: error rate_limited, never pass or fail, verdict incomplete", async () => {
    const r = await audit(sim(), optionsFor(sim()))
    expect(byId(r)["policy.rate-limit"]).toMatchObject({ status: "error", cause: { code: "rate_limited" } })
    expect(r.checks.filter((c) => c.status === "fail")).toEqual([])
    expect(
      r.checks.some((c) => c.status === "error" && c.cause?.code === "rate_limited" && c.id !== "policy.rate-limit")
    ).toBe(true)
    expect(r.verdict).toBe("incomplete")
    expect(
      sim()
        .journal()
        .some((j) => j.status === 429)
    ).toBe(true)
  })
})

withScenario("flaky", (sim) => {
  it("5xx and resets are retried: everything passes, the retries are counted", async () => {
    const r = await audit(sim(), optionsFor(sim()))
    expectOutcome(r, { notPass: [], na: ["roles.presenter-limits", "oauth.token"] })
    expect(r.requests.retries).toBeGreaterThanOrEqual(3)
    const retried = r.checks.flatMap((c) => c.evidence).filter((e) => e.note?.includes("retried"))
    expect(retried.length).toBeGreaterThan(0)
  })
})

withScenario("slow", (sim) => {
  it("slow answers are still answers", async () => {
    const r = await audit(sim(), optionsFor(sim()))
    expectOutcome(r, { notPass: [], na: ["roles.presenter-limits", "oauth.token"] })
  })
})

withScenario("demo", (sim) => {
  it("audits each platform of the demo as its scenario describes", async () => {
    const outcome = async (p: string) => (await audit(sim(), optionsFor(sim(), p))).verdict
    expect(await outcome("acme")).toBe("ready")
    expect(await outcome("globex")).toBe("not_ready")
    expect(await outcome("initech")).toBe("ready_with_warnings")
    expect(await outcome("umbrella")).toBe("not_ready")
  })
})
