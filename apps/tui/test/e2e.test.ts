/**
 * The built binary, driven like a person would: in a real pseudo-terminal (node-pty) whose output feeds
 * a headless terminal emulator (the screen asserted is what a user would see), against the simulator
 * started in this process over real HTTP. Also the binary with stdout piped, and Ctrl+C.
 */
import { execFile, spawn } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { catalogue } from "@arlo-ready/core"
import { type SimulatorHandle, startSimulator } from "@arlo-ready/simulator"
import { afterAll, describe, expect, it } from "vitest"
import { bin, cleanEnv, keys, open, registerPtyHooks, selected, selectRow, sleep } from "./pty.js"

registerPtyHooks()

let sim: SimulatorHandle | undefined

afterAll(async () => {
  await sim?.close()
})

const credentials = (s: SimulatorHandle, platform: string): Record<string, string> => {
  const p = s.platforms[platform]!
  return {
    ARLO_BASE_URL: p.baseUrl,
    ARLO_USERNAME: p.audit.username!,
    ARLO_PASSWORD: p.audit.password!,
    ARLO_MFA_SETTING: p.audit.mfaSetting ?? "optional"
  }
}

describe("arlo-ready in a terminal", () => {
  it("finds the failing check, explains it, and re-checks it in place once fixed (100x30)", async () => {
    sim = await startSimulator({ scenario: "mfa-optional" })
    const s = open([], credentials(sim, "delta"), 100, 30)

    await s.waitText("Verdict: NOT READY")
    expect(s.screen().find((l) => l.includes("MFA and API sign-in"))).toMatch(/✖ MFA and API sign-in/)
    expect(s.screen().find((l) => l.includes("API User role"))).toContain("blocked by basic.mfa")

    await selectRow(s, "MFA and API sign-in")
    await s.press(keys.enter)
    const details = await s.waitText("How to fix it")
    const text = details.join("\n")
    expect(text).toContain("Cause")
    expect(text).toContain("Evidence")
    expect(text).toMatch(/GET \/delta\/api\/2012-02-01\/auth\/resources\/.* → 401/)
    expect(text.replace(/\s+/g, " ")).toContain("Contact record, Security tab")
    expect(text).not.toContain(sim.platforms.delta!.audit.password!)

    await s.press(keys.escape)
    await s.waitText("Verdict: NOT READY")
    expect(selected(s.screen())).toContain("MFA and API sign-in")

    // The user turns MFA off, then re-checks just that.
    sim.updateUser("delta", "api@delta.example", { mfaEnabled: false })
    await s.press("r")
    const fixed = await s.waitFor(
      (rows) => rows.some((l) => /✔ MFA and API sign-in/.test(l)) && rows.some((l) => /Verdict: READY/.test(l)),
      "the check to pass and the verdict to change"
    )
    expect(fixed.find((l) => l.includes("API User role"))).toMatch(/✔ API User role/)
    expect(fixed.some((l) => l.includes("NOT READY"))).toBe(false)

    await s.press("q")
    expect(await s.exit).toBe(0)
    expect(s.raw()).toContain("\x1b[?25h")
  })

  it("reads well at 60 columns, and a role fix re-checks the roles", async () => {
    const local = await startSimulator({ scenario: "no-api-access" })
    try {
      const s = open([], credentials(local, "granite"), 60, 30)
      const first = await s.waitText("Verdict: NOT READY")
      const b = s.term.buffer.active
      for (let i = 0; i < b.length; i++) expect(b.getLine(i)?.isWrapped, `row ${i} wrapped`).toBe(false)
      expect(first.some((l) => l.includes("…"))).toBe(true)

      await selectRow(s, "API User role")
      await s.press(keys.enter)
      const details = await s.waitText("How to fix it")
      for (let i = 0; i < b.length; i++) expect(b.getLine(i)?.isWrapped, `row ${i} wrapped`).toBe(false)
      expect(details.join("\n")).toContain("API User")
      await s.press(keys.escape)
      await s.waitText("Verdict")

      local.updateUser("granite", "admin@granite.example", { roles: ["Administrator", "API User"] })
      await s.press("R")
      await s.waitFor(
        (rows) => rows.some((l) => /✔ API User role/.test(l)) && rows.some((l) => /Verdict: READY/.test(l)),
        "the roles to pass"
      )
      await s.press("q")
      expect(await s.exit).toBe(0)
    } finally {
      await local.close()
    }
  })

  it("writes the JSON report with e into arlo-ready-reports/ of the working directory, creating it, and says where", async () => {
    const local = await startSimulator({ scenario: "ready" })
    const dir = mkdtempSync(join(tmpdir(), "arlo-ready-e2e-"))
    try {
      const s = open([], credentials(local, Object.keys(local.platforms)[0]!), 100, 30, dir)
      await s.waitText("Verdict: READY")
      expect(readdirSync(dir)).toEqual([])
      await s.press("e")
      const rows = await s.waitText("Report written to")
      expect(readdirSync(dir)).toEqual(["arlo-ready-reports"])
      const reports = join(dir, "arlo-ready-reports")
      const files = readdirSync(reports)
      expect(files).toHaveLength(1)
      expect(files[0]).toMatch(/^arlo-ready-report-\d{8}T\d{6}Z\.json$/)
      expect(rows.join("").replace(/\s+/g, "")).toContain(
        `Report written to ${join(reports, files[0]!)}`.replace(/\s+/g, "")
      )
      const report = JSON.parse(readFileSync(join(reports, files[0]!), "utf8")) as {
        verdict: string
        checks: Array<unknown>
      }
      expect(report.verdict).toMatch(/^ready/)
      expect(report.checks).toHaveLength(catalogue.length)
      await s.press("q")
      expect(await s.exit).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
      await local.close()
    }
  })

  it("writes the report under INIT_CWD when set (where pnpm was run), not the working directory", async () => {
    const local = await startSimulator({ scenario: "mfa-optional" })
    const initCwd = mkdtempSync(join(tmpdir(), "arlo-ready-init-"))
    const cwd = mkdtempSync(join(tmpdir(), "arlo-ready-cwd-"))
    try {
      const s = open([], { ...credentials(local, "delta"), INIT_CWD: initCwd }, 100, 30, cwd)
      await s.waitText("Verdict: NOT READY")
      await s.press("e")
      const rows = await s.waitText("Report written to")
      const reports = join(initCwd, "arlo-ready-reports")
      const files = readdirSync(reports)
      expect(files).toHaveLength(1)
      expect(rows.join("").replace(/\s+/g, "")).toContain(join(reports, files[0]!).replace(/\s+/g, ""))
      expect((JSON.parse(readFileSync(join(reports, files[0]!), "utf8")) as { verdict: string }).verdict).toBe(
        "not_ready"
      )
      expect(readdirSync(cwd)).toEqual([])
      // A second export goes beside the first, into the folder that now exists.
      await s.press("e")
      for (let i = 0; i < 100 && readdirSync(reports).length < 2; i++) await sleep(50)
      expect(readdirSync(reports)).toHaveLength(2)
      await s.press("q")
      expect(await s.exit).toBe(1)
    } finally {
      rmSync(initCwd, { recursive: true, force: true })
      rmSync(cwd, { recursive: true, force: true })
      await local.close()
    }
  })

  it("says so on the screen when the report cannot be written, and writes nothing", async () => {
    const local = await startSimulator({ scenario: "ready" })
    const dir = mkdtempSync(join(tmpdir(), "arlo-ready-e2e-"))
    try {
      // A file where the folder would go.
      writeFileSync(join(dir, "arlo-ready-reports"), "")
      const s = open([], { ...credentials(local, Object.keys(local.platforms)[0]!), INIT_CWD: dir }, 100, 30, dir)
      await s.waitText("Verdict: READY")
      await s.press("e")
      await s.waitText("Could not write the report")
      expect(readdirSync(dir)).toEqual(["arlo-ready-reports"])
      await s.press("q")
      expect(await s.exit).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
      await local.close()
    }
  })

  it("the demo exits 0 on q even though its identities fail, and 130 on Ctrl+C", async () => {
    // mfa-optional is NOT READY: outside the demo q would exit 1.
    for (const args of [["--demo"], ["--demo", "mfa-optional"]]) {
      const s = open(args, {}, 100, 30)
      await s.waitText("Verdict")
      if (args.length > 1) expect(s.screen().join("\n")).toContain("Verdict: NOT READY")
      await s.press("q")
      expect(await s.exit, args.join(" ")).toBe(0)
      expect(s.raw()).toContain("\x1b[?25h")
    }
    const s = open(["--demo", "mfa-optional"], {}, 100, 30)
    await s.waitText("Verdict: NOT READY")
    await s.press(keys.ctrlC)
    expect(await s.exit).toBe(130)
  })

  it("the demo exits 130 on Ctrl+C while checks run", async () => {
    const s = open(["--demo", "slow"], {}, 100, 30)
    await s.waitText("Checking…")
    await s.press(keys.ctrlC)
    expect(await s.exit).toBe(130)
    expect(s.raw().lastIndexOf("\x1b[?25h")).toBeGreaterThan(s.raw().lastIndexOf("\x1b[?25l"))
  })

  it("stops cleanly on Ctrl+C while checks run: exit 130, cursor shown again", async () => {
    const local = await startSimulator({ scenario: "slow" })
    try {
      const p = local.platforms[Object.keys(local.platforms)[0]!]!
      const s = open([], { ...credentials(local, p.name) }, 100, 30)
      await s.waitText("Checking…")
      await s.waitFor((rows) => rows.some((l) => /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] .*\d(\.\d)?m?s$/.test(l)), "a running check")
      await s.press(keys.ctrlC)
      expect(await s.exit).toBe(130)
      expect(s.raw().lastIndexOf("\x1b[?25h")).toBeGreaterThan(s.raw().lastIndexOf("\x1b[?25l"))
    } finally {
      await local.close()
    }
  })

  it("respects NO_COLOR (even over FORCE_COLOR) and colours otherwise", async () => {
    const local = await startSimulator({ scenario: "mfa-optional" })
    try {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for colour escape codes is the point
      const sgr = /\x1b\[[\d;]*m/
      for (const [env, coloured] of [
        [{}, true],
        [{ NO_COLOR: "1" }, false],
        [{ NO_COLOR: "1", FORCE_COLOR: "3" }, false]
      ] as const) {
        const s = open([], { ...credentials(local, "delta"), ...env }, 100, 30)
        await s.waitText("Verdict: NOT READY")
        await s.press("q")
        expect(await s.exit).toBe(1)
        expect(sgr.test(s.raw()), JSON.stringify(env)).toBe(coloured)
      }
    } finally {
      await local.close()
    }
  })

  it("takes a piped password on stdin and the keys from the terminal", async () => {
    const local = await startSimulator({ scenario: "mfa-optional" })
    try {
      const { ARLO_PASSWORD, ...env } = credentials(local, "delta")
      const s = open([], { ...env, PW: ARLO_PASSWORD! }, 100, 30, tmpdir(), {
        file: "/bin/sh",
        args: ["-c", `printf '%s\\n' "$PW" | "${process.execPath}" "${bin}" --password-stdin`]
      })
      await s.waitText("Verdict: NOT READY")
      expect(s.screen().join("\n")).toContain("MFA and API sign-in")
      await s.press("q")
      expect(await s.exit).toBe(1)
    } finally {
      await local.close()
    }
  })

  it("asks for what is missing, masking the password", async () => {
    const local = await startSimulator({ scenario: "ready" })
    try {
      const p = local.platforms[Object.keys(local.platforms)[0]!]!
      const s = open(["--base-url", p.baseUrl], {}, 100, 30)
      await s.waitText("Username")
      await s.press(`${p.audit.username}\r`)
      await s.waitText("Password:")
      await s.press(`${p.audit.password}\r`)
      const asked = await s.waitText("OAuth client id")
      expect(asked.join("\n")).toContain("*".repeat(p.audit.password!.length))
      expect(s.raw()).not.toContain(p.audit.password!)
      await s.press("\r")
      await s.waitText("Verdict")
      expect(s.raw()).not.toContain(p.audit.password!)
      await s.press("q")
      expect(await s.exit).toBeLessThan(2)
    } finally {
      await local.close()
    }
  })
})

