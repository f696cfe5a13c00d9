/**
 * The Effect API: `audit` returns the report, `auditStream` emits the events, `runChecks` re-runs some
 * checks in place. All need only an `HttpClient`.
 */
import type { HttpClient } from "@effect/platform"
import { Effect, Exit, Queue, Stream } from "effect"
import type { CheckId } from "./Catalogue.js"
import type { AuditConfig } from "./Config.js"
import { type Rerun, runEngine } from "./Engine.js"
import type { AuditEvent, CheckResult, Report } from "./Report.js"

export interface AuditRunOptions {
  /** Completes when the audit should stop; the report is still produced (`interrupted: true`). */
  readonly interrupt?: Effect.Effect<void> | undefined
  /** The same, as an `AbortSignal`. */
  readonly signal?: AbortSignal | undefined
  /**
   * The command that re-checks one check, for the remediations that name none (a front end gives its
   * own); `rerunChecks(options, ["ID"])` when absent.
   */
  readonly recheck?: ((id: CheckId) => string) | undefined
}

/** Runs the audit and returns its report. Never fails: problems are check results. */
export const audit = (
  config: AuditConfig,
  options: AuditRunOptions = {}
): Effect.Effect<Report, never, HttpClient.HttpClient> => runEngine(config, options)

/** The audit as a stream of events, ending with `audit_finished` (which carries the report). */
export const auditStream = (
  config: AuditConfig,
  options: AuditRunOptions & {
    readonly rerun?: Rerun
  } = {}
): Stream.Stream<AuditEvent, never, HttpClient.HttpClient> =>
  Stream.unwrapScoped(
    Effect.gen(function* () {
      const queue = yield* Queue.unbounded<AuditEvent>()
      yield* Effect.forkScoped(
        runEngine(config, { ...options, emit: (e) => Queue.offer(queue, e) }).pipe(
          Effect.onExit((exit) => (Exit.isSuccess(exit) ? Effect.void : Queue.shutdown(queue)))
        )
      )
      return Stream.fromQueue(queue).pipe(Stream.takeUntil((e) => e._tag === "audit_finished"))
    })
  )

/**
 * Re-runs `ids` (with their dependents and the checks they blocked) against the platform, keeping the
 * other `previous` results: what a front end does after the user fixed something. The report holds
 * the merged results.
 */
export const runChecks = (
  config: AuditConfig,
  ids: ReadonlyArray<CheckId>,
  previous: ReadonlyArray<CheckResult>,
  options: AuditRunOptions & {
    readonly emit?: (event: AuditEvent) => Effect.Effect<void>
    /** The previous report, whose time and requests the new report adds to its own. */
    readonly prior?: Rerun["prior"]
  } = {}
): Effect.Effect<Report, never, HttpClient.HttpClient> => {
  const { prior, ...rest } = options
  return runEngine(config, { ...rest, rerun: { ids, previous, prior } })
}
