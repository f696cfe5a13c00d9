/** The library surface: Effect and Promise, events, AbortSignal, the deadline, only/skip, re-runs. */

import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { startSimulator } from "@arlo-ready/simulator"
import { FetchHttpClient } from "@effect/platform"
import { assert, it as effectIt } from "@effect/vitest"
import { Chunk, Deferred, Effect, Either, Fiber, Stream } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  type AuditEvent,
  audit,
  auditEvents,
  auditStream,
  ConfigError,
  catalogue,
  fromOptions,
  reportFromEvents,
  rerunChecks,
  runAudit,
  runChecks
} from "../src/index.js"
import { byId, journalReaches, optionsFor, type Sim } from "./helpers.js"

let sim: Sim
beforeAll(async () => {
  sim = await startSimulator({ scenario: "ready" })
})
afterAll(() => sim?.close())

describe("Promise API", () => {
  it("runAudit resolves to the report; auditEvents yields the same audit as events", async () => {
    const report = await runAudit(optionsFor(sim))
    expect(report.verdict).toBe("ready")
    expect(report.checks.map((c) => c.id)).toEqual(catalogue.map((d) => d.id))
    expect(report.tool.name).toBe("arlo-ready")
    expect(report.target.credentials.map((c) => c.source)).toEqual(["option", "option", "option", "option"])
    const events: Array<AuditEvent> = []
    for await (const e of auditEvents(optionsFor(sim))) events.push(e)
    expect(events[0]?._tag).toBe("audit_started")
    expect(events.at(-1)?._tag).toBe("audit_finished")
    const folded = reportFromEvents(events)!
    expect(folded.verdict).toBe("ready")
    // Each check's started event precedes its finished event.
    for (const d of catalogue) {
      const s = events.findIndex((e) => e._tag === "check_started" && e.id === d.id)
      const f = events.findIndex((e) => e._tag === "check_finished" && e.result.id === d.id)
      expect(s).toBeGreaterThan(0)
      expect(f).toBeGreaterThan(s)
    }
  })

  it("records credential sources given by the caller", async () => {
    const r = await runAudit({ ...optionsFor(sim), credentialSources: { password: "stdin", clientSecret: "prompt" } })
    const src = Object.fromEntries(r.target.credentials.map((c) => [c.name, c.source]))
    expect(src).toMatchObject({ username: "option", password: "stdin", clientSecret: "prompt" })
  })

  it("bad options reject (runAudit) or throw (auditEvents) with a ConfigError", async () => {
    await expect(runAudit({ username: "u", password: "p" })).rejects.toBeInstanceOf(ConfigError)
    await expect(runAudit({ platform: "acme" })).rejects.toThrow(/No credentials/)
    expect(() => auditEvents({ baseUrl: "http://example.com", username: "u", password: "p" })).toThrow(/plain http/)
  })

  it("an AbortSignal stops the audit mid-way: a report with interrupted true, verdict incomplete", async () => {
    const slow = await startSimulator({ scenario: "ready", latencyMs: 150 })
    try {
      const controller = new AbortController()
      const events: Array<AuditEvent> = []
      for await (const e of auditEvents({ ...optionsFor(slow), signal: controller.signal })) {
        events.push(e)
        if (e._tag === "check_finished" && e.result.id === "target.reachable") controller.abort()
      }
      const report = reportFromEvents(events)!
      expect(report.interrupted).toBe(true)
      expect(report.verdict).toBe("incomplete")
      expect(report.checks).toHaveLength(catalogue.length)
      const interrupted = report.checks.filter((c) => c.cause?.code === "interrupted")
      expect(interrupted.length).toBeGreaterThan(0)
      for (const c of interrupted) expect(c.status).toBe("error")
      expect(byId(report)["target.reachable"]?.status).toBe("pass")
      // Checks waiting on an interrupted one are skipped with it as the root cause.
      const skipped = report.checks.filter((c) => c.status === "skipped")
      for (const c of skipped) expect(c.blockedBy.every((b) => byId(report)[b]?.status !== "pass")).toBe(true)
    } finally {
      await slow.close()
    }
  })

  it("runAudit with an AbortSignal that fires mid-audit still resolves to a report", async () => {
    const slow = await startSimulator({ scenario: "ready", latencyMs: 200 })
    try {
      const controller = new AbortController()
      const pending = runAudit({ ...optionsFor(slow), signal: controller.signal })
      await journalReaches(slow, 1)
      controller.abort()
      const report = await pending
      expect(report.interrupted).toBe(true)
      expect(report.verdict).toBe("incomplete")
      expect(report.checks.some((c) => c.cause?.code === "interrupted")).toBe(true)
    } finally {
      await slow.close()
    }
  })

  it("an already aborted signal gives an all-interrupted report at once", async () => {
    const controller = new AbortController()
    controller.abort()
    const report = await runAudit({ ...optionsFor(sim), signal: controller.signal })
    expect(report.interrupted).toBe(true)
    expect(report.requests.count).toBe(0)
  })

  it("the deadline: unfinished checks become error deadline, the report is still produced", async () => {
    const slow = await startSimulator({ scenario: "ready", latencyMs: 250 })
    try {
      const report = await runAudit({ ...optionsFor(slow), deadlineMs: 400 })
      expect(report.interrupted).toBe(true)
      expect(report.verdict).toBe("incomplete")
      const deadline = report.checks.filter((c) => c.cause?.code === "deadline")
      expect(deadline.length).toBeGreaterThan(0)
      for (const c of deadline) expect(c.status).toBe("error")
      expect(report.checks).toHaveLength(catalogue.length)
    } finally {
      await slow.close()
    }
  })

  it("leaving the event loop early stops the audit", async () => {
    for await (const e of auditEvents(optionsFor(sim))) {
      if (e._tag === "audit_started") break
    }
    expect(true).toBe(true)
  })
})

