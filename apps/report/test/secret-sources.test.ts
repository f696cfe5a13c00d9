/**
 * Secrets from files, commands and dotenv files, through the built binary against the simulator's
 * demo scenario: each source gives a working audit and is named in the report; a failing, hanging or
 * missing command is a one-line usage error that shows its stderr and never its stdout; and no secret,
 * plain or base64, reaches stdout, stderr, a report file, or a command's environment or argv.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { CheckId, Report } from "@arlo-ready/core"
import { type SimulatorHandle, startSimulator } from "@arlo-ready/simulator"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { formats } from "../src/Format.js"
import {
  assertBuilt,
  auditEnv,
  leaked,
  oneLineError,
  type RunResult,
  run,
  scenarioSecrets,
  validReport
} from "./helpers.js"

// Real subprocesses on a shared machine: generous hang guards; the one timing asserted is far apart.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

let sim: SimulatorHandle
let env: Record<string, string>
let secrets: Array<string>
const dir = mkdtempSync(join(tmpdir(), "arlo-ready-secret-sources-"))

beforeAll(async () => {
  assertBuilt()
  sim = await startSimulator({ scenario: "demo" })
  env = auditEnv(sim, "acme")
  const fake = ["fake-secret-from-stdout-42"]
  secrets = [...scenarioSecrets(sim), ...fake, ...fake.map((s) => Buffer.from(s).toString("base64"))]
})
afterAll(async () => {
  await sim?.close()
  rmSync(dir, { recursive: true, force: true })
})

let n = 0
const file = (content: string, name = `f${n++}`): string => {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}
/** A node script in the temporary directory; the argv that runs it. */
const script = (body: string): Array<string> => [process.execPath, file(body, `s${n++}.mjs`)]

/** The environment without the two secrets, and the secrets. */
const split = () => {
  const { ARLO_PASSWORD: password, ARLO_CLIENT_SECRET: secret, ...others } = env
  return { password: password!, secret: secret!, others }
}

/** Asserts that no secret of the scenario (nor the fake one) is in any of these texts. */
const noLeak = (...texts: ReadonlyArray<string>) => {
  for (const text of texts) expect(leaked(text, secrets)).toEqual([])
}

interface Audited {
  readonly r: RunResult
  readonly report: Report
}

/** Runs an audit with every format written to a file as well; checks that nothing leaked anywhere. */
const audit = async (args: ReadonlyArray<string>, runEnv: Record<string, string>): Promise<Audited> => {
  const stem = join(dir, `out${n++}`)
  const r = await run(["--format", "json", ...formats.flatMap((f) => ["--output", `${f}=${stem}.${f}`]), ...args], {
    env: runEnv,
    timeoutMs: 50_000
  })
  expect(r.code, r.stderr).toBe(0)
  noLeak(r.stdout, r.stderr, ...formats.map((f) => readFileSync(`${stem}.${f}`, "utf8")))
  return { r, report: validReport(JSON.parse(r.stdout)) }
}

const statuses = (report: Report, ids: ReadonlyArray<CheckId>) =>
  Object.fromEntries(ids.map((id) => [id, report.checks.find((c) => c.id === id)?.status]))
const sources = (report: Report) => Object.fromEntries(report.target.credentials.map((c) => [c.name, c.source]))
const passing = { "basic.credentials": "pass", "oauth.client.registered": "pass", "oauth.client.secret": "pass" }
const checked = Object.keys(passing) as Array<CheckId>

/** Whether a process has ended (or is a zombie its new parent has yet to reap), waiting a little for it. */
const gone = async (pid: number): Promise<boolean> => {
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0)
      if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"))) return true
    } catch {
      return true
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  return false
}

/** A usage error run: exit 2, one line on stderr, nothing on stdout, no secret anywhere. */
const refused = async (args: ReadonlyArray<string>, runEnv: Record<string, string>) => {
  const r = await run(args, { env: runEnv, timeoutMs: 50_000 })
  expect(r.code, r.stderr).toBe(2)
  expect(r.stdout).toBe("")
  noLeak(r.stderr)
  return oneLineError(r.stderr)
}

