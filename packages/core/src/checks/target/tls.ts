/**
 * target.reachable's TLS diagnoses: one per way a handshake fails (an untrusted issuer, another host's
 * certificate, expired, not yet valid, refused), each with its own fix, the certificate's names, issuer
 * and dates in the cause where the server's certificate could be read. No fix turns verification off.
 */
import { Effect } from "effect"
import { fail, type Outcome } from "../../internal/check.js"
import { isLoopbackHost } from "../../internal/config/target.js"
import type { HttpFailure, TlsFailureKind } from "../../internal/http/failure.js"
import { type PeerCertificate, TlsInspector } from "../../internal/tlsInspect.js"
import type { Door } from "../../internal/untrusted.js"
import type { Actor } from "../../Report.js"

/** What the diagnosis reads off the certificate: its dates, names and issuer, scrubbed. */
interface Seen {
  readonly subject: string | null
  readonly issuer: string | null
  readonly from: string
  readonly to: string
  readonly names: string
}

/** A date as a person reads it: the day, with the time of day in UTC unless it is midnight. */
export const dayOf = (iso: string): string => {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const s = d.toISOString()
  return s.endsWith("T00:00:00.000Z") ? s.slice(0, 10) : `${s.slice(0, 16).replace("T", " ")} UTC`
}

const seen = (cert: PeerCertificate | undefined, door: Door): Seen | undefined => {
  if (!cert) return undefined
  const names = cert.altNames.length > 0 ? cert.altNames : cert.subject ? [cert.subject] : []
  const shown = names.slice(0, 4).join(", ") + (names.length > 4 ? ` and ${names.length - 4} more` : "")
  return {
    subject: cert.subject === null ? null : door(cert.subject),
    issuer: cert.issuer === null ? null : door(cert.issuer),
    from: dayOf(cert.validFrom),
    to: dayOf(cert.validTo),
    names: door(shown)
  }
}

/** Whether a certificate name (maybe a `*.` wildcard) covers the host. */
const covers = (name: string, host: string) => {
  const n = name.toLowerCase()
  const h = host.toLowerCase()
  if (n === h) return true
  return n.startsWith("*.") && h.endsWith(n.slice(1)) && !h.slice(0, -n.length + 1).includes(".")
}

/** The Node code a failure's message ends with, in parentheses (the classifier puts it there). */
const codeIn = (f: HttpFailure) => /\(([A-Z][A-Z0-9_]*)\)$/.exec(f.message)?.[1] ?? "TLS"

const caStep =
  "If a TLS-inspecting proxy or a private CA signs this certificate, give its CA certificate (PEM) to the audit: --ca-file PATH in the arlo-ready apps, NODE_EXTRA_CA_CERTS=PATH for Node."

interface Diagnosis {
  readonly summary: string
  readonly message: string
  readonly steps: ReadonlyArray<string>
  readonly who: Actor
}

const unknownIssuer = (host: string, f: HttpFailure, c: Seen | undefined): Diagnosis => {
  const selfSigned = /DEPTH_ZERO_SELF_SIGNED_CERT/.test(f.message)
  const by = c?.issuer ? `, issued by ${c.issuer}` : ""
  const elsewhere = c && !c.names.split(", ").some((n) => covers(n, host)) ? c.names : null
  return {
    summary: selfSigned
      ? `${host} presents a self-signed certificate, which this machine does not trust.`
      : `${host} presents a certificate from a CA this machine does not trust${by}.`,
    message: c
      ? `the certificate for ${c.subject ?? c.names}${by ? `${by},` : ""} does not chain to a CA this machine trusts (${codeIn(f)})${elsewhere ? `, and it is for ${elsewhere}, not ${host}` : ""}`
      : f.message,
    steps: [
      selfSigned
        ? "The server's certificate is self-signed: give that certificate (PEM) to the audit, with --ca-file PATH in the arlo-ready apps or NODE_EXTRA_CA_CERTS=PATH for Node, or have the server use one from a trusted CA."
        : caStep,
      c?.issuer
        ? `Check that ${c.issuer} is an issuer you expect (your proxy's or your organisation's CA); if not, something in between is intercepting the connection.`
        : "Ask your network administrator for that CA certificate if you do not have it."
    ],
    who: isLoopbackHost(host) ? "you" : "network-administrator"
  }
}

const hostnameMismatch = (host: string, f: HttpFailure, c: Seen | undefined): Diagnosis => ({
  summary: `The certificate at ${host} is not for ${host}${c ? `: it is for ${c.names}` : ""}.`,
  message: c ? `the certificate is for ${c.names}, not ${host} (${codeIn(f)})` : f.message,
  steps: [
    `The base URL's host is not the certificate's: check the host in the base URL${c ? ` (the certificate names ${c.names})` : ""}.`,
    `If ${host} is the right host, the server presents another host's certificate: whoever runs it must install one for ${host}.`
  ],
  who: "you"
})

