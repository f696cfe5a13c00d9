/** What the admin routes, the platform routes and the per-request wrapper share about HTTP. */
import type { HttpServerRequest } from "@effect/platform"
import { HttpServerResponse } from "@effect/platform"
import { apiException, type Reply } from "./Reply.js"
import { NOT_FOUND_MESSAGE } from "./Resources.js"

/** The HTTP response for a plain reply. */
export const toResponse = (r: Reply) => HttpServerResponse.text(r.body, { status: r.status, headers: r.headers })

/** The XML 404 of an unknown path. */
export const notFoundXml = () => apiException(404, "NotFound", NOT_FOUND_MESSAGE)

/** A request URL's path and its query string (with the `?`, or empty). */
export const splitUrl = (url: string) => {
  const q = url.indexOf("?")
  return q === -1 ? { pathname: url, search: "" } : { pathname: url.slice(0, q), search: url.slice(q) }
}

export const header = (req: HttpServerRequest.HttpServerRequest, name: string): string | undefined => req.headers[name]

/** `decodeURIComponent`, or the input as it is when it does not decode. */
export const safeDecodePath = (s: string) => {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}
