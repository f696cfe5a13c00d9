/**
 * Faults: which rules a platform request matches, and the answer they make of it.
 *
 * Faults that must break HTTP itself (reset, truncate, trickle, oversize) write to the Node
 * `ServerResponse` behind the Effect request (`NodeHttpServerRequest.toServerResponse`); the Effect
 * server skips a response that was already ended, and a destroyed socket interrupts the request fiber.
 */
import type * as Http from "node:http"
import { type HttpServerRequest, HttpServerResponse } from "@effect/platform"
import * as NodeHttpServerRequest from "@effect/platform-node/NodeHttpServerRequest"
import { Effect } from "effect"
import { toResponse } from "./Http.js"
import { apiException, codeFor, html, type Reply, XML, XML_DECL } from "./Reply.js"
import type { PlatformState } from "./State.js"

/** What the rules a request matches add up to. */
interface Active {
  latencyMs: number
  status?: number
  retryAfter?: number
  reset?: boolean
  truncate?: boolean
  malformedXml?: boolean
  html?: boolean
  trickleMs?: number
  trickleBytes?: number
  redirectLoop?: boolean
  oversizeBytes?: number
}

/** The faults of `p` that affect this request (counting it against every matching rule); `undefined`: none. */
export const selectFaults = (p: PlatformState, method: string, rel: string): Active | undefined => {
  let active: Active | undefined
  for (const f of p.faults) {
    const r = f.rule
    if (r.method !== undefined && r.method.toUpperCase() !== method) continue
    if (!f.pattern.test(rel)) continue
    f.matched++
    if (f.matched <= r.after) continue
    if (r.times !== undefined && f.affected >= r.times) continue
    f.affected++
    const a: Active = active ?? { latencyMs: 0 }
    a.latencyMs += (r.latencyMs ?? 0) + (r.jitterMs ? p.rng.int(0, r.jitterMs) : 0)
    for (const k of ["status", "retryAfter", "trickleMs", "trickleBytes", "oversizeBytes"] as const) {
      if (r[k] !== undefined) a[k] = r[k]
    }
    for (const k of ["reset", "truncate", "malformedXml", "html", "redirectLoop"] as const) {
      if (r[k] === true) a[k] = true
    }
    active = a
  }
  return active
}

/** The journal's name for the effects applied, e.g. `latency+status`. */
const faultName = (a: Active): string => {
  const parts: Array<string> = []
  if (a.latencyMs > 0) parts.push("latency")
  for (const k of [
    "reset",
    "status",
    "redirectLoop",
    "html",
    "malformedXml",
    "oversizeBytes",
    "truncate",
    "trickleMs"
  ] as const) {
    if (a[k] !== undefined && a[k] !== false) parts.push(k)
  }
  return parts.join("+")
}

/** The answer a fault makes instead of the normal one; `undefined`: the normal answer. */
const faultReply = (a: Active, pathWithQuery: string): Reply | undefined => {
  if (a.status !== undefined) {
    return apiException(
      a.status,
      codeFor(a.status),
      `Simulated fault: ${a.status}.`,
      a.retryAfter === undefined ? {} : { "retry-after": String(a.retryAfter) }
    )
  }
  if (a.redirectLoop) {
    return { status: 302, headers: { location: pathWithQuery, "content-type": XML }, body: "" }
  }
  if (a.html) {
    return html(
      200,
      "<!DOCTYPE html>\n<html><head><title>Service maintenance</title></head><body><h1>We'll be back soon</h1><p>The platform is undergoing maintenance.</p></body></html>\n"
    )
  }
  if (a.malformedXml) {
    return {
      status: 200,
      headers: { "content-type": XML },
      body: `${XML_DECL}<Events>\n  <Link rel="self" type="application/xml" href="broken>\n  <Event><EventID>1</Event>\n`
    }
  }
  return undefined
}

/** Sleeps `ms` milliseconds; no timer at all for 0. */
export const sleep = (ms: number) => (ms > 0 ? Effect.sleep(ms) : Effect.void)

