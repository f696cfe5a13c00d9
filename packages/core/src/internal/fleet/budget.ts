/**
 * The per-platform request budget of a fleet run: at most `limit` requests in any window (60 s by
 * default), shared by every target on the platform. A target is admitted with a reservation of the
 * requests it may send (its `maxRequests`), so that its own requests do not wait inside their
 * per-attempt timeout; the unused part returns when it ends. A request counts from its start until a
 * window after it ended, so that the server, which sees it somewhere in between, never counts more.
 * A 429 holds back the platform, and only it, until its Retry-After.
 */
import { HttpClient } from "@effect/platform"
import { Clock, Effect } from "effect"

type Answer = { readonly status: number; readonly headers: Readonly<Record<string, string>> }

interface Entry {
  /** When it ended, or `undefined` while in flight. */
  end: number | undefined
}

export interface PlatformBudget {
  /** Waits until `need` requests fit in the window, then reserves them; the reservation's handle. */
  readonly admit: (need: number) => Effect.Effect<Reservation>
}

export interface Reservation {
  /** `client` with every request counted against the platform (from this reservation while it lasts). */
  readonly wrap: (client: HttpClient.HttpClient) => HttpClient.HttpClient
  /** Returns what is left of the reservation. */
  readonly release: Effect.Effect<void>
}

/** Seconds or an HTTP date; capped at ten minutes. Without one, a second. */
const retryAfterMs = (header: string | undefined, now: number): number => {
  const cap = 600_000
  if (header === undefined) return 1000
  const s = header.trim()
  if (/^\d+$/.test(s)) return Math.min(Number(s) * 1000, cap)
  const at = Date.parse(s)
  return Number.isNaN(at) ? 1000 : Math.min(Math.max(at - now, 0), cap)
}

export const makePlatformBudget = (limit: number, windowMs: number): PlatformBudget => {
  const entries: Array<Entry> = []
  let reserved = 0
  let heldUntil = 0

  /** The time to wait before `need` fits (0: it fits now). Drops the entries out of the window. */
  const waitFor = (need: number, now: number): number => {
    if (heldUntil > now) return heldUntil - now
    let earliest = Number.POSITIVE_INFINITY
    for (let i = entries.length - 1; i >= 0; i--) {
      const end = entries[i]!.end
      if (end !== undefined && end <= now - windowMs) entries.splice(i, 1)
      else if (end !== undefined) earliest = Math.min(earliest, end + windowMs - now)
    }
    if (entries.length + reserved + need <= limit) return 0
    // In flight or reserved: look again soon (a request ends, a reservation returns).
    return Math.max(1, Math.min(earliest, 25))
  }

  /** Waits until `need` fits, then reserves it and calls `taken` in the same step (no interruption between). */
  const take = (need: number, taken: () => void): Effect.Effect<void> =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const wait = waitFor(need, now)
      if (wait === 0) {
        reserved += need
        taken()
        return Effect.void
      }
      return Effect.zipRight(Effect.sleep(wait), take(need, taken))
    })

  const onAnswer = (response: Answer) =>
    response.status === 429
      ? Effect.map(Clock.currentTimeMillis, (now) => {
          heldUntil = Math.max(heldUntil, now + retryAfterMs(response.headers["retry-after"], now))
        })
      : Effect.void

  const admit = (need: number): Effect.Effect<Reservation> => {
    let left = 0
    return Effect.map(
      take(need, () => {
        left = need
      }),
      () => {
        const holdBack = Effect.flatMap(Clock.currentTimeMillis, (now) =>
          heldUntil > now ? Effect.sleep(heldUntil - now) : Effect.void
        )
        // A unit of the reservation becomes an entry in one uninterruptible step; only the waits can be interrupted.
        const send = <A extends Answer, E, R>(effect: Effect.Effect<A, E, R>) =>
          Effect.uninterruptibleMask((restore) => {
            const go: Effect.Effect<A, E, R> = Effect.suspend(() => {
              if (left > 0) {
                left--
                reserved--
                const entry: Entry = { end: undefined }
                entries.push(entry)
                return restore(Effect.tap(effect, onAnswer)).pipe(
                  Effect.ensuring(
                    Effect.map(Clock.currentTimeMillis, (now) => {
                      entry.end = now
                    })
                  )
                )
              }
              return Effect.zipRight(
                restore(
                  take(1, () => {
                    left++
                  })
                ),
                go
              )
            })
            return go
          })
        const wrap = (client: HttpClient.HttpClient) =>
          HttpClient.transform(client, (effect) => Effect.zipRight(holdBack, send(effect)))
        const release = Effect.sync(() => {
          reserved -= left
          left = 0
        })
        return { wrap, release }
      }
    )
  }

  return { admit }
}
