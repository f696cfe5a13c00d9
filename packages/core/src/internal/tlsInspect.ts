/**
 * The certificate a TLS server presents, read when a handshake failed on it: Node's verification
 * errors (CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID, …) carry no certificate, and a diagnosis
 * wants its dates, names and issuer. One handshake that does not reject the certificate, only to read
 * it: no request is sent, the socket is closed at once, within 3 s, and interrupting destroys it.
 */
import * as net from "node:net"
import * as tls from "node:tls"
import { Context, Effect } from "effect"

/** What a server's certificate says, its strings as the server sent them (scrub before printing). */
export interface PeerCertificate {
  /** The subject's common name, or null. */
  readonly subject: string | null
  /** The issuer's common name (else its organisation), or null. */
  readonly issuer: string | null
  /** RFC 3339. */
  readonly validFrom: string
  /** RFC 3339. */
  readonly validTo: string
  /** The DNS names and IP addresses in subjectAltName. */
  readonly altNames: ReadonlyArray<string>
  /** Node's verdict on the certificate against the CAs of the handshake (a code), or null when it verified. */
  readonly authorizationError: string | null
}

/** Where to read a certificate: the host and port, and the CA certificates (PEM) to judge it by. */
export interface InspectTarget {
  readonly host: string
  readonly port: number
  /** Replaces Node's default CA set for the verdict, as `tls.connect`'s `ca` does. */
  readonly ca?: ReadonlyArray<string> | undefined
}

export interface TlsInspectorService {
  /** The certificate the server presents; undefined on any failure, on timeout, or when not asked to look. */
  readonly inspect: (target: InspectTarget) => Effect.Effect<PeerCertificate | undefined>
}

const INSPECT_TIMEOUT_MS = 3000

const field = (v: unknown): string | null => {
  const s = Array.isArray(v) ? v[0] : v
  return typeof s === "string" && s.length > 0 ? s : null
}

const isoDate = (raw: string): string => {
  const d = new Date(raw)
  return Number.isNaN(d.getTime()) ? raw : d.toISOString()
}

/** Reads Node's peer certificate object into a {@link PeerCertificate}. */
export const readPeerCertificate = (
  cert: tls.PeerCertificate,
  authorizationError: string | null
): PeerCertificate | undefined => {
  if (!cert || typeof cert.valid_to !== "string") return undefined
  const altNames = (cert.subjectaltname ?? "")
    .split(",")
    .map((s) => s.trim().replace(/^(DNS|IP Address):/, ""))
    .filter((s) => s.length > 0)
  return {
    subject: field(cert.subject?.CN),
    issuer: field(cert.issuer?.CN) ?? field(cert.issuer?.O),
    validFrom: isoDate(cert.valid_from),
    validTo: isoDate(cert.valid_to),
    altNames,
    authorizationError
  }
}

/** The host without an IPv6 literal's brackets. */
const bare = (host: string) => host.replace(/^\[(.*)\]$/, "$1")

const peek = (target: InspectTarget): Effect.Effect<PeerCertificate | undefined> =>
  Effect.async<PeerCertificate | undefined>((resume) => {
    const host = bare(target.host)
    let socket: tls.TLSSocket | undefined
    try {
      socket = tls.connect({
        host,
        port: target.port,
        // SNI takes a name, never an address.
        ...(net.isIP(host) === 0 ? { servername: host } : {}),
        ...(target.ca ? { ca: [...target.ca] } : {}),
        // Only to read the certificate: nothing is sent over this connection.
        rejectUnauthorized: false
      })
    } catch {
      resume(Effect.succeed(undefined))
      return
    }
    const s = socket
    let settled = false
    const done = (value: PeerCertificate | undefined) => {
      s.destroy()
      if (settled) return
      settled = true
      resume(Effect.succeed(value))
    }
    s.once("secureConnect", () => {
      const reason = s.authorizationError as unknown
      const code =
        s.authorized || reason == null
          ? null
          : typeof reason === "string"
            ? reason
            : String((reason as { code?: unknown }).code ?? reason)
      let cert: PeerCertificate | undefined
      try {
        cert = readPeerCertificate(s.getPeerCertificate(), code)
      } catch {
        cert = undefined
      }
      done(cert)
    })
    s.once("error", () => done(undefined))
    s.once("close", () => done(undefined))
    return Effect.sync(() => s.destroy())
  }).pipe(Effect.timeoutTo({ duration: INSPECT_TIMEOUT_MS, onTimeout: () => undefined, onSuccess: (c) => c }))

/** Reads certificates from the network (unless a test or an app provides another inspector). */
export const defaultTlsInspector: TlsInspectorService = { inspect: peek }

/** An inspector that never looks: for connections through a proxy, where the certificate is the proxy's to fetch. */
export const noTlsInspector: TlsInspectorService = { inspect: () => Effect.succeed(undefined) }

/** The inspector a TLS diagnosis asks for the certificate's dates, names and issuer. */
export class TlsInspector extends Context.Reference<TlsInspector>()("@arlo-ready/core/TlsInspector", {
  defaultValue: (): TlsInspectorService => defaultTlsInspector
}) {}
