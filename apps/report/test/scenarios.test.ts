/**
 * The built binary against every built-in scenario of the simulator: verdict, key statuses and exit
 * code; the JSON validated against the shipped JSON Schema; the JUnit parsed and matched against the
 * report; every output grepped for every secret of the scenario.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { hasEscapes } from "@arlo-ready/cli-kit"
import type { CheckId, CheckStatus, Report, Verdict } from "@arlo-ready/core"
import { startSimulator } from "@arlo-ready/simulator"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { assertBuilt, auditEnv, events, leaked, run, scenarioSecrets, validReport } from "./helpers.js"
import { childrenNamed, parseXml } from "./xml.js"

// Real subprocesses on a shared machine: generous hang guards, never timing assertions.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 })

interface Case {
  readonly scenario: string
  readonly platform: string
  readonly verdict: Verdict
  readonly code: number
  readonly statuses: Partial<Record<CheckId, CheckStatus>>
}

const cases: ReadonlyArray<Case> = [
  {
    scenario: "ready",
    platform: "acme",
    verdict: "ready",
    code: 0,
    statuses: {
      "target.reachable": "pass",
      "basic.credentials": "pass",
      "basic.mfa": "pass",
      "roles.api-user": "pass",
      "roles.administrator": "pass",
      "roles.presenter-limits": "not_applicable",
      "oauth.client.registered": "pass",
      "oauth.client.approved": "pass",
      "oauth.client.secret": "pass",
      "oauth.redirect-uri": "pass",
      "oauth.token": "not_applicable",
      "policy.basic-auth": "pass"
    }
  },
  {
    scenario: "wrong-password",
    platform: "bluegum",
    verdict: "not_ready",
    code: 1,
    statuses: { "basic.credentials": "fail", "roles.api-user": "skipped", "oauth.server": "not_applicable" }
  },
  {
    scenario: "locked",
    platform: "cobalt",
    verdict: "not_ready",
    code: 1,
    statuses: { "basic.credentials": "fail", "roles.api-user": "skipped" }
  },
  {
    scenario: "mfa-optional",
    platform: "delta",
    verdict: "not_ready",
    code: 1,
    statuses: { "basic.mfa": "fail", "basic.credentials": "skipped", "roles.api-user": "skipped" }
  },
  {
    scenario: "mfa-required",
    platform: "ember",
    verdict: "not_ready",
    code: 1,
    statuses: { "basic.mfa": "fail", "basic.credentials": "skipped" }
  },
  {
    scenario: "integration-account",
    platform: "fjord",
    verdict: "ready_with_warnings",
    code: 0,
    statuses: {
      "basic.credentials": "pass",
      "basic.mfa": "pass",
      "roles.administrator": "pass",
      "policy.basic-auth": "warn"
    }
  },
  {
    scenario: "no-api-access",
    platform: "granite",
    verdict: "not_ready",
    code: 1,
    statuses: { "basic.credentials": "pass", "roles.api-user": "fail", "roles.administrator": "skipped" }
  },
  {
    scenario: "api-user-only",
    platform: "harbour",
    verdict: "not_ready",
    code: 1,
    statuses: { "roles.api-user": "pass", "roles.administrator": "fail", "roles.presenter-limits": "warn" }
  },
  {
    scenario: "presenter",
    platform: "iris",
    verdict: "not_ready",
    code: 1,
    statuses: { "roles.api-user": "pass", "roles.administrator": "fail", "roles.presenter-limits": "warn" }
  },
  {
    scenario: "oauth-pending",
    platform: "juniper",
    verdict: "not_ready",
    code: 1,
    statuses: { "basic.credentials": "pass", "oauth.client.registered": "pass", "oauth.client.approved": "fail" }
  },
  {
    scenario: "oauth-wrong-secret",
    platform: "kowhai",
    verdict: "not_ready",
    code: 1,
    statuses: { "oauth.client.registered": "pass", "oauth.client.secret": "fail" }
  },
  {
    scenario: "oauth-unknown-client",
    platform: "lagoon",
    verdict: "not_ready",
    code: 1,
    statuses: { "oauth.client.registered": "fail", "oauth.client.secret": "skipped", "basic.credentials": "pass" }
  },
  {
    scenario: "oauth-bad-redirect",
    platform: "manuka",
    verdict: "not_ready",
    code: 1,
    statuses: { "oauth.client.approved": "pass", "oauth.redirect-uri": "fail" }
  },
  {
    scenario: "rate-limited",
    platform: "nikau",
    verdict: "incomplete",
    code: 3,
    statuses: { "target.reachable": "pass", "policy.rate-limit": "error" }
  },
  {
    scenario: "flaky",
    platform: "orbit",
    verdict: "ready",
    code: 0,
    statuses: { "target.reachable": "pass", "basic.credentials": "pass", "roles.administrator": "pass" }
  },
  {
    scenario: "slow",
    platform: "pukeko",
    verdict: "ready",
    code: 0,
    statuses: { "basic.credentials": "pass", "oauth.client.approved": "pass" }
  },
  { scenario: "demo", platform: "acme", verdict: "ready", code: 0, statuses: { "oauth.client.approved": "pass" } },
  {
    scenario: "demo",
    platform: "globex",
    verdict: "not_ready",
    code: 1,
    statuses: { "basic.mfa": "fail", "basic.credentials": "skipped" }
  },
  {
    scenario: "demo",
    platform: "initech",
    verdict: "not_ready",
    code: 1,
    statuses: { "roles.administrator": "fail", "roles.presenter-limits": "warn" }
  },
  {
    scenario: "demo",
    platform: "umbrella",
    verdict: "not_ready",
    code: 1,
    statuses: { "basic.credentials": "pass", "oauth.client.approved": "fail" }
  }
]

const outputFormats = ["junit", "markdown", "text", "ndjson", "github", "json", "html"] as const

let dir: string
beforeAll(() => {
  assertBuilt()
  dir = mkdtempSync(join(tmpdir(), "arlo-ready-report-"))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const statusMap = (report: Report) => Object.fromEntries(report.checks.map((c) => [c.id, c.status]))

describe.each(cases)("$scenario / $platform", (c) => {
  it(`is ${c.verdict} with exit code ${c.code}, in every format, with no secret anywhere`, async () => {
    const sim = await startSimulator({ scenario: c.scenario })
    try {
      const files = Object.fromEntries(outputFormats.map((f) => [f, join(dir, `${c.scenario}-${c.platform}.${f}`)]))
      const result = await run(
        ["--format", "json", ...outputFormats.flatMap((f) => ["--output", `${f}=${files[f]}`])],
        {
          env: auditEnv(sim, c.platform)
        }
      )
      expect(result.stderr).toBe("")
      expect(result.code).toBe(c.code)

      const report = validReport(JSON.parse(result.stdout))
      expect(report.verdict).toBe(c.verdict)
      expect(statusMap(report)).toMatchObject(c.statuses)
      expect(report.interrupted).toBe(false)
      for (const check of report.checks.filter((k) => k.status === "skipped")) {
        expect(check.blockedBy.length, `${check.id} names what blocked it`).toBeGreaterThan(0)
        for (const id of check.blockedBy) expect(statusMap(report)[id]).not.toBe("pass")
      }

      // Every file says the same thing as stdout.
      expect(JSON.parse(readFileSync(files.json!, "utf8"))).toEqual(report)
      const junit = parseXml(readFileSync(files.junit!, "utf8"))
      const cases = childrenNamed(junit, "testsuite").flatMap((s) => childrenNamed(s, "testcase"))
      expect(cases.map((t) => t.attrs.name)).toEqual(report.checks.map((k) => k.id))
      const count = (tag: string) => cases.filter((t) => childrenNamed(t, tag).length > 0).length
      expect(count("failure")).toBe(report.summary.fail)
      expect(count("error")).toBe(report.summary.error)
      expect(count("skipped")).toBe(report.summary.skipped + report.summary.not_applicable)
      expect(junit.attrs.tests).toBe(String(report.checks.length))
      const ndjson = events(readFileSync(files.ndjson!, "utf8"))
      expect(ndjson[0]?._tag).toBe("audit_started")
      const last = ndjson.at(-1)
      expect(last?._tag === "audit_finished" && last.report).toEqual(report)
      expect(ndjson.filter((e) => e._tag === "check_finished")).toHaveLength(report.checks.length)
      const markdown = readFileSync(files.markdown!, "utf8")
      expect(markdown).toMatch(/^## arlo-ready: /)
      expect(Buffer.byteLength(markdown)).toBeLessThan(1024 * 1024)
      const text = readFileSync(files.text!, "utf8")
      expect(hasEscapes(text.replace(/\n/g, ""))).toBe(false)
      const github = readFileSync(files.github!, "utf8")
      const annotated = github.split("\n").filter((l) => /^::(error|warning) /.test(l))
      expect(annotated).toHaveLength(report.summary.fail + report.summary.error + report.summary.warn)
      expect(github).not.toContain("::add-mask::")

      const secrets = scenarioSecrets(sim)
      expect(secrets.length).toBeGreaterThan(0)
      for (const [name, content] of [
        ["stdout", result.stdout],
        ["stderr", result.stderr],
        ...Object.entries(files).map(([f, path]) => [f, readFileSync(path, "utf8")])
      ] as const) {
        expect(leaked(content, secrets), `secrets in ${name}`).toEqual([])
      }
    } finally {
      await sim.close()
    }
  })
})
