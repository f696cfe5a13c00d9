/** The safety promises: read-only, the request budget, the concurrency cap, no secret anywhere, concurrency. */

import { startSimulator } from "@arlo-ready/simulator"
import { FetchHttpClient } from "@effect/platform"
import { Effect, Either } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type AuditEvent, auditEvents, ConfigError, fromOptions, makeArloHttp, runAudit } from "../src/index.js"
import { audit, byId, optionsFor, type Sim, tokensFor } from "./helpers.js"

describe("read-only", () => {
  let sim: Sim
  beforeAll(async () => {
    sim = await startSimulator({ scenario: "ready" })
  })
  afterAll(() => sim?.close())

  it("the HTTP service refuses every method but GET/HEAD, except the token-endpoint probe", async () => {
    const config = Either.getOrThrow(fromOptions(optionsFor(sim)))
    sim.clearJournal()
    const base = sim.platforms.acme!.baseUrl
    const attempts = await Effect.runPromise(
      Effect.gen(function* () {
        const http = yield* makeArloHttp(config, Date.now() + 10_000)
        const none = { _tag: "none" } as const
        return yield* Effect.all([
          Effect.either(
            http.request({ method: "POST", url: `${base}/api/2012-02-01/auth/resources/contacts/`, auth: none })
          ),
          Effect.either(
            http.request({
              method: "POST",
              url: `${base}/oauth/connect/token`,
              auth: none,
              kind: "token-probe",
              form: [["grant_type", "client_credentials"]]
            })
          ),
          Effect.either(
            http.request({
              method: "POST",
              url: `${base}/oauth/connect/token`,
              auth: none,
              kind: "token-refresh",
              form: [["grant_type", "refresh_token"]]
            })
          ),
          Effect.either(
            http.request({ method: "PUT" as "POST", url: `${base}/api/2012-02-01/auth/resources/`, auth: none })
          )
        ])
      }).pipe(Effect.provide(FetchHttpClient.layer))
    )
    for (const a of attempts) expect(Either.isLeft(a) && a.left.code).toBe("read_only")
    expect(sim.journal()).toHaveLength(0)
  })
})

describe("the request budget", () => {
  let sim: Sim
  beforeAll(async () => {
    sim = await startSimulator({ scenario: "ready" })
  })
  afterAll(() => sim?.close())

  for (const budget of [1, 3, 4]) {
    it(`maxRequests ${budget}: never more on the wire, a valid report, budget_exhausted errors`, async () => {
      const r = await audit(sim, optionsFor(sim, "acme", { maxRequests: budget }))
      expect(sim.journal().length).toBeLessThanOrEqual(budget)
      expect(r.requests).toMatchObject({ count: budget, budget })
      const exhausted = r.checks.filter((c) => c.cause?.code === "budget_exhausted")
      expect(exhausted.length).toBeGreaterThan(0)
      for (const c of exhausted) expect(c.status).toBe("error")
      expect(r.verdict).toBe("incomplete")
    })
  }
})

