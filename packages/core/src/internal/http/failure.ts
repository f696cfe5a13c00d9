/** Why a request produced no usable response: the typed failure of `ArloHttp`, and of one attempt. */
import { Data } from "effect"
import type { Exchange } from "../../Report.js"

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
  | "proxy"

/**
 * What failed in a TLS handshake: the certificate's issuer is not trusted (a private CA, a
 * TLS-inspecting proxy, a self-signed certificate), it is for another host, it has expired or is not
 * yet valid, or the server refused or broke off the handshake (a plain-HTTP port, an alert).
 */
export type TlsFailureKind =
  | "unknown_issuer"
  | "hostname_mismatch"
  | "expired"
  | "not_yet_valid"
  | "handshake_refused"
  | "other"

/** A request that produced no usable response, with the exchanges it made on the way. */
export class HttpFailure extends Data.TaggedError("HttpFailure")<{
  readonly code: HttpFailureCode
  /** Secret-free, one line. */
  readonly message: string
  readonly exchanges: ReadonlyArray<Exchange>
  /** For code `tls`: what failed in the handshake. */
  readonly tls?: TlsFailureKind
}> {}

/** Why one attempt got no response, and whether another attempt may get one. */
export interface AttemptFailure {
  readonly code: HttpFailureCode
  readonly message: string
  readonly retryable: boolean
  /** For code `tls`: what failed in the handshake. */
  readonly tls?: TlsFailureKind
}
