/** Ink mounted for the length of a scope: the screen is rendered at once and unmounted by the scope's finalizer. */
import { Effect, type Scope } from "effect"
import { render } from "ink"
import type { ReactElement } from "react"

/** Renders `element` with keys from `keyboard` (Ctrl+C is the app's to handle); the scope's end unmounts it. */
export const mountScreen = (
  element: ReactElement,
  keyboard: NodeJS.ReadStream
): Effect.Effect<void, never, Scope.Scope> =>
  Effect.asVoid(
    Effect.acquireRelease(
      Effect.sync(() => {
        const ink = render(element, { stdin: keyboard, exitOnCtrlC: false, patchConsole: false })
        // Ink settles this promise only if it exists before the app exits.
        return { ink, exited: ink.waitUntilExit().catch(() => undefined) }
      }),
      ({ ink, exited }) =>
        Effect.promise(async () => {
          ink.unmount()
          await exited
        })
    )
  )
