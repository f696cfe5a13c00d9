/**
 * `arlo-ready --fleet FILE` through the built binary: the fleet table in a real pseudo-terminal, a
 * target opened, re-run and left, the exit code of the worst target; and the plain lines without a
 * terminal. Against the in-process simulator serving every built-in scenario (`fleet:all`).
 */
import { execFile, spawn } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fleetFileOf, type SimulatorHandle, startSimulator } from "@arlo-ready/simulator"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { bin, cleanEnv, keys, open, registerPtyHooks, selected } from "./pty.js"

registerPtyHooks()

let sim: SimulatorHandle
let dir: string
let file: string
let env: Record<string, string>
let names: Array<string>

beforeAll(async () => {
  sim = await startSimulator({ scenario: "fleet:all" })
  const fleet = fleetFileOf(sim)
  dir = mkdtempSync(join(tmpdir(), "arlo-ready-fleet-"))
  file = join(dir, "fleet.json")
  writeFileSync(file, JSON.stringify(fleet.file, null, 2))
  env = fleet.env
  names = fleet.file.targets.map((t) => t.name)
})

afterAll(async () => {
  await sim?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** The table's row of a target. */
const rowOf = (rows: Array<string>, name: string) => rows.find((l) => l.slice(2).startsWith(`${name} `)) ?? ""

describe("arlo-ready --fleet in a terminal", () => {
  it("shows every target with its verdict, opens one, re-runs it, and q exits with the worst code", async () => {
    const s = open(["--fleet", file], env, 120, names.length + 12)
    await s.waitText(/\d+ targets · \d+ done · \d+ running/)
    // Once finished the table is worst first, the cursor on its first row.
    const done = await s.waitFor(
      (rows) => rows.some((l) => l.includes("Fleet verdict: NOT READY")) && rows[3]!.startsWith("›"),
      "the fleet to finish, worst first"
    )
    if (process.env.SHOW_SCREEN) console.log(done.join("\n"))
    for (const name of names) expect(rowOf(done, name), name).not.toBe("")
    expect(done.join("\n")).toContain(`${names.length} targets · ${names.length} done · 0 running · 0 queued`)
    expect(done.some((l) => /Target\s+Basic auth\s+Roles\s+OAuth\s+Policy\s+Verdict/.test(l))).toBe(true)
    expect(rowOf(done, "ready-acme")).toMatch(/✔\s+✔\s+✔\s+✔\s+✔\s+✔ READY$/)
    expect(rowOf(done, "mfa-required-ember")).toContain("NOT READY")
    expect(rowOf(done, "rate-limited-nikau")).toContain("INCOMPLETE")
    // Worst first once finished: every not-ready target above every ready one.
    const at = (word: RegExp) => done.findIndex((l) => word.test(l))
    const lastNotReady = done.map((l) => /^[ ›] .*NOT READY$/.test(l)).lastIndexOf(true)
    expect(lastNotReady).toBeLessThan(at(/✔ READY$/))
    for (const secret of Object.values(env)) expect(s.raw()).not.toContain(secret)

    // The cursor moves down and back; Enter opens the worst target.
    const first = selected(done)
    await s.press(keys.down)
    await s.waitFor((rows) => selected(rows) !== first, "the selection to move")
    await s.press(keys.up)
    await s.waitFor((rows) => selected(rows) === first, "the selection to move back")
    const name = first.slice(2).split(/\s+/)[0]!
    await s.press(keys.enter)
    const checklist = await s.waitText("Verdict: NOT READY")
    expect(checklist[0]).toContain(`arlo-ready · ${name}`)
    expect(checklist.some((l) => l.includes("Basic auth"))).toBe(true)
    expect(checklist.some((l) => l.includes("esc back to the fleet"))).toBe(true)

    // Details of a check, back to the checklist, back to the table.
    await s.press(keys.enter)
    await s.waitText(/target\.url · pass/)
    await s.press(keys.escape)
    await s.waitText("esc back to the fleet")
    await s.press(keys.escape)
    await s.waitText("Fleet verdict: NOT READY")

    // r re-runs the selected target: it runs again and finishes with the same verdict.
    await s.press("r")
    await s.waitText(`Re-running ${name}`)
    await s.waitFor(
      (rows) => rows.some((l) => l.includes(`${names.length} done`)) && rowOf(rows, name).includes("NOT READY"),
      "the re-run to finish"
    )

    await s.press("q")
    expect(await s.exit).toBe(1)
    expect(s.raw()).toContain("\x1b[?25h")
  }, 30_000)

  it("shows each group's status live while the targets run, and Ctrl+C mid-run exits 130", async () => {
    const slow = await startSimulator({ scenario: "fleet:3", latencyMs: 150 })
    try {
      const fleet = fleetFileOf(slow)
      const f = join(dir, "slow.json")
      writeFileSync(f, JSON.stringify(fleet.file))
      const s = open(["--fleet", f], fleet.env, 120, 20)
      // A target part way: some group marked done, the verdict column counting its checks.
      const live = await s.waitFor(
        (rows) => rows.some((l) => /✔\s+[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏·]\s.*[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] \d+\/\d+ checks$/.test(l)),
        "a target with a finished group and others running"
      )
      expect(live.join("\n")).toMatch(/3 targets · [0-2] done · [1-3] running/)
      await s.press(keys.ctrlC)
      expect(await s.exit).toBe(130)
      expect(s.raw()).toContain("\x1b[?25h")
    } finally {
      await slow.close()
    }
  }, 20_000)
})

const run = (args: Array<string>, extra: Record<string, string>) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: cleanEnv(extra), timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error && typeof error.code === "number" ? error.code : 0
      resolve({ code, stdout, stderr })
    })
  })

