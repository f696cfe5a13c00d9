/**
 * Secrets piped on stdin (`--password-stdin`, `--client-secret-stdin`): one line each, the password
 * first when both are read, within the audit's deadline, and no more of stdin than those lines.
 */
import { defaults } from "@arlo-ready/core"
import { Effect, Either, Option, Redacted } from "effect"
import type { SharedFlags } from "./Flags.js"
import { UsageError } from "./UsageError.js"

/** The longest secret a line of stdin may carry, in bytes (its line ending aside); longer is a usage error. */
export const stdinLineMaxBytes = 4096

/** What `readProcessStdin` needs to know. */
export interface ReadStdinOptions {
  /** The flag each line is for, in order: one line per flag is read. */
  readonly flags: ReadonlyArray<string>
  /** How long to wait for the lines (the audit's deadline); then a usage error naming the missing line. */
  readonly timeoutMs?: number
  /** How the timeout is shown (`60s`). */
  readonly timeoutText?: string
}

const stdinIsTerminal = (all: string, wanted: number) =>
  new UsageError({
    message: `${all} ${wanted > 1 ? "read" : "reads"} stdin, but stdin is a terminal: pipe the value in, e.g. printf '%s\\n' "$SECRET" | ...`
  })

const noLineInTime = (options: ReadStdinOptions, lines: number) => {
  const flag = options.flags[lines] ?? options.flags.join(" and ")
  const what =
    options.flags.length > 1
      ? "the password, then the client secret, one per line"
      : `the value, e.g. printf '%s\\n' "$SECRET" | ...`
  return new UsageError({
    message: `${flag}: stdin gave no line ${lines + 1} within the deadline (${options.timeoutText ?? `${options.timeoutMs}ms`}): pipe ${what}`
  })
}

/**
 * Reads the first `flags.length` lines of stdin as UTF-8, then stops reading (stdin is paused, so a
 * pipe that stays open or carries much more holds neither the audit nor the memory). A line is kept up
 * to {@link stdinLineMaxBytes} bytes and a little more, so that a longer one is still seen as too long;
 * the last line may end at the end of input without a newline. A terminal on stdin is a usage error
 * (nothing was piped), and so are lines that do not come within the timeout.
 */
export const readProcessStdin = (options: ReadStdinOptions): Effect.Effect<string, UsageError> =>
  Effect.async<string, UsageError>((resume) => {
    const stdin = process.stdin
    const wanted = options.flags.length
    const all = options.flags.join(" and ")
    if (stdin.isTTY) {
      resume(Effect.fail(stdinIsTerminal(all, wanted)))
      return
    }
    // A value, its CR, and one byte more: enough to tell that a line is too long.
    const keep = stdinLineMaxBytes + 2
    const parts: Array<Buffer> = []
    let lines = 0
    let lineBytes = 0
    let settled = false
    const finish = (result: Effect.Effect<string, UsageError>) => {
      if (settled) return
      settled = true
      cleanup()
      resume(result)
    }
    const text = () => Effect.succeed(Buffer.concat(parts).toString("utf8"))
    const onData = (chunk: Buffer) => {
      let start = 0
      while (lines < wanted && start <= chunk.length) {
        const nl = chunk.indexOf(0x0a, start)
        const end = nl < 0 ? chunk.length : nl
        const room = Math.max(0, keep - lineBytes)
        parts.push(chunk.subarray(start, Math.min(end, start + room)))
        lineBytes += end - start
        // Too long: what was kept shows it, and nothing more is read.
        if (lineBytes > keep) return finish(text())
        if (nl < 0) return
        parts.push(chunk.subarray(nl, nl + 1))
        lines++
        lineBytes = 0
        start = nl + 1
      }
      finish(text())
    }
    const onEnd = () => finish(text())
    const onError = (e: Error) =>
      finish(Effect.fail(new UsageError({ message: `${all}: could not read stdin (${e.message})` })))
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => finish(Effect.fail(noLineInTime(options, lines))), options.timeoutMs)
    const cleanup = () => {
      if (timer !== undefined) clearTimeout(timer)
      stdin.off("data", onData)
      stdin.off("end", onEnd)
      stdin.off("error", onError)
      stdin.pause()
    }
    stdin.on("data", onData)
    stdin.once("end", onEnd)
    stdin.once("error", onError)
    stdin.resume()
    return Effect.sync(cleanup)
  })

/** The secrets read from stdin, by the credential they are. */
export interface StdinSecrets {
  readonly password?: Redacted.Redacted<string>
  readonly clientSecret?: Redacted.Redacted<string>
}

/**
 * The secrets the flags ask to read from stdin. `read` reads the first `lines` lines (by default
 * {@link readProcessStdin}, bounded by the audit's deadline, `deadlineMs`); an empty or too long line
 * is a usage error that says what to pipe.
 */
export const readStdinSecrets = (
  flags: SharedFlags,
  deadlineMs: number | undefined,
  read?: (lines: number) => Effect.Effect<string, UsageError>
): Effect.Effect<StdinSecrets, UsageError> =>
  Effect.gen(function* () {
    if (!flags.passwordStdin && !flags.clientSecretStdin) return {}
    const both = flags.passwordStdin && flags.clientSecretStdin
    const wanted = [
      ...(flags.passwordStdin ? ["--password-stdin"] : []),
      ...(flags.clientSecretStdin ? ["--client-secret-stdin"] : [])
    ]
    // stdin must give its lines within the audit's deadline: a pipe that never does cannot hold the run.
    const timeoutText = Option.isSome(flags.deadline) ? flags.deadline.value.trim() : `${defaults.deadlineMs / 1000}s`
    const reader =
      read ?? (() => readProcessStdin({ flags: wanted, timeoutMs: deadlineMs ?? defaults.deadlineMs, timeoutText }))
    const lines = (yield* reader(wanted.length)).split(/\r?\n/)
    const take = (index: number, which: string): Either.Either<Redacted.Redacted<string>, UsageError> => {
      const value = lines[index] ?? ""
      if (Buffer.byteLength(value) > stdinLineMaxBytes) {
        return Either.left(
          new UsageError({
            message: `${which}: line ${index + 1} of stdin is longer than ${stdinLineMaxBytes} bytes: pipe the secret alone on its line`
          })
        )
      }
      if (value !== "") return Either.right(Redacted.make(value))
      return Either.left(
        new UsageError({
          message: both
            ? `${which} needs line ${index + 1} of stdin, which is empty: pipe the password, then the client secret, one per line`
            : `${which}: stdin is empty: pipe a non-empty value, e.g. printf '%s' "$SECRET" | ...`
        })
      )
    }
    const password = flags.passwordStdin ? yield* take(0, "--password-stdin") : undefined
    const clientSecret = flags.clientSecretStdin
      ? yield* take(flags.passwordStdin ? 1 : 0, "--client-secret-stdin")
      : undefined
    return { ...(password ? { password } : {}), ...(clientSecret ? { clientSecret } : {}) }
  })
