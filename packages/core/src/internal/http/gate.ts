/**
 * The 429 gate of one audit: after a 429 no request leaves before its `Retry-After` has passed, and none
 * at all once a `Retry-After` reaches beyond the deadline; and the rate-limit figures the report shows.
 */
import { Clock, Duration, Effect, Option, Ref } from "effect"
import type { RateLimitStats } from "../../ArloHttp.js"
import type { AuditConfig } from "../../Config.js"
import type { Exchange } from "../../Report.js"
import type { RateLimitWait } from "./transport.js"

/** Seconds to wait from a `Retry-After` value (delta seconds or an HTTP date). */
export const parseRetryAfter = (value: string | undefined, now: number): number | null => {
  if (value === undefined) return null
  const v = value.trim()
  if (/^\d+$/.test(v)) return Number(v)
  const t = Date.parse(v)
  return Number.isNaN(t) ? null : Math.max(0, Math.ceil((t - now) / 1000))
}

/** The audit-wide back-off after a 429: no request is sent before `until`; none at all once `closed`. */
interface GateState {
  readonly until: number
  /** The Retry-After (seconds) of a 429 whose wait reaches beyond the deadline. */
  readonly closed: number | null
}

export interface RateGate {
  /**
   * Waits until the shared back-off has passed. `Some(wait)` when it never will within the deadline:
   * the request must then fail without touching the network.
   */
  readonly pass: Effect.Effect<Option.Option<number>>
  /** A 429 answered: every request of the audit waits for its Retry-After, or stops when it is beyond the deadline. */
  readonly close: (headers: Record<string, string>) => Effect.Effect<RateLimitWait>
  /** Notes the remaining-quota and limit figures an answer reports. */
  readonly observe: (headers: Record<string, string>) => Effect.Effect<void>
  /** A 429 met, its Retry-After honoured or not. */
  readonly met: (exchange: Exchange, honoured: boolean) => Effect.Effect<void>
  readonly stats: Effect.Effect<RateLimitStats>
}

const firstNumber = (headers: Record<string, string>, names: ReadonlyArray<string>): number | null => {
  for (const n of names) {
    const v = headers[n]
    if (v !== undefined && /^\s*\d+/.test(v)) return Number.parseInt(v, 10)
  }
  return null
}

/** The gate of an audit whose deadline is `deadlineAt` (epoch ms, on the `Clock`). */
export const makeRateGate = (config: Pick<AuditConfig, "timeoutMs">, deadlineAt: number): Effect.Effect<RateGate> =>
  Effect.gen(function* () {
    const gate = yield* Ref.make<GateState>({ until: 0, closed: null })
    const rate = yield* Ref.make<RateLimitStats>({
      met: 0,
      honoured: 0,
      beyondDeadline: 0,
      lowestRemaining: null,
      limit: null,
      exchanges: []
    })

    const pass: Effect.Effect<Option.Option<number>> = Effect.gen(function* () {
      for (;;) {
        const g = yield* Ref.get(gate)
        if (g.closed !== null) return Option.some(g.closed)
        const now = yield* Clock.currentTimeMillis
        if (g.until <= now) return Option.none()
        yield* Effect.sleep(Duration.millis(g.until - now))
      }
    })

    const close = (headers: Record<string, string>) =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const wait = parseRetryAfter(headers["retry-after"], now) ?? 60
        // The attempt after the wait needs time of its own before the deadline.
        const fits = now + wait * 1000 + Math.min(config.timeoutMs, 1000) < deadlineAt
        yield* Ref.update(gate, (g) =>
          fits ? { ...g, until: Math.max(g.until, now + wait * 1000) } : { ...g, closed: g.closed ?? wait }
        )
        return { wait, fits }
      })

    const observe = (headers: Record<string, string>) =>
      Ref.update(rate, (r) => {
        const remaining = firstNumber(headers, [
          "x-ratelimit-remaining",
          "ratelimit-remaining",
          "x-rate-limit-remaining"
        ])
        const limit = firstNumber(headers, ["x-ratelimit-limit", "ratelimit-limit", "x-rate-limit-limit"])
        return {
          ...r,
          lowestRemaining:
            remaining === null ? r.lowestRemaining : Math.min(remaining, r.lowestRemaining ?? Number.POSITIVE_INFINITY),
          limit: limit ?? r.limit
        }
      })

    const met = (exchange: Exchange, honoured: boolean) =>
      Ref.update(rate, (s) => ({
        ...s,
        met: s.met + 1,
        ...(honoured ? { honoured: s.honoured + 1 } : { beyondDeadline: s.beyondDeadline + 1 }),
        exchanges: [...s.exchanges, exchange]
      }))

    return { pass, close, observe, met, stats: Ref.get(rate) } satisfies RateGate
  })
