/**
 * Running the built `arlo-ready-report` as a real subprocess, with a clean environment, against a
 * simulator started in the test process.
 */
import { spawn } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { type AuditEvent, eventJsonSchema, type Report, reportJsonSchema } from "@arlo-ready/core"
import type { SimulatorHandle } from "@arlo-ready/simulator"
import { Ajv } from "ajv"

export const binPath = fileURLToPath(new URL("../dist/bin.js", import.meta.url))
const shippedSchema = fileURLToPath(new URL("../../../packages/core/report.schema.json", import.meta.url))
const shippedEventSchema = fileURLToPath(new URL("../../../packages/core/events.schema.json", import.meta.url))

/** Fails with a clear message when the binary has not been built. */
export const assertBuilt = () => {
  if (!existsSync(binPath)) {
    throw new Error(
      "apps/report/dist/bin.js is missing: build it first with `pnpm --filter arlo-ready-report... build` (`pnpm test` does)."
    )
  }
}

/** The report's JSON Schema: the file the core ships when it is there, else the one it generates. */
export const reportSchema = (): object =>
  existsSync(shippedSchema) ? (JSON.parse(readFileSync(shippedSchema, "utf8")) as object) : reportJsonSchema()

const ajv = new Ajv({ strict: false, allErrors: true })
const validateReport = ajv.compile(reportSchema())
const validateEvent = ajv.compile(
  existsSync(shippedEventSchema) ? (JSON.parse(readFileSync(shippedEventSchema, "utf8")) as object) : eventJsonSchema()
)

/** Asserts a value is a report valid against the JSON Schema, and returns it typed. */
export const validReport = (value: unknown): Report => {
  if (!validateReport(value)) throw new Error(`not a valid report: ${ajv.errorsText(validateReport.errors)}`)
  return value as Report
}

export interface RunResult {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

export interface RunOptions {
  /** The only environment variables the process sees, besides PATH. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Written to stdin, which is then closed. Without it stdin is closed at once. */
  readonly stdin?: string
  readonly cwd?: string
  /** Called with each complete stdout line as it arrives. */
  readonly onLine?: (line: string, child: ReturnType<typeof spawn>) => void
  /** Called once the process is spawned (to signal it, for instance). */
  readonly onSpawn?: (child: ReturnType<typeof spawn>) => void
  /** Hang guard. */
  readonly timeoutMs?: number
  /** Leave stdin open after writing `stdin` (the test ends it, or never does). */
  readonly keepStdinOpen?: boolean
  /** A file descriptor to hand the process as its stdout instead of a pipe (then `stdout` stays empty). */
  readonly stdoutFd?: number
  /** Shell commands run before the binary, e.g. `umask 000` (the binary is exec'd by `sh -c`). */
  readonly shell?: string
  /** Run as this user and group (a test running as root needs another user to meet a permission). */
  readonly uid?: number
  readonly gid?: number
}

/** Runs the built binary; resolves when it exits, with everything it printed. */
export const run = (args: ReadonlyArray<string>, options: RunOptions = {}): Promise<RunResult> =>
  options.shell === undefined
    ? runCommand(process.execPath, [binPath, ...args], options)
    : runCommand("sh", ["-c", `${options.shell}; exec "$0" "$@"`, process.execPath, binPath, ...args], options)

/** Runs any command the same way (e.g. the root `pnpm -s report` script). */
export const runCommand = (
  command: string,
  args: ReadonlyArray<string>,
  options: RunOptions = {}
): Promise<RunResult> =>
  new Promise((resolve, reject) => {
    const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" }
    for (const [k, v] of Object.entries(options.env ?? {})) if (v !== undefined) env[k] = v
    const child = spawn(command, args, {
      env,
      cwd: options.cwd,
      stdio: ["pipe", options.stdoutFd ?? "pipe", "pipe"],
      ...(options.uid !== undefined ? { uid: options.uid } : {}),
      ...(options.gid !== undefined ? { gid: options.gid } : {})
    })
    options.onSpawn?.(child)
    // Both are pipes whatever stdout is.
    const stdin = child.stdin!
    const stderrStream = child.stderr!
    let stdout = ""
    let stderr = ""
    let pending = ""
    child.stdout?.setEncoding("utf8")
    stderrStream.setEncoding("utf8")
    child.stdout?.on("data", (chunk: string) => {
      stdout += chunk
      pending += chunk
      let nl = pending.indexOf("\n")
      while (nl >= 0) {
        options.onLine?.(pending.slice(0, nl), child)
        pending = pending.slice(nl + 1)
        nl = pending.indexOf("\n")
      }
    })
    stderrStream.on("data", (chunk: string) => {
      stderr += chunk
    })
    const guard = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`${command} ${args.join(" ")} did not exit in time\nstdout: ${stdout}\nstderr: ${stderr}`))
    }, options.timeoutMs ?? 100_000)
    child.on("error", reject)
    child.on("close", (code, signal) => {
      clearTimeout(guard)
      resolve({ code, signal, stdout, stderr })
    })
    stdin.on("error", () => {})
    if (options.keepStdinOpen) stdin.write(options.stdin ?? "")
    else stdin.end(options.stdin ?? "")
  })

