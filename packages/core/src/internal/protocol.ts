/**
 * Reading what an OAuth 2 or HTTP server said, from the standards rather than from one server's page
 * shapes: RFC 6749 §4.1.2.1 and §5.2 (error codes, in any body: JSON, form, HTML text, `<pre>`), RFC 6750
 * §3 (Bearer challenges) and RFC 9110 §11 (challenges). Every function is linear in its input: the
 * bodies are hostile and capped only at the HTTP body cap.
 */
import { Option, Schema } from "effect"

/** The error codes of RFC 6749 (§4.1.2.1, §5.2), RFC 6750 (§3.1), and the non-standard names servers use. */
export const oauthErrorCodes: ReadonlyArray<string> = [
  "invalid_request",
  "invalid_client",
  "invalid_grant",
  "unauthorized_client",
  "unsupported_grant_type",
  "unsupported_response_type",
  "invalid_scope",
  "access_denied",
  "server_error",
  "temporarily_unavailable",
  "invalid_token",
  "insufficient_scope",
  "login_required",
  "consent_required",
  "interaction_required",
  // Outside the RFCs, seen on real servers' error pages.
  "invalid_redirect_uri",
  "redirect_uri_mismatch",
  "unknown_client",
  "invalid_client_id"
]

const codeSet = new Set(oauthErrorCodes)

/** Codes that say the redirect URI is what was refused. */
export const redirectCodes: ReadonlySet<string> = new Set(["invalid_redirect_uri", "redirect_uri_mismatch"])
/** Codes that say the client id is what was refused. */
export const clientCodes: ReadonlySet<string> = new Set(["invalid_client", "unknown_client", "invalid_client_id"])

/** How much of a body is read for its words (an error page says what it says early). */
const TEXT_WINDOW = 64 * 1024

const entities: Record<string, string> = { lt: "<", gt: ">", quot: '"', apos: "'", amp: "&", nbsp: " " }

const decodeEntities = (s: string): string =>
  s.replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,6});/gi, (m, e: string) => {
    if (e[0] === "#") {
      const n = e[1] === "x" || e[1] === "X" ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10)
      return Number.isFinite(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : " "
    }
    return entities[e.toLowerCase()] ?? m
  })

/**
 * The text of an HTML page in one pass: tags become spaces, `<script>` and `<style>` contents and
 * comments are dropped, entities decoded, white space collapsed. An unclosed `<` ends the text (it
 * cannot be rescanned: no position is visited twice).
 */
export const htmlText = (body: string): string => {
  const s = body.length > TEXT_WINDOW ? body.slice(0, TEXT_WINDOW) : body
  const parts: Array<string> = []
  let i = 0
  while (i < s.length) {
    const lt = s.indexOf("<", i)
    if (lt === -1) {
      parts.push(s.slice(i))
      break
    }
    if (lt > i) parts.push(s.slice(i, lt))
    if (s.startsWith("<!--", lt)) {
      const end = s.indexOf("-->", lt + 4)
      if (end === -1) break
      i = end + 3
      continue
    }
    const gt = s.indexOf(">", lt + 1)
    if (gt === -1) break
    const name = /^<\s*([a-z0-9]+)/i.exec(s.slice(lt, Math.min(gt + 1, lt + 16)))?.[1]?.toLowerCase()
    i = gt + 1
    if (name === "script" || name === "style") {
      const close = s.toLowerCase().indexOf(`</${name}`, i)
      if (close === -1) break
      const closeEnd = s.indexOf(">", close)
      if (closeEnd === -1) break
      i = closeEnd + 1
    }
    parts.push(" ")
  }
  return decodeEntities(parts.join("")).replace(/\s+/g, " ").trim()
}

/** What an error answer says: its code (when it names one) and its own words. */
export interface ErrorWords {
  /** An OAuth/HTTP error code named by the body, or null. */
  readonly error: string | null
  /** The description the body gives (`error_description`, the text beside the code), or "". */
  readonly description: string
  /** The body's words as text (HTML and JSON flattened), for reading further. */
  readonly text: string
}

const none: ErrorWords = { error: null, description: "", text: "" }

