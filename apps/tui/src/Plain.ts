/**
 * The non-interactive front end (stdout not a terminal, CI, or --no-interactive): cli-kit's plain
 * lines in catalogue order as checks finish, what to fix, and the verdict. No escape codes unless
 * colour is forced, no key waits. The first SIGINT stops the audit and the lines so far are still
 * printed; so are they, in order, when the audit ends without its report.
 */
import { Cli, ExitCode, exitCodeFor, type FailOn, type TextStyle, textPrinter } from "@arlo-ready/cli-kit"
import type { Report } from "@arlo-ready/core"
import { Effect, Stream } from "effect"
import { type Audit, runEvents } from "./Session.js"

/** Audits one target, printing as it goes (to stdout unless `write` says otherwise); returns the exit code. */
export const plain = (
  audit: Audit,
  options: { readonly failOn: FailOn; readonly style: TextStyle; readonly write?: (text: string) => void }
) =>
  Effect.gen(function* () {
    const out = options.write ?? ((t: string) => process.stdout.write(t))
    const write = (text: string) => {
      if (text !== "") out(text)
    }
    const cli = yield* Cli
    return yield* cli.stoppable(
      Effect.gen(function* () {
        const printer = textPrinter(options.style)
        let report: Report | null = null
        yield* runEvents(audit, { signal: cli.signal }).pipe(
          Stream.runForEach((event) =>
            Effect.sync(() => {
              if (event._tag === "audit_finished") report = event.report
              write(printer.event(event))
            })
          ),
          // Whatever is still held when the stream ends or is cut short (empty after `audit_finished`).
          Effect.ensuring(Effect.sync(() => write(printer.flush())))
        )
        const final = report as Report | null
        if (final === null) return ExitCode.Incomplete
        write(printer.closing(final))
        return cli.interrupted() ? ExitCode.Interrupted : exitCodeFor(final, options.failOn)
      })
    )
  })