/** The environment that hands the binary a platform's target and the scenario's credentials. */
export const auditEnv = (sim: SimulatorHandle, platform: string): Record<string, string> => {
  const info = sim.platforms[platform]
  if (!info) throw new Error(`no platform ${platform}`)
  const a = info.audit
  const env: Record<string, string> = { ARLO_BASE_URL: info.baseUrl }
  if (a.username) env.ARLO_USERNAME = a.username
  if (a.password) env.ARLO_PASSWORD = a.password
  if (a.clientId) env.ARLO_CLIENT_ID = a.clientId
  if (a.clientSecret) env.ARLO_CLIENT_SECRET = a.clientSecret
  if (a.redirectUri) env.ARLO_REDIRECT_URI = a.redirectUri
  if (a.scopes) env.ARLO_SCOPES = a.scopes.join(" ")
  if (a.mfaSetting) env.ARLO_MFA_SETTING = a.mfaSetting
  return env
}

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64")

/**
 * Every secret of a scenario, plain and in the base64 forms an HTTP client sends (`user:pass` for
 * Basic, `client:secret` for the token endpoint), plus base64 of each secret alone.
 */
export const scenarioSecrets = (sim: SimulatorHandle): Array<string> => {
  const out = new Set<string>()
  for (const p of sim.scenario.platforms) {
    for (const u of p.users) {
      out.add(u.password)
      out.add(b64(`${u.username}:${u.password}`))
      out.add(b64(u.password))
    }
    for (const c of p.clients ?? []) {
      out.add(c.clientSecret)
      out.add(b64(`${c.clientId}:${c.clientSecret}`))
      out.add(b64(c.clientSecret))
    }
    for (const s of [p.audit.password, p.audit.clientSecret]) if (s) out.add(s)
    if (p.audit.username && p.audit.password) out.add(b64(`${p.audit.username}:${p.audit.password}`))
    if (p.audit.clientId && p.audit.clientSecret) out.add(b64(`${p.audit.clientId}:${p.audit.clientSecret}`))
  }
  return [...out].filter((s) => s.length >= 4)
}

/** The secrets found in a text (empty when none leaked). */
export const leaked = (text: string, secrets: ReadonlyArray<string>): Array<string> =>
  secrets.filter((s) => text.includes(s))

/** Parses NDJSON output into events, each validated against the shipped event JSON Schema. */
export const events = (ndjson: string): Array<AuditEvent> => {
  if (ndjson !== "" && !ndjson.endsWith("\n")) throw new Error("the NDJSON does not end with a newline")
  return ndjson
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => {
      const event: unknown = JSON.parse(l)
      if (!validateEvent(event)) throw new Error(`not a valid event: ${ajv.errorsText(validateEvent.errors)}\n${l}`)
      return event as AuditEvent
    })
}

/** A stderr that is exactly one line, naming no stack frame. */
export const oneLineError = (stderr: string): string => {
  const lines = stderr.split("\n").filter((l) => l !== "")
  if (lines.length !== 1) throw new Error(`expected one stderr line, got ${lines.length}:\n${stderr}`)
  if (/\n\s+at |\bat .*\.js:\d+/.test(stderr)) throw new Error(`stack trace on stderr:\n${stderr}`)
  return lines[0]!
}

/** Runs tasks with at most `n` at once (each test's subprocesses on a machine of few cores). */
export const pool = async <A>(tasks: ReadonlyArray<() => Promise<A>>, n: number): Promise<Array<A>> => {
  const out: Array<A> = []
  let next = 0
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < tasks.length) {
        const i = next++
        out[i] = await tasks[i]!()
      }
    })
  )
  return out
}
