/**
 * `ArloHttp`: every request an audit makes goes through this one service over `HttpClient`, so the
 * safety rules live in one place: the read-only rule, the request budget, the concurrency cap, a
 * per-attempt timeout placed before a bounded jittered retry, `Retry-After` honoured only within the
 * deadline, a body size cap, redirect handling, and redacted evidence. It also counts what the report
 * shows: requests, retries and the peak number in flight.
 */
import { FetchHttpClient, HttpClient, HttpClientRequest, type HttpClientResponse } from "@effect/platform"
import {
  Chunk,
  Clock,
  Context,
  Data,
  Duration,
  Effect,
  Encoding,
  Layer,
  Option,
  Random,
  Redacted,
  Ref,
  Stream
} from "effect"
import { type AuditConfig, isLoopbackHost, maskedHint } from "./Config.js"
import { withoutUserinfo } from "./internal/echo.js"
import { type Door, makeScrubber, neutralise, throughDoor } from "./internal/untrusted.js"
import { toolName, version } from "./internal/version.js"
import type { Exchange } from "./Report.js"
import { apiException, parseXml } from "./Xml.js"

/** How a request authenticates. Secrets stay `Redacted` until the header is built. */
export type Auth =
  | { readonly _tag: "none" }
  | { readonly _tag: "basic"; readonly username: string; readonly password: Redacted.Redacted<string> }
  | { readonly _tag: "bearer"; readonly token: Redacted.Redacted<string> }
  | { readonly _tag: "client"; readonly clientId: string; readonly clientSecret: Redacted.Redacted<string> | null }

/**
 * What a request is. Only `token-probe` (a token request with a deliberately invalid authorization
 * code) and `token-refresh` (an opted-in refresh-token redemption) may POST; everything else is GET/HEAD.
 */
export type RequestKind = "read" | "token-probe" | "token-refresh"

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

/** Why a request produced no usable response. */
export type HttpFailureCode =
  | "timeout"
  | "connection_reset"
  | "connection_refused"
  | "dns_not_found"
  | "tls"
  | "network"
  | "body_too_large"
  | "redirect_loop"
  | "budget_exhausted"
  | "rate_limited"
  | "read_only"

export class HttpFailure extends Data.TaggedError("HttpFailure")<{
  readonly code: HttpFailureCode
  /** Secret-free, one line. */
  readonly message: string
  readonly exchanges: ReadonlyArray<Exchange>
}> {}

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

/** Query parameters whose values never appear in evidence. */
const secretParams = new Set([
  "password",
  "client_secret",
  "code",
  "refresh_token",
  "access_token",
  "token",
  "id_token",
  "secret",
  "api_key"
])

const retryableStatus = new Set([500, 502, 503, 504])
const redirectStatus = new Set([301, 302, 303, 307, 308])
const MAX_REDIRECTS = 5
const BACKOFF_BASE_MS = 150
const NOTE_MAX = 160

const tokenPath = "/oauth/connect/token"

interface Attempt {
  readonly kind: "response"
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: string
  /** For a 429: the wait it asks for and whether that wait ends within the deadline. */
  readonly limit?: { readonly wait: number; readonly fits: boolean }
}

/** The audit-wide back-off after a 429: no request is sent before `until`; none at all once `closed`. */
interface Gate {
  readonly until: number
  /** The Retry-After (seconds) of a 429 whose wait reaches beyond the deadline. */
  readonly closed: number | null
}

interface AttemptFailure {
  readonly code: HttpFailureCode
  readonly message: string
  readonly retryable: boolean
}

const safeDecode = (s: string): string => {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "))
  } catch {
    return s
  }
}

const decodePath = (s: string): string => {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/** Renders a query for humans, secret values replaced by REDACTED (and other values through `mask`). */
export const displayQuery = (search: string, mask: (value: string) => string = (v) => v): string => {
  if (search === "" || search === "?") return ""
  const pairs = search
    .replace(/^\?/, "")
    .split("&")
    .filter((p) => p !== "")
    .map((p) => {
      const eq = p.indexOf("=")
      return {
        k: safeDecode(eq === -1 ? p : p.slice(0, eq)),
        v: eq === -1 ? undefined : safeDecode(p.slice(eq + 1))
      }
    })
  const isSecret = (k: string) => secretParams.has(k.toLowerCase())
  // A secret parameter's value is hidden under any other name it also stands under.
  const hidden = new Set(pairs.flatMap(({ k, v }) => (isSecret(k) && v !== undefined && v !== "" ? [v] : [])))
  const parts = pairs.map(({ k, v }) =>
    isSecret(k) ? `${k}=REDACTED` : v === undefined ? k : `${k}=${hidden.has(v) ? "REDACTED" : mask(v)}`
  )
  return parts.length === 0 ? "" : `?${parts.join("&")}`
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
    if (typeof o.message === "string" && o.message === "bad port") out.push("BAD_PORT")
    if (Array.isArray(o.errors)) for (const inner of o.errors) walk(inner, depth + 1)
    walk(o.cause, depth + 1)
  }
  walk(e, 0)
  return out
}

