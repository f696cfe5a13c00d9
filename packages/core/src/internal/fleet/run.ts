/**
 * A fleet run: each target's credentials resolved from their references, its config built, its audit
 * run over the ambient `HttpClient` wrapped in its platform's request budget; at most `concurrency`
 * targets at once, each result emitted as it finishes. Nothing a target does stops the others.
 */
import * as path from "node:path"
import { HttpClient } from "@effect/platform"
import { Effect, Either, type Redacted, Stream } from "effect"
import { audit } from "../../Audit.js"
import type { CheckId } from "../../Catalogue.js"
import { defaults as configDefaults, fromOptions, targetFromBaseUrl, targetFromPlatform } from "../../Config.js"
import type { FleetTarget, FleetTargetResult } from "../../FleetTypes.js"
import { makePlatformBudget, type PlatformBudget } from "./budget.js"
import type { Fleet } from "./model.js"
import { resolveTargetInput } from "./refs.js"
import { platformKey } from "./shard.js"

export interface FleetRunOptions {
  /** Targets audited at once; 8 by default. */
  readonly concurrency?: number
  /** Requests to one platform in any minute, shared by its targets; 300 by default (Arlo's documented limit). */
  readonly perPlatformPerMinute?: number
  /** For `{env}` references; `process.env` by default. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Runs a `{command}` reference; without it a command reference is a target error. The apps pass cli-kit's runner. */
  readonly runCommand?: (argv: ReadonlyArray<string>) => Effect.Effect<Redacted.Redacted<string>, string>
  /** Per target, as for a single audit. */
  readonly timeoutMs?: number
  readonly deadlineMs?: number
  readonly maxRequests?: number
  /** Stops the run: targets not finished come back `incomplete`. */
  readonly signal?: AbortSignal
  /** The command that re-checks one check of a target, for remediations that name none. */
  readonly recheck?: (target: FleetTarget, id: CheckId) => string
  /** @internal The budget's window (60 s); shorter only in tests. */
  readonly windowMs?: number
}

/** The base URL and platform a target names, for a result without a report. */
const where = (t: FleetTarget): { baseUrl: string; platform: string | null } => {
  const r = t.platform !== undefined ? targetFromPlatform(t.platform) : targetFromBaseUrl(t.baseUrl ?? "")
  return Either.isRight(r) ? r.right : { baseUrl: t.baseUrl ?? t.platform ?? "", platform: t.platform ?? null }
}

/** A result without a report: the target could not be audited. */
export const unaudited = (t: FleetTarget, index: number | undefined, error: string): FleetTargetResult => ({
  name: t.name,
  ...(index !== undefined ? { index } : {}),
  tags: t.tags ?? [],
  ...where(t),
  verdict: "incomplete",
  report: null,
  error
})

const aborted = (signal: AbortSignal | undefined): Effect.Effect<void> =>
  signal === undefined
    ? Effect.never
    : Effect.async<void>((resume) => {
        if (signal.aborted) return resume(Effect.void)
        const onAbort = () => resume(Effect.void)
        signal.addEventListener("abort", onAbort, { once: true })
        return Effect.sync(() => signal.removeEventListener("abort", onAbort))
      })

/**
 * The targets taken one platform at a time in turn (each platform's own in their order), so that the
 * targets waiting for one platform's budget do not hold every slot while other platforms could run.
 */
export const interleaveByPlatform = (targets: ReadonlyArray<FleetTarget>): Array<FleetTarget> => {
  const groups = new Map<string, Array<FleetTarget>>()
  for (const t of targets) {
    const key = platformKey(t)
    const group = groups.get(key)
    if (group === undefined) groups.set(key, [t])
    else group.push(t)
  }
  let lists = [...groups.values()]
  const out: Array<FleetTarget> = []
  for (let round = 0; lists.length > 0; round++) {
    for (const list of lists) out.push(list[round]!)
    lists = lists.filter((list) => list.length > round + 1)
  }
  return out
}

const stoppedBeforeStart = "the run was stopped before this target's audit started."

export const runFleet = (
  fleet: Fleet,
  targets: ReadonlyArray<FleetTarget>,
  options: FleetRunOptions = {}
): Stream.Stream<FleetTargetResult, never, HttpClient.HttpClient> => {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 8))
  const limit = Math.max(1, Math.floor(options.perPlatformPerMinute ?? 300))
  const windowMs = Math.max(1, options.windowMs ?? 60_000)
  const budgets = new Map<string, PlatformBudget>()
  const budgetOf = (key: string) => {
    let b = budgets.get(key)
    if (b === undefined) {
      b = makePlatformBudget(limit, windowMs)
      budgets.set(key, b)
    }
    return b
  }
  const refs = {
    env: options.env ?? process.env,
    runCommand: options.runCommand,
    baseDir: path.dirname(path.resolve(fleet.fileName))
  }
  const limits = {
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.deadlineMs !== undefined ? { deadlineMs: options.deadlineMs } : {}),
    ...(options.maxRequests !== undefined ? { maxRequests: options.maxRequests } : {})
  }
  const { signal, recheck } = options
  const indexOf = new Map(fleet.targets.map((t, i) => [t.name, i]))

  const runTarget = (t: FleetTarget): Effect.Effect<FleetTargetResult, never, HttpClient.HttpClient> => {
    if (signal?.aborted) return Effect.succeed(unaudited(t, indexOf.get(t.name), stoppedBeforeStart))
    const prepared = Effect.gen(function* () {
      const input = yield* resolveTargetInput(refs, t, limits)
      const config = fromOptions(input.options, input.sources)
      if (Either.isLeft(config)) return yield* Effect.fail(config.left.message)
      const need = Math.min(limit, config.right.maxRequests ?? configDefaults.maxRequests)
      const reservation = yield* budgetOf(platformKey(t)).admit(need)
      return { config: config.right, reservation }
    })
    const started = Effect.raceFirst(
      Effect.either(prepared),
      Effect.as(aborted(signal), Either.left(stoppedBeforeStart))
    )
    return Effect.flatMap(started, (ready) => {
      if (Either.isLeft(ready)) return Effect.succeed(unaudited(t, indexOf.get(t.name), ready.left))
      const { config, reservation } = ready.right
      return HttpClient.HttpClient.pipe(
        Effect.flatMap((client) =>
          audit(config, {
            ...(signal !== undefined ? { signal } : {}),
            ...(recheck !== undefined ? { recheck: (id: CheckId) => recheck(t, id) } : {})
          }).pipe(Effect.provideService(HttpClient.HttpClient, reservation.wrap(client)))
        ),
        Effect.map(
          (report): FleetTargetResult => ({
            name: t.name,
            ...(indexOf.has(t.name) ? { index: indexOf.get(t.name) } : {}),
            tags: t.tags ?? [],
            baseUrl: config.baseUrl,
            platform: config.platform,
            verdict: report.verdict,
            report,
            error: null
          })
        ),
        Effect.ensuring(reservation.release)
      )
    }).pipe(
      Effect.catchAllDefect(() =>
        Effect.succeed(
          unaudited(t, indexOf.get(t.name), "the audit failed unexpectedly: run this target alone to see why.")
        )
      )
    )
  }

  return Stream.fromIterable(interleaveByPlatform(targets)).pipe(
    Stream.mapEffect(runTarget, { concurrency, unordered: true })
  )
}
