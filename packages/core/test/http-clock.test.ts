/**
 * ArloHttp's rules about time, on the TestClock: the back-off of a retry (its doubling, its jitter, what a
 * 429 does to it), `Retry-After` honoured within the deadline and not beyond it, the request budget. The
 * platform's HTTP is a scripted in-memory `HttpClient` here (these tests are about time, not the wire:
 * the wire is the simulator's, in every other test); nothing sleeps, no real time passes.
 */
import { HttpClient, HttpClientError, HttpClientResponse } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Clock, Effect, Either, Fiber, Layer, Option, Random, Redacted, TestClock } from "effect"
import { type ArloRequest, type ArloResponse, type HttpFailure, makeArloHttp } from "../src/ArloHttp.js"
import { type ConfigInput, fromOptions } from "../src/Config.js"

const BASE = "http://127.0.0.1:9/acme"
const ROOT = `${BASE}/api/2012-02-01/auth/resources/`
const get = (url = ROOT): ArloRequest => ({ method: "GET", url, auth: { _tag: "none" } })

/** One scripted answer: a status (with headers and a body), a reset, or no answer at all. */
interface Scripted {
  readonly status?: number
  readonly headers?: Record<string, string>
  /** Answers only after this long (on the clock). */
  readonly delayMs?: number
  /** Never answers: the attempt runs into its timeout. */
  readonly hang?: true
  /** The connection is reset before an answer. */
  readonly reset?: true
}

