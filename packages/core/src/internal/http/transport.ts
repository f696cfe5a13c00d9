/**
 * One attempt on the wire: the request as sent (user agent, accept, authorization, form body), the
 * answer's head and its body read up to the cap, all within the per-attempt timeout; transport errors
 * classified by the codes in their cause chain; where a redirect may lead.
 */
import { FetchHttpClient, type HttpClient, HttpClientRequest, type HttpClientResponse } from "@effect/platform"
import { Chunk, Duration, Effect, Encoding, Redacted, Stream } from "effect"
import type { ArloRequest } from "../../ArloHttp.js"
import type { AuditConfig } from "../../Config.js"
import { toolName, version } from "../version.js"
import type { AttemptFailure, TlsFailureKind } from "./failure.js"
import { classifyProxy } from "./proxyFailure.js"

/** Statuses worth another attempt after a back-off. */
export const retryableStatus = new Set([500, 502, 503, 504])
export const redirectStatus = new Set([301, 302, 303, 307, 308])
export const MAX_REDIRECTS = 5

/** What a 429 asks for: the wait (seconds) and whether it ends within the deadline. */
export interface RateLimitWait {
  readonly wait: number
  readonly fits: boolean
}

/** An answer, its header names in lower case, its body as text (at most the cap). */
export interface Answer {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: string
  /** For a 429: the wait it asks for and whether that wait ends within the deadline. */
  readonly limit?: RateLimitWait
}

const errorCodes = (e: unknown): Array<string> => {
  const out: Array<string> = []
  const seen = new Set<unknown>()
  const walk = (x: unknown, depth: number) => {
    if (x === null || typeof x !== "object" || seen.has(x) || depth > 6) return
    seen.add(x)
    const o = x as { code?: unknown; cause?: unknown; errors?: unknown; message?: unknown }
    // Node's and undici's codes only (they are echoed in messages): never free text.
    if (typeof o.code === "string" && /^[A-Z][A-Z0-9_]{0,63}$/.test(o.code)) out.push(o.code)
    if (typeof o.message === "string") {
      if (o.message === "bad port") out.push("BAD_PORT")
      // Node's words for a connection closed before the TLS handshake ended (its code is ECONNRESET).
      if (o.message.includes("before secure TLS connection was established")) out.push("TLS_HANDSHAKE_RESET")
      // node:https reports OpenSSL's reason inside EPROTO's message; undici names it ERR_SSL_<REASON>.
      const reason = o.code === "EPROTO" ? /SSL routines:[^:]*:([a-z0-9 ]{1,60})/.exec(o.message) : null
      if (reason?.[1]) out.push(`ERR_SSL_${reason[1].trim().toUpperCase().replace(/ +/g, "_")}`)
    }
    if (Array.isArray(o.errors)) for (const inner of o.errors) walk(inner, depth + 1)
    walk(o.cause, depth + 1)
  }
  walk(e, 0)
  return out
}

const isTlsCode = (c: string) =>
  c.startsWith("CERT_") ||
  c.startsWith("ERR_TLS") ||
  c.startsWith("ERR_SSL") ||
  c.startsWith("UNABLE_TO_") ||
  c === "DEPTH_ZERO_SELF_SIGNED_CERT" ||
  c === "SELF_SIGNED_CERT_IN_CHAIN" ||
  c === "HOSTNAME_MISMATCH" ||
  c === "TLS_HANDSHAKE_RESET"

const unknownIssuer = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "CERT_UNTRUSTED"
])

