/** The target checks and the wire: DNS, TCP, TLS, wrong paths, 5xx, resets, garbage, timeouts, 429. */
import { readFileSync } from "node:fs"
import * as http from "node:http"
import * as https from "node:https"
import type { AddressInfo } from "node:net"
import { startSimulator } from "@arlo-ready/simulator"
import { FetchHttpClient } from "@effect/platform"
import { Effect } from "effect"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { type CheckId, configFromOptions, HostResolver, runAudit, runEngine } from "../src/index.js"
import { audit, byId, journalReaches, optionsFor, type Sim } from "./helpers.js"

let sim: Sim
beforeAll(async () => {
  sim = await startSimulator({ scenario: "ready" })
})
afterAll(() => sim?.close())
afterEach(() => sim.updatePlatform("acme", { faults: [] }))

const root = "/api/2012-02-01/auth/resources/"
const fault = (rule: Record<string, unknown>) => sim.updatePlatform("acme", { faults: [{ match: root, ...rule }] })
const basicOnly = (extra: Record<string, unknown> = {}) => {
  const { clientId: _c, clientSecret: _s, redirectUri: _r, scopes: _sc, ...rest } = optionsFor(sim)
  return { ...rest, ...extra }
}
const dependents: Array<CheckId> = ["basic.credentials", "basic.mfa", "policy.rate-limit"]

const expectTargetBlocks = (r: Awaited<ReturnType<typeof runAudit>>) => {
  for (const id of dependents)
    expect(byId(r)[id], id).toMatchObject({ status: "skipped", blockedBy: ["target.reachable"] })
}

