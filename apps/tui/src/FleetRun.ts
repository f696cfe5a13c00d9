/**
 * A fleet's targets run one by one on the screen's request: each target's credentials resolved from
 * its references, its config built, its audit's events streamed over the apps' HTTP client for its
 * platform, with one concurrency limit for the fleet and the core's per-platform request budget (the
 * same pieces the core's `runFleet` is made of, so that the screen sees every check as it runs).
 */
import * as path from "node:path"
import {
  auditHttpClient,
  childEnv,
  invokedAs,
  type NetworkSettings,
  resolveNetwork,
  runSecretCommand,
  type SharedFlags,
  secretCommandTimeoutMs,
  secretMaxBytes,
  type UsageError,
  withNetworkEvents
} from "@arlo-ready/cli-kit"
import {
  type AuditEvent,
  auditStream,
  type CheckId,
  type CheckResult,
  defaults as configDefaults,
  type Fleet,
  type FleetTarget,
  fromOptions,
  makePlatformBudget,
  type PlatformBudget,
  platformKey,
  type Report,
  resolveTargetInput
} from "@arlo-ready/core"
import { HttpClient } from "@effect/platform"
import { Effect, Either, type Redacted, Stream } from "effect"

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

/** A word as a POSIX shell reads it back: as is when it is plain, else in single quotes. */
const shellWord = (word: string): string => (/^[\w./:@%+=,-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`)

/** The variables a fleet names for a secret: a secret command's environment leaves them out. */
const secretVariables = (targets: ReadonlyArray<FleetTarget>): Set<string> => {
  const out = new Set<string>()
  for (const t of targets) {
    for (const ref of [t.password, t.clientSecret, t.accessToken]) if (ref && "env" in ref) out.add(ref.env)
  }
  return out
}

/** The network settings of each platform of the fleet (proxy, CA file), as for a single audit. */
export const fleetNetworks = (
  flags: Pick<SharedFlags, "proxy" | "caFile">,
  env: Env,
  targets: ReadonlyArray<FleetTarget>
): Either.Either<Map<string, NetworkSettings>, UsageError> =>
  Either.gen(function* () {
    const out = new Map<string, NetworkSettings>()
    for (const t of targets) {
      const key = platformKey(t)
      if (out.has(key)) continue
      let url: URL
      try {
        url = new URL(key)
      } catch {
        continue
      }
      out.set(key, yield* resolveNetwork(flags, env, url))
    }
    return out
  })

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
    const hidden = secretVariables(fleet.targets)
    const commandEnv = Object.fromEntries(Object.entries(childEnv(env)).filter(([k]) => !hidden.has(k)))
    const refs = {
      env,
      runCommand: (argv: ReadonlyArray<string>): Effect.Effect<Redacted.Redacted<string>, string> =>
        runSecretCommand({
          argv,
          env: commandEnv,
          timeoutMs: secretCommandTimeoutMs,
          maxBytes: secretMaxBytes,
          stdin: "ignore"
        }),
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
