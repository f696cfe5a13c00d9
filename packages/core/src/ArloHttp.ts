/**
 * `ArloHttp`: every request an audit makes goes through this one service over `HttpClient`, so the
 * safety rules live in one place: the read-only rule, the request budget, the concurrency cap, a
 * per-attempt timeout placed before a bounded jittered retry, `Retry-After` honoured only within the
 * deadline, a body size cap, redirect handling, and redacted evidence. It also counts what the report
 * shows: requests, retries and the peak number in flight. The parts live in `internal/http/`: the
 * transport, the evidence and its redaction, the 429 gate, the read-only rule, the counters, the retries.
 */
import { HttpClient } from "@effect/platform"
import { Context, Effect, Layer, type Redacted } from "effect"
import { type AuditConfig, isLoopbackHost } from "./Config.js"
import { makeEvidence } from "./internal/http/evidence.js"
import type { HttpFailure } from "./internal/http/failure.js"
import { makeRateGate } from "./internal/http/gate.js"
import { makeJournal } from "./internal/http/journal.js"
import { mayLeave, refused } from "./internal/http/readOnly.js"
import { makeSend } from "./internal/http/request.js"
import type { Door } from "./internal/untrusted.js"
import type { Exchange } from "./Report.js"

export { HttpFailure, type HttpFailureCode } from "./internal/http/failure.js"
export { parseRetryAfter } from "./internal/http/gate.js"
export { displayQuery, secretForms } from "./internal/http/redaction.js"
export { classifyTransport } from "./internal/http/transport.js"

/** How a request authenticates. Secrets stay `Redacted` until the header is built. */
export type Auth =
  | { readonly _tag: "none" }
  | { readonly _tag: "basic"; readonly username: string; readonly password: Redacted.Redacted<string> }
  | { readonly _tag: "bearer"; readonly token: Redacted.Redacted<string> }
  | { readonly _tag: "client"; readonly clientId: string; readonly clientSecret: Redacted.Redacted<string> | null }

/**
 * What a request is. Only `token-probe` (a token request with a deliberately invalid authorization
 * code), `token-refresh` (an opted-in refresh-token redemption) and a sign-in's `sign-in-exchange` (the
 * code its browser brought back) and `sign-in-revoke` (RFC 7009, of the tokens it was issued) may POST;
 * everything else is GET/HEAD.
 */
export type RequestKind = "read" | "token-probe" | "token-refresh" | "sign-in-exchange" | "sign-in-revoke"

export interface ArloRequest {
  readonly method: "GET" | "HEAD" | "POST"
  /**
   * Absolute URL, built by the audit from its config and from identifiers it validated (never from
   * unvalidated server text): its evidence path is shown as it is, not scrubbed.
   */
  readonly url: string
  readonly auth: Auth
  readonly kind?: RequestKind
  /** Default `application/xml`. */
  readonly accept?: string
  /** Form fields of a POST body. */
  readonly form?: ReadonlyArray<readonly [string, string | Redacted.Redacted<string>]>
  /** `follow` (default): same-origin redirects are followed (each hop counts); `manual`: the 3xx is returned. */
  readonly redirects?: "follow" | "manual"
}

export interface ArloResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  /** The body as text, at most the configured cap. */
  readonly body: string
  /** The URL that answered (after same-origin redirects). */
  readonly url: string
  /** Every attempt and redirect hop, redacted. The last one is this response. */
  readonly exchanges: ReadonlyArray<Exchange>
}

export interface RateLimitStats {
  /** 429 answers met. */
  readonly met: number
  /** 429 answers whose `Retry-After` was honoured within the deadline. */
  readonly honoured: number
  /** 429 answers whose `Retry-After` reached beyond the deadline. */
  readonly beyondDeadline: number
  /** The lowest remaining-quota figure any response reported, when one did. */
  readonly lowestRemaining: number | null
  readonly limit: number | null
  /** The 429 exchanges. */
  readonly exchanges: ReadonlyArray<Exchange>
}

