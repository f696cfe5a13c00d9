/** Fleet runs against the simulator: concurrency, a failing target, the per-platform budget, a 429, a stop, shards and merge. */
import { startSimulator } from "@arlo-ready/simulator"
import { FetchHttpClient, HttpClient } from "@effect/platform"
import { Chunk, Effect, Either, Layer, Schema, Stream } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  auditFleet,
  type Fleet,
  FleetReport,
  type FleetRunOptions,
  type FleetTargetResult,
  fleetReport,
  loadFleet,
  mergeFleetReports,
  parseFleet,
  runFleet,
  shardFleet
} from "../src/index.js"
import type { Sim } from "./helpers.js"

let demo: Sim
let limited: Sim
beforeAll(async () => {
  ;[demo, limited] = await Promise.all([
    startSimulator({ scenario: "demo" }),
    startSimulator({ scenario: "rate-limited" })
  ])
})
afterAll(async () => {
  await Promise.all([demo?.close(), limited?.close()])
})

const env: Record<string, string> = {}
/** A fleet file's target for a simulator platform; its secrets go into `env` under the target's name. */
const targetFor = (sim: Sim, platform: string, name = platform, extra: Record<string, unknown> = {}) => {
  const p = sim.platforms[platform]!
  const a = p.audit
  const key = name.toUpperCase().replace(/[^A-Z0-9]/g, "_")
  if (a.password !== undefined) env[`${key}_PASSWORD`] = a.password
  if (a.clientSecret !== undefined) env[`${key}_CLIENT_SECRET`] = a.clientSecret
  return {
    name,
    baseUrl: p.baseUrl,
    ...(a.username !== undefined ? { username: a.username, password: { env: `${key}_PASSWORD` } } : {}),
    ...(a.clientId !== undefined ? { clientId: a.clientId, redirectUri: a.redirectUri } : {}),
    ...(a.clientSecret !== undefined ? { clientSecret: { env: `${key}_CLIENT_SECRET` } } : {}),
    ...(a.scopes !== undefined ? { scopes: a.scopes } : {}),
    ...(a.mfaSetting !== undefined ? { mfaSetting: a.mfaSetting } : {}),
    expectAccess: a.expectAccess === "limited" ? "presenter" : "full",
    ...extra
  }
}
const fleetOf = (targets: Array<Record<string, unknown>>): Fleet => {
  const r = parseFleet(JSON.stringify({ name: "test", targets }), "fleet.json")
  if (Either.isLeft(r)) throw new Error(r.left.message)
  return r.right
}

/** Runs the fleet over fetch, counting the platforms (paths) with a request in flight at once. */
const run = (fleet: Fleet, options: FleetRunOptions, targets = fleet.targets) => {
  let inFlight = new Map<string, number>()
  let peak = 0
  const counting = Layer.effect(
    HttpClient.HttpClient,
    Effect.map(HttpClient.HttpClient, (client) =>
      HttpClient.transform(client, (effect, request) => {
        const platform = new URL(request.url).pathname.split("/")[1] ?? ""
        return Effect.acquireUseRelease(
          Effect.sync(() => {
            inFlight = new Map(inFlight).set(platform, (inFlight.get(platform) ?? 0) + 1)
            peak = Math.max(peak, [...inFlight.values()].filter((n) => n > 0).length)
          }),
          () => effect,
          () => Effect.sync(() => void inFlight.set(platform, (inFlight.get(platform) ?? 1) - 1))
        )
      })
    )
  ).pipe(Layer.provide(FetchHttpClient.layer))
  return Effect.runPromise(
    runFleet(fleet, targets, { env, ...options }).pipe(
      Stream.runCollect,
      Effect.map(Chunk.toArray),
      Effect.provide(counting)
    )
  ).then((results) => ({ results, peak }))
}

const byName = (results: ReadonlyArray<FleetTargetResult>) => Object.fromEntries(results.map((r) => [r.name, r]))

