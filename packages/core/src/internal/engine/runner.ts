/**
 * The checks of one run: each waits for its prerequisites to settle, is gated, runs and settles,
 * emitting its events; the probes that need no other answer start beside them.
 */
import { Cause, Clock, Deferred, Effect, Option, Ref, type Scope } from "effect"
import type { ArloHttpService } from "../../ArloHttp.js"
import { type CheckId, definition } from "../../Catalogue.js"
import type { AuditConfig } from "../../Config.js"
import { checkSpecs, speculate } from "../../checks/index.js"
import type { AuditEvent, CheckResult } from "../../Report.js"
import { type CheckContext, makeShared, type Outcome } from "../check.js"
import { absentResult, gate, type Settled } from "./gate.js"
import { assumedOutcome, type Finishing, finalize, internalError } from "./outcomes.js"
import { type Plan, prerequisitesOf } from "./plan.js"

/** An instant as the events write it. */
export const isoAt = (ms: number): string => new Date(ms).toISOString()

/** What a run needs. */
export interface RunInput {
  readonly config: AuditConfig
  readonly plan: Plan
  readonly http: ArloHttpService
  readonly finishing: Finishing
  readonly emit: (event: AuditEvent) => Effect.Effect<void>
  /** In a re-run, the requests the earlier run made. */
  readonly priorRequests: number
}

/** The checks of a run, ready to go. */
export interface Runner {
  /** Starts the probes that need no other answer, side by side. */
  readonly startProbes: Effect.Effect<void>
  /** Runs every check of the plan, each as soon as its prerequisites settle, then waits for the probes. */
  readonly runAll: Effect.Effect<void>
  /** The results settled so far. */
  readonly results: Effect.Effect<ReadonlyMap<CheckId, CheckResult>>
  /** When each check that started started. */
  readonly started: Effect.Effect<ReadonlyMap<CheckId, number>>
}

/** Where the checks of a run meet: a deferred result per check, the settled results, the start times. */
const makeBoard = ({ plan, emit }: RunInput) =>
  Effect.gen(function* () {
    const deferreds = new Map<CheckId, Deferred.Deferred<CheckResult>>()
    for (const id of plan.runs) deferreds.set(id, yield* Deferred.make<CheckResult>())
    const results = yield* Ref.make(new Map<CheckId, CheckResult>())
    const started = yield* Ref.make(new Map<CheckId, number>())
    const settledOf = (id: CheckId): Effect.Effect<Settled> => {
      const d = deferreds.get(id)
      if (d) return Deferred.await(d)
      return Effect.succeed(plan.given.get(id) ?? absentResult(definition(id)))
    }
    const settle = (id: CheckId, result: CheckResult) =>
      Effect.uninterruptible(
        Effect.gen(function* () {
          yield* Ref.update(results, (m) => new Map(m).set(id, result))
          yield* Deferred.succeed(deferreds.get(id)!, result)
          if (plan.reportedSet.has(id)) {
            const at = yield* Clock.currentTimeMillis
            yield* emit({ _tag: "check_finished", at: isoAt(at), result })
          }
        })
      )
    const markStarted = (id: CheckId) =>
      Effect.uninterruptible(
        Effect.gen(function* () {
          const at = yield* Clock.currentTimeMillis
          yield* Ref.update(started, (m) => new Map(m).set(id, at))
          if (plan.reportedSet.has(id)) yield* emit({ _tag: "check_started", at: isoAt(at), id })
          return at
        })
      )
    return { deferreds, results, started, settledOf, settle, markStarted }
  })

/** Makes the checks of a run; their probes are memoised in, and interrupted with, the current scope. */
export const makeRunner = (input: RunInput): Effect.Effect<Runner, never, Scope.Scope> =>
  Effect.gen(function* () {
    const { config, plan, http, finishing } = input
    const scope = yield* Effect.scope
    const board = yield* makeBoard(input)
    const shared = yield* makeShared(scope)
    /** Waits for the probes started as the audit started. */
    let speculated: Effect.Effect<void> = Effect.void
    const probesDone = Effect.suspend(() => speculated)

    const ctxFor = (id: CheckId, prereqs: ReadonlyMap<CheckId, Settled>): CheckContext => ({
      config,
      http,
      shared,
      priorRequests: input.priorRequests,
      prerequisite: (p) => {
        const r = prereqs.get(p)
        return r && !r.absent ? r : undefined
      },
      awaitResult: (other) =>
        board.deferreds.has(other) || plan.given.has(other)
          ? Effect.map(board.settledOf(other), Option.some)
          : Effect.succeed(Option.none()),
      awaitOthers: Effect.zipRight(
        Effect.forEach(
          plan.runs.filter((o) => o !== id),
          (o) => Deferred.await(board.deferreds.get(o)!),
          { discard: true }
        ),
        probesDone
      )
    })

    const settleAt = (id: CheckId, outcome: Outcome, durationMs: number) =>
      board.settle(id, finalize(id, outcome, durationMs, finishing))

    const runOne = (id: CheckId): Effect.Effect<void> =>
      Effect.gen(function* () {
        const spec = checkSpecs[id]
        if (plan.assumed.has(id)) {
          yield* board.markStarted(id)
          return yield* settleAt(id, assumedOutcome(id), 0)
        }
        const na = spec.notApplicable?.(config)
        if (na !== undefined) {
          yield* board.markStarted(id)
          return yield* settleAt(id, { status: "not_applicable", summary: na, cause: null }, 0)
        }
        const prereqs = new Map<CheckId, Settled>()
        for (const p of prerequisitesOf(definition(id))) prereqs.set(p, yield* board.settledOf(p))
        const g = gate(definition(id), (p) => prereqs.get(p)!, plan.reportedSet)
        const at = yield* board.markStarted(id)
        if (g !== "run") return yield* settleAt(id, g, 0)
        const outcome = yield* spec
          .run(ctxFor(id, prereqs))
          .pipe(
            Effect.catchAllCause((cause) =>
              Cause.isInterruptedOnly(cause)
                ? Effect.failCause(cause)
                : Effect.succeed(internalError(cause, http.untrusted))
            )
          )
        const end = yield* Clock.currentTimeMillis
        yield* settleAt(id, outcome, end - at)
      })

    const startProbes = Effect.gen(function* () {
      speculated = yield* speculate(
        {
          config,
          http,
          shared,
          priorRequests: 0,
          prerequisite: () => undefined,
          awaitResult: () => Effect.succeed(Option.none()),
          awaitOthers: Effect.void
        },
        new Set(plan.runs.filter((id) => !plan.assumed.has(id))),
        scope
      )
    })

    return {
      startProbes,
      runAll: Effect.zipRight(
        Effect.forEach(plan.runs, runOne, { concurrency: "unbounded", discard: true }),
        probesDone
      ),
      results: Ref.get(board.results),
      started: Ref.get(board.started)
    }
  })