const writeChunk = (res: Http.ServerResponse, chunk: Uint8Array | string) =>
  Effect.async<void>((resume) => {
    if (res.destroyed) return resume(Effect.void)
    res.write(chunk, () => resume(Effect.void))
  })

const oversize = (res: Http.ServerResponse, bytes: number, isHead: boolean) =>
  Effect.gen(function* () {
    res.writeHead(200, { "content-type": XML, "content-length": String(bytes) })
    if (isHead) {
      res.end()
      return
    }
    const open = "<Events>"
    const close = "</Events>"
    const chunkSize = 64 * 1024
    let remaining = bytes
    const head = open.slice(0, Math.min(open.length, remaining))
    yield* writeChunk(res, head)
    remaining -= head.length
    const filler = " ".repeat(chunkSize)
    while (remaining > close.length && !res.destroyed) {
      const n = Math.min(chunkSize, remaining - close.length)
      yield* writeChunk(res, n === chunkSize ? filler : filler.slice(0, n))
      remaining -= n
    }
    if (!res.destroyed) res.end(close.slice(close.length - remaining))
  })

const bodyBytes = (response: HttpServerResponse.HttpServerResponse): Uint8Array => {
  const body = response.body
  if (body._tag === "Uint8Array") return body.body
  return new Uint8Array()
}

const rawHeaders = (response: HttpServerResponse.HttpServerResponse, length: number) => {
  const headers: Record<string, string> = { ...response.headers }
  const body = response.body
  if (body._tag === "Uint8Array" && headers["content-type"] === undefined) headers["content-type"] = body.contentType
  headers["content-length"] = String(length)
  return headers
}

/** Writes `response` with the full `Content-Length`, then half the body (`truncate`) or the body in slow chunks. */
const writeBroken = (
  res: Http.ServerResponse,
  response: HttpServerResponse.HttpServerResponse,
  a: Active,
  isHead: boolean
) =>
  Effect.gen(function* () {
    const bytes = bodyBytes(response)
    res.writeHead(response.status, rawHeaders(response, bytes.length))
    if (isHead) {
      res.end()
      return response
    }
    if (a.truncate) {
      yield* writeChunk(res, bytes.subarray(0, Math.floor(bytes.length / 2)))
      res.socket?.destroy()
      return yield* Effect.interrupt
    }
    const size = a.trickleBytes ?? 64
    for (let i = 0; i < bytes.length && !res.destroyed; i += size) {
      if (i > 0) yield* sleep(a.trickleMs ?? 0)
      yield* writeChunk(res, bytes.subarray(i, i + size))
    }
    if (res.destroyed) return yield* Effect.interrupt
    res.end()
    return response
  })

/** A request the faults selected, as the per-request wrapper hands it over. */
interface Faulted<E, R> {
  readonly req: HttpServerRequest.HttpServerRequest
  /** The request's path under the server, with its query string (where a redirect loop points). */
  readonly pathWithQuery: string
  /** Journals the request (once). */
  readonly record: (status: number, fault?: string) => void
  /** The normal answer. */
  readonly answer: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>
}

/**
 * Answers a request the faults selected: their latency, then a reset, an oversize body, a fault's own
 * answer or the normal one, truncated or trickled.
 */
export const applyFaults = <E, R>(a: Active, { req, pathWithQuery, record, answer }: Faulted<E, R>) =>
  Effect.gen(function* () {
    const name = faultName(a)
    const isHead = req.method === "HEAD"
    yield* sleep(a.latencyMs)
    const res = NodeHttpServerRequest.toServerResponse(req)
    if (a.reset) {
      record(0, name)
      res.socket?.destroy()
      return yield* Effect.interrupt
    }
    if (a.oversizeBytes !== undefined && a.status === undefined) {
      record(200, name)
      yield* oversize(res, a.oversizeBytes, isHead)
      if (res.destroyed && !res.writableEnded) return yield* Effect.interrupt
      return HttpServerResponse.empty()
    }
    const direct = faultReply(a, pathWithQuery)
    const response = direct !== undefined ? toResponse(direct) : yield* answer
    record(response.status, name)
    if (!a.truncate && a.trickleMs === undefined) return response
    return yield* writeBroken(res, response, a, isHead)
  })
