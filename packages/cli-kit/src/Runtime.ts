/**
 * The entry helper both apps run their command through. It keeps stdout for the chosen
 * output only: logs and errors go to stderr, a failure becomes one line and exit code 2 (never a stack
 * trace), a write to stdout that fails becomes one line and exit code 4 (no line when the reader went
 * away), and SIGINT/SIGTERM first asks the running audit to stop (so what was done so far is still
 * emitted) before interrupting the program.
 */

import { Console as NodeConsole } from "node:console"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { Cause, type Console, Context, Effect, Exit, Fiber, Logger, LogLevel, Option } from "effect"
import { ExitCode } from "./ExitCode.js"
import { oneLine, stripAnsi } from "./internal/text.js"
import { stdoutFailureLine } from "./Stdout.js"
import { colorEnabled } from "./Style.js"
import { isUsageError } from "./UsageError.js"

/** What a running CLI program can ask of its runtime. */
export interface CliRuntime {
  /** Aborted by the first SIGINT or SIGTERM that arrives while `stoppable` runs. */
  readonly signal: AbortSignal
  /** Whether a SIGINT or SIGTERM has arrived. */
  readonly interrupted: () => boolean
  /**
   * Runs an effect during which the first SIGINT/SIGTERM aborts `signal` instead of interrupting the
   * program, so an audit can stop and still report. A second signal, or no end within `graceMs`,
   * interrupts the program anyway.
   */
  readonly stoppable: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /** Sets the exit code the process ends with (0 unless set). */
  readonly setExitCode: (code: number) => Effect.Effect<void>
  /** Writes one line (or several) to stderr. Never to stdout. */
  readonly warn: (message: string) => Effect.Effect<void>
}

/** The CLI runtime service. */
export class Cli extends Context.Tag("@arlo-ready/cli-kit/Cli")<Cli, CliRuntime>() {}

/** Options of `runCli`. */
export interface RunCliOptions<E, R> {
  /** The executable's name, the prefix of every error line. */
  readonly name: string
  /** The program: parses the command line (see `commandLine`) and runs. Gets the full argv (node, script, args…). */
  readonly program: (argv: ReadonlyArray<string>) => Effect.Effect<void, E, R>
  /** Defaults to process.argv. */
  readonly argv?: ReadonlyArray<string>
  /** How long a stoppable section may take to wind up after the first signal (default 5000 ms). */
  readonly graceMs?: number
}

/** The one line a failure is shown as, without the executable's name. */
export const failureMessage = (cause: Cause.Cause<unknown>): string => {
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure)) {
    const error = failure.value
    if (isUsageError(error)) return oneLine(error.message)
    if (error instanceof Error) return `unexpected error: ${oneLine(error.message)}`
    return `unexpected error: ${oneLine(String(error))}`
  }
  const defect = Cause.dieOption(cause)
  if (Option.isSome(defect)) {
    const d = defect.value
    return `unexpected error: ${oneLine(d instanceof Error ? d.message : String(d))}`
  }
  return "unexpected error"
}

/** Logs go to stderr as logfmt, warnings and worse. */
const stderrLogger = Logger.make<unknown, void>((options) => {
  process.stderr.write(`${Logger.logfmtLogger.log(options)}\n`)
})

const defaultConsole: Console.Console = Effect.runSync(Effect.console)

const stderrConsole = new NodeConsole(process.stderr, process.stderr)

/**
 * The Console the program sees: Console.log goes to stdout, plain unless colour is on; Console.error
 * is dropped (`runCli` shows a failure as one line from the error itself); the rest goes to stderr.
 */
const cliConsole = (color: boolean): Console.Console => {
  const toStderr = (...args: ReadonlyArray<unknown>) =>
    Effect.sync(() => {
      stderrConsole.error(...args)
    })
  return {
    ...defaultConsole,
    log: (...args) =>
      Effect.sync(() => {
        const text = args.map(String).join(" ")
        const plain = color ? text : stripAnsi(text)
        process.stdout.write(plain.endsWith("\n") ? plain : `${plain}\n`)
      }),
    error: () => Effect.void,
    info: toStderr,
    warn: toStderr,
    debug: toStderr,
    trace: toStderr,
    unsafe: stderrConsole
  }
}

const writeLine = (stream: NodeJS.WriteStream, text: string) =>
  Effect.sync(() => {
    stream.write(text.endsWith("\n") ? text : `${text}\n`)
  })

export { stdoutFailureLine } from "./Stdout.js"

/**
 * The exit code once the writes are done: a failed write to stdout makes any code but 130 a 4 (the
 * report could not be written in full); a signal still says the run was interrupted.
 */
export const exitCodeAfterWrites = (code: number, stdoutFailed: boolean): number =>
  stdoutFailed && code !== ExitCode.Interrupted ? ExitCode.WriteFailed : code

