/** A plain response value: handlers build these, the server turns them into HTTP responses. */
export interface Reply {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

export const XML = "application/xml; charset=utf-8"
const JSON_TYPE = "application/json; charset=utf-8"
export const HTML = "text/html; charset=utf-8"

export const escapeXml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;")

export const XML_DECL = '<?xml version="1.0" encoding="utf-8"?>\n'

export const xml = (status: number, body: string, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { "content-type": XML, ...headers },
  body: XML_DECL + body
})

/** An `ApiException` error body [CODE: moodle-enrol_arlo ApiException.php]. */
export const apiException = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
  xml(
    status,
    `<ApiException>\n  <Code>${escapeXml(code)}</Code>\n  <Message>${escapeXml(message)}</Message>\n</ApiException>\n`,
    headers
  )

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { "content-type": JSON_TYPE, ...headers },
  body: JSON.stringify(body)
})

export const html = (status: number, body: string, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { "content-type": HTML, ...headers },
  body
})

export const redirect = (location: string, status: 302 | 303 = 302): Reply => ({
  status,
  headers: { location, "content-type": HTML },
  body: `<html><body>Object moved to <a href="${escapeXml(location)}">here</a>.</body></html>\n`
})

const statusCodes: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  406: "NotAcceptable",
  408: "RequestTimeout",
  409: "Conflict",
  429: "TooManyRequests",
  500: "InternalServerError",
  502: "BadGateway",
  503: "ServiceUnavailable",
  504: "GatewayTimeout"
}

/** The `Code` an `ApiException` carries for a status. */
export const codeFor = (status: number): string => statusCodes[status] ?? (status >= 500 ? "ServerError" : "Error")

/** The rate-limit answer: JSON even on the XML API [DOC]. */
export const rateLimited = (perMinute: number): Reply =>
  json(
    429,
    {
      error: "rate_limit_exceeded",
      message: `Rate limit exceeded: at most ${perMinute} requests per minute per platform. Retry after 60 seconds.`,
      retryAfter: 60
    },
    { "retry-after": "60" }
  )
