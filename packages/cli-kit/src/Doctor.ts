/**
 * The network doctor: when the platform cannot be reached, what this machine gets on the way to it, step
 * by step, so a person can tell their network from Arlo's. Direct: the DNS answer, a TCP connect to the
 * first address, and for https a TLS handshake verified against the CAs the audit trusted (on failure,
 * the certificate read by a second handshake that only reads it). Through a proxy: the proxy's DNS and
 * TCP connect (the target's are the proxy's to do). No request is ever sent. Each step is one
 * secret-free line; the whole doctor ends within its budget, and at once on abort.
 */
import * as dns from "node:dns"
import * as net from "node:net"
import * as tls from "node:tls"
import { type NetworkStep, TlsInspector } from "@arlo-ready/core"
import { Effect } from "effect"
import { oneLine } from "./internal/text.js"

/** What the doctor needs to know of the audit's network. */
export interface DoctorInput {
  /** The platform's base URL. */
  readonly url: URL
  /** The proxy the audit used; it may hold user:password, which are never printed. */
  readonly proxy: URL | null
  /** The NO_PROXY entry that sent the target past the proxy, when one did. */
  readonly noProxyMatch: string | null
  /** The CA certificates (PEM) the audit trusted; undefined for Node's default. */
  readonly ca: ReadonlyArray<string> | undefined
  /** The whole doctor finishes within this. */
  readonly budgetMs: number
  /** Stops the doctor at once; the steps found so far are returned. */
  readonly signal: AbortSignal
}

const DETAIL_MAX = 200

/** One line, no control characters, at most {@link DETAIL_MAX} characters. */
const clean = (s: string): string => {
  const line = oneLine(s)
  return line.length > DETAIL_MAX ? `${line.slice(0, DETAIL_MAX - 1)}…` : line
}

type Ended<T> =
  | { readonly _tag: "done"; readonly value: T; readonly ms: number }
  | { readonly _tag: "timeout"; readonly ms: number }
  | { readonly _tag: "aborted" }

/**
 * Runs `start` until it settles, `ms` pass or `signal` aborts, whichever is first; the cleanup it
 * returns runs in every case (a socket is destroyed there).
 */
const within = <T>(
  ms: number,
  signal: AbortSignal,
  start: (settle: (value: T) => void) => () => void
): Promise<Ended<T>> =>
  new Promise((resolve) => {
    const t0 = performance.now()
    if (signal.aborted) return resolve({ _tag: "aborted" })
    let cleanup: () => void = () => {}
    let over = false
    const end = (e: Ended<T>) => {
      if (over) return
      over = true
      clearTimeout(timer)
      signal.removeEventListener("abort", onAbort)
      cleanup()
      resolve(e)
    }
    const onAbort = () => end({ _tag: "aborted" })
    const timer = setTimeout(() => end({ _tag: "timeout", ms: Math.round(performance.now() - t0) }), Math.max(0, ms))
    signal.addEventListener("abort", onAbort, { once: true })
    cleanup = start((value) => end({ _tag: "done", value, ms: Math.round(performance.now() - t0) }))
    if (over) cleanup()
  })

/** Node's code of an error (OpenSSL's reason, for node:tls's EPROTO), never its free text. */
const codeOf = (e: unknown): string => {
  const o = (e ?? {}) as { code?: unknown; message?: unknown }
  const code = typeof o.code === "string" && /^[A-Z][A-Z0-9_]{0,63}$/.test(o.code) ? o.code : "ERROR"
  const reason =
    code === "EPROTO" && typeof o.message === "string"
      ? /SSL routines:[^:]*:([a-z0-9 ]{1,60})/.exec(o.message)?.[1]
      : undefined
  if (reason) return `ERR_SSL_${reason.trim().toUpperCase().replace(/ +/g, "_")}`
  if (code === "ECONNRESET" && typeof o.message === "string" && o.message.includes("secure TLS connection"))
    return "ECONNRESET (closed during the handshake)"
  return code
}