describe("runFleet", () => {
  it("audits every target with at most `concurrency` at once; a failing target stops none", async () => {
    const fleet = fleetOf([
      targetFor(demo, "acme"),
      {
        name: "no-secret",
        baseUrl: demo.platforms.acme!.baseUrl,
        username: "x@acme.example",
        password: { env: "NOT_SET_ANYWHERE" }
      },
      targetFor(demo, "globex"),
      { name: "down", baseUrl: "http://127.0.0.1:9/acme", accessToken: { env: "ACME_PASSWORD" } },
      targetFor(demo, "initech"),
      targetFor(demo, "umbrella"),
      { name: "by-command", baseUrl: demo.platforms.acme!.baseUrl, accessToken: { command: "print token" } }
    ])
    const { results, peak } = await run(fleet, { concurrency: 2, timeoutMs: 2000, deadlineMs: 8000 })
    expect(results.map((r) => r.name).sort()).toEqual(fleet.targets.map((t) => t.name).sort())
    expect(peak).toBeLessThanOrEqual(2)
    const r = byName(results)
    expect(r.acme!.verdict).toBe("ready")
    expect(r.acme!.report?.target.baseUrl).toBe(demo.platforms.acme!.baseUrl)
    expect(r.globex!.verdict).toBe("not_ready")
    expect(r.umbrella!.report).not.toBeNull()
    expect(r["no-secret"]).toMatchObject({ verdict: "incomplete", report: null })
    expect(r["no-secret"]!.error).toMatch(/^password: the environment variable NOT_SET_ANYWHERE is not set/)
    expect(r["by-command"]).toMatchObject({ verdict: "incomplete", report: null })
    expect(r["by-command"]!.error).toMatch(/accessToken: a command reference needs a command runner/)
    expect(r.down!.verdict).toBe("incomplete")
    expect(r.down!.report).not.toBeNull()
    const text = JSON.stringify(results)
    for (const secret of Object.values(env)) expect(text).not.toContain(secret)
    const report = fleetReport(fleet, results, {
      startedAt: new Date().toISOString(),
      durationMs: 1,
      interrupted: false,
      shard: null
    })
    expect(report.targets.map((t) => t.name)).toEqual(fleet.targets.map((t) => t.name))
    expect(Schema.decodeUnknownEither(FleetReport)(JSON.parse(JSON.stringify(report)))._tag).toBe("Right")
    expect(report.verdict).toBe("not_ready")
    expect(
      report.counts.ready + report.counts.not_ready + report.counts.incomplete + report.counts.ready_with_warnings
    ).toBe(7)
  })

  it("keeps every platform within its budget in any window, shared by its targets", async () => {
    const before = demo.journal().length
    const fleet = fleetOf(["one", "two", "three"].map((n) => targetFor(demo, "initech", `initech-${n}`)))
    const budget = 5
    const windowMs = 200
    const { results } = await run(fleet, { concurrency: 3, perPlatformPerMinute: budget, windowMs, deadlineMs: 15_000 })
    expect(results.every((r) => r.verdict === "ready_with_warnings" || r.verdict === r.report?.verdict)).toBe(true)
    const times = demo
      .journal()
      .slice(before)
      .filter((j) => j.platform === "initech")
      .map((j) => Date.parse(j.at))
    expect(times.length).toBeGreaterThan(budget * 2)
    for (const t of times) expect(times.filter((u) => u >= t && u < t + windowMs).length).toBeLessThanOrEqual(budget)
  })

  it("a 429 from one platform holds back only that platform", async () => {
    const fleet = fleetOf([
      targetFor(limited, "nikau", "nikau-1"),
      targetFor(limited, "nikau", "nikau-2"),
      targetFor(demo, "acme", "acme-fast")
    ])
    const { results } = await run(fleet, { concurrency: 3, deadlineMs: 2500, timeoutMs: 1000 })
    expect(results.map((r) => r.name).at(0)).toBe("acme-fast")
    const r = byName(results)
    expect(r["acme-fast"]!.verdict).toBe("ready")
    expect(r["nikau-1"]!.verdict).toBe("incomplete")
    expect(r["nikau-2"]!.verdict).toBe("incomplete")
  })

  it("a signal stops the run promptly: unfinished targets come back incomplete", async () => {
    const controller = new AbortController()
    const fleet = fleetOf(Array.from({ length: 6 }, (_, i) => targetFor(demo, "acme", `acme-${i}`)))
    const results: Array<FleetTargetResult> = []
    const started = Date.now()
    for await (const r of auditFleet(fleet, fleet.targets, { env, concurrency: 1, signal: controller.signal })) {
      results.push(r)
      controller.abort()
    }
    expect(Date.now() - started).toBeLessThan(5000)
    expect(results).toHaveLength(6)
    expect(results[0]!.verdict).toBe("ready")
    expect(results.slice(1).every((r) => r.verdict === "incomplete")).toBe(true)
    expect(results.at(-1)!.error).toMatch(/stopped before/)
  })
})

