/**
 * The fleet screen mounted inside the Effect program: every target's run is a fiber of the program's
 * scope, so `q`, Ctrl+C or a signal interrupt the runs and the finalizers unmount Ink.
 */
import { ExitCode, exitCodeFor, type FailOn } from "@arlo-ready/cli-kit"
import type { Fleet } from "@arlo-ready/core"
import { Deferred, Effect, Exit, Fiber, FiberSet, Stream } from "effect"
import { FleetApp, type FleetOutcome } from "./FleetApp.js"
import type { FleetRunner } from "./FleetRun.js"
import { FleetStore, fleetVerdictOf, phaseOf, type TargetEntry } from "./FleetState.js"
import { mountScreen } from "./internal/Screen.js"

/** The exit code of a fleet session: the worst target's; a target not finished counts as incomplete. */
export const fleetExitCode = (entries: ReadonlyArray<TargetEntry>, failOn: FailOn): number => {
  const code = exitCodeFor({ verdict: fleetVerdictOf(entries) }, failOn)
  const unfinished = entries.some((e) => phaseOf(e) !== "done")
  return unfinished && code === ExitCode.Ready ? ExitCode.Incomplete : code
}

export interface FleetInteractiveOptions {
  readonly failOn: FailOn
  readonly exportDir: string
  readonly keyboard: NodeJS.ReadStream
}

/** Runs the fleet screen until the user quits; returns the exit code. */
export const fleetInteractive = (fleet: Fleet, runner: FleetRunner, options: FleetInteractiveOptions) =>
  Effect.scoped(
    Effect.gen(function* () {
      const runFork = yield* FiberSet.makeRuntime<never>()
      const done = yield* Deferred.make<FleetOutcome>()
      const store = new FleetStore(fleet.targets, (index, spec, handlers) => {
        const fiber = runFork(
          runner.events(index, spec).pipe(
            Stream.runForEach((event) => Effect.sync(() => handlers.event(event))),
            Effect.catchAll((message) => Effect.sync(() => handlers.fail(message))),
            Effect.catchAllDefect(() =>
              Effect.sync(() => handlers.fail("The audit failed unexpectedly: run this target alone to see why."))
            )
          )
        )
        return () => {
          Effect.runFork(Fiber.interrupt(fiber))
        }
      })
      yield* mountScreen(
        <FleetApp
          store={store}
          fleetName={fleet.name ?? fleet.fileName}
          exportDir={options.exportDir}
          onExit={(outcome) => Deferred.unsafeDone(done, Exit.succeed(outcome))}
        />,
        options.keyboard
      )
      const outcome = yield* Deferred.await(done)
      store.stopAll()
      return outcome === "interrupted" ? ExitCode.Interrupted : fleetExitCode(store.entries, options.failOn)
    })
  )