/** What went wrong in the handshake, by its first TLS code: the kind and a one-line message. */
const tlsFailure = (code: string): { readonly tls: TlsFailureKind; readonly message: string } => {
  if (code === "DEPTH_ZERO_SELF_SIGNED_CERT")
    return { tls: "unknown_issuer", message: `the certificate is self-signed (${code})` }
  if (code === "SELF_SIGNED_CERT_IN_CHAIN")
    return { tls: "unknown_issuer", message: `the certificate chain ends in a CA that is not trusted (${code})` }
  if (unknownIssuer.has(code))
    return { tls: "unknown_issuer", message: `the certificate is not signed by a trusted CA (${code})` }
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID" || code === "HOSTNAME_MISMATCH")
    return { tls: "hostname_mismatch", message: `the certificate is not for this host name (${code})` }
  if (code === "CERT_HAS_EXPIRED") return { tls: "expired", message: `the certificate has expired (${code})` }
  if (code === "CERT_NOT_YET_VALID")
    return { tls: "not_yet_valid", message: `the certificate is not yet valid (${code})` }
  if (code === "TLS_HANDSHAKE_RESET")
    return { tls: "handshake_refused", message: "the server closed the connection during the TLS handshake" }
  if (code === "ERR_SSL_WRONG_VERSION_NUMBER" || code === "ERR_SSL_PACKET_LENGTH_TOO_LONG")
    return { tls: "handshake_refused", message: `the server does not answer in TLS on this port (${code})` }
  if (code.startsWith("ERR_SSL_"))
    return { tls: "handshake_refused", message: `the server refused the TLS handshake (${code})` }
  return { tls: "other", message: `the TLS handshake failed (${code})` }
}

/** Classifies a transport error by the codes in its cause chain. */
export const classifyTransport = (e: unknown, phase: "connect" | "body"): AttemptFailure => {
  const codes = errorCodes(e)
  const has = (pred: (c: string) => boolean) => codes.some(pred)
  // A proxy's failure first: the codes under it (a refused connection) are the proxy's, not the platform's.
  const proxy = classifyProxy(codes)
  if (proxy) return proxy
  if (has((c) => c === "ENOTFOUND" || c === "EAI_NONAME" || c === "EAI_NODATA")) {
    return { code: "dns_not_found", message: "the host name does not resolve (DNS: not found)", retryable: false }
  }
  if (has((c) => c === "EAI_AGAIN")) {
    return { code: "network", message: "DNS lookup failed temporarily", retryable: true }
  }
  if (has((c) => c === "ECONNREFUSED")) {
    return { code: "connection_refused", message: "the connection was refused", retryable: false }
  }
  if (has(isTlsCode)) {
    // A certificate's verdict before OpenSSL's reason, and that before a reset in the handshake.
    const code =
      codes.find((c) => isTlsCode(c) && !c.startsWith("ERR_SSL_") && c !== "TLS_HANDSHAKE_RESET") ??
      codes.find((c) => c.startsWith("ERR_SSL_")) ??
      "TLS_HANDSHAKE_RESET"
    const { tls, message } = tlsFailure(code)
    // A reset in the handshake may pass on another attempt; a certificate or protocol verdict will not.
    return { code: "tls", message, retryable: code === "TLS_HANDSHAKE_RESET", tls }
  }
  if (has((c) => c === "ETIMEDOUT" || c === "UND_ERR_CONNECT_TIMEOUT" || c.endsWith("_TIMEOUT"))) {
    return { code: "timeout", message: "the connection timed out", retryable: true }
  }
  if (has((c) => c === "BAD_PORT")) {
    return { code: "network", message: "the port is one that HTTP clients refuse to use", retryable: false }
  }
  if (
    has((c) => c === "ECONNRESET" || c === "UND_ERR_SOCKET" || c === "EPIPE" || c === "UND_ERR_CLOSED") ||
    phase === "body"
  ) {
    return {
      code: "connection_reset",
      message:
        phase === "body"
          ? "the connection closed before the response body was complete"
          : "the connection was reset before a response arrived",
      retryable: true
    }
  }
  return {
    code: "network",
    message: `the request failed on the network${codes[0] ? ` (${codes[0]})` : ""}`,
    retryable: true
  }
}

const basicHeader = (user: string, secret: Redacted.Redacted<string>) =>
  `Basic ${Encoding.encodeBase64(`${user}:${Redacted.value(secret)}`)}`

