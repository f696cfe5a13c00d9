/**
 * The engine: runs the catalogue as a dependency graph. Each check starts as soon as its prerequisites
 * settle; independent checks run concurrently (bounded by the HTTP concurrency cap, not here); a failed,
 * errored or skipped prerequisite makes a dependent `skipped` with `blockedBy` naming the root causes; a
 * whole-audit deadline and an interrupt both still produce a report. It emits the {@link AuditEvent}s
 * and the report is a fold over them.
 *
 * The parts: the plan (`internal/engine/plan.ts`: what is reported, what runs, the re-run set), the gate
 * (`gate.ts`), the outcomes the engine decides and how results are finalised (`outcomes.ts`), the
 * checks of one run (`runner.ts`); this module puts them in order.
 */
import type { HttpClient } from "@effect/platform"
import { Clock, Effect } from "effect"
import { ArloHttp, type HttpStats } from "./ArloHttp.js"
import type { CheckId } from "./Catalogue.js"
import { type AuditConfig, authMethods } from "./Config.js"
import { libraryRecheck, settleUnfinished } from "./internal/engine/outcomes.js"
import { planRun, type Rerun } from "./internal/engine/plan.js"
import { isoAt, makeRunner } from "./internal/engine/runner.js"
import { type AuditEvent, buildReport, mergeResults, type Report, type Target } from "./Report.js"

export { gate } from "./internal/engine/gate.js"
export { affectedBy, dependentsOf, type Rerun, rerunSet } from "./internal/engine/plan.js"
export { buildReport } from "./Report.js"

export interface RunOptions {
  /** Completes when the audit should stop: unfinished checks become `error` (interrupted) and the report is still produced. */
  readonly interrupt?: Effect.Effect<void> | undefined
  /** The same, as an `AbortSignal`. */
  readonly signal?: AbortSignal | undefined
  readonly rerun?: Rerun | undefined
  /** Receives every event, in order. */
  readonly emit?: ((event: AuditEvent) => Effect.Effect<void>) | undefined
  /**
   * The command that re-checks one check in the face the audit runs in, for the remediations that name
   * none; the library's `rerunChecks(options, ["ID"])` when absent.
   */
  readonly recheck?: ((id: CheckId) => string) | undefined
}

/** The report's `target` for a config. */
export const targetOf = (config: AuditConfig): Target => ({
  baseUrl: config.baseUrl,
  platform: config.platform,
  authMethods: authMethods(config),
  credentials: config.credentials.map((c) => ({ name: c.name, source: c.source, hint: c.hint }))
})

/**
 * Runs an audit (or a re-run) and returns its report, emitting events on the way. Never fails: every
 * problem becomes a check result.
 */
export const runEngine = (
  config: AuditConfig,
  options: RunOptions = {}
): Effect.Effect<Report, never, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const startMs = yield* Clock.currentTimeMillis
    return yield* Effect.scoped(orchestrate(config, options, startMs)).pipe(
      Effect.provide(ArloHttp.layer(config, startMs + config.deadlineMs))
    )
  })

const orchestrate = (config: AuditConfig, options: RunOptions, startMs: number) =>
  Effect.gen(function* () {
    const emit = options.emit ?? (() => Effect.void)
    const http = yield* ArloHttp
    const rerun = options.rerun
    const plan = planRun(config, rerun)
    const finishing = { recheck: options.recheck ?? libraryRecheck, prerequisiteOf: plan.prerequisiteOf }
    const runner = yield* makeRunner({
      config,
      plan,
      http,
      finishing,
      emit,
      priorRequests: rerun?.prior?.requests.count ?? 0
    })
    const target = targetOf(config)
    yield* emit({ _tag: "audit_started", at: isoAt(startMs), target, checks: plan.reported })

    // Stop on the deadline, on request, or when every check has settled.
    const stop = Effect.raceAll([
      Effect.as(Effect.sleep(Math.max(0, config.deadlineMs)), "deadline" as const),
      Effect.as(options.interrupt ?? Effect.never, "interrupted" as const),
      Effect.as(options.signal ? fromSignal(options.signal) : Effect.never, "interrupted" as const)
    ])
    // The probes that need no other answer start now, side by side; the checks read them in order.
    if (!rerun && !options.signal?.aborted) yield* runner.startProbes
    const how = options.signal?.aborted
      ? ("interrupted" as const)
      : yield* Effect.raceFirst(Effect.as(runner.runAll, "done" as const), stop)

    const final = new Map(yield* runner.results)
    if (how !== "done") {
      const started = yield* runner.started
      const now = yield* Clock.currentTimeMillis
      const unfinished = settleUnfinished({ plan, config, how, done: final, started, now, finishing })
      for (const result of unfinished) {
        if (plan.reportedSet.has(result.id)) {
          if (!started.has(result.id)) yield* emit({ _tag: "check_started", at: isoAt(now), id: result.id })
          yield* emit({ _tag: "check_finished", at: isoAt(now), result })
        }
        final.set(result.id, result)
      }
    }

    const end = yield* Clock.currentTimeMillis
    const prior = rerun?.prior
    const report = buildReport({
      target,
      startedAt: prior?.startedAt ?? isoAt(startMs),
      durationMs: (prior?.durationMs ?? 0) + (end - startMs),
      results: mergeResults(
        plan.reported.flatMap((id) => final.get(id) ?? []),
        rerun?.previous ?? []
      ),
      interrupted: how !== "done",
      budget: config.maxRequests,
      stats: withPrior(yield* http.stats, prior),
      ...(config.only !== null || config.skip.length > 0 || config.assume.length > 0
        ? { selection: { only: config.only, skip: [...config.skip], assume: [...config.assume] } }
        : {})
    })
    yield* emit({ _tag: "audit_finished", at: isoAt(end), report })
    return report
  })

/** A re-run's request figures, counting the earlier run's. */
const withPrior = (
  stats: HttpStats,
  prior: Rerun["prior"]
): Pick<HttpStats, "requests" | "retries" | "peakInFlight"> =>
  prior
    ? {
        requests: prior.requests.count + stats.requests,
        retries: prior.requests.retries + stats.retries,
        peakInFlight: Math.max(prior.requests.peakInFlight, stats.peakInFlight)
      }
    : stats

/** Completes when the signal aborts. */
export const fromSignal = (signal: AbortSignal): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    if (signal.aborted) {
      resume(Effect.void)
      return
    }
    const onAbort = () => resume(Effect.void)
    signal.addEventListener("abort", onAbort, { once: true })
    return Effect.sync(() => signal.removeEventListener("abort", onAbort))
  })