describe("secrets from where teams keep them", () => {
  it("a password from ARLO_PASSWORD_FILE: the audit passes and the report says file", async () => {
    const { password, secret, others } = split()
    const { report } = await audit([], {
      ...others,
      ARLO_CLIENT_SECRET: secret,
      ARLO_PASSWORD_FILE: file(`${password}\n`)
    })
    expect(report.verdict).toBe("ready")
    expect(statuses(report, checked)).toEqual(passing)
    expect(sources(report)).toMatchObject({ password: "file", clientSecret: "env" })
  })

  it("a password from --password-command (a command line, split, no shell): the report says command", async () => {
    const { password, secret, others } = split()
    const [node, path] = script(`process.stdout.write(${JSON.stringify(`${password}\n`)})`)
    const { r, report } = await audit(["--password-command", `'${node}' '${path}'`], {
      ...others,
      ARLO_CLIENT_SECRET: secret
    })
    expect(statuses(report, checked)).toEqual(passing)
    expect(sources(report)).toMatchObject({ password: "command", clientSecret: "env" })
    // The command line holds no secret: no warning about the process list.
    expect(r.stderr).not.toMatch(/process list/)
  })

  it("a client secret from ARLO_CLIENT_SECRET_COMMAND (a JSON argv): its child never sees the password", async () => {
    const { secret } = split()
    const seen = join(dir, "seen.json")
    const argv = [
      ...script(
        `import { writeFileSync } from "node:fs"\nwriteFileSync(${JSON.stringify(seen)}, JSON.stringify({ argv: process.argv, env: process.env }))\nconsole.log(${JSON.stringify(secret)})`
      ),
      "an argument with spaces"
    ]
    const { report } = await audit([], {
      ...env,
      ARLO_CLIENT_SECRET: "",
      ARLO_CLIENT_SECRET_COMMAND: JSON.stringify(argv)
    })
    expect(statuses(report, checked)).toEqual(passing)
    expect(sources(report)).toMatchObject({ password: "env", clientSecret: "command" })
    const child = JSON.parse(readFileSync(seen, "utf8")) as { argv: Array<string>; env: Record<string, string> }
    expect(child.argv.slice(1)).toEqual(argv.slice(1))
    expect(child.env.ARLO_USERNAME).toBe(env.ARLO_USERNAME)
    expect(child.env.ARLO_PASSWORD).toBeUndefined()
    noLeak(readFileSync(seen, "utf8"))
  })

  it("credentials from --env-file, the real environment winning over it: the report says env-file", async () => {
    const { password, secret, others } = split()
    const envFile = file(
      [
        "# the team's settings",
        `ARLO_PASSWORD=wrong-${password}`,
        `ARLO_CLIENT_SECRET="${secret}"`,
        `export ARLO_CLIENT_ID=${others.ARLO_CLIENT_ID}`,
        ""
      ].join("\n")
    )
    const { report } = await audit(["--env-file", envFile], { ...others, ARLO_PASSWORD: password })
    expect(report.verdict).toBe("ready")
    expect(statuses(report, checked)).toEqual(passing)
    expect(sources(report)).toMatchObject({ password: "env", clientId: "env", clientSecret: "env-file" })
  })

  it("a command that fails: exit 2, one line with its stderr, never its stdout", async () => {
    const { others } = split()
    const argv = script(
      "process.stdout.write('fake-secret-from-stdout-42\\n'); process.stderr.write('vault locked\\n'); process.exit(3)"
    )
    const line = await refused(["--password-command", JSON.stringify(argv)], others)
    expect(line).toMatch(/--password-command: .* exited with 3: vault locked$/)
  })

  it("a command that hangs: exit 2 within the deadline, the command killed", async () => {
    const { others } = split()
    const pidFile = join(dir, "hang.pid")
    const argv = script(
      `import { writeFileSync } from "node:fs"\nwriteFileSync(${JSON.stringify(pidFile)}, String(process.pid))\nsetInterval(() => {}, 1000)`
    )
    const started = Date.now()
    const line = await refused(["--deadline", "2s"], { ...others, ARLO_PASSWORD_COMMAND: JSON.stringify(argv) })
    expect(Date.now() - started).toBeLessThan(20_000)
    expect(line).toMatch(/^arlo-ready-report: ARLO_PASSWORD_COMMAND: .* did not finish within 2s and was killed/)
    const pid = Number(readFileSync(pidFile, "utf8"))
    expect(await gone(pid)).toBe(true)
  })

  it("Ctrl+C while a command runs: the app exits and the command is ended with it", async () => {
    const { others } = split()
    const pidFile = join(dir, "interrupted.pid")
    const argv = script(
      `import { writeFileSync } from "node:fs"\nwriteFileSync(${JSON.stringify(pidFile)}, String(process.pid))\nsetInterval(() => {}, 1000)`
    )
    let pid = 0
    const r = await run(["--password-command", JSON.stringify(argv)], {
      env: others,
      timeoutMs: 50_000,
      onSpawn: (child) => {
        const poll = setInterval(() => {
          const text = (() => {
            try {
              return readFileSync(pidFile, "utf8")
            } catch {
              return ""
            }
          })()
          if (text === "") return
          clearInterval(poll)
          pid = Number(text)
          child.kill("SIGINT")
        }, 25)
      }
    })
    expect(r.code, r.stderr).toBe(130)
    expect(pid).toBeGreaterThan(0)
    expect(await gone(pid)).toBe(true)
    noLeak(r.stdout, r.stderr)
  })

  it("a command that is not there, a missing secret file, and two forms of a secret", async () => {
    const { password, others } = split()
    expect(await refused(["--password-command", "arlo-ready-no-such-tool read pw"], others)).toBe(
      "arlo-ready-report: --password-command: command not found: arlo-ready-no-such-tool"
    )
    const missing = join(dir, "no-such-secret")
    expect(await refused([], { ...others, ARLO_PASSWORD_FILE: missing })).toMatch(
      new RegExp(`ARLO_PASSWORD_FILE names ${missing}, which does not exist`)
    )
    expect(await refused([], { ...others, ARLO_PASSWORD: password, ARLO_PASSWORD_FILE: missing })).toMatch(
      /Both ARLO_PASSWORD and ARLO_PASSWORD_FILE are set/
    )
  })
})
