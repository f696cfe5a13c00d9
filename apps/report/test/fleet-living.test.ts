/**
 * Waivers and baselines with `--fleet`, through the built binary against the in-process simulator: a
 * waiver per target (by name), one for every target, one expiring (a fixed clock), one expired, one
 * unused, one naming no target of the fleet; a fleet baseline with new, fixed and changed findings, a
 * target added and one gone; `--fail-on new`; shards and a merge that agree with the unsharded run; the
 * config file's waivers and warning days with `--fleet` (its single-run target left aside).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { CheckResult, FleetReport } from "@arlo-ready/core"
import { fleetFileOf, type SimulatorHandle, startSimulator } from "@arlo-ready/simulator"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { assertBuilt, auditEnv, oneLineError, run } from "./helpers.js"

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

const dir = mkdtempSync(join(tmpdir(), "arlo-ready-fleet-living-"))
/** Targets whose outcome does not change from one run to the next (no rate limit, no flaky server). */
const stable = [
  "ready-acme",
  "oauth-pending-juniper",
  "demo-globex",
  "presenter-iris",
  "no-api-access-granite",
  "mfa-optional-delta"
]
let sim: SimulatorHandle
let env: Record<string, string>
let fleetPath: string
let basePath: string
let base: FleetReport

const read = (path: string) => readFileSync(path, "utf8")
const json = (path: string) => JSON.parse(read(path)) as FleetReport
const check = (report: FleetReport, target: string, id: string): CheckResult => {
  const t = report.targets.find((x) => x.name === target)
  const c = t?.report?.checks.find((x) => x.id === id)
  if (!c) throw new Error(`${target} has no ${id}`)
  return c
}
const fleetRun = (args: ReadonlyArray<string>, extra: Record<string, string> = {}, cwd?: string) =>
  run(["--fleet", fleetPath, ...args], {
    env: { ...env, CI: "true", ARLO_READY_NOW: "2026-12-03", ...extra },
    ...(cwd ? { cwd } : {})
  })

const waivers = [
  {
    check: "oauth.client.approved",
    target: "oauth-pending-juniper",
    reason: "approval requested from Arlo",
    owner: "integrations@example.com",
    expires: "2026-12-10"
  },
  { check: "policy.basic-auth", reason: "exploration accounts", owner: "ops@example.com", expires: "2027-06-01" },
  { check: "basic.mfa", target: "demo-globex", reason: "MFA project", owner: "ops@example.com", expires: "2026-11-30" },
  {
    check: "roles.api-user",
    target: "ready-acme",
    reason: "long fixed",
    owner: "ops@example.com",
    expires: "2027-01-01"
  }
]
const waiversPath = join(dir, "waivers.json")