describe("arlo-ready --fleet without a terminal", () => {
  it("prints a line per target as it finishes and the totals, exiting with the worst code", async () => {
    const r = await run(["--fleet", file], env)
    const lines = r.stdout.trim().split("\n")
    expect(lines).toHaveLength(names.length + 1)
    for (const name of names)
      expect(
        lines.some((l) => l.includes(` ${name}  `)),
        name
      ).toBe(true)
    expect(lines.find((l) => l.includes(" ready-acme "))).toMatch(/READY {2}\[ready\] {2}14 passed$/)
    expect(lines.find((l) => l.includes(" mfa-required-ember "))).toContain("NOT READY")
    expect(lines.at(-1)).toMatch(new RegExp(`Fleet fleet:all: NOT READY · ${names.length} targets: \\d+ ready, `))
    expect(r.stdout).not.toContain("\x1b[")
    for (const secret of Object.values(env)) expect(r.stdout + r.stderr).not.toContain(secret)
    expect(r.code).toBe(1)
  }, 20_000)

  it("exits 0 for a fleet of ready targets, and names a missing credential on its target's line", async () => {
    const ready = fleetFileOf(sim, { platforms: ["ready-acme", "flaky-orbit"] })
    const f = join(dir, "ready.json")
    writeFileSync(f, JSON.stringify(ready.file))
    const ok = await run(["--fleet", f, "--no-interactive"], ready.env)
    expect(ok.stdout).toContain("Fleet fleet:all: READY · 2 targets: 2 ready")
    expect(ok.code).toBe(0)

    const warned = fleetFileOf(sim, { platforms: ["ready-acme", "presenter-iris"] })
    const w = join(dir, "warned.json")
    writeFileSync(w, JSON.stringify(warned.file))
    expect((await run(["--fleet", w], warned.env)).code).toBe(0)
    const strict = await run(["--fleet", w, "--fail-on", "warn"], warned.env)
    expect(strict.stdout).toContain("READY WITH WARNINGS · 2 targets: 1 ready, 1 ready with warnings")
    expect(strict.code).toBe(1)

    const missing = await run(["--fleet", f, "--no-interactive"], {})
    expect(missing.stdout).toMatch(/INCOMPLETE .*environment variable ARLO_FLEET_\w+ is not set/)
    expect(missing.code).toBe(3)
  }, 20_000)

  it("stops at the first SIGINT: the lines so far, the totals, exit 130", async () => {
    const slow = await startSimulator({ scenario: "fleet:4", latencyMs: 150 })
    try {
      const fleet = fleetFileOf(slow)
      const f = join(dir, "stopped.json")
      writeFileSync(f, JSON.stringify(fleet.file))
      const child = spawn(process.execPath, [bin, "--fleet", f], { env: cleanEnv(fleet.env) })
      let stdout = ""
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString()
      })
      const code = new Promise<number | null>((res) => child.on("exit", (c) => res(c)))
      // Once the audits are under way (a request has reached the platform), well before any can finish.
      for (let i = 0; i < 200 && slow.journal().length === 0; i++) await new Promise((res) => setTimeout(res, 25))
      child.kill("SIGINT")
      expect(await code).toBe(130)
      const lines = stdout.trim().split("\n")
      expect(lines).toHaveLength(5)
      expect(lines.at(-1)).toMatch(/Fleet fleet:4: INCOMPLETE · 4 targets: .*4 incomplete/)
    } finally {
      await slow.close()
    }
  }, 20_000)

  it("holds a platform's targets to its request budget: reservations that do not fit together wait", async () => {
    const one = await startSimulator({ scenario: "ready", latencyMs: 40 })
    try {
      const base = fleetFileOf(one).file.targets[0]!
      const f = join(dir, "one-platform.json")
      const four = ["a", "b", "c", "d"].map((n) => ({ ...base, name: `acme-${n}` }))
      writeFileSync(f, JSON.stringify({ name: "one-platform", targets: four }))
      const env1 = fleetFileOf(one).env
      const platform = Object.keys(one.platforms)[0]!
      const peak = async (maxRequests: string) => {
        one.clearJournal()
        const r = await run(["--fleet", f, "--max-requests", maxRequests], env1)
        expect(r.stdout).toContain("4 targets: 4 ready")
        return one.peakInFlight()[platform] ?? 0
      }
      // 4 × 60 fits in Arlo's 300 a minute: the four run together. 4 × 200 does not: one at a time.
      const together = await peak("60")
      const serial = await peak("200")
      expect(together).toBeGreaterThan(serial)
    } finally {
      await one.close()
    }
  }, 20_000)

  it("refuses a target flag and a missing fleet file with one line (exit 2)", async () => {
    const both = await run(["--fleet", file, "--platform", "acme"], env)
    expect(both.code).toBe(2)
    expect(both.stderr.trim().split("\n")).toHaveLength(1)
    expect(both.stderr).toContain("--platform does not go with --fleet")
    const none = await run(["--fleet", join(dir, "nope.json")], {})
    expect(none.code).toBe(2)
    expect(none.stderr).toContain("cannot read it (it does not exist)")
  }, 20_000)
})