describe("secrets from files and dotenv files at a terminal", () => {
  it("a password from ARLO_PASSWORD_FILE and a username from --env-file: nothing is asked for them", async () => {
    const local = await startSimulator({ scenario: "ready" })
    const dir = mkdtempSync(join(tmpdir(), "arlo-ready-tui-secrets-"))
    try {
      const p = local.platforms[Object.keys(local.platforms)[0]!]!
      writeFileSync(join(dir, "password"), `${p.audit.password}\n`)
      writeFileSync(join(dir, ".env"), `ARLO_USERNAME=${p.audit.username}\n`)
      const s = open(
        ["--base-url", p.baseUrl, "--auth", "basic", "--env-file", join(dir, ".env")],
        { ARLO_PASSWORD_FILE: join(dir, "password") },
        100,
        30
      )
      await s.waitText("Verdict")
      expect(s.raw()).not.toContain("Password:")
      expect(s.raw()).not.toContain("Username")
      expect(s.raw()).not.toContain(p.audit.password!)
      await s.press("q")
      expect(await s.exit).toBeLessThan(2)
    } finally {
      await local.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

const run = (args: ReadonlyArray<string>, env: Record<string, string>) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((res) => {
    const child = execFile(
      process.execPath,
      [bin, ...args],
      { env: cleanEnv(env), timeout: 30_000 },
      (error, stdout, stderr) =>
        res({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr })
    )
    child.stdin?.end()
  })

describe("arlo-ready without a terminal", () => {
  it("prints plain lines as checks finish, no escape codes, and the same exit code", async () => {
    const local = await startSimulator({ scenario: "mfa-optional" })
    try {
      const r = await run([], credentials(local, "delta"))
      expect(r.stdout).not.toContain("\x1b")
      expect(r.stderr).not.toContain("\x1b")
      expect(r.stdout).toMatch(/^✘ FAIL {2}basic\.mfa {2}MFA and API sign-in — /m)
      expect(r.stdout).toMatch(/^↷ SKIP {2}roles\.api-user /m)
      expect(r.stdout).toMatch(/^✘ NOT READY/m)
      expect(r.stdout).toContain("Security tab")
      expect(r.stdout).not.toContain(local.platforms.delta!.audit.password!)
      expect(r.code).toBe(1)
    } finally {
      await local.close()
    }
  })

  it("stops on SIGINT with the lines so far, the interrupted verdict and exit 130", async () => {
    const local = await startSimulator({ scenario: "slow" })
    try {
      const p = local.platforms[Object.keys(local.platforms)[0]!]!
      const child = spawn(process.execPath, [bin], { env: cleanEnv(credentials(local, p.name)), stdio: "pipe" })
      child.stdin.end()
      let stdout = ""
      child.stdout.on("data", (d) => {
        stdout += d
      })
      const code = new Promise<number | null>((res) => child.on("exit", (c) => res(c)))
      for (let i = 0; i < 200 && !/PASS {2}target\.url/.test(stdout); i++) await sleep(50)
      expect(stdout).toMatch(/PASS {2}target\.url/)
      child.kill("SIGINT")
      expect(await code).toBe(130)
      expect(stdout).not.toContain("\x1b")
      expect(stdout).toMatch(/INCOMPLETE .*\(interrupted\)$/m)
    } finally {
      await local.close()
    }
  })

  it("says what is missing in one line and exits 2 when it cannot ask", async () => {
    const r = await run([], {})
    expect(r.code).toBe(2)
    expect(r.stdout).toBe("")
    expect(r.stderr.trim().split("\n")).toHaveLength(1)
    expect(r.stderr).toMatch(/^arlo-ready: .*--platform.*--base-url/)
  })

  it("runs the demo without a terminal", async () => {
    const r = await run(["--demo"], {})
    expect(r.stdout).not.toContain("\x1b")
    expect(r.stdout).toMatch(/^✔ READY/m)
    expect(r.code).toBe(0)
  })

  it("refuses an unknown demo scenario with a one-line error and exit 2", async () => {
    const r = await run(["--demo", "no-such-scenario"], {})
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split("\n")).toHaveLength(1)
    expect(r.stderr).toContain("no-such-scenario")
  })
})