describe("only and skip", () => {
  it("only: the selected checks and the prerequisites they need are reported, marked as such", async () => {
    sim.clearJournal()
    const r = await runAudit({ ...optionsFor(sim), only: ["basic.mfa"] })
    // basic.credentials comes along: the two read one sign-in, and either may name the other as its blocker.
    expect(r.checks.map((c) => c.id)).toEqual(["target.url", "target.reachable", "basic.credentials", "basic.mfa"])
    expect(byId(r)["basic.mfa"]?.status).toBe("pass")
    expect(byId(r)["basic.mfa"]?.prerequisiteOf).toBeUndefined()
    expect(byId(r)["basic.credentials"]?.prerequisiteOf).toEqual(["basic.mfa"])
    expect(byId(r)["target.url"]?.prerequisiteOf).toEqual(["basic.mfa"])
    expect(byId(r)["target.reachable"]?.prerequisiteOf).toEqual(["basic.mfa"])
    expect(r.selection).toEqual({ only: ["basic.mfa"], skip: [], assume: [] })
    expect(r.verdict).toBe("ready")
    expect(sim.journal().map((j) => `${j.method} ${j.path} ${j.status}`)).toEqual([
      "GET /api/2012-02-01/auth/resources/ 401",
      "GET /api/2012-02-01/auth/resources/ 200"
    ])
  })

  it("only: a failing prerequisite is reported and decides the verdict", async () => {
    const r = await runAudit({ ...optionsFor(sim), baseUrl: `${sim.url}/missing`, only: ["basic.credentials"] })
    expect(r.checks.map((c) => c.id)).toEqual(["target.url", "target.reachable", "basic.credentials", "basic.mfa"])
    expect(byId(r)["target.reachable"]).toMatchObject({ status: "fail", prerequisiteOf: ["basic.credentials"] })
    expect(byId(r)["basic.credentials"]).toMatchObject({ status: "skipped", blockedBy: ["target.reachable"] })
    expect(r.verdict).toBe("not_ready")
  })

  it("only basic.mfa on a host where nothing listens: not ready, never READY over a dead host", async () => {
    const server = http.createServer()
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const port = (server.address() as AddressInfo).port
    await new Promise<void>((resolve) => server.close(() => resolve()))
    const r = await runAudit({ ...optionsFor(sim), baseUrl: `http://127.0.0.1:${port}/acme`, only: ["basic.mfa"] })
    expect(byId(r)["target.reachable"]?.status).toBe("fail")
    expect(byId(r)["basic.mfa"]?.status).toBe("skipped")
    expect(r.verdict).toBe("not_ready")
  })

  it("the re-check hint: the library's call by default, the caller's command when given, none on a pass", async () => {
    const options = { ...optionsFor(sim), password: "wrong", only: ["basic.credentials"] }
    const library = await runAudit(options)
    expect(byId(library)["basic.credentials"]?.remediation?.recheck).toBe('rerunChecks(options, ["basic.credentials"])')
    const own = await runAudit({ ...options, recheck: (id) => `my-tool recheck ${id}` })
    expect(byId(own)["basic.credentials"]?.remediation?.recheck).toBe("my-tool recheck basic.credentials")
    expect(byId(own)["target.reachable"]?.remediation).toBeNull()
  })

  it("only the role checks, with a wrong password: the failed sign-in is reported, not ready", async () => {
    const r = await runAudit({
      ...optionsFor(sim),
      password: "wrong",
      only: ["roles.api-user", "roles.administrator"]
    })
    expect(byId(r)["basic.credentials"]).toMatchObject({ status: "fail" })
    expect(byId(r)["basic.credentials"]?.prerequisiteOf).toEqual(["roles.api-user", "roles.administrator"])
    expect(byId(r)["roles.api-user"]?.status).toBe("skipped")
    expect(r.verdict).toBe("not_ready")
  })

  it("skip: a skipped check that others need leaves them unrun: incomplete, never ready", async () => {
    const r = await runAudit({ ...optionsFor(sim), skip: ["target.reachable", "oauth"] })
    expect(r.checks.map((c) => c.id)).not.toContain("target.reachable")
    expect(r.checks.some((c) => c.group === "oauth")).toBe(false)
    expect(byId(r)["basic.credentials"]).toMatchObject({
      status: "skipped",
      blockedBy: ["target.reachable"],
      cause: { code: "prerequisite_not_run" }
    })
    expect(byId(r)["basic.credentials"]?.summary).toMatch(/excluded from this run/)
    expect(byId(r)["target.url"]?.status).toBe("pass")
    expect(r.verdict).toBe("incomplete")
  })

  it("skip: a check nothing reported needs is simply left out", async () => {
    const r = await runAudit({ ...optionsFor(sim), skip: ["policy.basic-auth", "oauth"] })
    expect(r.checks.map((c) => c.id)).not.toContain("policy.basic-auth")
    expect(r.verdict).toBe("ready")
  })

  it("assume: the assumed check is reported as assumed and its dependents run", async () => {
    sim.clearJournal()
    const r = await runAudit({ ...optionsFor(sim), only: ["basic.mfa"], assume: ["target.reachable"] })
    expect(r.checks.map((c) => c.id)).toEqual(["target.reachable", "basic.credentials", "basic.mfa"])
    expect(byId(r)["target.reachable"]).toMatchObject({ status: "skipped", cause: { code: "assumed" } })
    expect(byId(r)["basic.mfa"]?.status).toBe("pass")
    expect(r.verdict).toBe("ready")
    expect(sim.journal().map((j) => `${j.method} ${j.path} ${j.status}`)).toEqual([
      "GET /api/2012-02-01/auth/resources/ 200"
    ])
  })

  it("refuses an empty selection, and a check both selected and skipped", async () => {
    await expect(runAudit({ ...optionsFor(sim), only: [] })).rejects.toMatchObject({ _tag: "ConfigError" })
    await expect(runAudit({ ...optionsFor(sim), only: [","] })).rejects.toMatchObject({ _tag: "ConfigError" })
    await expect(runAudit({ ...optionsFor(sim), only: ["basic.mfa"], skip: ["basic.mfa"] })).rejects.toThrow(
      /both selected \(only\) and skipped/
    )
    await expect(runAudit({ ...optionsFor(sim), only: ["basic.mfa"], assume: ["basic.mfa"] })).rejects.toMatchObject({
      _tag: "ConfigError"
    })
    await expect(
      runAudit({ ...optionsFor(sim), skip: ["target", "basic", "roles", "oauth", "policy"] })
    ).rejects.toThrow(/no check to run/)
  })
})