/** Classifies a transport error by the codes in its cause chain. */
export const classifyTransport = (e: unknown, phase: "connect" | "body"): AttemptFailure => {
  const codes = errorCodes(e)
  const has = (pred: (c: string) => boolean) => codes.some(pred)
  if (has((c) => c === "ENOTFOUND" || c === "EAI_NONAME" || c === "EAI_NODATA")) {
    return { code: "dns_not_found", message: "the host name does not resolve (DNS: not found)", retryable: false }
  }
  if (has((c) => c === "EAI_AGAIN")) {
    return { code: "network", message: "DNS lookup failed temporarily", retryable: true }
  }
  if (has((c) => c === "ECONNREFUSED")) {
    return { code: "connection_refused", message: "the connection was refused", retryable: false }
  }
  if (
    has(
      (c) =>
        c.startsWith("CERT_") ||
        c.startsWith("ERR_TLS") ||
        c.startsWith("ERR_SSL") ||
        c.startsWith("UNABLE_TO_") ||
        c === "DEPTH_ZERO_SELF_SIGNED_CERT" ||
        c === "SELF_SIGNED_CERT_IN_CHAIN" ||
        c === "HOSTNAME_MISMATCH"
    )
  ) {
    const code = codes.find((c) => /CERT|TLS|SSL|UNABLE_TO|HOSTNAME/.test(c))
    return { code: "tls", message: `the TLS handshake failed (${code})`, retryable: false }
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

/** Seconds to wait from a `Retry-After` value (delta seconds or an HTTP date). */
export const parseRetryAfter = (value: string | undefined, now: number): number | null => {
  if (value === undefined) return null
  const v = value.trim()
  if (/^\d+$/.test(v)) return Number(v)
  const t = Date.parse(v)
  return Number.isNaN(t) ? null : Math.max(0, Math.ceil((t - now) / 1000))
}

const clip = (s: string) => {
  if (s.length <= NOTE_MAX) return s
  const cut = /[\uD800-\uDBFF]/.test(s.charAt(NOTE_MAX - 2)) ? NOTE_MAX - 2 : NOTE_MAX - 1
  return `${s.slice(0, cut)}…`
}

const firstNumber = (headers: Record<string, string>, names: ReadonlyArray<string>): number | null => {
  for (const n of names) {
    const v = headers[n]
    if (v !== undefined && /^\s*\d+/.test(v)) return Number.parseInt(v, 10)
  }
  return null
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")

/** The ways a value is URL-encoded: `encodeURIComponent`, with `+` for spaces, as a form does, as a path does. */
const urlEncodings = (v: string): Array<string> => {
  const uri = encodeURIComponent(v)
  return [uri, uri.replace(/%20/g, "+"), new URLSearchParams([["x", v]]).toString().slice(2), encodeURI(v)]
}

/** Base64 (standard and URL-safe, padded and not) of some bytes. */
const base64s = (bytes: Uint8Array): Array<string> => {
  const std = Encoding.encodeBase64(bytes)
  const bare = std.replace(/=+$/, "")
  const url = bare.replace(/\+/g, "-").replace(/\//g, "_")
  return [std, bare, url, `${url}${std.slice(bare.length)}`]
}

/**
 * The base64 characters that a secret's bytes alone decide, wherever it stands in a longer encoded
 * text (three alignments): found inside a token or a header that encodes more than the secret.
 */
const base64Cores = (bytes: Uint8Array): Array<string> => {
  const out: Array<string> = []
  for (let k = 0; k < 3; k++) {
    const padded = new Uint8Array(k + bytes.length)
    padded.set(bytes, k)
    const std = Encoding.encodeBase64(padded)
    const from = Math.ceil((8 * k) / 6)
    const to = Math.floor((8 * (k + bytes.length)) / 6)
    const core = std.slice(from, to)
    if (core.length >= 8) out.push(core, core.replace(/\+/g, "-").replace(/\//g, "_"))
  }
  return out
}

/**
 * Every form in which a configured secret (password, client secret, access and refresh tokens) may come
 * back in an answer: plain; URL-encoded (component, form, path); hex of its UTF-8 bytes; base64 of it
 * alone and of `user:password` / `clientId:secret` (the Basic header's value), standard and URL-safe,
 * padded and not, each also URL-encoded; and the base64 characters it decides at any alignment inside a
 * longer encoding. The scrubber matches them case-insensitively and through white space, line breaks,
 * controls and zero-width characters, so a case-folded form, upper-case hex or `%2b`, and a secret split
 * across lines are found too.
 */
export const secretForms = (config: Pick<AuditConfig, "basic" | "oauth">): Array<string> => {
  const forms = new Set<string>()
  const add = (v: string) => {
    for (const f of [v, ...urlEncodings(v)]) forms.add(f)
  }
  const addBase64 = (bytes: Uint8Array) => {
    for (const b of base64s(bytes)) add(b)
  }
  const secrets = [
    config.basic?.password,
    config.oauth?.clientSecret,
    config.oauth?.accessToken,
    config.oauth?.refreshToken
  ]
  for (const r of secrets) {
    if (!r) continue
    const v = Redacted.value(r)
    if (v === "") continue
    const bytes = utf8(v)
    add(v)
    forms.add(hex(bytes))
    addBase64(bytes)
    for (const c of base64Cores(bytes)) forms.add(c)
  }
  if (config.basic && Redacted.value(config.basic.password) !== "")
    addBase64(utf8(`${config.basic.username}:${Redacted.value(config.basic.password)}`))
  if (config.oauth?.clientSecret && Redacted.value(config.oauth.clientSecret) !== "")
    addBase64(utf8(`${config.oauth.clientId}:${Redacted.value(config.oauth.clientSecret)}`))
  return [...forms].sort((a, b) => b.length - a.length)
}

/** Builds the service for one audit. `deadlineAt` is the audit's deadline (epoch ms). */
export const makeArloHttp = (
  config: AuditConfig,
  deadlineAt: number
): Effect.Effect<ArloHttpService, never, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    const semaphore = yield* Effect.makeSemaphore(config.concurrency)
    const counters = yield* Ref.make({ requests: 0, retries: 0, inFlight: 0, peakInFlight: 0 })
    const gate = yield* Ref.make<Gate>({ until: 0, closed: null })
    const rate = yield* Ref.make<RateLimitStats>({
      met: 0,
      honoured: 0,
      beyondDeadline: 0,
      lowestRemaining: null,
      limit: null,
      exchanges: []
    })
    const origin = (() => {
      try {
        return new URL(config.baseUrl).origin
      } catch {
        return ""
      }
    })()

    const scrubber = makeScrubber(secretForms(config))
    /**
     * The door: scrubbed before it is neutralised (a secret split by controls is still one secret) and
     * before it is capped (the cap never leaves most of a secret behind).
     */
    const untrusted: Door = (raw) => {
      const out = neutralise(scrubber.scrub(raw))
      return scrubber.holds(out) ? scrubber.marker : out
    }
    // Defence in depth for messages the engine builds from foreign errors; forms shorter than three
    // characters are left alone there, as a sentence of ours would otherwise lose its words.
    const scrub = (s: string): string => scrubber.scrub(s, "ignore")
    // The username appears only in a filter value: mask it there, where it cannot collide with a path.
    const user = config.basic?.username
    const maskUser = (v: string) => (user ? v.split(user).join(maskedHint(user, "identifier")) : v)

    /** A URL for humans: relative to the target's origin, decoded, secret parameters and the username masked. */
    const render = (raw: string): string => {
      let u: URL
      try {
        u = new URL(raw)
      } catch {
        return withoutUserinfo(raw)
      }
      const path = `${decodePath(u.pathname)}${displayQuery(u.search, maskUser)}`
      return u.origin === origin ? path : `${u.origin}${path}`
    }
    /** A URL the server chose (a Location, a redirect hop): decoded, then through the door. */
    const display = (raw: string): string => untrusted(render(raw))
    /**
     * A URL the audit built (from the config and identifiers it validated): neutralised, never scrubbed,
     * since it is ours and holds no secret (a scrubber over it would be an oracle).
     */
    const own = (raw: string): string => neutralise(render(raw))

    const describe = (a: Attempt, url: string): string | undefined => {
      const notes: Array<string> = []
      const h = a.headers
      if (redirectStatus.has(a.status) && h.location) {
        let where: string
        try {
          where = display(new URL(h.location, url).href)
        } catch {
          where = "(unreadable)"
        }
        notes.push(`Location: ${where}`)
      }
      if (h["www-authenticate"]) notes.push(`WWW-Authenticate: ${untrusted(h["www-authenticate"])}`)
      if (a.status === 429 && h["retry-after"]) notes.push(`Retry-After: ${untrusted(h["retry-after"])}`)
      const ct = (h["content-type"] ?? "").toLowerCase()
      if (a.status >= 400 && ct.includes("xml")) {
        const doc = parseXml(a.body)
        if (doc._tag === "Right") {
          const ex = apiException(doc.right)
          if (ex?.code) notes.push(`ApiException ${untrusted(ex.code)}`)
        }
      } else if (a.status >= 400 && ct.includes("json")) {
        try {
          const j = JSON.parse(a.body) as { error?: unknown }
          if (typeof j.error === "string") notes.push(`error: ${untrusted(j.error)}`)
        } catch {
          // not JSON after all: nothing to note
        }
      }
      // Each piece of server text went through the door on its own: the cap cuts only what is safe to show.
      return notes.length === 0 ? undefined : clip(notes.join("; "))
    }

    const readBody = (res: HttpClientResponse.HttpClientResponse, method: string) =>
      Effect.gen(function* () {
        if (method === "HEAD") return ""
        const declared = Number(res.headers["content-length"])
        if (Number.isFinite(declared) && declared > config.maxBodyBytes) {
          return yield* Effect.fail<AttemptFailure>({
            code: "body_too_large",
            message: `the response body (${declared} bytes) exceeds the ${config.maxBodyBytes}-byte cap`,
            retryable: false
          })
        }
        const acc = yield* res.stream.pipe(
          Stream.runFoldWhile(
            { chunks: Chunk.empty<Uint8Array>(), size: 0 },
            (s) => s.size <= config.maxBodyBytes,
            (s, c) => ({ chunks: Chunk.append(s.chunks, c), size: s.size + c.length })
          ),
          Effect.mapError((e) => classifyTransport(e.cause ?? e, "body"))
        )
        if (acc.size > config.maxBodyBytes) {
          return yield* Effect.fail<AttemptFailure>({
            code: "body_too_large",
            message: `the response body exceeds the ${config.maxBodyBytes}-byte cap; reading stopped`,
            retryable: false
          })
        }
        const bytes = new Uint8Array(acc.size)
        let off = 0
        for (const c of acc.chunks) {
          bytes.set(c, off)
          off += c.length
        }
        return new TextDecoder("utf-8").decode(bytes)
      })

    const buildRequest = (req: ArloRequest, url: string) => {
      let r = HttpClientRequest.make(req.method)(url).pipe(
        HttpClientRequest.setHeader("user-agent", `${toolName}/${version}`),
        HttpClientRequest.setHeader("accept", req.accept ?? "application/xml")
      )
      const auth = req.auth
      if (auth._tag === "basic") {
        r = HttpClientRequest.setHeader(
          r,
          "authorization",
          `Basic ${Encoding.encodeBase64(`${auth.username}:${Redacted.value(auth.password)}`)}`
        )
      } else if (auth._tag === "bearer") {
        r = HttpClientRequest.setHeader(r, "authorization", `Bearer ${Redacted.value(auth.token)}`)
      } else if (auth._tag === "client" && auth.clientSecret !== null) {
        r = HttpClientRequest.setHeader(
          r,
          "authorization",
          `Basic ${Encoding.encodeBase64(`${auth.clientId}:${Redacted.value(auth.clientSecret)}`)}`
        )
      }
      if (req.form) {
        const body = req.form
          .map(
            ([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(Redacted.isRedacted(v) ? Redacted.value(v) : v)}`
          )
          .join("&")
        r = HttpClientRequest.bodyText(r, body, "application/x-www-form-urlencoded")
      }
      return r
    }

    /**
     * Waits until the shared back-off has passed. `Some(wait)` when it never will within the deadline:
     * the request must then fail without touching the network.
     */
    const passGate: Effect.Effect<Option.Option<number>> = Effect.gen(function* () {
      for (;;) {
        const g = yield* Ref.get(gate)
        if (g.closed !== null) return Option.some(g.closed)
        const now = yield* Clock.currentTimeMillis
        if (g.until <= now) return Option.none()
        yield* Effect.sleep(Duration.millis(g.until - now))
      }
    })

    /** A 429 answered: every request of the audit waits for its Retry-After, or stops when it is beyond the deadline. */
    const closeGate = (headers: Record<string, string>) =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const wait = parseRetryAfter(headers["retry-after"], now) ?? 60
        const fits = now + wait * 1000 + Math.min(config.timeoutMs, 1000) < deadlineAt
        yield* Ref.update(gate, (g) =>
          fits ? { ...g, until: Math.max(g.until, now + wait * 1000) } : { ...g, closed: g.closed ?? wait }
        )
        return { wait, fits }
      })

    /**
     * One attempt: the shared back-off, a permit, the budget, the exchange and the body (these two inside
     * the per-attempt timeout). A 429 closes the gate before the permit is released, so that no other
     * request can slip out first.
     */
    const attempt = (req: ArloRequest, url: string) =>
      semaphore.withPermits(1)(
        Effect.gen(function* () {
          const gated = yield* passGate
          if (Option.isSome(gated)) return { _tag: "gated", wait: gated.value } as const
          const allowed = yield* Ref.modify(counters, (c) =>
            c.requests >= config.maxRequests ? [false, c] : [true, { ...c, requests: c.requests + 1 }]
          )
          if (!allowed) return { _tag: "budget" } as const
          const outcome = yield* Effect.acquireUseRelease(
            Ref.update(counters, (c) => ({
              ...c,
              inFlight: c.inFlight + 1,
              peakInFlight: Math.max(c.peakInFlight, c.inFlight + 1)
            })),
            () =>
              Effect.gen(function* () {
                const res = yield* client
                  .execute(buildRequest(req, url))
                  .pipe(Effect.mapError((e) => classifyTransport(e.cause ?? e, "connect")))
                const headers: Record<string, string> = {}
                for (const [k, v] of Object.entries(res.headers)) headers[k.toLowerCase()] = String(v)
                // Closed as soon as the status is known: no other request may leave while the body is read.
                const limit = res.status === 429 ? yield* closeGate(headers) : undefined
                const body = yield* readBody(res, req.method)
                return {
                  kind: "response",
                  status: res.status,
                  headers,
                  body,
                  ...(limit ? { limit } : {})
                } satisfies Attempt
              }).pipe(
                Effect.provideService(FetchHttpClient.RequestInit, { redirect: "manual" }),
                Effect.timeoutFail({
                  duration: Duration.millis(config.timeoutMs),
                  onTimeout: (): AttemptFailure => ({
                    code: "timeout",
                    message: `no complete response within ${config.timeoutMs} ms`,
                    retryable: true
                  })
                }),
                Effect.either
              ),
            () => Ref.update(counters, (c) => ({ ...c, inFlight: c.inFlight - 1 }))
          )
          return { _tag: "sent", outcome } as const
        })
      )

    const backoff = (n: number) =>
      Effect.gen(function* () {
        const jitter = yield* Random.nextRange(0.5, 1.5)
        yield* Effect.sleep(Duration.millis(Math.round(BACKOFF_BASE_MS * 2 ** n * jitter)))
      })

    const observeRate = (headers: Record<string, string>) =>
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

    /** Attempts with retry, 429 handling and redirects. */
    const run = (req: ArloRequest): Effect.Effect<ArloResponse, HttpFailure> =>
      Effect.gen(function* () {
        const exchanges: Array<Exchange> = []
        const visited = new Set<string>()
        let url = req.url
        let retriesLeft = req.kind === "token-refresh" ? 0 : config.retries
        let retryNo = 0
        let hops = 0
        for (;;) {
          const started = yield* Clock.currentTimeMillis
          const result = yield* attempt(req, url)
          const durationMs = (yield* Clock.currentTimeMillis) - started
          // The request's own URL is the audit's; after a redirect hop it is the server's.
          const path = hops === 0 ? own(url) : display(url)
          if (result._tag === "budget") {
            return yield* new HttpFailure({
              code: "budget_exhausted",
              message: `the request budget of ${config.maxRequests} requests is spent; ${req.method} ${path} was not sent`,
              exchanges
            })
          }
          if (result._tag === "gated") {
            return yield* new HttpFailure({
              code: "rate_limited",
              message: `the platform's rate limit was reached (429) and Retry-After ${result.wait} s reaches beyond the audit deadline; ${req.method} ${path} was not sent`,
              exchanges
            })
          }
          const r = result.outcome
          if (r._tag === "Left") {
            const f = r.left
            const canRetry = f.retryable && retriesLeft > 0
            exchanges.push({
              method: req.method,
              path,
              status: null,
              durationMs,
              error: f.message,
              ...(canRetry ? { note: "retried" } : {})
            })
            if (canRetry) {
              retriesLeft--
              yield* Ref.update(counters, (c) => ({ ...c, retries: c.retries + 1 }))
              yield* backoff(retryNo++)
              continue
            }
            return yield* new HttpFailure({ code: f.code, message: f.message, exchanges })
          }
          const a = r.right
          yield* observeRate(a.headers)
          const note = describe(a, url)
          const record = (extra?: string) =>
            exchanges.push({
              method: req.method,
              path,
              status: a.status,
              durationMs,
              ...(note || extra ? { note: clip([note, extra].filter(Boolean).join("; ")) } : {})
            })

          if (a.status === 429) {
            const { wait, fits } = a.limit ?? { wait: 60, fits: false }
            if (fits && retriesLeft > 0) {
              record(`Retry-After ${wait} s honoured`)
              const last = exchanges[exchanges.length - 1]!
              yield* Ref.update(rate, (s) => ({
                ...s,
                met: s.met + 1,
                honoured: s.honoured + 1,
                exchanges: [...s.exchanges, last]
              }))
              yield* Ref.update(counters, (c) => ({ ...c, retries: c.retries + 1 }))
              retriesLeft--
              // The next attempt waits at the shared gate until Retry-After has passed.
              continue
            }
            record()
            const last = exchanges[exchanges.length - 1]!
            yield* Ref.update(rate, (s) => ({
              ...s,
              met: s.met + 1,
              beyondDeadline: s.beyondDeadline + 1,
              exchanges: [...s.exchanges, last]
            }))
            return yield* new HttpFailure({
              code: "rate_limited",
              message: `the platform's rate limit was reached (429) and Retry-After ${wait} s ${fits ? "came too often" : "reaches beyond the audit deadline"}`,
              exchanges
            })
          }
          if (retryableStatus.has(a.status) && retriesLeft > 0) {
            record("retried")
            retriesLeft--
            yield* Ref.update(counters, (c) => ({ ...c, retries: c.retries + 1 }))
            yield* backoff(retryNo++)
            continue
          }
          const location = a.headers.location
          if (redirectStatus.has(a.status) && location !== undefined && (req.redirects ?? "follow") === "follow") {
            let next: URL | undefined
            try {
              next = new URL(location, url)
            } catch {
              next = undefined
            }
            if (next !== undefined && next.origin === new URL(url).origin && req.method !== "POST") {
              visited.add(url)
              if (visited.has(next.href) || hops >= MAX_REDIRECTS) {
                record()
                return yield* new HttpFailure({
                  code: "redirect_loop",
                  message: `the platform redirects in a loop (${hops + 1} redirects from ${own(req.url)})`,
                  exchanges
                })
              }
              record()
              hops++
              url = next.href
              continue
            }
          }
          record()
          return { status: a.status, headers: a.headers, body: a.body, url, exchanges }
        }
      })

    const request = (req: ArloRequest): Effect.Effect<ArloResponse, HttpFailure> => {
      if (req.method !== "GET" && req.method !== "HEAD") {
        const isTokenEndpoint = (() => {
          try {
            const u = new URL(req.url)
            return u.origin === origin && u.pathname.endsWith(tokenPath)
          } catch {
            return false
          }
        })()
        const grant = req.form?.find(([k]) => k === "grant_type")?.[1]
        const ok =
          req.method === "POST" &&
          isTokenEndpoint &&
          ((req.kind === "token-probe" && grant === "authorization_code") ||
            (req.kind === "token-refresh" && grant === "refresh_token" && config.oauth?.allowRefresh === true))
        if (!ok) {
          return Effect.fail(
            new HttpFailure({
              code: "read_only",
              message: `refused to send ${req.method} ${own(req.url)}: the audit is read-only`,
              exchanges: []
            })
          )
        }
      }
      return run(req)
    }

    const stats = Effect.gen(function* () {
      const c = yield* Ref.get(counters)
      const r = yield* Ref.get(rate)
      return { requests: c.requests, retries: c.retries, peakInFlight: c.peakInFlight, rateLimit: r }
    })

    const untrustedDeep = <A>(value: A): A => throughDoor(untrusted, value) as A
    return {
      request,
      stats,
      display,
      scrub,
      untrusted,
      untrustedDeep,
      credentialsWait: credentialsWaitFor(config.baseUrl)
    } satisfies ArloHttpService
  })
