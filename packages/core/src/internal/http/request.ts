/**
 * One request of an audit, start to end: each attempt passes the 429 gate, takes a permit and one
 * request of the budget, and goes on the wire; its outcome is recorded as an exchange and decides what
 * comes next: the answer, a failure, a retry, or a redirect hop (same origin, at most five, no loop).
 */
import type { HttpClient } from "@effect/platform"
import { Clock, Effect, type Either, Option } from "effect"
import type { ArloRequest, ArloResponse } from "../../ArloHttp.js"
import type { AuditConfig } from "../../Config.js"
import type { Exchange } from "../../Report.js"
import { answered, type Evidence, unanswered } from "./evidence.js"
import { type AttemptFailure, HttpFailure } from "./failure.js"
import type { RateGate } from "./gate.js"
import type { Journal } from "./journal.js"
import { Retryable, retries } from "./retry.js"
import { type Answer, MAX_REDIRECTS, redirectTarget, retryableStatus, sendOnce } from "./transport.js"

/** What an audit's requests share. */
export interface Shared {
  readonly config: AuditConfig
  readonly client: HttpClient.HttpClient
  readonly semaphore: Effect.Semaphore
  readonly journal: Journal
  readonly gate: RateGate
  readonly evidence: Evidence
  /** When the audit started (epoch ms, on the `Clock`): an exchange's `startMs` counts from it. */
  readonly startedAt: number
}

/** When an attempt was sent (ms from the audit's start) and how long it took. */
interface Timing {
  readonly startMs: number
  readonly durationMs: number
}

/** Where a request stands: the URL it is at, the hops that led there, the exchanges so far. */
interface Progress {
  url: string
  hops: number
  readonly visited: Set<string>
  readonly exchanges: Array<Exchange>
}

type Sent =
  | { readonly _tag: "gated"; readonly wait: number }
  | { readonly _tag: "budget" }
  | { readonly _tag: "sent"; readonly outcome: Either.Either<Answer, AttemptFailure> }

/**
 * One attempt: the shared back-off, a permit, the budget, the exchange and the body (these two inside
 * the per-attempt timeout). A 429 closes the gate before the permit is released, so that no other
 * request can slip out first.
 */
const attempt = (s: Shared, req: ArloRequest, url: string): Effect.Effect<Sent> =>
  s.semaphore.withPermits(1)(
    Effect.gen(function* () {
      const gated = yield* s.gate.pass
      if (Option.isSome(gated)) return { _tag: "gated", wait: gated.value } as const
      if (!(yield* s.journal.take)) return { _tag: "budget" } as const
      const onHead = (status: number, headers: Record<string, string>) =>
        status === 429 ? s.gate.close(headers) : Effect.succeed(undefined)
      const outcome = yield* s.journal.inFlight(Effect.either(sendOnce(s.client, s.config, req, url, onHead)))
      return { _tag: "sent", outcome } as const
    })
  )

/** A transport failure: retried when it may pass on another attempt. */
const failed = (s: Shared, req: ArloRequest, p: Progress, path: string, t: Timing, f: AttemptFailure) => {
  const record = (note?: "retried") =>
    p.exchanges.push({ ...unanswered(req.method, path, t.durationMs, f.message, note), startMs: t.startMs })
  const failure = new HttpFailure({
    code: f.code,
    message: f.message,
    exchanges: p.exchanges,
    ...(f.tls ? { tls: f.tls } : {})
  })
  if (!f.retryable) {
    record()
    return Effect.fail(failure)
  }
  return Effect.fail(
    new Retryable({
      kind: "backoff",
      retried: Effect.zipRight(
        Effect.sync(() => record("retried")),
        s.journal.retried
      ),
      givenUp: Effect.suspend(() => {
        record()
        return Effect.fail(failure)
      })
    })
  )
}

