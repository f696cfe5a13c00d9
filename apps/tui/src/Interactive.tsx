/**
 * The interactive front end: Ink mounted inside the Effect program. Every run is a fiber of the
 * program's scope, so Ctrl+C, `q` or a signal interrupt the runs (aborting their requests) and the
 * finalizers unmount Ink, which restores the terminal.
 */
import { ExitCode, type FailOn } from "@arlo-ready/cli-kit"
import { Deferred, Effect, Exit, Fiber, FiberSet, Stream } from "effect"
import { App, type Outcome, type RunAudit } from "./App.js"
import { mountScreen } from "./internal/Screen.js"
import { type Audit, exitCodeOf, runEvents } from "./Session.js"

export interface InteractiveOptions {
  readonly failOn: FailOn
  /** Where `e` writes reports (created on the first export). */
  readonly exportDir: string
  /**
   * `q` exits 0 whatever the verdict (the demo, whose identities are meant to fail); Ctrl+C still
   * exits 130.
   */
  readonly quitExitsZero?: boolean | undefined
  readonly intro?: string | undefined
  /** Where keys come from (a terminal). */
  readonly keyboard: NodeJS.ReadStream
}

/** The screen ended for a sign-in to one of its targets (`s` on an OAuth check). */
export interface SignInAsked {
  readonly _tag: "sign_in"
  readonly target: number
}

/** Runs the screen until the user quits (the exit code) or asks for a sign-in. */
export const interactive = (audits: ReadonlyArray<Audit>, options: InteractiveOptions) =>
  Effect.scoped(
    Effect.gen(function* () {
      const runFork = yield* FiberSet.makeRuntime<never>()
      const done = yield* Deferred.make<Outcome>()

      const run: RunAudit = (spec, handlers) => {
        const audit = audits[spec.target]
        if (!audit) return () => {}
        const fiber = runFork(
          runEvents(audit, { ids: spec.ids, previous: spec.previous, prior: spec.prior }).pipe(
            Stream.runForEach((event) => Effect.sync(() => handlers.event(event))),
            Effect.catchAllDefect((defect) =>
              Effect.sync(() =>
                handlers.fail(`The audit stopped: ${defect instanceof Error ? defect.message : String(defect)}`)
              )
            )
          )
        )
        return () => {
          Effect.runFork(Fiber.interrupt(fiber))
        }
      }

      yield* mountScreen(
        <App
          targets={audits.map((a) => a.label)}
          run={run}
          exportDir={options.exportDir}
          {...(options.intro ? { intro: options.intro } : {})}
          onExit={(outcome) => Deferred.unsafeDone(done, Exit.succeed(outcome))}
        />,
        options.keyboard
      )
      const outcome = yield* Deferred.await(done)
      if (outcome.kind === "sign_in") return { _tag: "sign_in", target: outcome.target ?? 0 } as SignInAsked
      if (options.quitExitsZero === true && outcome.kind === "quit") return ExitCode.Ready
      return exitCodeOf(outcome, options.failOn)
    })
  )
