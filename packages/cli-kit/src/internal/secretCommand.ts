/**
 * Runs a program that prints a secret (`op read op://…`, `vault kv get -field=…`), without a shell: its
 * trimmed stdout is the secret, `Redacted` at once and never shown; its stderr is kept (a little of it)
 * to say why it failed. A timeout, and interruption (Ctrl+C), kill it.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { Effect, Redacted } from "effect"
import { oneLine } from "./text.js"

/** How to run one secret command. */
export interface SecretCommandOptions {
  /** The program and its arguments. */
  readonly argv: ReadonlyArray<string>
  /** The child's whole environment. */
  readonly env: Readonly<Record<string, string>>
  /** After this long the child is killed and the run fails. */
  readonly timeoutMs: number
  /** The most stdout may carry, in bytes; more is a failure. */
  readonly maxBytes: number
  /** The child's stdin: the app's own, or none when the app reads a secret from its stdin. */
  readonly stdin: "inherit" | "ignore"
}

/** Why a secret command gave no secret: one line, without its stdout. */
export type SecretCommandFailure = string

/** How much of the child's stderr is kept, and how much of it a message shows. */
const stderrKeepBytes = 8192
const stderrShowChars = 200

/** The child's stderr as one safe line, capped, with its stdout (the secret, perhaps) cut out of it. */
const stderrLine = (stderr: Buffer, stdout: string): string => {
  let text = stderr.toString("utf8")
  if (stdout.length >= 4) text = text.split(stdout).join("…")
  const line = oneLine(text)
  return line.length > stderrShowChars ? `${line.slice(0, stderrShowChars - 1)}…` : line
}

/** `2s`, `1.5s`, `800ms`. */
const seconds = (ms: number) => (ms < 1000 ? `${ms}ms` : `${ms / 1000}s`)

/** `64 KiB`, `100 bytes`. */
const size = (bytes: number) => (bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`)

const withStderr = (what: string, stderr: string) => (stderr === "" ? `${what} (no stderr)` : `${what}: ${stderr}`)

/**
 * Runs the command and gives its trimmed stdout as a secret. Fails, with a line that names the program
 * and shows its stderr (never its stdout), when it cannot start, exits non-zero or by a signal, prints
 * nothing or too much, or outlives the timeout.
 */
export const runSecretCommand = (
  options: SecretCommandOptions
): Effect.Effect<Redacted.Redacted<string>, SecretCommandFailure> =>
  Effect.async<Redacted.Redacted<string>, SecretCommandFailure>((resume) => {
    const [program = "", ...args] = options.argv
    const name = oneLine(program).slice(0, 120)
    let child: ChildProcess
    try {
      child = spawn(program, args, {
        shell: false,
        env: options.env,
        stdio: [options.stdin, "pipe", "pipe"],
        windowsHide: true
      })
    } catch (e) {
      resume(Effect.fail(`cannot run ${name} (${(e as { code?: string }).code ?? "spawn failed"})`))
      return
    }
    const out: Array<Buffer> = []
    let outBytes = 0
    const err: Array<Buffer> = []
    let errBytes = 0
    let settled = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const stop = () => {
      clearTimeout(timer)
      child.stdout?.destroy()
      child.stderr?.destroy()
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
    }
    const wipe = () => {
      for (const b of out) b.fill(0)
      out.length = 0
    }
    const finish = (result: Effect.Effect<Redacted.Redacted<string>, SecretCommandFailure>) => {
      if (settled) return
      settled = true
      stop()
      wipe()
      resume(result)
    }
    const fail = (what: string) => finish(Effect.fail(what))
    const stderr = () => stderrLine(Buffer.concat(err), Buffer.concat(out).toString("utf8").trim())
    timer = setTimeout(
      () => fail(withStderr(`${name} did not finish within ${seconds(options.timeoutMs)} and was killed`, stderr())),
      options.timeoutMs
    )
    child.stdout?.on("data", (chunk: Buffer) => {
      outBytes += chunk.length
      if (outBytes > options.maxBytes) {
        chunk.fill(0)
        return fail(`${name} printed more than ${size(options.maxBytes)} on stdout: it must print the secret alone`)
      }
      out.push(chunk)
    })
    child.stderr?.on("data", (chunk: Buffer) => {
      if (errBytes < stderrKeepBytes) err.push(chunk.subarray(0, stderrKeepBytes - errBytes))
      errBytes += chunk.length
    })
    child.once("error", (e: Error & { code?: string }) =>
      fail(e.code === "ENOENT" ? `command not found: ${name}` : `cannot run ${name} (${e.code ?? e.message})`)
    )
    child.once("close", (code: number | null, signal: NodeJS.Signals | null) => {
      if (signal !== null) return fail(withStderr(`${name} was ended by ${signal}`, stderr()))
      if (code !== 0) return fail(withStderr(`${name} exited with ${code}`, stderr()))
      const buffer = Buffer.concat(out)
      const value = buffer.toString("utf8").trim()
      buffer.fill(0)
      if (value === "") return fail(withStderr(`${name} printed nothing on stdout`, stderr()))
      finish(Effect.succeed(Redacted.make(value)))
    })
    return Effect.sync(() => {
      settled = true
      stop()
      wipe()
    })
  })
