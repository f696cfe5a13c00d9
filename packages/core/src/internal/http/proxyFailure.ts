/**
 * A failure at a proxy, read from the `PROXY_*` codes a front end's proxy client puts in the cause
 * chain (`PROXY_STATUS_407` for a CONNECT answered 407, `PROXY_REFUSED`, `PROXY_DNS_NOT_FOUND`,
 * `PROXY_TIMEOUT`, `PROXY_TLS`). The proxy's own answer decides: RFC 9110 §15.5.8 (407 asks for
 * proxy credentials) and §9.3.6 (CONNECT succeeds only with a 2xx).
 */
import type { AttemptFailure } from "./failure.js"

/** The failure for the first `PROXY_*` code among `codes`, or undefined when there is none. */
export const classifyProxy = (codes: ReadonlyArray<string>): AttemptFailure | undefined => {
  const code = codes.find((c) => c.startsWith("PROXY_"))
  if (code === undefined) return undefined
  const status = /^PROXY_STATUS_(\d{3})$/.exec(code)?.[1]
  if (status === "407") {
    return {
      code: "proxy",
      message: "the proxy asks for credentials (407 Proxy Authentication Required)",
      retryable: false
    }
  }
  if (status === "403") {
    return { code: "proxy", message: "the proxy refused to connect to the platform (403 Forbidden)", retryable: false }
  }
  if (status !== undefined) {
    return {
      code: "proxy",
      message: `the proxy could not open a tunnel to the platform (it answered ${status} to CONNECT)`,
      retryable: status === "502" || status === "503" || status === "504"
    }
  }
  switch (code) {
    case "PROXY_REFUSED":
      return { code: "proxy", message: "the proxy refused the connection (nothing listens there)", retryable: false }
    case "PROXY_DNS_NOT_FOUND":
      return { code: "proxy", message: "the proxy's host name does not resolve", retryable: false }
    case "PROXY_TIMEOUT":
      return { code: "proxy", message: "connecting to the proxy timed out", retryable: true }
    case "PROXY_TLS":
      return { code: "proxy", message: "the TLS connection to the proxy failed", retryable: false }
    default:
      return { code: "proxy", message: "the proxy failed", retryable: true }
  }
}
