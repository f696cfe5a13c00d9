/**
 * Waivers through the built binary, against the simulator: a waiver applied in every format, warned
 * before it expires and counted again once expired (with a fixed clock, ARLO_READY_NOW), reported when
 * it matched nothing, never turning a check that did not run into readiness, and refused with a usage
 * error naming the key path for each bad input.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type SimulatorHandle, startSimulator } from "@arlo-ready/simulator"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { assertBuilt, auditEnv, oneLineError, run, validReport } from "./helpers.js"

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

let dir: string
let sim: SimulatorHandle
beforeAll(async () => {
  assertBuilt()
  dir = mkdtempSync(join(tmpdir(), "arlo-ready-waivers-"))
  sim = await startSimulator({ scenario: "integration-account" })
})
afterAll(async () => {
  await sim?.close()
  rmSync(dir, { recursive: true, force: true })
})

const now = "2026-12-01"
const waiverFile = (name: string, content: unknown): string => {
  const path = join(dir, name)
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content))
  return path
}
const basicAuth = {
  check: "policy.basic-auth",
  reason: "Basic stays until the OAuth client ships",
  owner: "ops@acme.test"
}
const audit = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  run(["--format", "json", ...args], { env: { ...auditEnv(sim, "fjord"), ARLO_READY_NOW: now, ...env } })

describe("a waiver", () => {
  it("turns the finding it names into waived, keeps the original status, and does not count against the verdict", async () => {
    const file = waiverFile("applied.json", { waivers: [{ ...basicAuth, expires: "2027-06-30" }] })
    const outs = ["junit", "markdown", "github", "text"].map((f) => [f, join(dir, `applied.${f}`)] as const)
    const result = await audit(["--waivers", file, ...outs.flatMap(([f, p]) => ["--output", `${f}=${p}`])])
    expect(result.stderr).toBe("")
    expect(result.code).toBe(0)
    const report = validReport(JSON.parse(result.stdout))
    expect(report.schemaVersion).toBe("1.5")
    expect(report.verdict).toBe("ready")
    const check = report.checks.find((c) => c.id === "policy.basic-auth")
    expect(check?.status).toBe("waived")
    expect(check?.waiver).toEqual({
      reason: basicAuth.reason,
      owner: basicAuth.owner,
      expires: "2027-06-30",
      originalStatus: "warn",
      expiresInDays: 211
    })
    expect(report.summary.waived).toBe(1)
    expect(report.summary.warn).toBe(0)
    expect(report.waivers).toEqual({ applied: 1, expiring: [], expired: [], unused: [] })
    const file_ = Object.fromEntries(outs.map(([f, p]) => [f, readFileSync(p, "utf8")]))
    expect(file_.junit).toMatch(/<skipped message="Waived \(warn\) until 2027-06-30 by ops@acme.test: Basic stays/)
    expect(file_.markdown).toMatch(
      /\| waived \\\(was warn: Basic stays until the OAuth client ships; ops@&#8203;acme\.test, until 2027-06-30\\\) \|/
    )
    expect(file_.github).toMatch(/^::notice title=arlo-ready policy\.basic-auth%3A waived::/m)
    expect(file_.github).not.toMatch(/^::(error|warning) /m)
    expect(file_.text).toMatch(
      /WAIVED policy\.basic-auth .*\(waived warn: Basic stays until the OAuth client ships; ops@acme\.test, until 2027-06-30\)/
    )
  })

  it("warns from 14 days before it expires, and still holds", async () => {
    const file = waiverFile(
      "expiring.yaml",
      `waivers:\n  - check: policy.basic-auth\n    reason: ${basicAuth.reason}\n    owner: ${basicAuth.owner}\n    expires: "2026-12-10"\n`
    )
    const result = await audit(["--waivers", file])
    expect(result.code).toBe(0)
    expect(oneLineError(result.stderr)).toMatch(
      /waiver for policy\.basic-auth expires 2026-12-10 \(in 9 days; owner ops@acme\.test\): renew or fix it/
    )
    const report = validReport(JSON.parse(result.stdout))
    expect(report.verdict).toBe("ready")
    expect(report.waivers?.expiring).toEqual([{ ...basicAuth, expires: "2026-12-10", expiresInDays: 9 }])
  })

  it("counts again as its original status once expired, with the waiver named", async () => {
    const file = waiverFile("expired.json", [{ ...basicAuth, expires: "2026-11-30" }])
    const md = join(dir, "expired.md")
    const result = await audit(["--waivers", file, "--output", `markdown=${md}`])
    expect(result.code).toBe(0)
    expect(result.stderr).toMatch(
      /waiver for policy\.basic-auth expired 2026-11-30 \(owner ops@acme\.test\): the finding counts again/
    )
    const report = validReport(JSON.parse(result.stdout))
    expect(report.verdict).toBe("ready_with_warnings")
    const check = report.checks.find((c) => c.id === "policy.basic-auth")
    expect(check?.status).toBe("warn")
    expect(check?.waiver).toMatchObject({ expired: true, expiresInDays: -1, originalStatus: "warn" })
    expect(report.waivers?.expired).toEqual([{ ...basicAuth, expires: "2026-11-30" }])
    expect(readFileSync(md, "utf8")).toContain("> [!CAUTION]")
    // With --fail-on warn the expired waiver fails the run again.
    const strict = await audit(["--waivers", file, "--fail-on", "warn"])
    expect(strict.code).toBe(1)
  })

  it("that matched nothing is reported as unused", async () => {
    const stale = { check: "basic.mfa", reason: "MFA was optional", owner: "sec@acme.test", expires: "2027-01-31" }
    const file = waiverFile("unused.json", [stale])
    const result = await audit(["--waivers", file])
    expect(result.code).toBe(0)
    expect(result.stderr).toMatch(/waiver for basic\.mfa matched nothing in this run: remove it if the finding is gone/)
    const report = validReport(JSON.parse(result.stdout))
    expect(report.verdict).toBe("ready_with_warnings")
    expect(report.waivers).toEqual({ applied: 0, expiring: [], expired: [], unused: [stale] })
  })

  it("of another target does not match", async () => {
    const file = waiverFile("other.json", [{ ...basicAuth, target: "elsewhere", expires: "2027-06-30" }])
    const report = validReport(JSON.parse((await audit(["--waivers", file])).stdout))
    expect(report.checks.find((c) => c.id === "policy.basic-auth")?.status).toBe("warn")
    expect(report.waivers?.unused).toHaveLength(1)
  })
})

describe("a waiver never makes a check that did not run evidence", () => {
  it("waives the failure, but what it blocked keeps the run incomplete", async () => {
    const granite = await startSimulator({ scenario: "no-api-access" })
    try {
      const file = waiverFile("blocked.json", [
        { check: "roles.api-user", reason: "granted next sprint", owner: "ops@acme.test", expires: "2027-01-31" },
        { check: "roles.administrator", reason: "a skipped check is not waivable", owner: "ops", expires: "2027-01-31" }
      ])
      const result = await run(["--format", "json", "--waivers", file], {
        env: { ...auditEnv(granite, "granite"), ARLO_READY_NOW: now }
      })
      const report = validReport(JSON.parse(result.stdout))
      const status = Object.fromEntries(report.checks.map((c) => [c.id, c.status]))
      expect(status["roles.api-user"]).toBe("waived")
      expect(status["roles.administrator"]).toBe("skipped")
      expect(report.verdict).toBe("incomplete")
      expect(result.code).toBe(3)
      expect(report.waivers?.unused.map((w) => w.check)).toEqual(["roles.administrator"])
    } finally {
      await granite.close()
    }
  })
})

describe("a bad waivers file is a usage error that names the key path", () => {
  const good = { ...basicAuth, expires: "2027-06-30" }
  const { owner: _owner, ...noOwner } = good
  const cases: ReadonlyArray<readonly [string, unknown, RegExp]> = [
    ["a missing owner", [noOwner], /waivers\[0\]\.owner is required: give a non-empty string/],
    [
      "a date that is not a date",
      [good, { ...good, expires: "2027-02-30" }],
      /waivers\[1\]\.expires: 2027-02-30 is not a date: write YYYY-MM-DD/
    ],
    [
      "a date in another form",
      [{ ...good, expires: "30/06/2027" }],
      /waivers\[0\]\.expires: 30\/06\/2027 is not a date/
    ],
    [
      "an unknown key",
      [{ ...good, expiry: "2027-06-30" }],
      /waivers\[0\]\.expiry is not a waiver key \(did you mean expires\?\)/
    ],
    [
      "an unknown check",
      [{ ...good, check: "policy.basic-aut" }],
      /waivers\[0\]\.check: policy\.basic-aut is not a check id \(did you mean policy\.basic-auth\?\)/
    ],
    [
      "an unknown top-level key",
      { waiver: [good] },
      /waiver is not a key of a waivers file \(did you mean waivers\?\)/
    ],
    ["not JSON", "{ waivers: ", /is not valid JSON/]
  ]
  it.each(cases)("%s", async (_name, content, message) => {
    const file = waiverFile(`bad-${_name.replace(/\W+/g, "-")}.json`, content)
    const result = await audit(["--waivers", file])
    expect(result.code).toBe(2)
    expect(result.stdout).toBe("")
    expect(oneLineError(result.stderr)).toMatch(message)
    expect(result.stderr.trim().split("\n")).toHaveLength(1)
  })

  it("a missing file and a bad clock too", async () => {
    const missing = await audit(["--waivers", join(dir, "nope.json")])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/--waivers .*nope\.json: no such file/)
    const clock = await audit([], { ARLO_READY_NOW: "soon" })
    expect(clock.code).toBe(2)
    expect(clock.stderr).toMatch(/ARLO_READY_NOW=soon is not a date: write YYYY-MM-DD/)
  })
})