describe("re-running checks in place", () => {
  it("re-runs a check, its dependents and the checks it blocked; keeps the rest", async () => {
    const mfa = await startSimulator({ scenario: "mfa-optional" })
    try {
      const options = optionsFor(mfa)
      const first = await runAudit(options)
      expect(byId(first)["basic.mfa"]?.status).toBe("fail")
      expect(byId(first)["roles.api-user"]?.blockedBy).toEqual(["basic.mfa"])
      mfa.updateUser("delta", "api@delta.example", { mfaEnabled: false })
      mfa.clearJournal()
      const second = await rerunChecks(options, ["basic.mfa"], first.checks)
      expect(byId(second)["basic.mfa"]?.status).toBe("pass")
      expect(byId(second)["basic.credentials"]?.status).toBe("pass")
      expect(byId(second)["roles.api-user"]?.status).toBe("pass")
      expect(byId(second)["policy.basic-auth"]?.status).toBe("warn")
      // Kept as they were: the same results, not re-probed.
      expect(byId(second)["target.reachable"]).toEqual(byId(first)["target.reachable"])
      expect(mfa.journal().every((j) => j.credentials === "basic")).toBe(true)
      expect(second.checks.map((c) => c.id)).toEqual(first.checks.map((c) => c.id))
      expect(second.verdict).toBe("ready_with_warnings")
      // Given the whole previous report, the re-run's figures cover both runs.
      mfa.clearJournal()
      const third = await rerunChecks(options, ["basic.mfa"], second)
      expect(third.requests.count).toBe(second.requests.count + mfa.journal().length)
      expect(third.durationMs).toBeGreaterThanOrEqual(second.durationMs)
      expect(third.startedAt).toBe(second.startedAt)
      expect(byId(third)["policy.rate-limit"]?.facts?.requests).toBe(third.requests.count)
    } finally {
      await mfa.close()
    }
  })

  it("refuses an unknown id, and takes a report or its checks", async () => {
    const first = await runAudit(optionsFor(sim))
    await expect(rerunChecks(optionsFor(sim), ["nope"], first)).rejects.toMatchObject({ _tag: "ConfigError" })
    await expect(rerunChecks(optionsFor(sim), [], first)).rejects.toMatchObject({ _tag: "ConfigError" })
    const again = await rerunChecks(optionsFor(sim), ["basic.mfa"], first)
    expect(again.checks.map((c) => c.id)).toEqual(first.checks.map((c) => c.id))
  })
})

