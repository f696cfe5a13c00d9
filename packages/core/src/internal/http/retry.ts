/**
 * The retries of one request. An attempt whose outcome is worth another (a retryable transport failure,
 * a 5xx, a 429 whose `Retry-After` fits the deadline) fails with a {@link Retryable}; the request's
 * allowance (`retries`, none for a refresh-token redemption) decides whether it gets one, shared by
 * both kinds: after a back-off (`Effect.retry` with a bounded, jittered exponential `Schedule`), or, for a
 * 429, at once, the gate holding the next attempt until `Retry-After` has passed.
 */
import { Data, Duration, Effect, Schedule } from "effect"
import type { ArloResponse } from "../../ArloHttp.js"
import type { HttpFailure } from "./failure.js"

/** The first back-off; each next one doubles, each jittered to between half and one and a half times. */
export const BACKOFF_BASE_MS = 150

/** An outcome worth another attempt: what it records when retried, and what the request yields when not. */
export class Retryable extends Data.TaggedError("Retryable")<{
  /** `backoff`: after a delay of its own; `retry-after`: a 429, the gate does the waiting. */
  readonly kind: "backoff" | "retry-after"
  /** Records the attempt as retried (its exchange, the counters); runs before the wait. */
  readonly retried: Effect.Effect<void>
  /** Records the attempt as the last one and yields what it gave. */
  readonly givenUp: Effect.Effect<ArloResponse, HttpFailure>
}> {}

type Outcome = HttpFailure | Retryable

export interface Retries {
  /** One attempt, retried at once after a 429 whose wait the gate honours (bounded by the shared allowance). */
  readonly afterRateLimit: <A, R>(attempt: Effect.Effect<A, Outcome, R>) => Effect.Effect<A, Outcome, R>
  /** The attempts of a request, retried after a back-off; a retry not granted yields what the last attempt gave. */
  readonly withBackoff: <A, R>(
    attempts: Effect.Effect<A, Outcome, R>
  ) => Effect.Effect<A | ArloResponse, HttpFailure, R>
}

/**
 * The back-off: 150 ms, 300 ms, 600 ms… (the n-th back-off of the request, 429 retries not counted),
 * each times a factor drawn from [0.5, 1.5) and rounded to the millisecond; at most `allowance` of them,
 * and only while `grant` gives one. The jitter is drawn only for a retry that happens.
 */
export const backoff = (allowance: number, grant: (e: Outcome) => Effect.Effect<boolean>) =>
  Schedule.exponential(Duration.millis(BACKOFF_BASE_MS)).pipe(
    Schedule.intersect(Schedule.recurs(allowance)),
    Schedule.whileInputEffect(grant),
    Schedule.jitteredWith({ min: 0.5, max: 1.5 }),
    Schedule.modifyDelay((_, delay) => Duration.millis(Math.round(Duration.toMillis(delay))))
  )

/** The retries of a request allowed `allowance` of them. */
export const retries = (allowance: number): Retries => {
  let left = allowance
  const grant =
    (kind: Retryable["kind"]) =>
    (e: Outcome): Effect.Effect<boolean> =>
      Effect.suspend(() => {
        if (e._tag !== "Retryable" || e.kind !== kind || left <= 0) return Effect.succeed(false)
        left--
        return Effect.as(e.retried, true)
      })
  return {
    afterRateLimit: (attempt) => Effect.retry(attempt, { while: grant("retry-after") }),
    withBackoff: (attempts) =>
      Effect.retryOrElse(attempts, backoff(allowance, grant("backoff")), (e) =>
        e._tag === "Retryable" ? e.givenUp : Effect.fail(e)
      )
  }
}
