/**
 * Every bad input gets one line on stderr that names what to fix, exit code 2, nothing on stdout and
 * no stack trace; an unwritable --output path is refused before the audit sends a single request.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type SimulatorHandle, startSimulator } from "@arlo-ready/simulator"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { assertBuilt, auditEnv, oneLineError, run } from "./helpers.js"

// Real subprocesses on a shared machine: generous hang guards, never timing assertions.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 })

let sim: SimulatorHandle
let env: Record<string, string>
let dir: string

beforeAll(async () => {
  assertBuilt()
  sim = await startSimulator({ scenario: "ready" })
  env = auditEnv(sim, "acme")
  dir = mkdtempSync(join(tmpdir(), "arlo-ready-usage-"))
})
afterAll(async () => {
  await sim?.close()
  rmSync(dir, { recursive: true, force: true })
})

interface BadCase {
  readonly name: string
  readonly args: ReadonlyArray<string>
  /** Replaces the scenario's environment (default: the ready scenario's target and credentials). */
  readonly env?: (env: Record<string, string>) => Record<string, string>
  readonly stdin?: string
  /** What the one line must say. */
  readonly message: RegExp
}

const without =
  (...names: ReadonlyArray<string>) =>
  (e: Record<string, string>) =>
    Object.fromEntries(Object.entries(e).filter(([k]) => !names.includes(k)))