describe("a budget that runs out on confirming requests", () => {
  let sim: Sim
  beforeAll(async () => {
    sim = await startSimulator({ scenario: "ready" })
  })
  afterAll(() => sim?.close())

  // Five requests: the probes that decide are all sent; the discovery document (optional) and the
  // contact's roles (a confirmation) are not. The checks that decided without them say so.
  it("maxRequests 5: the refused requests are named by the checks that went without them", async () => {
    const r = await audit(sim, optionsFor(sim, "acme", { maxRequests: 5 }))
    expect(sim.journal().length).toBeLessThanOrEqual(5)
    expect(r.requests).toMatchObject({ count: 5, budget: 5 })
    const byId = new Map(r.checks.map((c) => [c.id, c]))
    expect(byId.get("oauth.server")?.summary).toMatch(/discovery document could not be read \(the request budget/)
    for (const id of ["roles.api-user", "roles.administrator"] as const) {
      expect(byId.get(id)).toMatchObject({ status: "pass", basis: "inferred" })
      expect(byId.get(id)?.summary).toMatch(/roles could not be read to confirm it: the request budget of 5/)
    }
  })
})

describe("the concurrency cap", () => {
  let sim: Sim
  beforeAll(async () => {
    sim = await startSimulator({ scenario: "api-user-only", latencyMs: 40 })
  })
  afterAll(() => sim?.close())

  for (const cap of [1, 2, 3]) {
    it(`concurrency ${cap}: never more in flight`, async () => {
      const r = await audit(sim, optionsFor(sim, "harbour", { concurrency: cap, expectAccess: "full" }))
      expect(sim.peakInFlight().harbour).toBeLessThanOrEqual(cap)
      expect(r.requests.peakInFlight).toBeLessThanOrEqual(cap)
      expect(r.requests.count).toBeGreaterThan(10)
    })
  }

  it("independent requests overlap on the wire (the audit runs checks concurrently)", async () => {
    await audit(sim, optionsFor(sim, "harbour", { concurrency: 4, expectAccess: "full" }))
    const spans = sim.journal().map((j) => ({ start: Date.parse(j.at), end: Date.parse(j.at) + j.durationMs }))
    const overlapping = spans.filter((a, i) => spans.some((b, k) => k !== i && a.start < b.end && b.start < a.end))
    // The nine presenter-limit probes are independent: with latency on every request they must overlap.
    expect(overlapping.length).toBeGreaterThanOrEqual(4)
    expect(sim.peakInFlight().harbour).toBeGreaterThan(1)
  })
})

describe("the probes that need no answer leave together", () => {
  let sim: Sim
  beforeAll(async () => {
    sim = await startSimulator({ scenario: "ready", latencyMs: 150 })
  })
  afterAll(() => sim?.close())

  /** The longest sequence of requests each sent once the one before was answered (2 ms for the clock). */
  const longestChain = (journal: ReadonlyArray<{ at: string; durationMs: number }>) => {
    const spans = journal
      .map((j) => ({ start: Date.parse(j.at), end: Date.parse(j.at) + j.durationMs }))
      .sort((a, b) => a.start - b.start)
    const depth: Array<number> = []
    spans.forEach((s, i) => {
      depth[i] = 1 + Math.max(0, ...spans.slice(0, i).map((p, k) => (p.end <= s.start + 2 ? depth[k]! : 0)))
    })
    return Math.max(...depth)
  }

  const firstAnswer = (journal: ReadonlyArray<{ at: string; durationMs: number }>) =>
    Math.min(...journal.map((j) => Date.parse(j.at) + j.durationMs))

  it("with room for all of them, every request but the contact's roles is sent before the first answer", async () => {
    sim.clearJournal()
    const r = await audit(sim, optionsFor(sim, "acme", { concurrency: 6 }))
    expect(r.verdict).toBe("ready")
    const journal = sim.journal()
    const answered = firstAnswer(journal)
    const late = journal.filter((j) => Date.parse(j.at) >= answered).map((j) => `${j.method} ${j.path}`)
    expect(late).toEqual(["GET /api/2012-02-01/auth/resources/contacts/562/security/roles"])
    expect(journal).toHaveLength(7)
  })

  it("a probe leaves only for checks that can run: nothing when target.reachable is skipped", async () => {
    sim.clearJournal()
    const r = await audit(sim, optionsFor(sim, "acme", { skip: ["target.reachable"] }))
    expect(r.checks.find((c) => c.id === "oauth.server")?.status).toBe("skipped")
    expect(sim.journal()).toEqual([])
  })

  it("a probe leaves only for checks that can run: no Basic contacts lookup when basic.credentials is skipped", async () => {
    sim.clearJournal()
    await audit(sim, optionsFor(sim, "acme", { skip: ["basic.credentials"] }))
    expect(sim.journal().filter((j) => j.path.includes("/contacts/"))).toEqual([])
  })

  it("within the default cap of 4: four leave at once, the rest when permits free up, one hop later", async () => {
    sim.clearJournal()
    const r = await audit(sim, optionsFor(sim, "acme"))
    expect(r.verdict).toBe("ready")
    const journal = sim.journal()
    const answered = firstAnswer(journal)
    expect(journal.filter((j) => Date.parse(j.at) < answered)).toHaveLength(4)
    // The rest left after an answer, and nothing after a second one: a chain of two requests at most.
    expect(longestChain(journal)).toBe(2)
    expect(sim.peakInFlight().acme).toBeLessThanOrEqual(4)
  })
})

const b64 = (s: string) => Buffer.from(s).toString("base64")

describe("no secret in any output", () => {
  const scenarios = [
    "ready",
    "wrong-password",
    "mfa-required",
    "oauth-wrong-secret",
    "oauth-pending",
    "flaky",
    "presenter"
  ]
  for (const scenario of scenarios) {
    it(`${scenario}: report, events and errors hold no secret, plain or base64`, async () => {
      const sim = await startSimulator({ scenario })
      try {
        const p = Object.keys(sim.platforms)[0]!
        const a = sim.platforms[p]!.audit
        const secrets: Array<string> = []
        if (a.password) secrets.push(a.password, b64(`${a.username}:${a.password}`), b64(a.password))
        if (a.clientSecret) secrets.push(a.clientSecret, b64(`${a.clientId}:${a.clientSecret}`), b64(a.clientSecret))
        let extra = {}
        if (scenario === "ready") {
          const t = await tokensFor(sim, p, a.username!, "openid profile roles offline_access all_claims")
          secrets.push(t.accessToken, t.refreshToken!)
          extra = { accessToken: t.accessToken, refreshToken: t.refreshToken, allowRefresh: false }
        }
        const events: Array<AuditEvent> = []
        for await (const e of auditEvents(optionsFor(sim, p, extra))) events.push(e)
        const text = JSON.stringify(events)
        expect(text).toContain("audit_finished")
        for (const s of secrets) expect(text, `secret ${s.slice(0, 3)}… leaked`).not.toContain(s)
        // The URL-encoded forms, too.
        for (const s of secrets) expect(text).not.toContain(encodeURIComponent(s))
      } finally {
        await sim.close()
      }
    })
  }

  it("config errors and the config itself show no secret", () => {
    const r = fromOptions({ baseUrl: "http://example.com", username: "u", password: "hunter2-secret" })
    expect(Either.isLeft(r)).toBe(true)
    if (Either.isLeft(r)) {
      expect(r.left).toBeInstanceOf(ConfigError)
      expect(`${r.left} ${JSON.stringify(r.left)} ${r.left.stack}`).not.toContain("hunter2-secret")
    }
    const ok = Either.getOrThrow(fromOptions({ platform: "acme", username: "u", password: "hunter2-secret" }))
    expect(`${JSON.stringify(ok)} ${String(ok.basic?.password)}`).not.toContain("hunter2-secret")
  })

  it("a rejected Promise carries no secret", async () => {
    const err = await runAudit({ platform: "not a name", username: "u", password: "hunter2-secret" }).catch((e) => e)
    expect(err).toBeInstanceOf(ConfigError)
    expect(`${err} ${JSON.stringify(err)}`).not.toContain("hunter2-secret")
  })

  it("an evidence path masks the username used in a filter", async () => {
    const sim = await startSimulator({ scenario: "ready" })
    try {
      const r = await runAudit(optionsFor(sim))
      const paths = byId(r)
        ["roles.api-user"]!.evidence.map((e) => e.path)
        .join(" ")
      expect(paths).toContain("Email eq 'ap…@acme.example'")
      expect(paths).not.toContain("api@acme.example")
    } finally {
      await sim.close()
    }
  })
})