describe("shards and merge", () => {
  const demoFleet = () =>
    fleetOf([
      targetFor(demo, "acme"),
      targetFor(demo, "globex"),
      targetFor(demo, "initech"),
      targetFor(demo, "umbrella"),
      targetFor(demo, "acme", "acme-2"),
      { name: "no-secret", baseUrl: demo.platforms.globex!.baseUrl, username: "x", password: { env: "NOT_SET" } }
    ])
  const meta = (shard: { index: number; count: number } | null) => ({
    startedAt: new Date().toISOString(),
    durationMs: 5,
    interrupted: false,
    shard
  })

  it("three shards merged give the unsharded run's verdicts, in file order", async () => {
    const fleet = demoFleet()
    const whole = fleetReport(fleet, (await run(fleet, {})).results, meta(null))
    const shards = await Promise.all(
      [1, 2, 3].map(async (index) => {
        const shard = { index, count: 3 }
        return fleetReport(fleet, (await run(fleet, {}, shardFleet(fleet, shard))).results, meta(shard))
      })
    )
    const merged = mergeFleetReports([shards[2]!, shards[0]!, shards[1]!])
    if (Either.isLeft(merged)) throw new Error(merged.left.message)
    expect(merged.right.targets.map((t) => [t.name, t.verdict])).toEqual(whole.targets.map((t) => [t.name, t.verdict]))
    expect(merged.right.verdict).toBe(whole.verdict)
    expect(merged.right.counts).toEqual(whole.counts)
    expect(merged.right.shards).toEqual([1, 2, 3].map((index) => ({ index, count: 3 })))
    const refusal = (reports: Parameters<typeof mergeFleetReports>[0]) => {
      const r = mergeFleetReports(reports)
      return Either.isLeft(r) ? r.left.message : "merged"
    }
    const [a, b, c] = shards as [typeof whole, typeof whole, typeof whole]
    expect(refusal([a, c])).toBe("shard 2/3 is missing: give the reports of every shard.")
    expect(refusal([a, b, c, b])).toMatch(/^shard 2\/3 is given twice/)
    const stolen = b.targets[0] ?? c.targets[0] ?? a.targets[0]!
    expect(refusal([{ ...a, targets: [...a.targets, stolen] }, b, c])).toMatch(
      new RegExp(`^target '${stolen.name}' is in two reports`)
    )
    expect(refusal([a, b, { ...c, fleet: { ...c.fleet, digest: "f".repeat(64) } }])).toMatch(
      /^the reports are of different fleets/
    )
    expect(refusal([a, b, { ...c, tool: { ...c.tool, version: "9.9.9" } }])).toMatch(
      /^the reports come from different tool versions/
    )
    expect(refusal([a, b, { ...c, shards: [{ index: 3, count: 4 }] }])).toMatch(
      /^the reports are of different shard counts/
    )
    expect(refusal([a, b, c, whole])).toMatch(/^an unsharded report is mixed with shards/)
    expect(refusal([a, b, { ...c, shards: [{ index: 4, count: 3 }] }])).toMatch(/^shard 4\/3 is not a shard/)
    expect(refusal([])).toMatch(/^there are no fleet reports/)
  })

  it("loadFleet throws the FleetError", () => {
    expect(() => loadFleet("targets: []", "f.yml")).toThrow("f.yml:1: targets is empty")
  })
})
