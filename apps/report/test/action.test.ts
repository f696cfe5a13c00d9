/**
 * The GitHub Action (action.yml, action/main.mjs) run as a runner runs it: `node action/main.mjs` with
 * its inputs as `INPUT_*` variables, `GITHUB_ACTIONS=true`, `GITHUB_STEP_SUMMARY` and `GITHUB_OUTPUT` as
 * files and the built `arlo-ready-report` on PATH, against the simulator's demo platforms. Then the
 * caps: the step summary under 1 MiB, the annotations within GitHub's per-step limits.
 */
import type { ChildProcess } from "node:child_process"
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { delimiter, join } from "node:path"
import { fileURLToPath } from "node:url"
import { catalogue } from "@arlo-ready/core"
import { type SimulatorHandle, startSimulator } from "@arlo-ready/simulator"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { annotations } from "../src/Github.js"
import { allPass } from "./fixtures.js"
import { assertBuilt, binPath, leaked, runCommand, scenarioSecrets, validReport } from "./helpers.js"

vi.setConfig({ testTimeout: 60_000, hookTimeout: 30_000 })

const root = fileURLToPath(new URL("../../..", import.meta.url))
const entry = join(root, "action", "main.mjs")

interface Capped {
  readonly capSummary: (markdown: string, reportPath: string, limit?: number) => string
  readonly summaryLimitBytes: number
}

let dir: string
let binDir: string
let npxDir: string
let sim: SimulatorHandle
let secrets: Array<string>
let runs = 0