const ok = (e: Ended<{ readonly ok: boolean }>) => e._tag === "done" && e.value.ok
const msOf = (e: Ended<unknown>) => (e._tag === "aborted" ? 0 : e.ms)
const portOf = (u: URL) => Number(u.port || (u.protocol === "http:" ? 80 : 443))
const bare = (host: string) => host.replace(/^\[(.*)\]$/, "$1")
const hostPort = (host: string, port: number) => (net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`)

type Lookup =
  | { readonly ok: true; readonly addresses: ReadonlyArray<string> }
  | { readonly ok: false; readonly code: string }

const lookup = (host: string, ms: number, signal: AbortSignal): Promise<Ended<Lookup>> =>
  within<Lookup>(ms, signal, (settle) => {
    if (net.isIP(host) !== 0) settle({ ok: true, addresses: [host] })
    else
      dns.lookup(host, { all: true }, (err, addresses) =>
        settle(err ? { ok: false, code: codeOf(err) } : { ok: true, addresses: addresses.map((a) => a.address) })
      )
    return () => {}
  })

type Connect = { readonly ok: true } | { readonly ok: false; readonly code: string }

const connect = (host: string, port: number, ms: number, signal: AbortSignal): Promise<Ended<Connect>> =>
  within<Connect>(ms, signal, (settle) => {
    const socket = net.connect({ host, port })
    socket.once("connect", () => settle({ ok: true }))
    socket.once("error", (e) => settle({ ok: false, code: codeOf(e) }))
    return () => socket.destroy()
  })

const shownAddresses = (addresses: ReadonlyArray<string>) =>
  addresses.slice(0, 4).join(", ") + (addresses.length > 4 ? ` and ${addresses.length - 4} more` : "")

/** A date as the day, RFC 3339's first ten characters, or as Node wrote it. */
const day = (raw: string) => {
  const d = new Date(raw)
  return Number.isNaN(d.getTime()) ? raw : d.toISOString().slice(0, 10)
}

const described = (c: {
  readonly subject: string | null
  readonly issuer: string | null
  readonly validFrom: string
  readonly validTo: string
}) =>
  `CN=${c.subject ?? "(none)"}, issued by ${c.issuer ?? "(unnamed)"}, valid ${day(c.validFrom)} to ${day(c.validTo)}`

const firstOf = (v: unknown): string | null => {
  const s = Array.isArray(v) ? v[0] : v
  return typeof s === "string" && s.length > 0 ? s : null
}

type Handshake =
  | {
      readonly ok: true
      readonly subject: string | null
      readonly issuer: string | null
      readonly validTo: string
      readonly protocol: string | null
    }
  | { readonly ok: false; readonly code: string }

/** A handshake with verification on (the audit's CAs), closed as soon as it ends: nothing is sent. */
const handshake = (input: DoctorInput, address: string, ms: number): Promise<Ended<Handshake>> =>
  within<Handshake>(ms, input.signal, (settle) => {
    const host = bare(input.url.hostname)
    let socket: tls.TLSSocket
    try {
      socket = tls.connect({
        host: address,
        port: portOf(input.url),
        ...(net.isIP(host) === 0 ? { servername: host } : {}),
        ...(input.ca ? { ca: [...input.ca] } : {}),
        // Verified against the host of the URL, not the address it resolved to.
        checkServerIdentity: (_name, cert) => tls.checkServerIdentity(host, cert)
      })
    } catch (e) {
      settle({ ok: false, code: codeOf(e) })
      return () => {}
    }
    socket.once("secureConnect", () => {
      const cert = socket.getPeerCertificate()
      settle({
        ok: true,
        subject: firstOf(cert?.subject?.CN),
        issuer: firstOf(cert?.issuer?.CN) ?? firstOf(cert?.issuer?.O),
        validTo: cert?.valid_to ?? "",
        protocol: socket.getProtocol()
      })
    })
    socket.once("error", (e) => settle({ ok: false, code: codeOf(e) }))
    return () => socket.destroy()
  })

const certificateCodes = /CERT|UNABLE_TO|SELF_SIGNED|ALTNAME/

/** The TLS step: the verified handshake, and on a certificate's failure what the certificate says. */
const tlsStep = async (input: DoctorInput, address: string, left: () => number): Promise<NetworkStep | null> => {
  const hs = await handshake(input, address, left())
  if (hs._tag === "aborted") return null
  if (hs._tag === "timeout")
    return { step: "tls", ok: false, detail: `no handshake within ${hs.ms} ms`, durationMs: hs.ms }
  const r = hs.value
  if (r.ok) {
    const detail = `verified${r.protocol ? ` (${r.protocol})` : ""}: CN=${r.subject ?? "(none)"}, issued by ${r.issuer ?? "(unnamed)"}, valid until ${day(r.validTo)}`
    return { step: "tls", ok: true, detail: clean(detail), durationMs: hs.ms }
  }
  let seen = ""
  if (certificateCodes.test(r.code) && left() > 50) {
    const host = bare(input.url.hostname)
    const inspect = Effect.flatMap(TlsInspector, (i) =>
      i.inspect({ host, port: portOf(input.url), ca: input.ca })
    ).pipe(
      Effect.timeout(left()),
      Effect.orElseSucceed(() => undefined)
    )
    const cert = await Effect.runPromise(inspect, { signal: input.signal }).catch(() => undefined)
    if (input.signal.aborted) return null
    if (cert) seen = `: ${described(cert)}${cert.altNames.length > 0 ? `, for ${shownAddresses(cert.altNames)}` : ""}`
  }
  return { step: "tls", ok: false, detail: clean(`${r.code}${seen}`), durationMs: hs.ms }
}

/** The addresses a TCP connect tries, in the resolver's order, until one connects. */
const TRY_ADDRESSES = 3

interface Reached {
  readonly dns: Ended<Lookup>
  /** Each connect tried, the last one the one that connected when any did. */
  readonly tcp: ReadonlyArray<{ readonly address: string; readonly ended: Ended<Connect> }>
}

/** DNS then TCP to `host:port`: the first address that connects, of the first few. */
const reach = async (host: string, port: number, left: () => number, signal: AbortSignal): Promise<Reached> => {
  const dns = await lookup(host, left(), signal)
  const tcp: Array<{ readonly address: string; readonly ended: Ended<Connect> }> = []
  const addresses = dns._tag === "done" && dns.value.ok ? dns.value.addresses.slice(0, TRY_ADDRESSES) : []
  for (const address of addresses) {
    if (left() <= 0) break
    const ended = await connect(address, port, left(), signal)
    tcp.push({ address, ended })
    if (ended._tag !== "done" || ended.value.ok) break
  }
  return { dns, tcp }
}

/** The address that connected, if one did. */
const connected = (r: Reached): string | null => {
  const last = r.tcp.at(-1)
  return last && ok(last.ended) ? last.address : null
}

const tcpDetails = (r: Reached, port: number) =>
  r.tcp.map((t) => tcpDetail(hostPort(t.address, port), t.ended)).join("; ")

const tcpMs = (r: Reached) => r.tcp.reduce((n, t) => n + msOf(t.ended), 0)

const aborted = (r: Reached) => r.dns._tag === "aborted" || r.tcp.some((t) => t.ended._tag === "aborted")

const dnsDetail = (host: string, e: Ended<Lookup>) =>
  e._tag === "timeout"
    ? `${host}: no answer within ${e.ms} ms`
    : e._tag === "done" && e.value.ok
      ? net.isIP(host) !== 0
        ? `${host} is an address (no lookup)`
        : `${host} → ${shownAddresses(e.value.addresses)}`
      : `${host}: ${e._tag === "done" && !e.value.ok ? e.value.code : "stopped"}`

const tcpDetail = (target: string, e: Ended<Connect>) =>
  e._tag === "timeout"
    ? `${target}: no connection within ${e.ms} ms`
    : e._tag === "done" && e.value.ok
      ? `${target} connected in ${e.ms} ms`
      : `${target}: ${e._tag === "done" && !e.value.ok ? e.value.code : "stopped"}`

/** The proxy as shown: scheme, host and port, never its credentials. */
const shownProxy = (proxy: URL) => `${proxy.protocol}//${proxy.hostname}:${portOf(proxy)}`

/** What this machine gets on the way to the platform: proxy, DNS, TCP and TLS steps, in that order. */
export const diagnoseNetwork = async (input: DoctorInput): Promise<ReadonlyArray<NetworkStep>> => {
  const steps: Array<NetworkStep> = []
  const deadline = performance.now() + input.budgetMs
  const left = () => Math.max(0, Math.round(deadline - performance.now()))
  const { signal } = input
  if (signal.aborted) return steps
  const host = bare(input.url.hostname)
  const port = portOf(input.url)

  if (input.proxy !== null && input.noProxyMatch === null) {
    const pHost = bare(input.proxy.hostname)
    const pPort = portOf(input.proxy)
    const r = await reach(pHost, pPort, left, signal)
    if (aborted(r)) return steps
    const found = r.tcp.length > 0 ? `${dnsDetail(pHost, r.dns)}, ${tcpDetails(r, pPort)}` : dnsDetail(pHost, r.dns)
    steps.push({
      step: "proxy",
      ok: connected(r) !== null,
      detail: clean(
        `${shownProxy(input.proxy)}: ${found}; ${hostPort(host, port)}'s DNS and TCP are the proxy's to do`
      ),
      durationMs: msOf(r.dns) + tcpMs(r)
    })
    return steps
  }
  steps.push({
    step: "proxy",
    ok: true,
    detail:
      input.proxy !== null
        ? clean(`not used: NO_PROXY entry ${input.noProxyMatch} matches ${host}`)
        : "none: a direct connection",
    durationMs: 0
  })

  const r = await reach(host, port, left, signal)
  if (r.dns._tag === "aborted") return steps
  steps.push({ step: "dns", ok: ok(r.dns), detail: clean(dnsDetail(host, r.dns)), durationMs: msOf(r.dns) })
  if (r.tcp.length === 0 || aborted(r)) return steps
  const address = connected(r)
  steps.push({ step: "tcp", ok: address !== null, detail: clean(tcpDetails(r, port)), durationMs: tcpMs(r) })
  if (address === null || input.url.protocol !== "https:" || left() <= 0) return steps
  const t = await tlsStep(input, address, left)
  if (t) steps.push(t)
  return steps
}
