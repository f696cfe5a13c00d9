import { describe, expect, it } from "vitest"
import { gate } from "../src/Engine.js"
import { applyEvent, initialProgress } from "../src/Events.js"
import {
  type AuditEvent,
  buildReport,
  type CheckId,
  type CheckResult,
  catalogue,
  definition,
  dependentsOf,
  reportFromEvents,
  rerunSet,
  summaryOf,
  verdictOf
} from "../src/index.js"

const result = (id: CheckId, status: CheckResult["status"], blockedBy: Array<CheckId> = []): CheckResult => ({
  id,
  group: definition(id).group,
  title: definition(id).title,
  status,
  summary: `${id} ${status}`,
  cause: null,
  blockedBy,
  evidence: [],
  remediation: null,
  docs: [],
  durationMs: 0
})

describe("gate", () => {
  const all = new Set(catalogue.map((d) => d.id))
  it("runs a check whose prerequisites pass or warn", () => {
    expect(gate(definition("basic.mfa"), (id) => result(id, "warn"), all)).toBe("run")
  })

  it("skips with the root causes, never the intermediate skipped ones", () => {
    const g = gate(definition("roles.administrator"), () => result("roles.api-user", "skipped", ["basic.mfa"]), all)
    expect(g).not.toBe("run")
    if (g !== "run") expect(g).toMatchObject({ status: "skipped", blockedBy: ["basic.mfa"] })
    const failed = gate(definition("basic.credentials"), () => result("target.reachable", "error"), all)
    expect(failed).not.toBe("run")
    if (failed !== "run") expect(failed.blockedBy).toEqual(["target.reachable"])
  })

  it("needsAny: one passing prerequisite is enough; all not applicable makes the check not applicable", () => {
    const prereqs = (b: CheckResult["status"], o: CheckResult["status"]) => (id: CheckId) =>
      id === "basic.credentials" ? result(id, b) : result(id, o)
    expect(gate(definition("roles.api-user"), prereqs("fail", "pass"), all)).toBe("run")
    expect(gate(definition("roles.api-user"), prereqs("not_applicable", "not_applicable"), all)).toMatchObject({
      status: "not_applicable"
    })
    expect(gate(definition("roles.api-user"), prereqs("fail", "not_applicable"), all)).toMatchObject({
      status: "skipped",
      blockedBy: ["basic.credentials"]
    })
    expect(gate(definition("roles.api-user"), prereqs("skipped", "error"), all)).toMatchObject({ status: "skipped" })
  })

  it("names an unreported prerequisite's result in the summary", () => {
    const g = gate(definition("basic.mfa"), () => result("target.reachable", "fail"), new Set<CheckId>(["basic.mfa"]))
    expect(g).not.toBe("run")
    if (g !== "run") expect(g.summary).toContain("target.reachable fail: target.reachable fail")
  })
})

describe("re-runs", () => {
  it("re-runs dependents and the checks a re-run check blocked", () => {
    expect([...dependentsOf(["oauth.server"])].sort()).toEqual(
      [
        "oauth.server",
        "oauth.client.registered",
        "oauth.client.approved",
        "oauth.client.secret",
        "oauth.redirect-uri"
      ].sort()
    )
    const previous = [result("basic.mfa", "fail"), result("basic.credentials", "skipped", ["basic.mfa"])]
    const set = rerunSet({ ids: ["basic.mfa"], previous })
    expect(set.has("basic.credentials")).toBe(true)
    expect(set.has("roles.api-user")).toBe(true)
    expect(set.has("policy.basic-auth")).toBe(true)
    expect(set.has("target.reachable")).toBe(false)
  })
})

describe("verdict and the event fold", () => {
  it("applies the verdict rule", () => {
    expect(verdictOf([result("basic.mfa", "fail"), result("target.url", "error")])).toBe("not_ready")
    expect(verdictOf([result("target.url", "error"), result("basic.mfa", "warn")])).toBe("incomplete")
    // A check that did not run is never evidence: skipped is incomplete, unless the user assumed it.
    expect(verdictOf([result("basic.mfa", "warn"), result("target.url", "skipped")])).toBe("incomplete")
    expect(verdictOf([result("basic.mfa", "pass"), result("target.url", "skipped")])).toBe("incomplete")
    expect(
      verdictOf([
        result("basic.mfa", "warn"),
        { ...result("target.url", "skipped"), cause: { code: "assumed", message: "assumed" } }
      ])
    ).toBe("ready_with_warnings")
    expect(verdictOf([result("basic.mfa", "pass"), result("target.url", "not_applicable")])).toBe("ready")
    expect(verdictOf([result("basic.mfa", "pass")], true)).toBe("incomplete")
  })

  it("folds events into the report", () => {
    const results = [result("basic.mfa", "pass"), result("target.url", "warn")]
    const target = {
      baseUrl: "https://acme.arlo.co",
      platform: "acme",
      authMethods: ["basic" as const],
      credentials: []
    }
    const report = buildReport({
      target,
      startedAt: "2026-01-01T00:00:00.000Z",
      durationMs: 5,
      results,
      interrupted: false,
      budget: 60,
      stats: { requests: 2, retries: 0, peakInFlight: 1 }
    })
    expect(report.checks.map((c) => c.id)).toEqual(["target.url", "basic.mfa"])
    expect(report.summary).toEqual(summaryOf(results))
    expect(report.verdict).toBe("ready_with_warnings")
    const events: Array<AuditEvent> = [
      { _tag: "audit_started", at: "t", target, checks: ["target.url", "basic.mfa"] },
      { _tag: "check_started", at: "t", id: "target.url" },
      { _tag: "check_finished", at: "t", result: results[1]! },
      { _tag: "check_started", at: "t", id: "basic.mfa" },
      { _tag: "audit_finished", at: "t", report }
    ]
    let s = initialProgress
    for (const e of events.slice(0, 4)) s = applyEvent(s, e)
    expect([...s.running]).toEqual(["basic.mfa"])
    expect(s.results.get("target.url")?.status).toBe("warn")
    expect(reportFromEvents(events)).toBe(report)
  })
})