beforeAll(async () => {
  assertBuilt()
  dir = mkdtempSync(join(tmpdir(), "arlo-ready-action-"))
  // The real binary, behind a script that also records the argv it was given.
  binDir = join(dir, "bin")
  mkdirSync(binDir)
  const script = join(binDir, "arlo-ready-report")
  writeFileSync(
    script,
    `#!/bin/sh\nprintf '%s\\n' "$@" > "$ARGV_LOG"\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(binPath)} "$@"\n`
  )
  chmodSync(script, 0o755)
  // npx without the registry: it checks the arguments npx would get, then runs the real binary.
  npxDir = join(dir, "npx")
  mkdirSync(npxDir)
  const npx = join(npxDir, "npx")
  writeFileSync(
    npx,
    [
      "#!/bin/sh",
      `printf '%s\\n' "$@" > "$ARGV_LOG"`,
      `[ "$1" = "--yes" ] || exit 97`,
      "shift",
      `case "$1" in arlo-ready-report@?*) shift ;; *) exit 98 ;; esac`,
      `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(binPath)} "$@"`,
      ""
    ].join("\n")
  )
  chmodSync(npx, 0o755)
  sim = await startSimulator({ scenario: "demo" })
  secrets = scenarioSecrets(sim)
})
afterAll(async () => {
  await sim?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** The `with:` of a step for a demo platform: its target and credentials. */
const inputsFor = (platform: string, from: SimulatorHandle = sim): Record<string, string> => {
  const info = from.platforms[platform]!
  const a = info.audit
  return {
    "base-url": info.baseUrl,
    username: a.username ?? "",
    password: a.password ?? "",
    "client-id": a.clientId ?? "",
    "client-secret": a.clientSecret ?? "",
    "redirect-uri": a.redirectUri ?? "",
    scopes: (a.scopes ?? []).join(" "),
    "mfa-setting": a.mfaSetting ?? ""
  }
}

/** GITHUB_OUTPUT's `name<<DELIMITER` blocks, each delimiter checked to be a random one. */
const parseOutputs = (text: string): Record<string, string> => {
  const out: Record<string, string> = {}
  const lines = text.split("\n")
  let i = 0
  while (i < lines.length && lines[i] !== "") {
    const m = /^([a-z-]+)<<(ghadelimiter_[0-9a-f-]{36})$/.exec(lines[i]!)
    if (!m) throw new Error(`not an output line: ${lines[i]}`)
    const end = lines.indexOf(m[2]!, i + 1)
    out[m[1]!] = lines.slice(i + 1, end).join("\n")
    i = end + 1
  }
  return out
}

/** Runs the entry as the runner would, with these inputs (every input declared is set, as the runner does). */
interface StepOptions {
  /** Called with the step's directory before the run (to leave files in it). */
  readonly before?: (step: string) => void
  readonly onSpawn?: (child: ChildProcess) => void
  /** PATH, whole (default: the directory with arlo-ready-report, then the machine's PATH). */
  readonly path?: ReadonlyArray<string>
}

const runAction = async (inputs: Record<string, string>, { before, onSpawn, path }: StepOptions = {}) => {
  runs += 1
  const step = join(dir, `step-${runs}`)
  mkdirSync(step)
  before?.(step)
  const files = { summary: join(step, "summary.md"), output: join(step, "output.txt"), argv: join(step, "argv.txt") }
  writeFileSync(files.summary, "")
  writeFileSync(files.output, "")
  const env: Record<string, string> = {
    PATH: (path ?? [binDir, process.env.PATH ?? ""]).join(delimiter),
    GITHUB_ACTIONS: "true",
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_OUTPUT: files.output,
    RUNNER_TEMP: step,
    ARGV_LOG: files.argv
  }
  for (const name of declared("inputs")) env[`INPUT_${name.toUpperCase()}`] = inputs[name] ?? ""
  const r = await runCommand(process.execPath, [entry], {
    env,
    cwd: step,
    timeoutMs: 30_000,
    ...(onSpawn ? { onSpawn } : {})
  })
  return {
    ...r,
    summary: readFileSync(files.summary, "utf8"),
    outputsText: readFileSync(files.output, "utf8"),
    outputs: parseOutputs(readFileSync(files.output, "utf8")),
    argv: existsSync(files.argv) ? readFileSync(files.argv, "utf8") : "",
    step
  }
}

/** The names under `inputs:` or `outputs:` of action.yml. */
const declared = (section: "inputs" | "outputs"): Array<string> => {
  const yml = readFileSync(join(root, "action.yml"), "utf8")
  const body = yml.split(new RegExp(`^${section}:\\n`, "m"))[1]!.split(/^\S/m)[0]!
  return [...body.matchAll(/^ {2}([a-z-]+):$/gm)].map((m) => m[1]!)
}

/** Everything the step printed or wrote, but the mask commands (which the runner swallows). */
const visible = (r: Awaited<ReturnType<typeof runAction>>) =>
  [
    r.stdout
      .split("\n")
      .filter((l) => !l.startsWith("::add-mask::"))
      .join("\n"),
    r.stderr,
    r.summary,
    r.outputsText,
    r.argv
  ].join("\n")

describe("the Action's entry, run as a runner runs it", () => {
  it("a not-ready platform: annotations, the summary with the fix, the outputs, exit 1, no secret shown", async () => {
    const r = await runAction({ ...inputsFor("umbrella"), formats: "junit, markdown" })
    expect(r.code).toBe(1)
    const lines = r.stdout.split("\n")
    const audit = sim.platforms.umbrella!.audit
    // The masks come first, before anything else could print a secret.
    expect(lines.slice(0, 2)).toEqual([`::add-mask::${audit.password}`, `::add-mask::${audit.clientSecret}`])
    const errors = lines.filter((l) => l.startsWith("::error "))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/^::error title=arlo-ready oauth\.client\.approved%3A OAuth client approved::.*%0A1\. /)

    expect(r.summary).toMatch(/^## arlo-ready: ❌ Not ready\n/)
    // Written once, by the entry: the report itself does not get GITHUB_STEP_SUMMARY.
    expect(r.summary.match(/^## arlo-ready/gm)).toHaveLength(1)
    expect(r.summary).toContain("### What to fix")
    expect(r.summary).toContain("`oauth.client.approved`")
    expect(r.summary).toContain("**How to fix it:**")
    expect(r.summary).toContain("Email apisupport@&#8203;arlo.co")

    expect(Object.keys(r.outputs).sort()).toEqual(declared("outputs").sort())
    expect(r.outputs["exit-code"]).toBe("1")
    expect(r.outputs.verdict).toBe("not_ready")
    const reportPath = r.outputs["report-path"]!
    expect(reportPath).toBe(join(r.step, "arlo-ready", "arlo-ready.json"))
    const report = validReport(JSON.parse(readFileSync(reportPath, "utf8")))
    expect(report.verdict).toBe("not_ready")
    for (const status of ["pass", "warn", "fail", "error", "skipped"] as const) {
      expect(r.outputs[status]).toBe(String(report.summary[status]))
    }
    expect(r.outputs["not-applicable"]).toBe(String(report.summary.not_applicable))
    expect(r.outputs.fail).toBe("1")
    expect(r.outputs["output-dir"]).toBe(join(r.step, "arlo-ready"))
    expect(readFileSync(join(r.step, "arlo-ready", "arlo-ready.xml"), "utf8")).toMatch(/^<\?xml/)

    // The secrets reached the report through its environment: never its argv, never any output.
    expect(r.argv.split("\n")).toEqual(expect.arrayContaining(["--format", "github", "--output"]))
    expect(r.argv).toContain(`--base-url=${sim.platforms.umbrella!.baseUrl}`)
    expect(leaked(visible(r), secrets)).toEqual([])
  })

  it("a ready platform: exit 0, no annotation, the verdict in the summary and the outputs", async () => {
    const r = await runAction(inputsFor("acme"))
    expect(r.code).toBe(0)
    expect(r.stdout).not.toMatch(/^::(error|warning) /m)
    expect(r.summary).toMatch(/^## arlo-ready: ✅ Ready\n/)
    expect(r.outputs.verdict).toBe("ready")
    expect(r.outputs["exit-code"]).toBe("0")
    expect(r.outputs.fail).toBe("0")
    expect(validReport(JSON.parse(readFileSync(r.outputs["report-path"]!, "utf8"))).verdict).toBe("ready")
    expect(leaked(visible(r), secrets)).toEqual([])
  })

  it("fail-on decides the step: warnings pass by default and fail with fail-on warn", async () => {
    const inputs = { ...inputsFor("initech"), "expect-access": "presenter" }
    const lenient = await runAction(inputs)
    expect(lenient.code).toBe(0)
    expect(lenient.outputs.verdict).toBe("ready_with_warnings")
    expect(lenient.stdout).toMatch(/^::warning title=arlo-ready /m)
    const strict = await runAction({ ...inputs, "fail-on": "warn" })
    expect(strict.code).toBe(1)
    expect(strict.outputs["exit-code"]).toBe("1")
    expect(strict.outputs.verdict).toBe("ready_with_warnings")
  })

  it("a usage error: exit 2, empty verdict and report path (no stale report), a summary that says so", async () => {
    const proxyPassword = "pr0xy-pass-word"
    const r = await runAction(
      { ...inputsFor("acme"), "fail-on": "sometimes", proxy: `http://ops:${proxyPassword}@127.0.0.1:9` },
      {
        before: (step) => {
          mkdirSync(join(step, "arlo-ready"))
          writeFileSync(join(step, "arlo-ready", "arlo-ready.json"), JSON.stringify({ verdict: "ready" }))
        }
      }
    )
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/fail-on/)
    expect(r.outputs["exit-code"]).toBe("2")
    expect(r.outputs.verdict).toBe("")
    expect(r.outputs["report-path"]).toBe("")
    expect(r.outputs.pass).toBe("")
    expect(r.summary).toContain("the audit did not run (exit 2)")
    // The proxy's password is masked and, like the other secrets, never an argument.
    expect(r.stdout.split("\n")).toContain(`::add-mask::${proxyPassword}`)
    expect(leaked(visible(r), [...secrets, proxyPassword])).toEqual([])
  })
})

describe("which arlo-ready-report the Action runs", () => {
  const pkg = JSON.parse(readFileSync(join(root, "apps", "report", "package.json"), "utf8")) as { version: string }

  it("none on PATH: npx with the version of this commit's apps/report/package.json", async () => {
    const r = await runAction(inputsFor("acme"), { path: [npxDir] })
    expect(r.code).toBe(0)
    expect(r.argv.split("\n").slice(0, 4)).toEqual(["--yes", `arlo-ready-report@${pkg.version}`, "--format", "github"])
    expect(r.outputs.verdict).toBe("ready")
  })

  it("the version input: npx with that version, even with one on PATH", async () => {
    const r = await runAction({ ...inputsFor("acme"), version: "0.0.9" }, { path: [npxDir, binDir] })
    expect(r.code).toBe(0)
    expect(r.argv.split("\n").slice(0, 2)).toEqual(["--yes", "arlo-ready-report@0.0.9"])
  })
})

describe("the Action's entry, cancelled", () => {
  it("SIGINT, as the runner sends on cancel, reaches the report: exit 130, the report so far, the outputs", async () => {
    const slow = await startSimulator({ scenario: "slow" })
    try {
      // Signal the entry (not the report) once the platform has the audit's first request.
      const onSpawn = (child: ChildProcess) => {
        const timer = setInterval(() => {
          if (slow.journal().length > 0) {
            clearInterval(timer)
            child.kill("SIGINT")
          }
        }, 20)
      }
      const r = await runAction(inputsFor("pukeko", slow), { onSpawn })
      expect(r.code).toBe(130)
      expect(r.outputs["exit-code"]).toBe("130")
      expect(r.outputs.verdict).toBe("incomplete")
      const report = validReport(JSON.parse(readFileSync(r.outputs["report-path"]!, "utf8")))
      expect(report.interrupted).toBe(true)
      expect(r.summary).toMatch(/^## arlo-ready: ❗ Incomplete\n/)
      expect(leaked(visible(r), scenarioSecrets(slow))).toEqual([])
    } finally {
      await slow.close()
    }
  })
})

describe("the caps", () => {
  it("a step summary over 1 MiB is cut at a line, its open <details> closed, with a note naming the report", async () => {
    const { capSummary, summaryLimitBytes } = (await import(join(root, "action", "summary.mjs"))) as Capped
    expect(summaryLimitBytes).toBeLessThan(1024 * 1024)
    const head = "## arlo-ready: ❌ Not ready\n\n<details><summary>Evidence</summary>\n\n"
    const row = (i: number) => `- ❗ check ${i}: the platform answered 500 ünïcödé 🚫\n`
    const huge = `${head}${Array.from({ length: 40_000 }, (_, i) => row(i)).join("")}\n</details>\n`
    expect(Buffer.byteLength(huge)).toBeGreaterThan(2 * 1024 * 1024)
    const capped = capSummary(huge, "/runner/temp/arlo-ready/arlo-ready.json")
    expect(Buffer.byteLength(capped)).toBeLessThanOrEqual(summaryLimitBytes)
    expect(Buffer.byteLength(capped)).toBeGreaterThan(summaryLimitBytes - 2000)
    const [kept, note] = capped.split("\n</details>\n")
    expect(huge.startsWith(kept!)).toBe(true)
    expect(kept!.endsWith("\n")).toBe(true)
    expect(kept).not.toContain("\ufffd")
    expect(note).toContain("The full report is in `/runner/temp/arlo-ready/arlo-ready.json`")

    const small = "## arlo-ready: ✅ Ready\n"
    expect(capSummary(small, "r.json")).toBe(small)
    // A summary the report already cut gets the note, in place of its own.
    const cut = capSummary("## arlo-ready\n| a |\n\n_(truncated to fit the step summary)_\n", "r.json")
    expect(cut).not.toContain("truncated to fit")
    expect(cut).toContain("The full report is in `r.json`")
  })

  it("annotations stay within 10 errors and 10 warnings, with a notice of how many more", () => {
    const ids = catalogue.map((d) => d.id)
    const all = annotations(allPass(Object.fromEntries(ids.map((id) => [id, "fail"]))))
    expect(all.filter((l) => l.startsWith("::error "))).toHaveLength(10)
    expect(all).toHaveLength(11)
    expect(all.at(-1)).toMatch(
      new RegExp(
        `^::notice title=arlo-ready%3A ${ids.length - 10} more in the report::.*${ids.length - 10} more root causes`
      )
    )

    const mixed = annotations(
      allPass(Object.fromEntries(ids.map((id, i) => [id, i < 4 ? "fail" : i < 15 ? "warn" : "error"])))
    )
    const warnings = ids.length - 4
    expect(mixed.filter((l) => l.startsWith("::error "))).toHaveLength(4)
    expect(mixed.filter((l) => l.startsWith("::warning "))).toHaveLength(10)
    expect(mixed.at(-1)).toContain(`::notice title=arlo-ready%3A ${warnings - 10} more in the report::`)
    expect(mixed.at(-1)).toContain(`(${warnings - 10} to look at)`)

    const ten = annotations(allPass(Object.fromEntries(ids.slice(0, 10).map((id) => [id, "fail"]))))
    expect(ten).toHaveLength(10)
    expect(ten.some((l) => l.startsWith("::notice"))).toBe(false)
  })
})

describe("the Action's files", () => {
  it("action.yml: every input is read by the entry, no expression in its text, node24 running action/main.mjs", () => {
    const yml = readFileSync(join(root, "action.yml"), "utf8")
    // The runner evaluates `${{ }}` even in descriptions, and fails to load the Action on one it cannot.
    expect(yml).not.toContain("${{")
    expect(yml).toMatch(/^runs:\n {2}using: node24\n {2}main: action\/main\.mjs\n/m)
    const code = readFileSync(entry, "utf8")
    for (const name of declared("inputs"))
      expect(code.includes(`"${name}"`) || code.includes(` ${name}: `), name).toBe(true)
  })

  it("the README's tables list every input and output of action.yml", () => {
    const readme = readFileSync(join(root, "action", "README.md"), "utf8")
    const rows = readme.split("\n").filter((l) => l.startsWith("| `"))
    for (const name of [...declared("inputs"), ...declared("outputs")]) {
      expect(
        rows.some((r) => r.split("|")[1]!.includes(`\`${name}\``)),
        name
      ).toBe(true)
    }
  })

  it("the README's workflow is docs/ci/github-readiness.yml, word for word", () => {
    const readme = readFileSync(join(root, "action", "README.md"), "utf8")
    const workflow = readFileSync(join(root, "docs", "ci", "github-readiness.yml"), "utf8")
    const block = /```yaml\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf("## A workflow to copy")))![1]
    expect(block).toBe(workflow)
    expect(workflow).toMatch(/^ {2}schedule:\n(?: {4}#.*\n)? {4}- cron: "[^"]+"\n/m)
    expect(workflow).toContain("uses: OWNER/arlo-ready@<full commit SHA> # v0.1.0")
    expect(workflow).toMatch(/^permissions:\n {2}contents: read\n/m)
  })
})