/** The request as sent: secrets leave `Redacted` only here, in the authorization header and the form. */
const buildRequest = (req: ArloRequest, url: string) => {
  let r = HttpClientRequest.make(req.method)(url).pipe(
    HttpClientRequest.setHeader("user-agent", `${toolName}/${version}`),
    HttpClientRequest.setHeader("accept", req.accept ?? "application/xml")
  )
  const auth = req.auth
  if (auth._tag === "basic") {
    r = HttpClientRequest.setHeader(r, "authorization", basicHeader(auth.username, auth.password))
  } else if (auth._tag === "bearer") {
    r = HttpClientRequest.setHeader(r, "authorization", `Bearer ${Redacted.value(auth.token)}`)
  } else if (auth._tag === "client" && auth.clientSecret !== null) {
    r = HttpClientRequest.setHeader(r, "authorization", basicHeader(auth.clientId, auth.clientSecret))
  }
  if (req.form) {
    const body = req.form
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(Redacted.isRedacted(v) ? Redacted.value(v) : v)}`)
      .join("&")
    r = HttpClientRequest.bodyText(r, body, "application/x-www-form-urlencoded")
  }
  return r
}

const tooLarge = (message: string) => Effect.fail<AttemptFailure>({ code: "body_too_large", message, retryable: false })

/** The body as text; reading stops once it is past the cap (a declared length past it is not read at all). */
const readBody = (res: HttpClientResponse.HttpClientResponse, method: string, cap: number) =>
  Effect.gen(function* () {
    if (method === "HEAD") return ""
    const declared = Number(res.headers["content-length"])
    if (Number.isFinite(declared) && declared > cap) {
      return yield* tooLarge(`the response body (${declared} bytes) exceeds the ${cap}-byte cap`)
    }
    const acc = yield* res.stream.pipe(
      Stream.runFoldWhile(
        { chunks: Chunk.empty<Uint8Array>(), size: 0 },
        (s) => s.size <= cap,
        (s, c) => ({ chunks: Chunk.append(s.chunks, c), size: s.size + c.length })
      ),
      Effect.mapError((e) => classifyTransport(e.cause ?? e, "body"))
    )
    if (acc.size > cap) return yield* tooLarge(`the response body exceeds the ${cap}-byte cap; reading stopped`)
    const bytes = new Uint8Array(acc.size)
    let off = 0
    for (const c of acc.chunks) {
      bytes.set(c, off)
      off += c.length
    }
    return new TextDecoder("utf-8").decode(bytes)
  })

/**
 * One exchange within the per-attempt timeout: the request, the answer's head, then its body.
 * `onHead` runs as soon as the status is known, before the body is read (the 429 gate closes there).
 */
export const sendOnce = (
  client: HttpClient.HttpClient,
  config: Pick<AuditConfig, "timeoutMs" | "maxBodyBytes">,
  req: ArloRequest,
  url: string,
  onHead: (status: number, headers: Record<string, string>) => Effect.Effect<RateLimitWait | undefined>
): Effect.Effect<Answer, AttemptFailure> =>
  Effect.gen(function* () {
    const res = yield* client
      .execute(buildRequest(req, url))
      .pipe(Effect.mapError((e) => classifyTransport(e.cause ?? e, "connect")))
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(res.headers)) headers[k.toLowerCase()] = String(v)
    const limit = yield* onHead(res.status, headers)
    const body = yield* readBody(res, req.method, config.maxBodyBytes)
    return { status: res.status, headers, body, ...(limit ? { limit } : {}) } satisfies Answer
  }).pipe(
    // Redirects are the audit's to follow (or not): each hop is an exchange of its own.
    Effect.provideService(FetchHttpClient.RequestInit, { redirect: "manual" }),
    Effect.timeoutFail({
      duration: Duration.millis(config.timeoutMs),
      onTimeout: (): AttemptFailure => ({
        code: "timeout",
        message: `no complete response within ${config.timeoutMs} ms`,
        retryable: true
      })
    })
  )

/**
 * Where a redirect leads when it is to be followed: a 3xx with a Location on the same origin, for a
 * request that follows redirects and is not a POST.
 */
export const redirectTarget = (a: Answer, req: ArloRequest, url: string): URL | undefined => {
  const location = a.headers.location
  if (!redirectStatus.has(a.status) || location === undefined || (req.redirects ?? "follow") !== "follow") {
    return undefined
  }
  let next: URL
  try {
    next = new URL(location, url)
  } catch {
    return undefined
  }
  return next.origin === new URL(url).origin && req.method !== "POST" ? next : undefined
}
