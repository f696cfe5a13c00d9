/**
 * The command line beyond the scenarios: help, version, the check list, --fail-on, filtered and
 * unreachable runs, streaming ndjson and text, colour, credentials from stdin and plain flags, GitHub
 * Actions, and the root `pnpm -s report` script.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { exitCodeFor, hasEscapes } from "@arlo-ready/cli-kit"
import { catalogue } from "@arlo-ready/core"
import { startSimulator } from "@arlo-ready/simulator"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { assertBuilt, auditEnv, events, leaked, run, runCommand, scenarioSecrets, validReport } from "./helpers.js"
import { childrenNamed, parseXml } from "./xml.js"

// Real subprocesses on a shared machine: generous hang guards, never timing assertions.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 })

const pkg = JSON.parse(readFileSync(fileURLToPath(new URL("../package.json", import.meta.url)), "utf8")) as {
  version: string
}
const root = fileURLToPath(new URL("../../..", import.meta.url))

let dir: string
beforeAll(() => {
  assertBuilt()
  dir = mkdtempSync(join(tmpdir(), "arlo-ready-cli-"))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const withSim = async <A>(scenario: string, f: (sim: Awaited<ReturnType<typeof startSimulator>>) => Promise<A>) => {
  const sim = await startSimulator({ scenario })
  try {
    return await f(sim)
  } finally {
    await sim.close()
  }
}

describe("help, version and the check list", () => {
  it("--version prints the package version", async () => {
    const r = await run(["--version"])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(`${pkg.version}\n`)
    expect(r.stderr).toBe("")
  })

  it("--help lists every flag on stdout, without escape codes when piped", async () => {
    const r = await run(["--help"])
    expect(r.code).toBe(0)
    expect(hasEscapes(r.stdout.replace(/\n/g, ""))).toBe(false)
    for (const flag of [
      "--platform",
      "--base-url",
      "--password-stdin",
      "--client-secret-stdin",
      "--auth",
      "--mfa-setting",
      "--expect-access",
      "--timeout",
      "--deadline",
      "--concurrency",
      "--max-requests",
      "--only",
      "--skip",
      "--fail-on",
      "--list-checks",
      "--format",
      "--output"
    ]) {
      expect(r.stdout).toContain(flag)
    }
    // Each flag's own description and its variable; the groups, examples, check ids and exit codes.
    expect(r.stdout).toContain("The Basic auth username. [env ARLO_USERNAME]")
    for (const heading of ["Target:", "Credentials (Basic auth):", "OAuth 2:", "Selection:", "Output:", "Examples:"]) {
      expect(r.stdout).toContain(`\n${heading}\n`)
    }
    for (const d of catalogue) expect(r.stdout).toMatch(new RegExp(`\\n  ${d.id.replace(/\./g, "\\.")} +${d.title}\\n`))
    expect(r.stdout).toContain("Repeatable.")
    expect(r.stdout).toMatch(/\n {2}4 +the report could not be written in full\n/)
    expect(r.stdout).not.toMatch(/--wizard|--log-level|--completions/)
    // The title once, and every line within 100 columns.
    expect(r.stdout.split("arlo-ready-report 0").length).toBe(2)
    for (const line of r.stdout.split("\n")) expect(line.length, line).toBeLessThanOrEqual(100)
  })

  it("-h, help and --help print the same help; -v and --version the version", async () => {
    const help = (await run(["--help"])).stdout
    for (const args of [["-h"], ["help"], ["--platform", "acme", "--help"]]) {
      const r = await run(args)
      expect(r.code).toBe(0)
      expect(r.stdout).toBe(help)
    }
    const version = await run(["--version"])
    const v = await run(["-v"])
    expect(v.stdout).toBe(version.stdout)
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/)
  })

  it("--list-checks prints the catalogue as JSON by default, and as text", async () => {
    const json = await run(["--list-checks"])
    expect(json.code).toBe(0)
    const list = JSON.parse(json.stdout) as { checks: Array<{ id: string; needs: Array<string> }> }
    expect(list.checks.map((c) => c.id)).toEqual(catalogue.map((d) => d.id))
    const text = await run(["--list-checks", "--format", "text"])
    expect(text.code).toBe(0)
    for (const d of catalogue) expect(text.stdout).toContain(d.id)
  })
})

describe("verdicts and exit codes", () => {
  it("--fail-on warn turns ready_with_warnings into exit 1, and the JUnit agrees", () =>
    withSim("integration-account", async (sim) => {
      const env = auditEnv(sim, "fjord")
      const lenient = await run(["--format", "json"], { env })
      expect(lenient.code).toBe(0)
      expect(validReport(JSON.parse(lenient.stdout)).verdict).toBe("ready_with_warnings")
      const strict = await run(["--format", "junit", "--fail-on", "warn"], { env })
      expect(strict.code).toBe(1)
      const cases = childrenNamed(parseXml(strict.stdout), "testsuite").flatMap((s) => childrenNamed(s, "testcase"))
      expect(cases.filter((c) => childrenNamed(c, "failure").length > 0).map((c) => c.attrs.name)).toEqual([
        "policy.basic-auth"
      ])
    }))

  it("a filtered run reports the chosen checks and the checks they need, and still validates", () =>
    withSim("ready", async (sim) => {
      const r = await run(["--only", "roles.api-user,roles.administrator", "--only", "basic.mfa"], {
        env: auditEnv(sim, "acme")
      })
      expect(r.code).toBe(0)
      const report = validReport(JSON.parse(r.stdout))
      expect(report.checks.map((c) => c.id)).toEqual([
        "target.url",
        "target.reachable",
        "basic.credentials",
        "basic.mfa",
        "roles.api-user",
        "roles.administrator",
        "oauth.token"
      ])
      expect(report.checks.find((c) => c.id === "basic.credentials")?.prerequisiteOf).toEqual([
        "basic.mfa",
        "roles.api-user",
        "roles.administrator"
      ])
    }))

  it("a finding's re-check command is this binary's", () =>
    withSim("wrong-password", async (sim) => {
      const r = await run(["--format", "json", "--only", "basic.credentials"], { env: auditEnv(sim, "bluegum") })
      const report = validReport(JSON.parse(r.stdout))
      const credentials = report.checks.find((c) => c.id === "basic.credentials")
      expect(credentials?.status).toBe("fail")
      expect(credentials?.remediation?.recheck).toBe("arlo-ready-report --only basic.credentials")
    }))

  it("a platform that does not answer gives a valid report and the exit code of its verdict", async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const address = server.address()
        server.close(() => resolve(typeof address === "object" && address ? address.port : 0))
      })
    })
    const r = await run(["--timeout", "2s"], {
      env: {
        ARLO_BASE_URL: `http://127.0.0.1:${port}/acme`,
        ARLO_USERNAME: "u@example.com",
        ARLO_PASSWORD: "pw-123456"
      }
    })
    const report = validReport(JSON.parse(r.stdout))
    expect(r.code).toBe(exitCodeFor(report))
    expect([1, 3]).toContain(r.code)
    const reachable = report.checks.find((c) => c.id === "target.reachable")!
    expect(["fail", "error"]).toContain(reachable.status)
    const basic = report.checks.find((c) => c.id === "basic.credentials")!
    expect(basic.status).toBe("skipped")
    expect(basic.blockedBy).toEqual(["target.reachable"])
  })
})

describe("streaming formats and colour", () => {
  it("ndjson on stdout: one event per line, started before finished, the report last", () =>
    withSim("ready", async (sim) => {
      const r = await run(["--format", "ndjson"], { env: auditEnv(sim, "acme") })
      expect(r.code).toBe(0)
      const stream = events(r.stdout)
      expect(stream[0]?._tag).toBe("audit_started")
      const last = stream.at(-1)!
      expect(last._tag).toBe("audit_finished")
      if (last._tag === "audit_finished") validReport(last.report)
      for (const d of catalogue) {
        const started = stream.findIndex((e) => e._tag === "check_started" && e.id === d.id)
        const finished = stream.findIndex((e) => e._tag === "check_finished" && e.result.id === d.id)
        expect(started, d.id).toBeGreaterThan(-1)
        expect(started, d.id).toBeLessThan(finished)
      }
    }))

  it("text on a pipe has no escape codes; FORCE_COLOR adds colour to text but never to JSON", () =>
    withSim("wrong-password", async (sim) => {
      const env = auditEnv(sim, "bluegum")
      const plain = await run(["--format", "text"], { env: { ...env, NO_COLOR: "1" } })
      expect(plain.code).toBe(1)
      expect(hasEscapes(plain.stdout.replace(/\n/g, ""))).toBe(false)
      const lines = plain.stdout.trimEnd().split("\n")
      expect(lines[0]).toMatch(/^arlo-ready: auditing /)
      expect(lines.at(-1)).toMatch(/^✘ NOT READY/)
      expect(plain.stdout).toMatch(/^✘ FAIL {2}basic\.credentials {2}Basic credentials — /m)
      const coloured = await run(["--format", "text"], { env: { ...env, FORCE_COLOR: "1" } })
      expect(coloured.stdout).toContain("\u001b[31m✘ FAIL\u001b[39m")
      const json = await run(["--format", "json"], { env: { ...env, FORCE_COLOR: "1" } })
      expect(hasEscapes(json.stdout.replace(/\n/g, ""))).toBe(false)
      validReport(JSON.parse(json.stdout))
    }))

  it("a reader that goes away mid-stream: exit 4 (the report was not written in full), quietly, never 130", () =>
    withSim("slow", async (sim) => {
      let closed = false
      const r = await run(["--format", "ndjson"], {
        env: auditEnv(sim, "pukeko"),
        onLine: (_line, child) => {
          if (!closed) {
            closed = true
            child.stdout?.destroy()
          }
        }
      })
      expect(r.code).toBe(4)
      expect(r.stderr).toBe("")
    }))
})

describe("credentials", () => {
  it("reads the password and the client secret from stdin, one per line, and says so in the report", () =>
    withSim("ready", async (sim) => {
      const { ARLO_PASSWORD, ARLO_CLIENT_SECRET, ...env } = auditEnv(sim, "acme")
      const r = await run(["--password-stdin", "--client-secret-stdin"], {
        env,
        stdin: `${ARLO_PASSWORD}\n${ARLO_CLIENT_SECRET}\n`
      })
      expect(r.stderr).toBe("")
      expect(r.code).toBe(0)
      const report = validReport(JSON.parse(r.stdout))
      expect(report.verdict).toBe("ready")
      const sources = Object.fromEntries(report.target.credentials.map((c) => [c.name, c.source]))
      expect(sources).toMatchObject({ username: "env", password: "stdin", clientId: "env", clientSecret: "stdin" })
      expect(leaked(r.stdout, scenarioSecrets(sim))).toEqual([])
    }))

  it("accepts secrets as plain flags with a warning on stderr for each", () =>
    withSim("ready", async (sim) => {
      const { ARLO_PASSWORD, ARLO_CLIENT_SECRET, ARLO_USERNAME, ...env } = auditEnv(sim, "acme")
      const r = await run(
        [
          "--username",
          ARLO_USERNAME!,
          "--password",
          ARLO_PASSWORD!,
          "--client-secret",
          ARLO_CLIENT_SECRET!,
          "--format",
          "json"
        ],
        { env }
      )
      expect(r.code).toBe(0)
      const warnings = r.stderr.trimEnd().split("\n")
      expect(warnings).toEqual([
        "arlo-ready-report: --password is visible in the process list and shell history: prefer ARLO_PASSWORD or --password-stdin",
        "arlo-ready-report: --client-secret is visible in the process list and shell history: prefer ARLO_CLIENT_SECRET or --client-secret-stdin"
      ])
      const report = validReport(JSON.parse(r.stdout))
      expect(Object.fromEntries(report.target.credentials.map((c) => [c.name, c.source]))).toMatchObject({
        username: "flag",
        password: "flag",
        clientSecret: "flag"
      })
      const secrets = scenarioSecrets(sim)
      expect(leaked(r.stdout + r.stderr, secrets)).toEqual([])
      // The check itself can fail: the secrets are in what the process was given.
      expect(leaked(JSON.stringify(sim.platforms.acme!.audit), secrets).length).toBeGreaterThan(0)
    }))

  it("--auth basic leaves the OAuth client in the environment out of the audit", () =>
    withSim("ready", async (sim) => {
      const r = await run(["--auth", "basic"], { env: auditEnv(sim, "acme") })
      const report = validReport(JSON.parse(r.stdout))
      expect(report.target.authMethods).toEqual(["basic"])
      expect(report.checks.find((c) => c.id === "oauth.client.registered")?.status).toBe("not_applicable")
    }))
})

describe("GitHub Actions", () => {
  it("with GITHUB_ACTIONS=true: masks first and annotations on stderr, the step summary appended, stdout untouched", () =>
    withSim("oauth-pending", async (sim) => {
      const summary = join(dir, "step-summary.md")
      writeFileSync(summary, "previous step\n")
      const r = await run(["--format", "json"], {
        env: { ...auditEnv(sim, "juniper"), GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary }
      })
      expect(r.code).toBe(1)
      const report = validReport(JSON.parse(r.stdout))
      const lines = r.stderr.trimEnd().split("\n")
      const audit = sim.platforms.juniper!.audit
      expect(lines.slice(0, 2)).toEqual([`::add-mask::${audit.password}`, `::add-mask::${audit.clientSecret}`])
      expect(lines.slice(2)).toHaveLength(1)
      expect(lines[2]).toMatch(/^::error title=arlo-ready oauth\.client\.approved%3A OAuth client approved::/)
      const md = readFileSync(summary, "utf8")
      expect(md.startsWith("previous step\n## arlo-ready: ❌ Not ready")).toBe(true)
      expect(md).toContain("`oauth.client.approved`")
      // Secrets appear only in the mask commands, which the runner swallows.
      const secrets = scenarioSecrets(sim)
      expect(leaked(r.stdout, secrets)).toEqual([])
      expect(leaked(lines.filter((l) => !l.startsWith("::add-mask::")).join("\n"), secrets)).toEqual([])
      expect(leaked(md, secrets)).toEqual([])
      expect(report.verdict).toBe("not_ready")
    }))

  it("--format github: masks then annotations on stdout under Actions, and no masks elsewhere", () =>
    withSim("oauth-pending", async (sim) => {
      const env = auditEnv(sim, "juniper")
      const actions = await run(["--format", "github"], { env: { ...env, GITHUB_ACTIONS: "true" } })
      expect(actions.code).toBe(1)
      expect(actions.stderr).toBe("")
      const lines = actions.stdout.split("\n")
      expect(lines[0]).toMatch(/^::add-mask::/)
      expect(lines[1]).toMatch(/^::add-mask::/)
      expect(lines[2]).toMatch(/^::error title=arlo-ready oauth\.client\.approved/)
      const local = await run(["--format", "github"], { env })
      expect(local.stdout).not.toContain("::add-mask::")
      expect(leaked(local.stdout, scenarioSecrets(sim))).toEqual([])
      expect(local.stdout.split("\n")[0]).toMatch(/^::error /)
    }))
})

describe("root script", () => {
  it(
    "`pnpm -s report ... --format json` prints only the report on stdout",
    () =>
      withSim("ready", async (sim) => {
        const { ARLO_BASE_URL, ...env } = auditEnv(sim, "acme")
        const r = await runCommand("pnpm", ["-s", "report", "--base-url", ARLO_BASE_URL!, "--format", "json"], {
          env,
          cwd: root,
          timeoutMs: 240_000
        })
        expect(r.code, r.stderr).toBe(0)
        expect(validReport(JSON.parse(r.stdout)).verdict).toBe("ready")
        // No build banner: the build is quiet unless it fails.
        expect(r.stderr).toBe("")
      }),
    240_000
  )

  it(
    "`pnpm report` names itself in the re-check hints, since the bin is not on PATH inside the clone",
    () =>
      withSim("wrong-password", async (sim) => {
        const r = await runCommand("pnpm", ["-s", "report", "--format", "json", "--only", "basic.credentials"], {
          env: auditEnv(sim, "bluegum"),
          cwd: root,
          timeoutMs: 240_000
        })
        const report = validReport(JSON.parse(r.stdout))
        expect(report.checks.find((c) => c.id === "basic.credentials")?.remediation?.recheck).toBe(
          "pnpm report --only basic.credentials"
        )
        expect(r.code).toBe(1)
      }),
    240_000
  )
})
