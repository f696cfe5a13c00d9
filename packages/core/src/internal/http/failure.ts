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

/** A request that produced no usable response, with the exchanges it made on the way. */
export class HttpFailure extends Data.TaggedError("HttpFailure")<{
  readonly code: HttpFailureCode
  /** Secret-free, one line. */
  readonly message: string
  readonly exchanges: ReadonlyArray<Exchange>
}> {}

/** Why one attempt got no response, and whether another attempt may get one. */
export interface AttemptFailure {
  readonly code: HttpFailureCode
  readonly message: string
  readonly retryable: boolean
}