/** A 429: retried once the gate has waited its Retry-After when that fits the deadline, else the end. */
const rateLimited = (s: Shared, p: Progress, a: Answer, record: (extra?: string) => Exchange) => {
  const { wait, fits } = a.limit ?? { wait: 60, fits: false }
  const stop = (why: string) =>
    Effect.suspend(() => s.gate.met(record(), false)).pipe(
      Effect.zipRight(
        Effect.fail(
          new HttpFailure({
            code: "rate_limited",
            message: `the platform's rate limit was reached (429) and Retry-After ${wait} s ${why}`,
            exchanges: p.exchanges
          })
        )
      )
    )
  if (!fits) return stop("reaches beyond the audit deadline")
  return Effect.fail(
    new Retryable({
      kind: "retry-after",
      retried: Effect.suspend(() => s.gate.met(record(`Retry-After ${wait} s honoured`), true)).pipe(
        Effect.zipRight(s.journal.retried)
      ),
      givenUp: stop("came too often")
    })
  )
}

/** An answer: the end of the request, a retry after a 429 or a 5xx, or a redirect hop. */
const answer = (s: Shared, req: ArloRequest, p: Progress, path: string, t: Timing, a: Answer) =>
  Effect.gen(function* () {
    yield* s.gate.observe(a.headers)
    const note = s.evidence.describe(a, p.url)
    const record = (extra?: string): Exchange => {
      const exchange = { ...answered(req.method, path, a.status, t.durationMs, note, extra), startMs: t.startMs }
      p.exchanges.push(exchange)
      return exchange
    }
    const response: ArloResponse = {
      status: a.status,
      headers: a.headers,
      body: a.body,
      url: p.url,
      exchanges: p.exchanges
    }
    if (a.status === 429) return yield* rateLimited(s, p, a, record)
    if (retryableStatus.has(a.status)) {
      return yield* new Retryable({
        kind: "backoff",
        retried: Effect.zipRight(
          Effect.sync(() => record("retried")),
          s.journal.retried
        ),
        givenUp: Effect.sync(() => {
          record()
          return response
        })
      })
    }
    const next = redirectTarget(a, req, p.url)
    if (next === undefined) {
      record()
      return response
    }
    p.visited.add(p.url)
    record()
    if (p.visited.has(next.href) || p.hops >= MAX_REDIRECTS) {
      return yield* new HttpFailure({
        code: "redirect_loop",
        message: `the platform redirects in a loop (${p.hops + 1} redirects from ${s.evidence.own(req.url)})`,
        exchanges: p.exchanges
      })
    }
    p.hops++
    p.url = next.href
    return "hop" as const
  })

/** One attempt at where the request stands, and what its outcome means. */
const once = (s: Shared, req: ArloRequest, p: Progress) =>
  Effect.gen(function* () {
    const started = yield* Clock.currentTimeMillis
    const sent = yield* attempt(s, req, p.url)
    const timing: Timing = { startMs: started - s.startedAt, durationMs: (yield* Clock.currentTimeMillis) - started }
    // The request's own URL is the audit's; after a redirect hop it is the server's.
    const path = p.hops === 0 ? s.evidence.own(p.url) : s.evidence.display(p.url)
    if (sent._tag === "budget") {
      return yield* new HttpFailure({
        code: "budget_exhausted",
        message: `the request budget of ${s.config.maxRequests} requests is spent; ${req.method} ${path} was not sent`,
        exchanges: p.exchanges
      })
    }
    if (sent._tag === "gated") {
      return yield* new HttpFailure({
        code: "rate_limited",
        message: `the platform's rate limit was reached (429) and Retry-After ${sent.wait} s reaches beyond the audit deadline; ${req.method} ${path} was not sent`,
        exchanges: p.exchanges
      })
    }
    if (sent.outcome._tag === "Left") return yield* failed(s, req, p, path, timing, sent.outcome.left)
    return yield* answer(s, req, p, path, timing, sent.outcome.right)
  })

/** Sends a request: its attempts with their retries, redirects followed. */
export const makeSend =
  (s: Shared) =>
  (req: ArloRequest): Effect.Effect<ArloResponse, HttpFailure> =>
    Effect.suspend(() => {
      const p: Progress = { url: req.url, hops: 0, visited: new Set(), exchanges: [] }
      const r = retries(req.kind === "token-refresh" || req.kind === "sign-in-exchange" ? 0 : s.config.retries)
      const hop = r.afterRateLimit(once(s, req, p))
      const follow = Effect.gen(function* () {
        for (;;) {
          const step = yield* hop
          if (step !== "hop") return step
        }
      })
      return r.withBackoff(follow)
    })
