/**
 * The counters of one audit's requests: the budget (every attempt counts, retries and redirect hops
 * included), the retries, and how many were in flight at once.
 */
import { Effect, Ref } from "effect"

export interface Counters {
  readonly requests: number
  readonly retries: number
  readonly inFlight: number
  readonly peakInFlight: number
}

export interface Journal {
  /** Takes one request from the budget; `false` when it is spent (nothing is taken then). */
  readonly take: Effect.Effect<boolean>
  /** Counts one retry. */
  readonly retried: Effect.Effect<void>
  /** Runs an exchange counted as in flight while it runs. */
  readonly inFlight: <A, E, R>(exchange: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  readonly counters: Effect.Effect<Counters>
}

export const makeJournal = (maxRequests: number): Effect.Effect<Journal> =>
  Effect.map(Ref.make<Counters>({ requests: 0, retries: 0, inFlight: 0, peakInFlight: 0 }), (counters) => ({
    take: Ref.modify(counters, (c) =>
      c.requests >= maxRequests ? [false, c] : [true, { ...c, requests: c.requests + 1 }]
    ),
    retried: Ref.update(counters, (c) => ({ ...c, retries: c.retries + 1 })),
    inFlight: (exchange) =>
      Effect.acquireUseRelease(
        Ref.update(counters, (c) => ({
          ...c,
          inFlight: c.inFlight + 1,
          peakInFlight: Math.max(c.peakInFlight, c.inFlight + 1)
        })),
        () => exchange,
        () => Ref.update(counters, (c) => ({ ...c, inFlight: c.inFlight - 1 }))
      ),
    counters: Ref.get(counters)
  }))
