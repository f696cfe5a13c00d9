/**
 * The apps audit over `node:http` (AuditHttpClient); the core's own tests and its Promise API use
 * `fetch`. The checks see only what the core's ArloHttp makes of an exchange, so ArloHttp must make the
 * same of every kind of answer and failure over both: this test sends the same requests, each with one
 * fault of the fault matrix, through both clients and compares the outcomes, which must also be the
 * expected ones (so that both cannot be wrong alike).
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { type ArloRequest, fromOptions, type HttpFailureCode, makeArloHttp } from "@arlo-ready/core"
import { type SimulatorHandle, startSimulator } from "@arlo-ready/simulator"
import { FetchHttpClient, type HttpClient } from "@effect/platform"
import { Effect, Either, type Layer, Redacted } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { AuditHttpClient } from "../src/Http.js"

const R = "/api/2012-02-01/auth/resources/"
/** Short, as a hang guard, yet long enough that a loaded machine never times a healthy answer out. */
const TIMEOUT_MS = 1_500

const transports: Record<string, Layer.Layer<HttpClient.HttpClient>> = {
  fetch: FetchHttpClient.layer,
  "node:http": AuditHttpClient
}

/** What the checks get to see of one request. */
type Outcome =
  | { readonly answered: number; readonly bytes: number; readonly attempts: ReadonlyArray<number | null> }
  | { readonly failed: HttpFailureCode; readonly attempts: ReadonlyArray<number | null> }

let sim: SimulatorHandle
let raw: http.Server
let rawUrl: string
let closedUrl: string

beforeAll(async () => {
  sim = await startSimulator({ scenario: "ready" })
  // A body larger than the cap, chunked (no content-length): the cap must stop the read itself.
  raw = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/xml" })
    const chunk = Buffer.alloc(64 * 1024, "a")
    let sent = 0
    const pump = () => {
      while (sent < 3 * 1024 * 1024 && !res.destroyed) {
        sent += chunk.length
        if (!res.write(chunk)) return void res.once("drain", pump)
      }
      res.end()
    }
    pump()
  })
  await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve))
  rawUrl = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`
  // A port nobody listens on.
  const probe = http.createServer()
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve))
  closedUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`
  await new Promise<void>((resolve) => probe.close(() => resolve()))
})

afterAll(async () => {
  await sim?.close()
  await new Promise<void>((resolve) => (raw ? raw.close(() => resolve()) : resolve()))
})

const send = async (
  layer: Layer.Layer<HttpClient.HttpClient>,
  baseUrl: string,
  req: (base: string) => ArloRequest
): Promise<Outcome> => {
  const a = sim.platforms.acme!.audit
  const config = Either.getOrThrow(
    fromOptions({
      baseUrl,
      username: a.username!,
      password: a.password!,
      clientId: a.clientId!,
      clientSecret: a.clientSecret!,
      redirectUri: a.redirectUri!,
      timeoutMs: TIMEOUT_MS,
      retries: 1,
      deadlineMs: 10_000
    })
  )
  return Effect.runPromise(
    Effect.gen(function* () {
      const service = yield* makeArloHttp(config, Date.now() + config.deadlineMs)
      const r = yield* Effect.either(service.request(req(baseUrl)))
      if (Either.isLeft(r)) return { failed: r.left.code, attempts: r.left.exchanges.map((x) => x.status) }
      return {
        answered: r.right.status,
        bytes: r.right.body.length,
        attempts: r.right.exchanges.map((x) => x.status)
      }
    }).pipe(Effect.provide(layer))
  )
}

const getRoot = (base: string): ArloRequest => ({ method: "GET", url: `${base}${R}`, auth: { _tag: "none" } })

interface Case {
  readonly name: string
  readonly fault?: Record<string, unknown>
  readonly target?: () => string
  readonly req?: (base: string) => ArloRequest
  readonly expected: Partial<Outcome> & ({ answered: number } | { failed: HttpFailureCode })
}

const cases: ReadonlyArray<Case> = [
  { name: "an answer", expected: { answered: 401 } },
  {
    name: "a HEAD request",
    req: (base) => ({ method: "HEAD", url: `${base}${R}`, auth: { _tag: "none" } }),
    expected: { answered: 401, bytes: 0 }
  },
  {
    name: "the token probe (a form body, client authentication)",
    req: (base) => {
      const a = sim.platforms.acme!.audit
      return {
        method: "POST",
        kind: "token-probe",
        url: `${base}/oauth/connect/token`,
        auth: { _tag: "client", clientId: a.clientId!, clientSecret: Redacted.make(a.clientSecret!) },
        accept: "application/json",
        form: [
          ["grant_type", "authorization_code"],
          ["code", "arlo-ready-invalid-code"],
          ["redirect_uri", a.redirectUri!]
        ]
      }
    },
    expected: { answered: 400 }
  },
  { name: "500, after the retries", fault: { status: 500 }, expected: { answered: 500, attempts: [500, 500] } },
  { name: "connection reset", fault: { reset: true }, expected: { failed: "connection_reset" } },
  { name: "truncated body", fault: { truncate: true }, expected: { failed: "connection_reset" } },
  {
    name: "latency beyond the timeout",
    fault: { latencyMs: 3 * TIMEOUT_MS },
    expected: { failed: "timeout", attempts: [null, null] }
  },
  {
    name: "a body that trickles past the timeout",
    fault: { trickleMs: 250, trickleBytes: 8 },
    expected: { failed: "timeout" }
  },
  {
    name: "oversized body (declared)",
    fault: { oversizeBytes: 3 * 1024 * 1024 },
    expected: { failed: "body_too_large" }
  },
  { name: "oversized body (chunked)", target: () => rawUrl, expected: { failed: "body_too_large" } },
  { name: "redirect loop", fault: { redirectLoop: true }, expected: { failed: "redirect_loop" } },
  { name: "429 beyond the deadline", fault: { status: 429, retryAfter: 30 }, expected: { failed: "rate_limited" } },
  { name: "an HTML page", fault: { html: true }, expected: { answered: 200 } },
  { name: "connection refused", target: () => closedUrl, expected: { failed: "connection_refused" } }
]

describe("ArloHttp reads node:http as it reads fetch", () => {
  for (const c of cases) {
    it(`${c.name}: the same outcome over both, the expected one`, async () => {
      sim.updatePlatform("acme", { faults: c.fault ? [{ match: c.req ? "/**" : R, ...c.fault } as never] : [] })
      const base = c.target?.() ?? sim.platforms.acme!.baseUrl
      const outcomes: Record<string, Outcome> = {}
      for (const [name, layer] of Object.entries(transports)) outcomes[name] = await send(layer, base, c.req ?? getRoot)
      expect(outcomes["node:http"]).toEqual(outcomes.fetch)
      expect(outcomes.fetch).toMatchObject(c.expected)
    })
  }
})