/** An `HttpClient` answering request n with `script[n]` (the last answer repeats), noting when each was sent. */
const scripted = (script: ReadonlyArray<Scripted>) => {
  const sent: Array<{ readonly at: number; readonly url: string }> = []
  const client = HttpClient.make((request) =>
    Effect.gen(function* () {
      const at = yield* Clock.currentTimeMillis
      const n = sent.push({ at, url: request.url })
      const a = script[Math.min(n, script.length) - 1]!
      if (a.delayMs !== undefined) yield* Effect.sleep(a.delayMs)
      if (a.hang) return yield* Effect.never
      if (a.reset) {
        const cause = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })
        return yield* new HttpClientError.RequestError({ request, reason: "Transport", cause })
      }
      return HttpClientResponse.fromWeb(
        request,
        new Response("", { status: a.status ?? 200, headers: a.headers ?? {} })
      )
    })
  )
  return { sent, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

const configOf = (options: Partial<ConfigInput>) =>
  Either.getOrThrow(fromOptions({ baseUrl: BASE, username: "api@acme.example", password: "pa55word-xyz", ...options }))

/** The service over a scripted wire; `deadlineAt` is on the TestClock, which starts at 0. */
const serviceOf = (script: ReadonlyArray<Scripted>, options: Partial<ConfigInput> = {}, deadlineAt = 60_000) =>
  Effect.gen(function* () {
    const wire = scripted(script)
    const http = yield* makeArloHttp(configOf(options), deadlineAt).pipe(Effect.provide(wire.layer))
    return { http, sent: wire.sent }
  })

/** Lets the forked requests run until one of them waits on the clock until `at`. */
const waitingUntil = (at: number) =>
  Effect.gen(function* () {
    for (let i = 0; i < 10_000; i++) {
      if (Chunk.some(yield* TestClock.sleeps(), (t) => t === at)) return
      yield* Effect.yieldNow()
    }
    return yield* Effect.dieMessage(`nothing waits until ${at} ms`)
  })

/** Moves the clock to `at` once something waits until then. */
const advanceTo = (at: number) =>
  Effect.gen(function* () {
    yield* waitingUntil(at)
    yield* TestClock.adjust(at - (yield* Clock.currentTimeMillis))
  })

const isRunning = <A, E>(fiber: Fiber.Fiber<A, E>) => Effect.map(Fiber.poll(fiber), Option.isNone)

const statusesAndNotes = (r: ArloResponse | HttpFailure) => r.exchanges.map((e) => [e.status, e.note])

describe("a retry waits as long as the back-off schedule says", () => {
  it.effect("a 503 then a 200: two attempts, one retry, the second 150 ms after the first", () =>
    Effect.gen(function* () {
      const { http, sent } = yield* serviceOf([{ status: 503 }, { status: 200 }])
      const fiber = yield* Effect.fork(http.request(get()))
      yield* waitingUntil(150)
      yield* TestClock.adjust(149)
      assert.isTrue(yield* isRunning(fiber))
      assert.strictEqual(sent.length, 1)
      yield* TestClock.adjust(1)
      const res = yield* Fiber.join(fiber)
      assert.strictEqual(res.status, 200)
      assert.deepStrictEqual(
        sent.map((s) => s.at),
        [0, 150]
      )
      assert.deepStrictEqual(statusesAndNotes(res), [
        [503, "retried"],
        [200, undefined]
      ])
      const stats = yield* http.stats
      assert.strictEqual(stats.requests, 2)
      assert.strictEqual(stats.retries, 1)
    }).pipe(Effect.withRandom(Random.fixed([0.5])))
  )

  for (const [random, waits] of [
    [0, [75, 150]],
    [0.5, [150, 300]],
    [0.75, [188, 375]]
  ] as const) {
    it.effect(
      `the back-off doubles, times 0.5 + ${random} (the jitter drawn), rounded: ${waits.join(" ms, ")} ms`,
      () =>
        Effect.gen(function* () {
          const { http, sent } = yield* serviceOf([{ status: 503 }])
          const fiber = yield* Effect.fork(http.request(get()))
          yield* advanceTo(waits[0])
          yield* advanceTo(waits[0] + waits[1])
          const res = yield* Fiber.join(fiber)
          // The allowance (two retries) spent, the last 503 is the answer.
          assert.strictEqual(res.status, 503)
          assert.deepStrictEqual(
            sent.map((s) => s.at),
            [0, waits[0], waits[0] + waits[1]]
          )
          assert.deepStrictEqual(statusesAndNotes(res), [
            [503, "retried"],
            [503, "retried"],
            [503, undefined]
          ])
          assert.strictEqual((yield* http.stats).retries, 2)
        }).pipe(Effect.withRandom(Random.fixed([random])))
    )
  }

  it.effect("a 429 between two 5xx takes a retry from the allowance but does not double the back-off", () =>
    Effect.gen(function* () {
      const { http, sent } = yield* serviceOf(
        [{ status: 503 }, { status: 429, headers: { "retry-after": "1" } }, { status: 503 }, { status: 200 }],
        { retries: 3 }
      )
      const fiber = yield* Effect.fork(http.request(get()))
      yield* advanceTo(150)
      yield* advanceTo(1_150)
      yield* advanceTo(1_450)
      const res = yield* Fiber.join(fiber)
      assert.strictEqual(res.status, 200)
      assert.deepStrictEqual(
        sent.map((s) => s.at),
        [0, 150, 1_150, 1_450]
      )
      assert.deepStrictEqual(
        res.exchanges.map((e) => e.note),
        ["retried", "Retry-After: 1; Retry-After 1 s honoured", "retried", undefined]
      )
      assert.strictEqual((yield* http.stats).retries, 3)
    }).pipe(Effect.withRandom(Random.fixed([0.5])))
  )

  it.effect("a reset connection is retried after the back-off", () =>
    Effect.gen(function* () {
      const { http, sent } = yield* serviceOf([{ reset: true }, { status: 200 }])
      const fiber = yield* Effect.fork(http.request(get()))
      yield* advanceTo(150)
      const res = yield* Fiber.join(fiber)
      assert.strictEqual(res.status, 200)
      assert.strictEqual(sent.length, 2)
      assert.deepStrictEqual(res.exchanges[0], {
        method: "GET",
        path: "/acme/api/2012-02-01/auth/resources/",
        status: null,
        durationMs: 0,
        error: "the connection was reset before a response arrived",
        note: "retried",
        startMs: 0
      })
      // The retry's exchange is placed on the timeline where it was sent: after the back-off.
      assert.strictEqual(res.exchanges[1]?.startMs, 150)
    }).pipe(Effect.withRandom(Random.fixed([0.5])))
  )

  it.effect("the timeout is per attempt and comes before the retry: no answer in 1000 ms, retried 150 ms later", () =>
    Effect.gen(function* () {
      const { http, sent } = yield* serviceOf([{ hang: true }, { status: 200 }], { timeoutMs: 1_000 })
      const fiber = yield* Effect.fork(http.request(get()))
      yield* advanceTo(1_000)
      yield* advanceTo(1_150)
      const res = yield* Fiber.join(fiber)
      assert.strictEqual(res.status, 200)
      assert.deepStrictEqual(
        sent.map((s) => s.at),
        [0, 1_150]
      )
      assert.deepStrictEqual(res.exchanges[0], {
        method: "GET",
        path: "/acme/api/2012-02-01/auth/resources/",
        status: null,
        durationMs: 1_000,
        error: "no complete response within 1000 ms",
        note: "retried",
        startMs: 0
      })
      assert.strictEqual(res.exchanges[1]?.startMs, 1_150)
    }).pipe(Effect.withRandom(Random.fixed([0.5])))
  )

  it.effect("a failure no attempt can mend (the body over the cap) is not retried", () =>
    Effect.gen(function* () {
      const { http, sent } = yield* serviceOf([{ status: 200, headers: { "content-length": String(2 * 1024 * 1024) } }])
      const r = yield* Effect.either(http.request(get()))
      assert.isTrue(Either.isLeft(r) && r.left.code === "body_too_large")
      assert.strictEqual(sent.length, 1)
      assert.strictEqual((yield* http.stats).retries, 0)
    })
  )

  it.effect("a refresh-token redemption is never retried: one attempt, its 503 is the answer", () =>
    Effect.gen(function* () {
      const { http, sent } = yield* serviceOf([{ status: 503 }], {
        clientId: "crm",
        clientSecret: "client-secret-xyz",
        redirectUri: "https://crm.example/callback",
        refreshToken: "refresh-token-xyz",
        allowRefresh: true
      })
      const res = yield* http.request({
        method: "POST",
        kind: "token-refresh",
        url: `${BASE}/oauth/connect/token`,
        auth: { _tag: "client", clientId: "crm", clientSecret: Redacted.make("client-secret-xyz") },
        form: [
          ["grant_type", "refresh_token"],
          ["refresh_token", Redacted.make("refresh-token-xyz")]
        ]
      })
      assert.strictEqual(res.status, 503)
      assert.strictEqual(sent.length, 1)
      assert.deepStrictEqual(statusesAndNotes(res), [[503, undefined]])
      assert.strictEqual((yield* http.stats).retries, 0)
    })
  )
})

describe("Retry-After", () => {
  it.effect("honoured within the deadline: no request of the audit leaves before it has passed, then the retry", () =>
    Effect.gen(function* () {
      const { http, sent } = yield* serviceOf([{ status: 429, headers: { "retry-after": "2" } }, { status: 200 }])
      const first = yield* Effect.fork(http.request(get()))
      yield* waitingUntil(2_000)
      // Another request of the audit, started during the wait, waits at the same gate.
      const other = yield* Effect.fork(http.request(get(`${BASE}/api/2012-02-01/auth/resources/contacts/`)))
      yield* TestClock.adjust(1_999)
      assert.strictEqual(sent.length, 1)
      assert.isTrue(yield* isRunning(first))
      assert.isTrue(yield* isRunning(other))
      yield* TestClock.adjust(1)
      const res = yield* Fiber.join(first)
      assert.strictEqual((yield* Fiber.join(other)).status, 200)
      assert.strictEqual(res.status, 200)
      assert.deepStrictEqual(
        sent.map((s) => s.at),
        [0, 2_000, 2_000]
      )
      assert.match(res.exchanges[0]?.note ?? "", /Retry-After 2 s honoured/)
      const stats = yield* http.stats
      assert.strictEqual(stats.retries, 1)
      assert.deepStrictEqual([stats.rateLimit.met, stats.rateLimit.honoured, stats.rateLimit.beyondDeadline], [1, 1, 0])
      assert.strictEqual(stats.rateLimit.exchanges.length, 1)
    })
  )

  it.effect("as an HTTP date: the seconds until then", () =>
    Effect.gen(function* () {
      const when = new Date(3_000).toUTCString()
      const { http, sent } = yield* serviceOf([{ status: 429, headers: { "retry-after": when } }, { status: 200 }])
      const fiber = yield* Effect.fork(http.request(get()))
      yield* advanceTo(3_000)
      const res = yield* Fiber.join(fiber)
      assert.strictEqual(res.status, 200)
      assert.deepStrictEqual(
        sent.map((s) => s.at),
        [0, 3_000]
      )
      assert.match(res.exchanges[0]?.note ?? "", /Retry-After 3 s honoured/)
    })
  )

  it.effect("beyond the deadline: no wait, the request fails at once, and every later one without being sent", () =>
    Effect.gen(function* () {
      const { http, sent } = yield* serviceOf([{ status: 429, headers: { "retry-after": "30" } }], {}, 10_000)
      const r = yield* Effect.flip(http.request(get()))
      assert.strictEqual(r.code, "rate_limited")
      assert.match(r.message, /Retry-After 30 s reaches beyond the audit deadline$/)
      assert.deepStrictEqual(statusesAndNotes(r), [[429, "Retry-After: 30"]])
      assert.strictEqual(yield* Clock.currentTimeMillis, 0)
      const later = yield* Effect.flip(http.request(get(`${BASE}/api/2012-02-01/auth/resources/contacts/`)))
      assert.strictEqual(later.code, "rate_limited")
      assert.match(later.message, /Retry-After 30 s reaches beyond the audit deadline; GET .* was not sent$/)
      assert.deepStrictEqual(later.exchanges, [])
      assert.strictEqual(sent.length, 1)
      const stats = yield* http.stats
      assert.deepStrictEqual([stats.rateLimit.met, stats.rateLimit.honoured, stats.rateLimit.beyondDeadline], [1, 0, 1])
      assert.strictEqual(stats.retries, 0)
    })
  )

  it.effect("no retry left to honour it with: the request ends there", () =>
    Effect.gen(function* () {
      const { http, sent } = yield* serviceOf([{ status: 429, headers: { "retry-after": "1" } }], { retries: 0 })
      const r = yield* Effect.flip(http.request(get()))
      assert.strictEqual(r.code, "rate_limited")
      assert.match(r.message, /Retry-After 1 s came too often$/)
      assert.strictEqual(sent.length, 1)
      assert.strictEqual((yield* http.stats).rateLimit.honoured, 0)
    })
  )
})

describe("the deadline", () => {
  // Honoured when the wait and then one attempt (its timeout, at most a second) end before the deadline.
  for (const [retryAfter, timeoutMs, honoured] of [
    [8, 1_000, true],
    [9, 1_000, false],
    [9, 500, true],
    [9, 5_000, false]
  ] as const) {
    it.effect(
      `Retry-After ${retryAfter} s, a ${timeoutMs} ms timeout, the deadline at 10 s: ${honoured ? "honoured" : "not waited for"}`,
      () =>
        Effect.gen(function* () {
          const { http, sent } = yield* serviceOf(
            [{ status: 429, headers: { "retry-after": String(retryAfter) } }, { status: 200 }],
            { timeoutMs },
            10_000
          )
          const fiber = yield* Effect.fork(Effect.either(http.request(get())))
          if (honoured) yield* advanceTo(retryAfter * 1_000)
          const r = yield* Fiber.join(fiber)
          assert.strictEqual(Either.isRight(r) && r.right.status === 200, honoured)
          assert.deepStrictEqual(
            sent.map((s) => s.at),
            honoured ? [0, retryAfter * 1_000] : [0]
          )
        })
    )
  }

  it.effect("a gate closed beyond the deadline stops the requests already waiting at it", () =>
    Effect.gen(function* () {
      const { http, sent } = yield* serviceOf(
        [
          { status: 429, headers: { "retry-after": "30" }, delayMs: 500 },
          { status: 429, headers: { "retry-after": "2" } }
        ],
        { timeoutMs: 1_000 },
        10_000
      )
      // The slow one is sent first; the other's 429 (2 s, within the deadline) closes the gate until 2 s.
      const slow = yield* Effect.fork(Effect.flip(http.request(get(`${BASE}/api/2012-02-01/auth/resources/contacts/`))))
      yield* waitingUntil(500)
      const waiting = yield* Effect.fork(Effect.flip(http.request(get())))
      yield* waitingUntil(2_000)
      // At 500 ms the slow one's 429 asks for 30 s: beyond the deadline, the gate stays closed.
      yield* TestClock.adjust(500)
      assert.match((yield* Fiber.join(slow)).message, /Retry-After 30 s reaches beyond the audit deadline$/)
      yield* TestClock.adjust(1_500)
      const r = yield* Fiber.join(waiting)
      assert.strictEqual(r.code, "rate_limited")
      assert.match(r.message, /Retry-After 30 s reaches beyond the audit deadline; GET .* was not sent$/)
      assert.deepStrictEqual(statusesAndNotes(r), [[429, "Retry-After: 2; Retry-After 2 s honoured"]])
      assert.strictEqual(sent.length, 2)
    })
  )
})

describe("the request budget", () => {
  it.effect("every attempt counts: two 503s spend a budget of two, the retry is not sent", () =>
    Effect.gen(function* () {
      const { http, sent } = yield* serviceOf([{ status: 503 }], { maxRequests: 2 })
      const fiber = yield* Effect.fork(Effect.flip(http.request(get())))
      yield* advanceTo(150)
      yield* advanceTo(450)
      const r = yield* Fiber.join(fiber)
      assert.strictEqual(r.code, "budget_exhausted")
      assert.match(r.message, /^the request budget of 2 requests is spent; GET .* was not sent$/)
      assert.deepStrictEqual(statusesAndNotes(r), [
        [503, "retried"],
        [503, "retried"]
      ])
      assert.strictEqual(sent.length, 2)
      // Spent for the audit: the next request is not sent either, and waits for nothing.
      const next = yield* Effect.flip(http.request(get()))
      assert.strictEqual(next.code, "budget_exhausted")
      assert.deepStrictEqual(next.exchanges, [])
      assert.strictEqual(sent.length, 2)
      const stats = yield* http.stats
      assert.strictEqual(stats.requests, 2)
      assert.strictEqual(stats.retries, 2)
    }).pipe(Effect.withRandom(Random.fixed([0.5])))
  )
})