const cases: ReadonlyArray<BadCase> = [
  {
    name: "an unknown flag",
    args: ["--bogus"],
    message: /^arlo-ready-report: unknown flag '--bogus'\. Run with --help for usage\.$/
  },
  {
    name: "a mistyped flag",
    args: ["--formt", "json"],
    message: /^arlo-ready-report: unknown flag '--formt': did you mean --format\? Run with --help for usage\.$/
  },
  {
    name: "a flag given twice",
    args: ["--base-url", "http://127.0.0.1:1/a", "--base-url", "http://127.0.0.1:1/b"],
    message: /^arlo-ready-report: --base-url is given twice .*: give it once/
  },
  { name: "a stray argument", args: ["acme"], message: /unexpected argument 'acme': this command takes flags only/ },
  {
    name: "--wizard is no flag of this command",
    args: ["--wizard"],
    message: /^arlo-ready-report: unknown flag '--wizard'/
  },
  {
    name: "--log-level is no flag of this command",
    args: ["--log-level", "debug"],
    message: /^arlo-ready-report: unknown flag '--log-level'/
  },
  {
    name: "a mistyped check id",
    args: ["--only", "target.reachble"],
    message: /^arlo-ready-report: --only: unknown check 'target\.reachble': did you mean target\.reachable\?$/
  },
  {
    name: "no target",
    args: [],
    env: without("ARLO_BASE_URL"),
    message: /No target: give --platform NAME .* or --base-url URL/
  },
  {
    name: "a malformed URL",
    args: ["--base-url", "not a url"],
    message: /--base-url 'not a url' is not an absolute URL/
  },
  {
    name: "plain http to a host that is not loopback",
    args: ["--base-url", "http://acme.arlo.co"],
    message: /--base-url uses plain http for acme\.arlo\.co.*https:\/\/acme\.arlo\.co/
  },
  {
    name: "a platform name that is not one",
    args: ["--platform", "acme corp"],
    message: /--platform 'acme corp' is not a platform name/
  },
  {
    name: "both a platform and a base URL",
    args: ["--platform", "acme", "--base-url", "https://acme.arlo.co"],
    message: /Give --platform or --base-url, not both/
  },
  {
    name: "an unknown check id in --only",
    args: ["--only", "basic.credentials,basic.nope"],
    message: /--only: unknown check 'basic\.nope'; valid ids: target\.url, target\.reachable, .*policy\.rate-limit/
  },
  {
    name: "an unknown check id in --skip",
    args: ["--skip", "nope"],
    message: /--skip: unknown check 'nope'; valid ids/
  },
  {
    name: "an unwritable --output path",
    args: ["--output", "json=/nonexistent-dir/arlo/report.json"],
    message: /--output json=\/nonexistent-dir\/arlo\/report\.json: cannot write there \(its directory does not exist\)/
  },
  {
    name: "an --output path that is a symbolic link",
    args: ["--output", "json=/proc/self/cwd"],
    message: /--output json=\/proc\/self\/cwd: .*\/proc\/self\/cwd is a symbolic link/
  },
  {
    name: "an --output path that is a directory",
    args: ["--output", "junit=."],
    message: /--output junit=\.: cannot write there \(it is a directory\)/
  },
  { name: "an --output without FORMAT=", args: ["--output", "report.xml"], message: /--output must be FORMAT=PATH/ },
  {
    name: "an --output with an unknown format",
    args: ["--output", "xml=report.xml"],
    message: /--output xml=report\.xml: unknown format 'xml'; use one of json, junit, markdown, github, ndjson, text/
  },
  {
    name: "a bad --format",
    args: ["--format", "xml"],
    message: /--format must be json, junit, markdown, github, ndjson, text, html \(got 'xml'\)/
  },
  {
    name: "a bad --mfa-setting",
    args: ["--mfa-setting", "sometimes"],
    message: /--mfa-setting must be optional or required \(got 'sometimes'\)/
  },
  {
    name: "a bad ARLO_MFA_SETTING",
    args: [],
    env: (e) => ({ ...e, ARLO_MFA_SETTING: "sometimes" }),
    message: /ARLO_MFA_SETTING must be one of optional, required, unknown \(got 'sometimes'\)/
  },
  {
    name: "a bad --expect-access",
    args: ["--expect-access", "admin"],
    message: /--expect-access must be full or presenter \(got 'admin'\)/
  },
  { name: "a bad --auth", args: ["--auth", "saml"], message: /--auth must be basic, oauth, both \(got 'saml'\)/ },
  { name: "a bad --fail-on", args: ["--fail-on", "error"], message: /--fail-on must be fail or warn \(got 'error'\)/ },
  {
    name: "a bad --timeout",
    args: ["--timeout", "soon"],
    message: /--timeout must be a duration such as 10s, 1500ms or 2m/
  },
  { name: "a zero --deadline", args: ["--deadline", "0s"], message: /--deadline must be longer than 0/ },
  {
    name: "a bad --concurrency",
    args: ["--concurrency", "0"],
    message: /--concurrency must be a whole number above 0/
  },
  {
    name: "a --max-requests out of range",
    args: ["--max-requests", "1000000"],
    message: /--max-requests must be a whole number from 1 to 10000/
  },
  { name: "a flag without its value", args: ["--base-url"], message: /--base-url needs a value/ },
  {
    name: "an empty password on stdin",
    args: ["--password-stdin"],
    env: without("ARLO_PASSWORD"),
    stdin: "",
    message: /--password-stdin: stdin is empty/
  },
  {
    name: "an empty second line for the client secret",
    args: ["--password-stdin", "--client-secret-stdin"],
    env: without("ARLO_PASSWORD", "ARLO_CLIENT_SECRET"),
    stdin: "a-password\n",
    message: /--client-secret-stdin needs line 2 of stdin/
  },
  {
    name: "a password line on stdin longer than 4 KiB",
    args: ["--password-stdin"],
    env: without("ARLO_PASSWORD"),
    stdin: `${"p".repeat(5000)}\n`,
    message: /--password-stdin: line 1 of stdin is longer than 4096 bytes/
  },
  {
    name: "--password with --password-stdin",
    args: ["--password", "x", "--password-stdin"],
    stdin: "x\n",
    message: /Give --password or --password-stdin, not both/
  },
  {
    name: "a username without a password",
    args: [],
    env: without("ARLO_PASSWORD"),
    message: /A username was given without a password: set ARLO_PASSWORD/
  },
  {
    name: "--auth oauth without a client",
    args: ["--auth", "oauth"],
    env: without("ARLO_CLIENT_ID"),
    message: /--auth oauth needs an OAuth client \(ARLO_CLIENT_ID/
  },
  {
    name: "--auth basic with an OAuth flag",
    args: ["--auth", "basic", "--client-id", "x"],
    message: /--client-id contradicts --auth basic/
  },
  {
    name: "--list-checks in a format it does not print",
    args: ["--list-checks", "--format", "junit"],
    message: /--list-checks prints json or text/
  }
]

describe("bad input", () => {
  it.each(cases)("$name: one line naming what to fix, exit 2", async (c) => {
    sim.clearJournal()
    const result = await run(c.args, {
      env: (c.env ?? ((e) => e))(env),
      ...(c.stdin !== undefined ? { stdin: c.stdin } : {})
    })
    expect(result.code, result.stderr).toBe(2)
    expect(result.stdout).toBe("")
    const line = oneLineError(result.stderr)
    expect(line).toMatch(/^arlo-ready-report: /)
    expect(line).toMatch(c.message)
    // Nothing reached the platform: bad input is refused before the audit starts.
    expect(sim.journal()).toEqual([])
  })

  it("an unwritable --output with a good format still writes nothing to stdout and sends no request", async () => {
    sim.clearJournal()
    const result = await run(
      ["--format", "json", "--output", `json=${dir}/ok.json`, "--output", "junit=/nonexistent-dir/x.xml"],
      {
        env
      }
    )
    expect(result.code).toBe(2)
    expect(result.stdout).toBe("")
    expect(sim.journal()).toEqual([])
  })
})