beforeAll(async () => {
  assertBuilt()
  sim = await startSimulator({ scenario: "fleet:all" })
  const fleet = fleetFileOf(sim)
  env = { ...fleet.env }
  fleetPath = join(dir, "fleet.json")
  const file = fleet.file as unknown as { targets: Array<{ name: string }> }
  writeFileSync(fleetPath, JSON.stringify({ ...file, targets: file.targets.filter((t) => stable.includes(t.name)) }))
  writeFileSync(waiversPath, JSON.stringify({ waivers }))
  basePath = join(dir, "base.json")
  const first = await fleetRun(["--format", "text", "--write-baseline", basePath])
  expect(first.code).toBe(1)
  base = json(basePath)
})
afterAll(async () => {
  await sim?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe("waivers in a fleet", () => {
  it("waive by target name and for every target, warn before expiry, count again once expired, and name the unused", async () => {
    const out = join(dir, "waived.json")
    const r = await fleetRun(["--waivers", waiversPath, "--format", "markdown", "--output", `json=${out}`])
    const report = json(out)
    const juniper = check(report, "oauth-pending-juniper", "oauth.client.approved")
    expect(juniper.status).toBe("waived")
    expect(juniper.waiver).toMatchObject({
      originalStatus: "fail",
      expiresInDays: 7,
      owner: "integrations@example.com"
    })
    // Waiving for every target: each target's basic-auth warning.
    const iris = check(report, "presenter-iris", "policy.basic-auth")
    expect(check(base, "presenter-iris", "policy.basic-auth").status).toBe("warn")
    expect(iris.status).toBe("waived")
    // Expired: the finding counts again, the waiver named beside it.
    const globex = check(report, "demo-globex", "basic.mfa")
    expect(globex.status).toBe("fail")
    expect(globex.waiver?.expired).toBe(true)
    expect(report.targets.find((t) => t.name === "demo-globex")?.verdict).toBe("not_ready")
    // A waiver names one target: the same check elsewhere is not waived.
    expect(check(report, "ready-acme", "oauth.client.approved").status).toBe("pass")
    expect(report.waivers?.expiring.map((w) => w.check)).toEqual(["oauth.client.approved"])
    expect(report.waivers?.expired.map((w) => w.target)).toEqual(["demo-globex"])
    expect(report.waivers?.unused.map((w) => `${w.check}@${w.target}`)).toEqual(["roles.api-user@ready-acme"])
    const warned = base.targets.filter(
      (t) => t.report?.checks.find((c) => c.id === "policy.basic-auth")?.status === "warn"
    ).length
    expect(warned).toBeGreaterThan(1)
    expect(report.waivers?.entries.map((e) => e.matched)).toEqual([1, warned, 1, 0])
    expect(report.waivers?.applied).toBe(1 + warned)
    expect(report.schemaVersion).toBe("1.1")
    expect(r.stderr).toContain("waiver for oauth.client.approved (oauth-pending-juniper) expires 2026-12-10 (in 7 days")
    expect(r.stderr).toContain("waiver for basic.mfa (demo-globex) expired 2026-11-30")
    expect(r.stderr).toContain("waiver for roles.api-user (ready-acme) matched nothing in this run")
    expect(r.stdout).toContain("> [!CAUTION]")
    expect(r.code).toBe(1)
  })

  it("refuses a waiver whose target names nothing in the fleet, with the nearest target", async () => {
    const bad = join(dir, "bad-waivers.json")
    writeFileSync(bad, JSON.stringify([{ ...waivers[0], target: "oauth-pending-junipr" }]))
    const r = await fleetRun(["--waivers", bad])
    expect(r.code).toBe(2)
    expect(oneLineError(r.stderr)).toContain(
      "waivers: waivers[0].target: oauth-pending-junipr is no target, platform or base URL of the fleet (did you mean oauth-pending-juniper?)"
    )
  })

  it("takes the config file's waivers and warning days with --fleet, and leaves its single-run target aside", async () => {
    const cwd = join(dir, "with-config")
    mkdirSync(cwd, { recursive: true })
    const config = { target: { platform: "acme" }, methods: "basic", waivers, waiverWarnDays: 30, format: "json" }
    writeFileSync(join(cwd, "arlo-ready.config.json"), JSON.stringify(config))
    const r = await fleetRun([], {}, cwd)
    expect(r.stderr).not.toMatch(/does not go with --fleet/)
    const report = JSON.parse(r.stdout) as FleetReport
    expect(report.kind).toBe("fleet")
    expect(report.waivers?.applied).toBeGreaterThan(2)
    expect(report.waivers?.entries.map((e) => e.matched)[0]).toBe(1)
    // 30 days of warning: the Juniper waiver (7 days) only; the basic-auth one is six months out.
    expect(report.waivers?.expiring.map((w) => w.expiresInDays)).toEqual([7])
    const printed = await fleetRun(["--print-config"], {}, cwd)
    expect(printed.stdout).toMatch(/waiverWarnDays\s+30\s+\(file\)/)
    expect(printed.stdout).not.toMatch(/^platform/m)
  })
})

describe("a fleet baseline", () => {
  /** The baseline as an earlier run would have had it: one finding absent, one fixed since, one other cause. */
  const edited = () => {
    const past = JSON.parse(JSON.stringify(base)) as {
      targets: Array<{ name: string; report: { checks: Array<{ id: string; status: string; cause: unknown }> } }>
    }
    const at = (target: string, id: string) =>
      past.targets.find((t) => t.name === target)!.report.checks.find((c) => c.id === id)!
    Object.assign(at("oauth-pending-juniper", "oauth.client.approved"), { status: "pass", cause: null })
    Object.assign(at("ready-acme", "basic.credentials"), {
      status: "fail",
      cause: { code: "invalid_credentials", message: "then" }
    })
    const mfa = at("demo-globex", "basic.mfa") as { cause: { code: string } }
    mfa.cause = { ...mfa.cause, code: "another_cause" }
    const retired = { ...past.targets[0]!, name: "retired-target" }
    past.targets = [...past.targets.filter((t) => t.name !== "presenter-iris"), retired]
    const path = join(dir, "edited-base.json")
    writeFileSync(path, JSON.stringify(past))
    return path
  }

  it("shows new, fixed and changed findings and the targets added and gone, what changed first", async () => {
    const out = join(dir, "drift.json")
    const r = await fleetRun(["--baseline", edited(), "--format", "markdown", "--output", `json=${out}`])
    const report = json(out)
    const driftOf = (target: string, id: string) =>
      report.targets.find((t) => t.name === target)?.report?.drift?.checks.find((c) => c.id === id)?.drift
    expect(driftOf("oauth-pending-juniper", "oauth.client.approved")).toBe("new")
    expect(driftOf("ready-acme", "basic.credentials")).toBe("fixed")
    expect(driftOf("demo-globex", "basic.mfa")).toBe("changed")
    expect(driftOf("no-api-access-granite", "roles.api-user")).toBe("unchanged")
    // Every finding of a target the baseline did not have is new.
    expect(driftOf("presenter-iris", "policy.basic-auth")).toBe("new")
    expect(report.drift?.newTargets).toEqual(["presenter-iris"])
    expect(report.drift?.goneTargets).toEqual(["retired-target"])
    expect(report.drift?.counts.new).toBeGreaterThanOrEqual(2)
    const md = r.stdout
    expect(md.indexOf("### What changed")).toBeGreaterThan(0)
    expect(md.indexOf("### What changed")).toBeLessThan(md.indexOf("| Target |"))
    expect(md).toContain("oauth-pending-juniper: new oauth.client.approved: pass → fail")
    expect(md).toContain("retired-target: in the baseline, no longer in the fleet file")
    const text = await fleetRun(["--baseline", edited(), "--format", "text"])
    expect(text.stdout.startsWith("Drift since the baseline of ")).toBe(true)
    expect(text.stdout).toMatch(
      /^Drift since the baseline of .*: \d+ new, \d+ changed, \d+ fixed, \d+ unchanged; 1 target new, 1 gone$/m
    )
  })

  it("--fail-on new: 0 against a baseline of the same findings, 1 once a finding is new", async () => {
    expect((await fleetRun(["--baseline", basePath, "--fail-on", "new"])).code).toBe(0)
    expect((await fleetRun(["--baseline", basePath])).code).toBe(1)
    expect((await fleetRun(["--baseline", edited(), "--fail-on", "new"])).code).toBe(1)
  })

  it("refuses a single audit's report as a fleet's baseline, and a fleet report as a single audit's", async () => {
    const single = join(dir, "single.json")
    writeFileSync(single, JSON.stringify(base.targets[0]!.report))
    const r = await fleetRun(["--baseline", single])
    expect(r.code).toBe(2)
    expect(oneLineError(r.stderr)).toContain(
      "the baseline is a single audit's report: give the JSON report of an earlier --fleet run"
    )
    const one = await run(["--baseline", basePath], { env: { ...auditEnv(sim, "ready-acme"), CI: "true" } })
    expect(one.code).toBe(2)
    expect(oneLineError(one.stderr)).toContain("the baseline is a fleet report")
  })
})

describe("shards with waivers and a baseline", () => {
  it("merge to what the unsharded run says: the same waivers unused, the same drift", async () => {
    const shards = join(dir, "shards")
    mkdirSync(shards, { recursive: true })
    const args = ["--waivers", waiversPath, "--baseline", basePath, "--format", "json"]
    const whole = await fleetRun(args)
    const runs = await Promise.all(
      [1, 2].map((i) => fleetRun([...args, "--shard", `${i}/2`, "--output", `json=${join(shards, `${i}.json`)}`]))
    )
    for (const s of runs) expect(s.stderr).not.toMatch(/unexpected error/)
    const merged = await run(["merge", shards, "--format", "json", "--fail-on", "new"], { env: { CI: "true" } })
    expect(merged.code).toBe(0)
    const a = JSON.parse(whole.stdout) as FleetReport
    const b = JSON.parse(merged.stdout) as FleetReport
    expect(b.waivers?.unused).toEqual(a.waivers?.unused)
    expect(b.waivers?.entries.map((e) => e.matched)).toEqual(a.waivers?.entries.map((e) => e.matched))
    expect(b.waivers?.applied).toBe(a.waivers?.applied)
    expect(b.drift?.counts).toEqual(a.drift?.counts)
    // Other waivers in one shard: refused.
    const other = join(dir, "other-waivers.json")
    writeFileSync(other, JSON.stringify([waivers[1]]))
    await fleetRun([
      "--waivers",
      other,
      "--baseline",
      basePath,
      "--shard",
      "2/2",
      "--output",
      `json=${join(shards, "2.json")}`
    ])
    const refused = await run(["merge", shards], { env: { CI: "true" } })
    expect(refused.code).toBe(2)
    expect(oneLineError(refused.stderr)).toContain("the shards ran with different waivers")
  })
})
