/**
 * Fleet audits through the built binary against the in-process simulator: a fleet of every built-in
 * scenario in one command (the Markdown matrix names each not-ready target's root cause), the same fleet
 * in 3 shards and a merge (the same verdicts), merge's refusals, a secret written into a fleet file,
 * NDJSON that streams as targets finish, Ctrl+C with the reports so far, and no secret of any target in
 * any output.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { rootCauses } from "@arlo-ready/cli-kit"
import type { FleetReport } from "@arlo-ready/core"
import { fleetFileOf, type SimulatorHandle, startSimulator } from "@arlo-ready/simulator"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { fleetMarkdown } from "../src/FleetMarkdown.js"
import { markdownLimitBytes } from "../src/Markdown.js"
import { assertBuilt, leaked, oneLineError, type RunResult, run, scenarioSecrets } from "./helpers.js"
import { childrenNamed, parseXml } from "./xml.js"

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

const dir = mkdtempSync(join(tmpdir(), "arlo-ready-fleet-"))
let sim: SimulatorHandle
let env: Record<string, string>
let fleetPath: string
let secrets: Array<string>
/** The unsharded run of the whole fleet, shared by the tests that compare with it. */
let whole: { result: RunResult; report: FleetReport; files: Record<string, string> }

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64")
const read = (path: string) => readFileSync(path, "utf8")
const expectNoSecret = (...texts: ReadonlyArray<string>) => {
  for (const text of texts) expect(leaked(text, secrets)).toEqual([])
}
const outputsOf = (prefix: string) =>
  Object.fromEntries(
    (["json", "markdown", "junit", "github", "text", "ndjson", "html"] as const).map((f) => [
      f,
      join(dir, `${prefix}.${f}`)
    ])
  )

