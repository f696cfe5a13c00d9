/**
 * The demo: the embedded Arlo platform simulator on a free loopback port, and one audit target per
 * identity its scenario offers. The simulator is imported only here, and only when the demo runs.
 */

import { UsageError } from "@arlo-ready/cli-kit"
import { Effect, type Scope } from "effect"
import type { TargetSpec } from "./Target.js"

/** A running demo: the targets to audit, in the order the screen offers them. */
export interface Demo {
  readonly scenario: string
  readonly url: string
  readonly targets: ReadonlyArray<TargetSpec>
}

/**
 * Starts the simulator with a built-in scenario (or a scenario file) for the life of the scope. The
 * first targets are the identities each platform's scenario hands an auditor; the platforms' other
 * users follow, audited with Basic auth only, so switching (`p`) walks through every situation.
 */
export const startDemo = (scenario: string): Effect.Effect<Demo, UsageError, Scope.Scope> =>
  Effect.gen(function* () {
    const { startSimulator } = yield* Effect.promise(() => import("@arlo-ready/simulator"))
    const sim = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => startSimulator({ scenario, port: 0 }),
        catch: (e) =>
          new UsageError({
            message: `--demo ${scenario}: ${e instanceof Error ? e.message : String(e)}`
          })
      }),
      (s) => Effect.promise(() => s.close())
    )
    const main: Array<TargetSpec> = []
    const others: Array<TargetSpec> = []
    for (const platform of sim.scenario.platforms) {
      const info = sim.platforms[platform.name]
      if (!info) continue
      const audit = info.audit
      const mfaSetting = audit.mfaSetting ?? platform.mfaSetting
      main.push({
        label: audit.username ? `${platform.name} · ${audit.username}` : platform.name,
        input: {
          baseUrl: info.baseUrl,
          username: audit.username,
          password: audit.password,
          clientId: audit.clientId,
          clientSecret: audit.clientSecret,
          redirectUri: audit.redirectUri,
          scopes: audit.scopes,
          mfaSetting
        }
      })
      for (const user of platform.users) {
        if (user.username === audit.username) continue
        others.push({
          label: `${platform.name} · ${user.username}`,
          input: { baseUrl: info.baseUrl, username: user.username, password: user.password, mfaSetting }
        })
      }
    }
    return { scenario, url: sim.url, targets: [...main, ...others] }
  })