/** The first known error code named in `text` as a whole word. */
const findCode = (text: string): { code: string; at: number } | null => {
  const re = /[a-z_]{8,40}/gi
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const w = m[0].toLowerCase()
    const before = m.index === 0 ? "" : text[m.index - 1]!
    const after = text[m.index + m[0].length] ?? ""
    if (codeSet.has(w) && !/[a-z0-9]/i.test(before) && !/[a-z0-9]/i.test(after)) return { code: w, at: m.index }
  }
  return null
}

/** The words after `at` (a code), skipping the punctuation that joins a code to its text. */
const wordsAfter = (text: string, at: number): string => {
  const rest = text.slice(at, at + 600)
  const m = /^[\s:=\-–—,."'()]+/.exec(rest)
  const start = m ? m[0].length : 0
  const labelled = /^error_description\s*[:=]\s*/i.exec(rest.slice(start))
  return rest.slice(start + (labelled ? labelled[0].length : 0)).trim()
}

/** The fields of a JSON error body that say what went wrong (any of them may be absent or not a string). */
const readErrorJson = Schema.decodeUnknownOption(
  Schema.parseJson(
    Schema.Struct({
      error: Schema.optional(Schema.Unknown),
      error_code: Schema.optional(Schema.Unknown),
      code: Schema.optional(Schema.Unknown),
      error_description: Schema.optional(Schema.Unknown),
      message: Schema.optional(Schema.Unknown),
      Message: Schema.optional(Schema.Unknown),
      detail: Schema.optional(Schema.Unknown)
    })
  )
)

const str = (v: unknown): string => (typeof v === "string" ? v : "")

const jsonWords = (body: string): ErrorWords | null => {
  const t = body.trimStart()
  if (!t.startsWith("{")) return null
  const j = readErrorJson(t)
  if (Option.isNone(j)) return null
  const { error: e, error_code, code, error_description, message, Message, detail } = j.value
  const error = str(e) || str(error_code) || str(code)
  const description = str(error_description) || str(message) || str(Message) || str(detail)
  return {
    error: error ? error.toLowerCase() : null,
    description,
    text: `${error} ${description}`.trim()
  }
}

const formWords = (body: string): ErrorWords | null => {
  const t = body.trim()
  if (!/^[a-z_]+=/i.test(t) || /[\s<]/.test(t.slice(0, 200))) return null
  const q = new URLSearchParams(t.slice(0, TEXT_WINDOW))
  const error = q.get("error")
  if (!error) return null
  const description = q.get("error_description") ?? ""
  return { error: error.toLowerCase(), description, text: `${error} ${description}` }
}

/**
 * What an error body says, whatever its shape: JSON (`error`, `error_description`), a form-encoded body,
 * or a page (HTML or plain text, `<pre>` included) whose words name a known code. Linear.
 */
export const readErrorWords = (body: string, contentType = ""): ErrorWords => {
  if (body === "") return none
  const j = jsonWords(body)
  if (j) return j
  const f = formWords(body)
  if (f) return f
  const ct = contentType.toLowerCase()
  const text =
    ct.includes("html") || /<[a-z!]/i.test(body.slice(0, 2000))
      ? htmlText(body)
      : body.slice(0, TEXT_WINDOW).replace(/\s+/g, " ").trim()
  const labelled = /\berror_description\s*[:=]\s*/i.exec(text)
  const found = findCode(text)
  if (!found) return { error: null, description: "", text }
  const description = labelled
    ? text.slice(labelled.index + labelled[0].length, labelled.index + labelled[0].length + 600).trim()
    : wordsAfter(text, found.at + found.code.length)
  return { error: found.code, description, text }
}

/** Whether words say the redirect URI was refused. */
export const aboutRedirectUri = (w: ErrorWords): boolean =>
  (w.error !== null && redirectCodes.has(w.error)) ||
  /redirect[\s_-]?ur[il]|redirect[\s_-]?url|callback url/i.test(w.text)

/** Whether words say the client is not approved (yet). */
export const aboutApproval = (w: ErrorWords): boolean => /approv/i.test(w.text)

/** The `error` attribute of an RFC 6750 Bearer challenge (or any challenge naming one). */
export const challengeError = (header: string): string | null =>
  /\berror\s*=\s*"?([a-z_]{1,40})"?/i.exec(header.slice(0, 4096))?.[1]?.toLowerCase() ?? null

/** Whether a `WWW-Authenticate` value is a challenge (RFC 9110 §11.6.1: a scheme name, then params). */
export const isChallenge = (header: string): boolean => /^\s*[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*(\s|,|$)/.test(header)
