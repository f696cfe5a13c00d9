/**
 * The read-only rule: an audit sends GET and HEAD only, but for the two token requests it is built to
 * make (a token probe with a deliberately invalid authorization code, and an opted-in refresh).
 */
import type { ArloRequest } from "../../ArloHttp.js"
import type { AuditConfig } from "../../Config.js"
import { HttpFailure } from "./failure.js"

const tokenPath = "/oauth/connect/token"

const isTokenEndpoint = (url: string, origin: string): boolean => {
  try {
    const u = new URL(url)
    return u.origin === origin && u.pathname.endsWith(tokenPath)
  } catch {
    return false
  }
}

/** Whether the rule lets the request leave: any GET or HEAD, and the two token POSTs to the target's token endpoint. */
export const mayLeave = (req: ArloRequest, origin: string, config: Pick<AuditConfig, "oauth">): boolean => {
  if (req.method === "GET" || req.method === "HEAD") return true
  const grant = req.form?.find(([k]) => k === "grant_type")?.[1]
  return (
    req.method === "POST" &&
    isTokenEndpoint(req.url, origin) &&
    ((req.kind === "token-probe" && grant === "authorization_code") ||
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
