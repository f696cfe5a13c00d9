/**
 * Baselines through the built binary, against the simulator: --write-baseline writes the next
 * baseline, --baseline marks each check new, fixed, changed or unchanged in every format (the text and
 * Markdown lead with what changed), --fail-on new exits 1 only for findings the baseline did not have,
 * and a baseline of another target or schema major version is a usage error.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Report } from "@arlo-ready/core"
import { type SimulatorHandle, startSimulator } from "@arlo-ready/simulator"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { assertBuilt, auditEnv, oneLineError, run, validReport } from "./helpers.js"

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

let dir: string
let sim: SimulatorHandle
let current: Report
let baselinePath: string
beforeAll(async () => {
  assertBuilt()
  dir = mkdtempSync(join(tmpdir(), "arlo-ready-baseline-"))
  sim = await startSimulator({ scenario: "integration-account" })
  baselinePath = join(dir, "baseline.json")
  const first = await audit(["--write-baseline", baselinePath])
  expect(first.code).toBe(0)
  current = validReport(JSON.parse(first.stdout))
})
afterAll(async () => {
  await sim?.close()
  rmSync(dir, { recursive: true, force: true })
})

const audit = (args: ReadonlyArray<string>) =>
  run(["--format", "json", ...args], { env: { ...auditEnv(sim, "fjord"), ARLO_READY_NOW: "2026-12-01" } })

/** A copy of the first report as a baseline, its checks edited. */
const edited = (name: string, edit: (r: Report) => unknown): string => {
  const path = join(dir, name)
  writeFileSync(path, JSON.stringify(edit(structuredClone(current))))
  return path
}
const setStatus = (r: Report, id: string, status: string, code?: string): Report =>
  ({
    ...r,
    checks: r.checks.map((c) => (c.id === id ? { ...c, status, cause: code ? { code, message: code } : c.cause } : c))
  }) as Report

describe("--write-baseline", () => {
  it("writes the run's JSON report, the same as stdout", () => {
    expect(JSON.parse(readFileSync(baselinePath, "utf8"))).toEqual(current)
  })
})

describe("--baseline", () => {
  it("against the same findings: every check unchanged, --fail-on new exits 0", async () => {
    const result = await audit(["--baseline", baselinePath, "--fail-on", "new"])
    expect(result.code).toBe(0)
    const report = validReport(JSON.parse(result.stdout))
    expect(report.drift?.counts).toEqual({ new: 0, fixed: 0, changed: 0, unchanged: report.checks.length })
    expect(report.drift?.baselineStartedAt).toBe(current.startedAt)
  })

  it("marks new, fixed and changed findings in every format, and --fail-on new fails on the new one", async () => {
    // The baseline: the warning was not there, basic.mfa failed, and roles.api-user failed for another cause.
    const path = edited("moved.json", (r) =>
      setStatus(
        setStatus(setStatus(r, "policy.basic-auth", "pass"), "basic.mfa", "fail", "mfa.required"),
        "target.reachable",
        "warn",
        "slow"
      )
    )
    const md = join(dir, "moved.md")
    const text = join(dir, "moved.txt")
    const result = await audit(["--baseline", path, "--output", `markdown=${md}`, "--output", `text=${text}`])
    expect(result.code).toBe(0)
    const report = validReport(JSON.parse(result.stdout))
    const drift = Object.fromEntries((report.drift?.checks ?? []).map((c) => [c.id, c]))
    expect(drift["policy.basic-auth"]).toMatchObject({ drift: "new", was: "pass", now: "warn" })
    expect(drift["basic.mfa"]).toMatchObject({ drift: "fixed", was: "fail", now: "pass", wasCause: "mfa.required" })
    expect(drift["target.reachable"]).toMatchObject({ drift: "fixed", was: "warn", now: "pass" })
    expect(report.drift?.counts).toMatchObject({ new: 1, fixed: 2, changed: 0 })

    const markdown = readFileSync(md, "utf8")
    expect(markdown.indexOf("### What changed")).toBeGreaterThan(0)
    expect(markdown.indexOf("### What changed")).toBeLessThan(markdown.indexOf("| | Check |"))
    expect(markdown).toMatch(/- new policy\.basic-auth: pass → warn/)
    expect(readFileSync(text, "utf8")).toMatch(/^Drift since the baseline of .*: 1 new, 0 changed, 2 fixed/)
    // On stdout too, the text leads with what changed (its check lines wait for the end).
    const onStdout = await run(["--baseline", path, "--format", "text"], {
      env: { ...auditEnv(sim, "fjord"), ARLO_READY_NOW: "2026-12-01" }
    })
    expect(onStdout.stdout).toMatch(/^Drift since the baseline of .*: 1 new, 0 changed, 2 fixed/)
    expect(onStdout.stdout).toMatch(/\n.*policy\.basic-auth/)

    const strict = await audit(["--baseline", path, "--fail-on", "new"])
    expect(strict.code).toBe(1)
  })

  it("counts a finding whose status or cause moved as changed, not new", async () => {
    const cause = current.checks.find((c) => c.id === "policy.basic-auth")?.cause?.code
    const path = edited("changed.json", (r) => setStatus(r, "policy.basic-auth", "warn", `${cause}.earlier`))
    const result = await audit(["--baseline", path, "--fail-on", "new"])
    const report = validReport(JSON.parse(result.stdout))
    const moved = report.drift?.checks.find((c) => c.id === "policy.basic-auth")
    expect(moved).toMatchObject({ drift: "changed", was: "warn", now: "warn", wasCause: `${cause}.earlier` })
    // The same finding with another cause is not new: --fail-on new passes, --fail-on warn does not.
    expect(result.code).toBe(0)
    expect((await audit(["--baseline", path, "--fail-on", "warn"])).code).toBe(1)
    // A finding the baseline did not have counts as new.
    const worse = edited("worse.json", (r) => setStatus(r, "policy.basic-auth", "pass"))
    expect((await audit(["--baseline", worse, "--fail-on", "new"])).code).toBe(1)
  })
})

describe("a baseline that does not fit is a usage error, before the audit runs", () => {
  const cases: ReadonlyArray<readonly [string, (r: Report) => unknown, RegExp]> = [
    [
      "another target",
      (r) => ({ ...r, target: { ...r.target, baseUrl: "https://other.arlo.co" } }),
      /the baseline audited https:\/\/other\.arlo\.co, this run http:\/\/127\.0\.0\.1:\d+\/fjord: give the baseline of this target/
    ],
    [
      "another schema major version",
      (r) => ({ ...r, schemaVersion: "2.0" }),
      /the baseline has schema version 2\.0, this run 1\.5: write a new baseline with --write-baseline/
    ],
    ["not a report", () => ({ verdict: "ready" }), /the baseline is not an arlo-ready report/]
  ]
  it.each(cases)("%s", async (name, edit, message) => {
    const result = await audit(["--baseline", edited(`bad-${name.replace(/\W+/g, "-")}.json`, edit)])
    expect(result.code).toBe(2)
    expect(result.stdout).toBe("")
    expect(oneLineError(result.stderr)).toMatch(message)
  })

  it("and so is --fail-on new without a baseline", async () => {
    const result = await audit(["--fail-on", "new"])
    expect(result.code).toBe(2)
    expect(oneLineError(result.stderr)).toMatch(
      /--fail-on new compares with a baseline: give --baseline PREVIOUS\.json/
    )
  })
})