beforeAll(async () => {
  assertBuilt()
  sim = await startSimulator({ scenario: "fleet:all" })
  const fleet = fleetFileOf(sim)
  env = { ...fleet.env }
  fleetPath = join(dir, "fleet.json")
  writeFileSync(fleetPath, JSON.stringify(fleet.file, null, 2))
  secrets = [...scenarioSecrets(sim), ...Object.values(fleet.env).flatMap((v) => [v, b64(v)])].filter(
    (s) => s.length >= 4
  )
  const paths = outputsOf("whole")
  const result = await run(
    ["--fleet", fleetPath, "--format", "markdown", ...Object.entries(paths).map(([f, p]) => `--output=${f}=${p}`)],
    { env: { ...env, CI: "true" } }
  )
  whole = {
    result,
    report: JSON.parse(read(paths.json!)) as FleetReport,
    files: Object.fromEntries(Object.entries(paths).map(([f, p]) => [f, read(p)]))
  }
})
afterAll(async () => {
  await sim?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe("a fleet of every built-in scenario", () => {
  it("audits every target in one command and exits with the worst target's code", () => {
    const { result, report } = whole
    expect(result.stderr).not.toMatch(/unexpected error/)
    expect(report.kind).toBe("fleet")
    expect(report.targets.map((t) => t.name)).toEqual(Object.keys(sim.platforms))
    expect(report.targets.length).toBeGreaterThan(5)
    expect(report.counts.not_ready).toBeGreaterThan(0)
    expect(report.verdict).toBe("not_ready")
    expect(result.code).toBe(1)
    // CI: plain progress lines, the last one the whole count.
    expect(result.stderr).toContain(`${report.targets.length}/${report.targets.length} done: `)
  })

  it("the Markdown matrix names each not-ready target and its root cause, worst first", () => {
    const md = whole.result.stdout
    expect(md).toBe(whole.files.markdown)
    expect(md).toMatch(/^## arlo-ready fleet/)
    expect(md).toContain("| Target | Verdict | Target | Basic auth | Roles | OAuth | Policy | Root causes |")
    const rows = md.split("\n").filter((l) => l.startsWith("| `"))
    expect(rows).toHaveLength(whole.report.targets.length)
    // Worst first: every not-ready row comes before any ready one.
    const firstReady = rows.findIndex((r) => r.includes("✅ Ready"))
    const lastNotReady = rows.map((r) => r.includes("❌ Not ready")).lastIndexOf(true)
    if (firstReady >= 0) expect(lastNotReady).toBeLessThan(firstReady)
    for (const t of whole.report.targets.filter((x) => x.verdict === "not_ready")) {
      const cause = rootCauses(t.report!)[0]!
      const row = rows.find((r) => r.startsWith(`| \`${t.name}\` |`))
      expect(row, t.name).toContain(`\`${cause.id}\``)
      const section = md.slice(md.indexOf(`\`${t.name}\` ·`))
      expect(section).toContain(`\`${cause.id}\``)
    }
    expect(md).toContain("**Fix 1.**")
  })

  it("writes JUnit (a testsuite per target), GitHub annotations within the cap, text and NDJSON", () => {
    const { files, report } = whole
    const suites = childrenNamed(parseXml(files.junit!), "testsuite")
    expect(suites.map((x) => x.attrs.name)).toEqual(report.targets.map((t) => t.name))
    for (const [i, t] of report.targets.entries()) {
      expect(childrenNamed(suites[i]!, "testcase")).toHaveLength(t.report?.checks.length ?? 1)
    }
    const errors = files.github!.split("\n").filter((l) => l.startsWith("::error "))
    const warnings = files.github!.split("\n").filter((l) => l.startsWith("::warning "))
    expect(errors.length).toBeGreaterThan(0)
    expect(errors.length).toBeLessThanOrEqual(10)
    expect(warnings.length).toBeLessThanOrEqual(10)
    const causes = report.targets.reduce((n, t) => n + (t.report ? rootCauses(t.report).length : 1), 0)
    if (causes > errors.length + warnings.length)
      expect(files.github).toMatch(/::notice title=arlo-ready%3A \d+ more in the report::/)
    const text = files.text!.trim().split("\n")
    expect(text).toHaveLength(report.targets.length + 1)
    expect(text.at(-1)).toMatch(/fleet NOT READY: \d+ of \d+ targets/)
    const lines = files
      .ndjson!.trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { _tag: string })
    expect(lines.filter((l) => l._tag === "fleet_target")).toHaveLength(report.targets.length)
    expect(lines.at(-1)!._tag).toBe("fleet_finished")
  })

  it("shows no secret of any target in stdout, stderr or any format", () => {
    expectNoSecret(whole.result.stdout, whole.result.stderr, ...Object.values(whole.files))
  })
})

describe("shards and merge", () => {
  const shardDir = join(dir, "shards")
  const shardFile = (i: number) => join(shardDir, `shard-${i}.json`)
  let shards: Array<RunResult>

  beforeAll(async () => {
    mkdirSync(shardDir)
    shards = await Promise.all(
      [1, 2, 3].map((i) =>
        run(["--fleet", fleetPath, "--shard", `${i}/3`, "--format", "text", "--output", `json=${shardFile(i)}`], {
          env
        })
      )
    )
  })

  it("3 shards then merge give the unsharded run's verdict per target and fleet verdict", async () => {
    for (const s of shards) expect(s.stderr).not.toMatch(/unexpected error/)
    expectNoSecret(...shards.flatMap((s) => [s.stdout, s.stderr]), ...[1, 2, 3].map((i) => read(shardFile(i))))
    const merged = await run(["merge", shardDir, "--format", "json", "--output", `markdown=${join(dir, "merged.md")}`])
    expect(merged.stderr).toBe("")
    const report = JSON.parse(merged.stdout) as FleetReport
    const verdicts = (r: FleetReport) => Object.fromEntries(r.targets.map((t) => [t.name, t.verdict]))
    expect(verdicts(report)).toEqual(verdicts(whole.report))
    expect(report.verdict).toBe(whole.report.verdict)
    expect(report.counts).toEqual(whole.report.counts)
    expect(report.shards).toHaveLength(3)
    expect(merged.code).toBe(whole.result.code)
    expectNoSecret(merged.stdout, read(join(dir, "merged.md")))
  })

  it("in GitHub Actions, merge appends the matrix to the step summary and annotates within the cap", async () => {
    const summary = join(dir, "summary.md")
    writeFileSync(summary, "")
    const r = await run(["merge", shardDir, "--format", "text"], {
      env: { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary }
    })
    expect(r.code).toBe(whole.result.code)
    expect(read(summary)).toContain("| Target | Verdict |")
    const errors = r.stderr.split("\n").filter((l) => l.startsWith("::error "))
    expect(errors.length).toBeGreaterThan(0)
    expect(errors.length).toBeLessThanOrEqual(10)
  })

  const refuses = async (files: ReadonlyArray<string>, pattern: RegExp) => {
    const r = await run(["merge", ...files, "--format", "json"])
    expect(r.code, r.stderr).toBe(2)
    expect(r.stdout).toBe("")
    expect(oneLineError(r.stderr)).toMatch(pattern)
  }
  const edited = (i: number, name: string, edit: (r: FleetReport & Record<string, unknown>) => unknown) => {
    const report = JSON.parse(read(shardFile(i))) as FleetReport & Record<string, unknown>
    edit(report)
    const path = join(dir, name)
    writeFileSync(path, JSON.stringify(report))
    return path
  }

  it("refuses a missing shard", () => refuses([shardFile(1), shardFile(2)], /shard/i))

  it("refuses a target in two shards", () => {
    const [a, b] = [1, 2, 3].filter((i) => (JSON.parse(read(shardFile(i))) as FleetReport).targets.length > 0)
    const donor = JSON.parse(read(shardFile(a!))) as FleetReport
    const dup = edited(b!, "dup.json", (r) => {
      ;(r.targets as Array<unknown>).push(donor.targets[0])
    })
    const others = [1, 2, 3].filter((i) => i !== b).map(shardFile)
    return refuses([...others, dup], new RegExp(donor.targets[0]!.name))
  })

  it("refuses shards of different fleet files", () =>
    refuses(
      [
        shardFile(1),
        shardFile(2),
        edited(3, "digest.json", (r) => {
          ;(r.fleet as { digest: string }).digest = "0".repeat(64)
        })
      ],
      /fleet/i
    ))

  it("refuses shards of different tool versions", () =>
    refuses(
      [
        shardFile(1),
        shardFile(2),
        edited(3, "version.json", (r) => {
          ;(r.tool as { version: string }).version = "0.0.0-other"
        })
      ],
      /version/i
    ))

  it("refuses a file that is not a fleet report, and a path that cannot be read", async () => {
    const notFleet = join(dir, "single.json")
    writeFileSync(notFleet, JSON.stringify({ schemaVersion: "1.2", verdict: "ready" }))
    await refuses([shardFile(1), notFleet], /not a fleet report/)
    await refuses([join(dir, "missing.json")], /cannot read .*missing\.json/)
    await refuses([], /merge needs/)
  })
})

describe("the Markdown of a large fleet", () => {
  it("stays under GitHub's 1 MiB summary cap and keeps the matrix", () => {
    const targets = Array.from({ length: 200 }, (_, i) =>
      whole.report.targets.map((t) => ({ ...t, name: `${t.name}-${i}` }))
    ).flat()
    const md = fleetMarkdown({ ...whole.report, targets })
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(markdownLimitBytes)
    expect(md).toContain("| Target | Verdict |")
    expect(md).toMatch(/_\d+ more targets to fix are in the report files\._/)
    // The worst target's causes are kept.
    expect(md).toContain("### Root causes")
  })
})

describe("usage", () => {
  it("a secret written into the fleet file: exit 2, the line named, the secret not shown", async () => {
    const secret = "written-in-secret-4711"
    const path = join(dir, "written.json")
    const file = JSON.parse(read(fleetPath)) as { targets: Array<Record<string, unknown>> }
    file.targets[0]!.password = secret
    writeFileSync(path, JSON.stringify(file, null, 2))
    const r = await run(["--fleet", path, "--format", "json"], { env })
    expect(r.code).toBe(2)
    const line = oneLineError(r.stderr)
    expect(line).toMatch(/written\.json:\d+/)
    expect(r.stderr + r.stdout).not.toContain(secret)
  })

  it("target flags with --fleet, and fleet flags without it, are usage errors", async () => {
    const a = await run(["--fleet", fleetPath, "--platform", "acme"], { env })
    expect(a.code).toBe(2)
    expect(oneLineError(a.stderr)).toMatch(/--platform does not go with --fleet/)
    const b = await run(["--shard", "1/3", "--platform", "acme"])
    expect(b.code).toBe(2)
    expect(oneLineError(b.stderr)).toMatch(/--shard goes with --fleet/)
    const c = await run(["--fleet", join(dir, "none.yml")])
    expect(c.code).toBe(2)
    expect(oneLineError(c.stderr)).toMatch(/none\.yml: cannot read it/)
    const big = join(dir, "big.json")
    writeFileSync(big, " ".repeat(6 * 1024 * 1024))
    const d = await run(["--fleet", big])
    expect(d.code).toBe(2)
    expect(oneLineError(d.stderr)).toMatch(/big\.json: the fleet file is over 5 MiB/)
  })

  it("merge --help names its own usage", async () => {
    const r = await run(["merge", "--help"])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain("Usage: arlo-ready-report merge [flags] DIR|FILE...")
  })
})

describe("a secret from a command reference", () => {
  it("runs it without a shell, without the fleet's secret variables, and shows the secret nowhere", async () => {
    const file = JSON.parse(read(fleetPath)) as { targets: Array<Record<string, unknown>> }
    const target = file.targets.find((t) => (t.password as { env?: string } | undefined)?.env !== undefined)!
    const variable = (target.password as { env: string }).env
    const dump = join(dir, "command-env.json")
    const script = join(dir, "print-secret.mjs")
    writeFileSync(
      script,
      `import { writeFileSync } from "node:fs"\nwriteFileSync(${JSON.stringify(dump)}, JSON.stringify(process.env))\nprocess.stdout.write(${JSON.stringify(env[variable]!)} + "\\n")\n`
    )
    target.password = { command: [process.execPath, script] }
    const path = join(dir, "command.json")
    writeFileSync(path, JSON.stringify(file))
    const out = join(dir, "command-report.json")
    const r = await run(
      ["--fleet", path, "--target", String(target.name), "--format", "text", "--output", `json=${out}`],
      {
        env
      }
    )
    const report = JSON.parse(read(out)) as FleetReport
    const before = whole.report.targets.find((t) => t.name === target.name)!
    expect(report.targets.map((t) => [t.name, t.verdict])).toEqual([[before.name, before.verdict]])
    expect(report.targets[0]!.report).not.toBeNull()
    const childEnv = JSON.parse(read(dump)) as Record<string, string>
    // Every variable the fleet names for a secret is left out (this target's old one it no longer names).
    const named = Object.keys(env).filter((name) => name !== variable)
    expect(named.length).toBeGreaterThan(3)
    for (const name of named) expect(childEnv[name], name).toBeUndefined()
    expect(childEnv.PATH).toBeDefined()
    expectNoSecret(r.stdout, r.stderr, read(out))
  })
})

describe("a slow fleet", () => {
  let slow: SimulatorHandle
  let slowPath: string
  let slowEnv: Record<string, string>
  beforeAll(async () => {
    slow = await startSimulator({ scenario: "fleet:8", latencyMs: 40 })
    const fleet = fleetFileOf(slow)
    slowEnv = fleet.env as Record<string, string>
    slowPath = join(dir, "slow.json")
    writeFileSync(slowPath, JSON.stringify(fleet.file))
  })
  afterAll(() => slow?.close())

  it("NDJSON streams a self-contained line per target as it finishes, then the envelope", async () => {
    const seen: Array<number> = []
    const t0 = Date.now()
    const r = await run(["--fleet", slowPath, "--format", "ndjson", "--fleet-concurrency", "2"], {
      env: slowEnv,
      onLine: () => seen.push(Date.now() - t0)
    })
    const end = Date.now() - t0
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines.slice(0, -1).map((l) => l._tag)).toEqual(Array(8).fill("fleet_target"))
    for (const l of lines.slice(0, -1)) expect((l.report as { checks: unknown[] }).checks.length).toBeGreaterThan(0)
    const last = lines.at(-1)!
    expect(last._tag).toBe("fleet_finished")
    expect(last.targets).toBeUndefined()
    expect(last.counts).toBeDefined()
    // The first target's line came well before the run ended (4 rounds of 2 targets at 40 ms a request).
    expect(end - seen[0]!).toBeGreaterThan(200)
    expectNoSecret(r.stdout, r.stderr)
  })

  it("Ctrl+C: exit 130, the targets finished so far still written", async () => {
    const out = join(dir, "interrupted.json")
    let sent = false
    const r = await run(
      ["--fleet", slowPath, "--format", "ndjson", "--fleet-concurrency", "1", "--output", `json=${out}`],
      {
        env: slowEnv,
        onLine: (_line, child) => {
          if (!sent) {
            sent = true
            child.kill("SIGINT")
          }
        }
      }
    )
    expect(r.code).toBe(130)
    const report = JSON.parse(read(out)) as FleetReport
    expect(report.interrupted).toBe(true)
    // Every target is in it: those finished with their report, the rest incomplete, saying why.
    expect(report.targets).toHaveLength(8)
    expect(report.targets.filter((t) => t.report !== null).length).toBeGreaterThan(0)
    const stopped = report.targets.filter((t) => t.verdict === "incomplete" && t.report === null)
    expect(stopped.length).toBeGreaterThan(0)
    for (const t of stopped) expect(t.error).toMatch(/stopped/)
    expect(JSON.parse(r.stdout.trim().split("\n").at(-1)!)._tag).toBe("fleet_finished")
  })
})