describe("Effect API", () => {
  const config = () => Either.getOrThrow(fromOptions(optionsFor(sim)))

  effectIt.live("audit returns the report, given only an HttpClient", () =>
    Effect.gen(function* () {
      const report = yield* audit(config())
      assert.strictEqual(report.verdict, "ready")
    }).pipe(Effect.provide(FetchHttpClient.layer))
  )

  effectIt.live("auditStream emits started, per-check and finished events", () =>
    Effect.gen(function* () {
      const events = Chunk.toReadonlyArray(yield* Stream.runCollect(auditStream(config())))
      assert.strictEqual(events[0]?._tag, "audit_started")
      assert.strictEqual(events.filter((e) => e._tag === "check_finished").length, catalogue.length)
      assert.strictEqual(events.at(-1)?._tag, "audit_finished")
    }).pipe(Effect.provide(FetchHttpClient.layer))
  )

  effectIt.live("an interrupt effect stops the audit and the report is still produced", () =>
    Effect.gen(function* () {
      const stop = yield* Deferred.make<void>()
      const fiber = yield* Effect.fork(audit(config(), { interrupt: Deferred.await(stop) }))
      yield* Deferred.succeed(stop, undefined)
      const report = yield* Fiber.join(fiber)
      assert.isTrue(report.interrupted)
    }).pipe(Effect.provide(FetchHttpClient.layer))
  )

  effectIt.live("a hand-built config with an unusable URL fails target.url and sends nothing", () =>
    Effect.gen(function* () {
      sim.clearJournal()
      const report = yield* audit({ ...config(), baseUrl: "http://example.com/arlo" })
      const url = report.checks.find((c) => c.id === "target.url")!
      assert.strictEqual(url.status, "fail")
      assert.strictEqual(url.cause?.code, "invalid_url")
      const reachable = report.checks.find((c) => c.id === "target.reachable")!
      assert.deepStrictEqual(reachable.blockedBy, ["target.url"])
      assert.strictEqual(report.requests.count, 0)
      const garbage = yield* audit({ ...config(), baseUrl: "not a url" })
      assert.strictEqual(garbage.checks.find((c) => c.id === "target.url")?.status, "fail")
      assert.strictEqual(garbage.verdict, "not_ready")
    }).pipe(Effect.provide(FetchHttpClient.layer))
  )

  effectIt.live("runChecks re-runs in place", () =>
    Effect.gen(function* () {
      const first = yield* audit(config())
      const again = yield* runChecks(config(), ["oauth.server"], first.checks)
      assert.strictEqual(again.checks.length, catalogue.length)
      assert.strictEqual(again.verdict, "ready")
    }).pipe(Effect.provide(FetchHttpClient.layer))
  )
})

describe("our own sentences are not an oracle", () => {
  it("a password that is a word of our sentences does not turn them into REDACTED", async () => {
    const r = await runAudit({ ...optionsFor(sim), password: "Basic", only: ["basic.credentials"] })
    const ours = r.checks.flatMap((c) => [c.summary, c.cause?.message ?? "", ...(c.cause?.possibilities ?? [])])
    expect(ours.join("\n")).not.toMatch(/REDACTED/)
    expect(byId(r)["basic.credentials"]?.summary).toMatch(/Basic credentials/)
  })
})