describe("target.reachable", () => {
  it("5xx after the retries: error, never fail", async () => {
    fault({ status: 503 })
    const r = await audit(sim, basicOnly())
    expect(byId(r)["target.reachable"]).toMatchObject({ status: "error", cause: { code: "server_error" } })
    // Three attempts of the anonymous root (the sign-in, started beside it, meets the same fault).
    expect(byId(r)["target.reachable"]?.evidence.map((e) => e.status)).toEqual([503, 503, 503])
    expect(r.requests.retries).toBeGreaterThanOrEqual(2)
    expect(r.verdict).toBe("incomplete")
    expectTargetBlocks(r)
  })

  it("connection resets after the retries: error", async () => {
    fault({ reset: true })
    const r = await audit(sim, basicOnly())
    expect(byId(r)["target.reachable"]).toMatchObject({ status: "error", cause: { code: "connection_reset" } })
    expect(byId(r)["target.reachable"]?.evidence.map((e) => e.status)).toEqual([null, null, null])
  })

  it("a body cut short: error", async () => {
    fault({ truncate: true })
    const r = await audit(sim, basicOnly())
    expect(byId(r)["target.reachable"]).toMatchObject({ status: "error", cause: { code: "connection_reset" } })
  })

  it("an HTML page: does not answer like Arlo's Auth API", async () => {
    fault({ html: true })
    const r = await audit(sim, basicOnly())
    expect(byId(r)["target.reachable"]).toMatchObject({ status: "fail", cause: { code: "not_arlo_api" } })
    expect(byId(r)["target.reachable"]?.summary).toMatch(/HTML/)
  })

  it("an oversized body: reading stops at the cap, error", async () => {
    fault({ oversizeBytes: 3 * 1024 * 1024 })
    const r = await audit(sim, basicOnly())
    expect(byId(r)["target.reachable"]).toMatchObject({ status: "error", cause: { code: "body_too_large" } })
    // Not retried (the sign-in, started beside it, meets the same fault).
    expect(byId(r)["target.reachable"]?.evidence).toHaveLength(1)
  })

  it("no answer within the per-attempt timeout: error timeout, retried", async () => {
    fault({ latencyMs: 1500 })
    const r = await audit(sim, basicOnly({ timeoutMs: 200 }), { wire: "atMost" })
    expect(byId(r)["target.reachable"]).toMatchObject({ status: "error", cause: { code: "timeout" } })
    expect(byId(r)["target.reachable"]?.evidence).toHaveLength(3)
    // Every attempt reaches the simulator (journalled once it finishes them), and nothing more.
    expect(await journalReaches(sim, r.requests.count)).toBe(r.requests.count)
  })

  it("a body that trickles past the timeout: error timeout", async () => {
    fault({ trickleMs: 100, trickleBytes: 8 })
    // The sign-in started beside the root trickles too; attempts given up mid-flight may not be journalled.
    const r = await audit(sim, basicOnly({ timeoutMs: 300 }), { wire: "atMost" })
    expect(byId(r)["target.reachable"]).toMatchObject({ status: "error", cause: { code: "timeout" } })
  })

  it("a redirect loop: error", async () => {
    fault({ redirectLoop: true })
    const r = await audit(sim, basicOnly())
    expect(byId(r)["target.reachable"]).toMatchObject({ status: "error", cause: { code: "redirect_loop" } })
    expect(sim.journal().length).toBeLessThanOrEqual(6)
  })

  it("a wrong path: 404, not Arlo's Auth API", async () => {
    const r = await runAudit({ ...basicOnly(), baseUrl: `${sim.url}/no-such-platform` })
    expect(byId(r)["target.reachable"]).toMatchObject({ status: "fail", cause: { code: "not_arlo_api" } })
    expectTargetBlocks(r)
  })

  it("nothing listening: connection refused", async () => {
    const server = http.createServer()
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const port = (server.address() as AddressInfo).port
    await new Promise<void>((resolve) => server.close(() => resolve()))
    const r = await runAudit({ ...basicOnly(), baseUrl: `http://127.0.0.1:${port}/acme` })
    expect(byId(r)["target.reachable"]).toMatchObject({ status: "fail", cause: { code: "connection_refused" } })
    expect(byId(r)["target.reachable"]?.evidence[0]).toMatchObject({
      status: null,
      path: "/acme/api/2012-02-01/auth/resources/"
    })
  })

  const withResolver = (resolves: boolean, baseUrl: string) =>
    Effect.runPromise(
      runEngine(configFromOptions({ ...basicOnly(), baseUrl }), {}).pipe(
        Effect.provideService(HostResolver, { resolves: () => Effect.succeed(resolves) }),
        Effect.provide(FetchHttpClient.layer)
      )
    )

  it("a host that does not resolve while other names do: DNS, fail (the name is wrong)", async () => {
    const r = await withResolver(true, "https://arlo-ready-no-such-host.invalid")
    expect(byId(r)["target.reachable"]).toMatchObject({ status: "fail", cause: { code: "dns_not_found" } })
    const p = await withResolver(true, "https://arlo-ready-no-such-platform.arlo.co")
    expect(byId(p)["target.reachable"]?.summary).toMatch(/No platform named 'arlo-ready-no-such-platform'/)
  })

  it("no name resolves at all (not even arlo.co): the network is the cause, error, incomplete", async () => {
    const r = await withResolver(false, "https://arlo-ready-no-such-platform.arlo.co")
    expect(byId(r)["target.reachable"]).toMatchObject({ status: "error", cause: { code: "dns_unavailable" } })
    expect(byId(r)["target.reachable"]?.remediation?.who).toBe("network-administrator")
    expect(r.verdict).toBe("incomplete")
  })

  it("a certificate that does not verify: TLS, fail", async () => {
    const dir = new URL("./fixtures/", import.meta.url)
    const server = https.createServer(
      { key: readFileSync(new URL("self-signed.key", dir)), cert: readFileSync(new URL("self-signed.crt", dir)) },
      (_req, res) => res.end("never")
    )
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    try {
      const port = (server.address() as AddressInfo).port
      const r = await runAudit({ ...basicOnly(), baseUrl: `https://127.0.0.1:${port}` })
      expect(byId(r)["target.reachable"]).toMatchObject({ status: "fail", cause: { code: "tls" } })
      expect(byId(r)["target.reachable"]?.remediation?.steps.join(" ")).toMatch(/NODE_EXTRA_CA_CERTS/)
    } finally {
      server.close()
    }
  })
})

describe("garbage where Arlo answers", () => {
  it("a malformed XML body on the authenticated root: error, never a crash", async () => {
    fault({ malformedXml: true, after: 1 })
    const r = await audit(sim, basicOnly())
    expect(byId(r)["target.reachable"]?.status).toBe("pass")
    expect(byId(r)["basic.credentials"]).toMatchObject({ status: "error", cause: { code: "unexpected_response" } })
    expect(byId(r)["basic.mfa"]?.status).toBe("error")
    expect(byId(r)["basic.credentials"]?.summary).toMatch(/not well-formed XML/)
  })
})

describe("rate limit", () => {
  it("a 429 whose Retry-After fits the deadline is honoured, and reported as a warning", async () => {
    fault({ status: 429, retryAfter: 1, times: 1 })
    const r = await audit(sim, basicOnly())
    expect(byId(r)["target.reachable"]?.status).toBe("pass")
    expect(byId(r)["target.reachable"]?.evidence[0]?.note).toMatch(/Retry-After 1 s honoured/)
    expect(byId(r)["policy.rate-limit"]).toMatchObject({ status: "warn", cause: { code: "rate_limit_met" } })
    expect(byId(r)["policy.rate-limit"]?.evidence).toHaveLength(1)
  })

  it("no 429: the rate-limit policy passes", async () => {
    const r = await audit(sim, basicOnly())
    expect(byId(r)["policy.rate-limit"]?.status).toBe("pass")
    expect(byId(r)["policy.rate-limit"]?.facts?.requests).toBe(r.requests.count)
  })
})