export interface HttpStats {
  readonly requests: number
  readonly retries: number
  readonly peakInFlight: number
  readonly rateLimit: RateLimitStats
}

/** The service. */
export interface ArloHttpService {
  readonly request: (req: ArloRequest) => Effect.Effect<ArloResponse, HttpFailure>
  readonly stats: Effect.Effect<HttpStats>
  /**
   * A URL the server chose, for humans: relative to the target's origin, decoded, secret parameters and
   * the username masked, then through the door.
   */
  readonly display: (url: string) => string
  /**
   * Replaces any configured secret in a text where it stands (defence in depth for messages built from
   * foreign errors). Server text takes `untrusted` instead.
   */
  readonly scrub: (text: string) => string
  /** The one door for server text into a report: scrubbed of secrets, neutralised, capped. */
  readonly untrusted: Door
  /** The door for every string of a JSON-like value (a check's facts): arrays and object values; keys are ours. */
  readonly untrustedDeep: <A>(value: A) => A
  /** {@link credentialsWaitFor} the target: no credential leaves before the target answers like Arlo. */
  readonly credentialsWait: boolean
}

/**
 * Whether credentials wait for the target to answer like Arlo's Auth API before they are sent: for
 * every host but an https `*.arlo.co` one and loopback (`localhost`, 127.0.0.0/8, ::1). A base URL that
 * points somewhere else (a typo, a proxy, a custom domain) first gets only requests that carry no
 * secret (the anonymous root, the discovery document, the authorize endpoint with the client id); the
 * password, the client secret and any token leave once `target.reachable` has passed.
 */
export const credentialsWaitFor = (baseUrl: string): boolean => {
  let u: URL
  try {
    u = new URL(baseUrl)
  } catch {
    return true
  }
  const host = u.hostname.toLowerCase()
  if (isLoopbackHost(host)) return false
  return !(u.protocol === "https:" && host.endsWith(".arlo.co") && host.length > ".arlo.co".length)
}

/** The audit's HTTP service; `ArloHttp.layer` builds it for one audit (its config and its deadline). */
export class ArloHttp extends Context.Tag("@arlo-ready/core/ArloHttp")<ArloHttp, ArloHttpService>() {
  static readonly layer = (
    config: AuditConfig,
    deadlineAt: number
  ): Layer.Layer<ArloHttp, never, HttpClient.HttpClient> => Layer.effect(ArloHttp, makeArloHttp(config, deadlineAt))
}

const originOf = (baseUrl: string): string => {
  try {
    return new URL(baseUrl).origin
  } catch {
    return ""
  }
}

/** Builds the service for one audit. `deadlineAt` is the audit's deadline (epoch ms, on the `Clock`). */
export const makeArloHttp = (
  config: AuditConfig,
  deadlineAt: number
): Effect.Effect<ArloHttpService, never, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    const semaphore = yield* Effect.makeSemaphore(config.concurrency)
    const journal = yield* makeJournal(config.maxRequests)
    const gate = yield* makeRateGate(config, deadlineAt)
    const origin = originOf(config.baseUrl)
    const evidence = makeEvidence(config, origin)
    // The audit started a deadline's length before its deadline.
    const startedAt = deadlineAt - config.deadlineMs
    const send = makeSend({ config, client, semaphore, journal, gate, evidence, startedAt })
    const request = (req: ArloRequest): Effect.Effect<ArloResponse, HttpFailure> =>
      mayLeave(req, origin, config) ? send(req) : Effect.fail(refused(req, evidence.own(req.url)))
    const stats = Effect.gen(function* () {
      const c = yield* journal.counters
      const rateLimit = yield* gate.stats
      return { requests: c.requests, retries: c.retries, peakInFlight: c.peakInFlight, rateLimit }
    })
    return {
      request,
      stats,
      display: evidence.display,
      scrub: evidence.scrub,
      untrusted: evidence.untrusted,
      untrustedDeep: evidence.untrustedDeep,
      credentialsWait: credentialsWaitFor(config.baseUrl)
    } satisfies ArloHttpService
  })