/** The signals of one run: the first SIGINT/SIGTERM in a stoppable section stops it, any other the program. */
const handleSignals = (graceMs: number) => {
  const controller = new AbortController()
  let count = 0
  let inStoppable = 0
  let fiber: Fiber.RuntimeFiber<void, unknown> | undefined
  let graceTimer: NodeJS.Timeout | undefined
  const interruptProgram = () => {
    if (fiber) Effect.runFork(Fiber.interrupt(fiber))
  }
  const onSignal = () => {
    count++
    controller.abort()
    if (count === 1 && inStoppable > 0) {
      graceTimer = setTimeout(interruptProgram, graceMs)
      graceTimer.unref()
      return
    }
    interruptProgram()
  }
  process.on("SIGINT", onSignal)
  process.on("SIGTERM", onSignal)
  return {
    signal: controller.signal,
    count: () => count,
    /** The fiber a signal interrupts. */
    watch: (f: Fiber.RuntimeFiber<void, unknown>) => {
      fiber = f
    },
    stoppable: <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
      Effect.acquireUseRelease(
        Effect.sync(() => {
          inStoppable++
        }),
        () => self,
        () =>
          Effect.sync(() => {
            inStoppable--
          })
      ),
    stop: () => {
      process.removeListener("SIGINT", onSignal)
      process.removeListener("SIGTERM", onSignal)
      if (graceTimer) clearTimeout(graceTimer)
    }
  }
}

/**
 * A write to stdout that fails (a full disk, a reader gone away) does not stop the program: whatever
 * else it writes (--output files, the step summary) is still written, and the run exits 4. Returns
 * the first such failure, once the writes are done.
 */
const watchStdout = (): (() => NodeJS.ErrnoException | undefined) => {
  let failure: NodeJS.ErrnoException | undefined
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    failure ??= e
  })
  return () => {
    failure ??= (process.stdout.errored ?? undefined) as NodeJS.ErrnoException | undefined
    return failure
  }
}

/**
 * Exits with `code` once stdout has drained (a report must never be cut short), without writing to it:
 * even an empty write fails on a full device. A write that failed just now has set `errored` already,
 * and its "error" event comes on the next turn: the exit is decided after it.
 */
const exitWhenDrained = (name: string, code: number, stdoutFailure: () => NodeJS.ErrnoException | undefined) => {
  const out = process.stdout
  let settled = false
  const settle = () => {
    if (settled) return
    settled = true
    setImmediate(() => {
      const failure = stdoutFailure()
      const line = failure ? stdoutFailureLine(name, failure) : undefined
      if (line !== undefined) process.stderr.write(`${line}\n`)
      const final = exitCodeAfterWrites(code, failure !== undefined)
      process.exitCode = final
      process.stderr.write("", () => process.exit(final))
    })
  }
  if (out.writableLength > 0 && !out.destroyed && !out.errored) {
    out.once("drain", settle)
    out.once("close", settle)
    out.once("error", settle)
  } else settle()
}

/**
 * Runs a CLI program and exits the process with its exit code. A failure becomes one line on stderr
 * and exit code 2 (130 once a signal has arrived).
 */
export const runCli = <E, R extends Cli | NodeContext.NodeContext>(options: RunCliOptions<E, R>): void => {
  const argv = options.argv ?? process.argv
  const signals = handleSignals(options.graceMs ?? 5000)
  const stdoutFailure = watchStdout()
  let exitCode: number | undefined
  const finish = (code: number) => {
    signals.stop()
    exitWhenDrained(options.name, code, stdoutFailure)
  }

  const runtime: CliRuntime = {
    signal: signals.signal,
    interrupted: () => signals.count() > 0,
    stoppable: signals.stoppable,
    setExitCode: (code) =>
      Effect.sync(() => {
        exitCode = code
      }),
    warn: (message) => writeLine(process.stderr, `${options.name}: ${message}`)
  }

  const main = options
    .program(argv)
    .pipe(
      Effect.withConsole(cliConsole(colorEnabled(process.stdout))),
      Effect.provideService(Cli, runtime),
      Effect.provide(NodeContext.layer),
      Logger.withMinimumLogLevel(LogLevel.Warning),
      Effect.provide(Logger.replace(Logger.defaultLogger, stderrLogger))
    ) as Effect.Effect<void, unknown, never>

  // Fibers alone do not keep Node's event loop alive: a wind-up still pending when nothing else holds
  // the loop (aborting requests once Ink lets go of stdin, say) must run to its end, as runMain does.
  const keepAlive = setInterval(() => {}, 2 ** 30)
  const fiber = Effect.runFork(main)
  signals.watch(fiber)
  fiber.addObserver((exit) => {
    clearInterval(keepAlive)
    if (Exit.isSuccess(exit)) return finish(exitCode ?? ExitCode.Ready)
    if (Cause.isInterruptedOnly(exit.cause)) return finish(ExitCode.Interrupted)
    process.stderr.write(`${options.name}: ${failureMessage(exit.cause)}\n`)
    if (process.env.ARLO_READY_DEBUG) process.stderr.write(`${Cause.pretty(exit.cause)}\n`)
    finish(signals.count() > 0 ? ExitCode.Interrupted : ExitCode.Usage)
  })
}