const clockStep = (now: Date) => `Check this machine's clock and time zone: it reads ${dayOf(now.toISOString())}.`

const expired = (host: string, f: HttpFailure, c: Seen | undefined, now: Date, who: Actor): Diagnosis => ({
  summary: `The certificate at ${host} has expired${c ? ` (on ${c.to})` : ""}.`,
  message: c
    ? `the certificate for ${c.subject ?? host} expired on ${c.to} (valid from ${c.from})${c.issuer ? `, issued by ${c.issuer}` : ""}`
    : f.message,
  steps: [
    clockStep(now),
    `If the clock is right, the certificate must be renewed by whoever runs ${host}${c?.issuer ? ` (or, if ${c.issuer} is your proxy's CA, by the proxy's administrator)` : ""}.`
  ],
  who
})

const notYetValid = (host: string, f: HttpFailure, c: Seen | undefined, now: Date, who: Actor): Diagnosis => ({
  summary: `The certificate at ${host} is not valid yet${c ? ` (from ${c.from})` : ""}.`,
  message: c
    ? `the certificate for ${c.subject ?? host} is valid from ${c.from} (until ${c.to}), and this machine's clock reads ${dayOf(now.toISOString())}`
    : f.message,
  steps: [
    clockStep(now),
    `If the clock is right, the server presents a certificate issued for the future: whoever runs ${host} must install a current one.`
  ],
  who
})

const refused = (host: string, port: string, f: HttpFailure, who: Actor): Diagnosis => {
  const notTls = /does not answer in TLS/.test(f.message)
  return {
    summary: notTls
      ? `${host}:${port} does not answer in TLS: the base URL says https, the server there does not speak it.`
      : `${host}:${port} refused the TLS handshake.`,
    message: f.message,
    steps: notTls
      ? [
          "Check the base URL's port and scheme: the server at that port answers in plain text (an http:// server, or another service).",
          "If a proxy is in the way, check that it passes TLS through to the platform."
        ]
      : [
          "Check the host and port: the server there broke off the handshake.",
          "A proxy or firewall between this machine and the platform may refuse TLS connections: ask its administrator."
        ],
    who
  }
}

/** The kinds whose diagnosis reads the server's certificate. */
const reads = new Set<TlsFailureKind>(["unknown_issuer", "hostname_mismatch", "expired", "not_yet_valid"])

/** target.reachable's outcome for a TLS failure, the certificate read (through {@link TlsInspector}) where it helps. */
export const diagnoseTls = (baseUrl: string, f: HttpFailure, door: Door): Effect.Effect<Outcome> =>
  Effect.gen(function* () {
    const url = new URL(baseUrl)
    const host = url.hostname
    const port = url.port || (url.protocol === "http:" ? "80" : "443")
    const kind = f.tls ?? "other"
    const inspector = yield* TlsInspector
    const cert = reads.has(kind) ? yield* inspector.inspect({ host, port: Number(port) }) : undefined
    const c = seen(cert, door)
    const now = new Date()
    const loopback = isLoopbackHost(host)
    const who: Actor = loopback ? "you" : /(^|\.)arlo\.co$/i.test(host) ? "arlo-support" : "network-administrator"
    const d: Diagnosis =
      kind === "unknown_issuer"
        ? unknownIssuer(host, f, c)
        : kind === "hostname_mismatch"
          ? hostnameMismatch(host, f, c)
          : kind === "expired"
            ? expired(host, f, c, now, who)
            : kind === "not_yet_valid"
              ? notYetValid(host, f, c, now, who)
              : kind === "handshake_refused"
                ? refused(host, port, f, loopback ? "you" : "network-administrator")
                : {
                    summary: `The TLS connection to ${host} failed: ${f.message}.`,
                    message: f.message,
                    steps: [
                      "Check the host and port, and what sits between this machine and the platform (proxy, firewall)."
                    ],
                    who: loopback ? "you" : "network-administrator"
                  }
    return fail(d.summary, {
      cause: { code: "tls", message: d.message },
      evidence: f.exchanges,
      facts: {
        tls: kind,
        ...(cert
          ? {
              certificate: {
                subject: c?.subject ?? null,
                issuer: c?.issuer ?? null,
                validFrom: cert.validFrom,
                validTo: cert.validTo,
                names: c?.names ?? ""
              }
            }
          : {})
      },
      remediation: { steps: d.steps, who: d.who }
    })
  })
