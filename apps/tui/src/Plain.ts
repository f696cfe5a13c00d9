/**
 * The non-interactive front end (stdout not a terminal, CI, or --no-interactive): cli-kit's plain
 * lines as checks finish, what to fix, and the verdict. No escape codes unless colour is forced, no key
 * waits. The first SIGINT stops the audit and the lines so far are still printed.
 */
import {
  Cli,
  checkLine,
  ExitCode,
  exitCodeFor,
  type FailOn,
  headerLine,
  rootCauseSection,
  type TextStyle,
  verdictLine
} from "@arlo-ready/cli-kit"
import type { Report } from "@arlo-ready/core"
import { Effect, Stream } from "effect"
import { type Audit, runEvents } from "./Session.js"

const write = (text: string) => {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`)
}

/** Audits one target, printing as it goes; returns the exit code. */
export const plain = (audit: Audit, options: { readonly failOn: FailOn; readonly style: TextStyle }) =>
  Effect.gen(function* () {
    const cli = yield* Cli
    return yield* cli.stoppable(
      Effect.gen(function* () {
        let report: Report | null = null
        yield* runEvents(audit.config, { signal: cli.signal }).pipe(
          Stream.runForEach((event) =>
            Effect.sync(() => {
              switch (event._tag) {
                case "audit_started":
                  return write(headerLine(event.target, options.style))
                case "check_finished":
                  return write(checkLine(event.result, options.style))
                case "audit_finished":
                  report = event.report
                  return
              }
            })
          )
        )
        const final = report as Report | null
        if (final === null) return ExitCode.Incomplete
        const causes = rootCauseSection(final, options.style)
        write([...(causes.length > 0 ? ["", ...causes] : []), "", verdictLine(final, options.style)].join("\n"))
        return cli.interrupted() ? ExitCode.Interrupted : exitCodeFor(final, options.failOn)
      })
    )
  })
