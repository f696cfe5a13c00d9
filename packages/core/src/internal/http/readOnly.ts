/**
 * The read-only rule: an audit sends GET and HEAD only, but for the two token requests it is built to
 * make (a token probe with a deliberately invalid authorization code, and an opted-in refresh).
 */
import type { ArloRequest } from "../../ArloHttp.js"
import type { AuditConfig } from "../../Config.js"
import { HttpFailure } from "./failure.js"

const tokenPath = "/oauth/connect/token"
const revocationPath = "/oauth/connect/revocation"

const isEndpoint = (url: string, origin: string, path: string): boolean => {
  try {
    const u = new URL(url)
    return u.origin === origin && u.pathname.endsWith(path)
  } catch {
    return false
  }
}
const isTokenEndpoint = (url: string, origin: string) => isEndpoint(url, origin, tokenPath)

/**
 * Whether the rule lets the request leave: any GET or HEAD, the two token POSTs to the target's token
 * endpoint, and a sign-in's own two: the exchange of the code a person's sign-in returned, and the
 * revocation of the tokens it issued.
 */
export const mayLeave = (req: ArloRequest, origin: string, config: Pick<AuditConfig, "oauth">): boolean => {
  if (req.method === "GET" || req.method === "HEAD") return true
  const grant = req.form?.find(([k]) => k === "grant_type")?.[1]
  if (req.method === "POST" && req.kind === "sign-in-revoke") return isEndpoint(req.url, origin, revocationPath)
  return (
    req.method === "POST" &&
    isTokenEndpoint(req.url, origin) &&
    (((req.kind === "token-probe" || req.kind === "sign-in-exchange") && grant === "authorization_code") ||
      (req.kind === "token-refresh" && grant === "refresh_token" && config.oauth?.allowRefresh === true))
  )
}

/** The failure of a request the rule holds back; `path` is how the evidence shows its URL. */
export const refused = (req: ArloRequest, path: string): HttpFailure =>
  new HttpFailure({
    code: "read_only",
    message: `refused to send ${req.method} ${path}: the audit is read-only`,
    exchanges: []
  })
