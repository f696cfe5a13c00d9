/**
 * A fleet's targets run one by one on the screen's request: each target's credentials resolved from
 * its references, its config built, its audit's events streamed over the apps' HTTP client for its
 * platform, with one concurrency limit for the fleet and the core's per-platform request budget (the
 * same pieces the core's `runFleet` is made of, so that the screen sees every check as it runs).
 */
import * as path from "node:path"
import {
  auditHttpClient,
  fleetCommandRunner,
  invokedAs,
  type NetworkSettings,
  shellWord,
  withNetworkEvents
} from "@arlo-ready/cli-kit"
import {
  type AuditEvent,
  auditStream,
  type CheckId,
  type CheckResult,
  defaults as configDefaults,
  type Fleet,
  fromOptions,
  makePlatformBudget,
  type PlatformBudget,
  platformKey,
  type Report,
  resolveTargetInput
} from "@arlo-ready/core"
import { HttpClient } from "@effect/platform"
import { Effect, Either, Stream } from "effect"

type Env = Readonly<Record<string, string | undefined>>

/** What one run of a target covers: every check (`ids` null) or some, keeping the other results. */
export interface TargetRunSpec {
  readonly ids: ReadonlyArray<CheckId> | null
  readonly previous: ReadonlyArray<CheckResult>
  readonly prior: Report | null
}

/** Runs the targets of one fleet. */
export interface FleetRunner {
  /** The events of one run of the target at `index`; fails with a secret-free line when it cannot start. */
  readonly events: (index: number, spec: TargetRunSpec) => Stream.Stream<AuditEvent, string>
}

export interface FleetRunnerOptions {
  readonly fleetFile: string
  /** Targets audited at once (8 by default). */
  readonly concurrency?: number | undefined
  /** Requests to one platform in any minute (Arlo's documented 300 by default). */
  readonly perPlatformPerMinute?: number | undefined
  readonly limits?: { readonly timeoutMs?: number; readonly deadlineMs?: number; readonly maxRequests?: number }
  /** Stops the audits (their reports say interrupted); a target not started by then does not start. */
  readonly signal?: AbortSignal | undefined
}

/** The runner of a fleet: the concurrency limit and the platforms' budgets live as long as it does. */
export const makeFleetRunner = (
  fleet: Fleet,
  networks: ReadonlyMap<string, NetworkSettings>,
  env: Env,
  options: FleetRunnerOptions
): Effect.Effect<FleetRunner> =>
  Effect.gen(function* () {
    const semaphore = yield* Effect.makeSemaphore(Math.max(1, Math.floor(options.concurrency ?? 8)))
    const limit = Math.max(1, Math.floor(options.perPlatformPerMinute ?? 300))
    const budgets = new Map<string, PlatformBudget>()
    const budgetOf = (key: string) => {
      let b = budgets.get(key)
      if (b === undefined) {
        b = makePlatformBudget(limit, 60_000)
        budgets.set(key, b)
      }
      return b
    }
    const refs = {
      env,
      runCommand: fleetCommandRunner(env, fleet.targets),
      baseDir: path.dirname(path.resolve(fleet.fileName))
    }
    const limits = options.limits ?? {}
    const bin = invokedAs("arlo-ready")
    const { signal } = options

    const events = (index: number, spec: TargetRunSpec): Stream.Stream<AuditEvent, string> => {
      const t = fleet.targets[index]
      if (t === undefined) return Stream.fail("no such target in the fleet.")
      const key = platformKey(t)
      const network = networks.get(key)
      if (network === undefined) {
        return Stream.fail(`the target's address ${key} is not a URL: fix it in the fleet file.`)
      }
      return Stream.unwrapScoped(
        Effect.gen(function* () {
          // Waiting for a turn or for the platform's budget can be interrupted; what was taken is given back.
          yield* Effect.acquireRelease(Effect.interruptible(semaphore.take(1)), () => semaphore.release(1))
          if (signal?.aborted) return yield* Effect.fail("the run was stopped before this target's audit started.")
          const input = yield* resolveTargetInput(refs, t, limits)
          const config = fromOptions(input.options, input.sources)
          if (Either.isLeft(config)) return yield* Effect.fail(config.left.message)
          const need = Math.min(limit, config.right.maxRequests ?? configDefaults.maxRequests)
          const reservation = yield* Effect.acquireRelease(
            Effect.interruptible(budgetOf(key).admit(need)),
            (r) => r.release
          )
          const stream = auditStream(config.right, {
            recheck: () => `${bin} --fleet ${shellWord(options.fleetFile)}`,
            ...(signal ? { signal } : {}),
            ...(spec.ids
              ? { rerun: { ids: spec.ids, previous: spec.previous, ...(spec.prior ? { prior: spec.prior } : {}) } }
              : {})
          })
          // Every request counted against the platform; the client layer's other services (the TLS
          // inspector a proxy needs) pass through as for a single audit.
          return withNetworkEvents(stream, network, config.right, signal).pipe(
            Stream.updateService(HttpClient.HttpClient, (c) => reservation.wrap(c)),
            Stream.provideLayer(auditHttpClient(network))
          )
        })
      )
    }
    return { events }
  })
