/**
 * What a report shows of an exchange: server text through the door (scrubbed of every form of every
 * configured secret, neutralised, capped), URLs for humans, the short note on what an answer said, and
 * the exchange records themselves.
 */
import type { AuditConfig } from "../../Config.js"
import type { Exchange } from "../../Report.js"
import { apiException, parseXml } from "../../Xml.js"
import { maskedHint } from "../config/credentials.js"
import { withoutUserinfo } from "../echo.js"
import { type Door, makeScrubber, neutralise, throughDoor } from "../untrusted.js"
import { decodePath, displayQuery, secretForms } from "./redaction.js"
import { type Answer, redirectStatus } from "./transport.js"

const NOTE_MAX = 160

/** A note cut to {@link NOTE_MAX} characters (never half a surrogate pair). */
const clip = (s: string) => {
  if (s.length <= NOTE_MAX) return s
  const cut = /[\uD800-\uDBFF]/.test(s.charAt(NOTE_MAX - 2)) ? NOTE_MAX - 2 : NOTE_MAX - 1
  return `${s.slice(0, cut)}…`
}

/** The evidence of one audit, built from its secrets and its target's origin. */
export interface Evidence {
  /** The one door for server text into a report. */
  readonly untrusted: Door
  /** The door for every string of a JSON-like value. */
  readonly untrustedDeep: <A>(value: A) => A
  /** Defence in depth for messages built from foreign errors. */
  readonly scrub: (text: string) => string
  /** A URL the server chose, for humans, through the door. */
  readonly display: (url: string) => string
  /** A URL the audit built, for humans: neutralised, never scrubbed. */
  readonly own: (url: string) => string
  /** The short note on what an answer said (Location, challenge, Retry-After, error code). */
  readonly describe: (a: Answer, url: string) => string | undefined
}

export const makeEvidence = (config: AuditConfig, origin: string): Evidence => {
  const scrubber = makeScrubber(secretForms(config))
  // Scrubbed before it is neutralised (a secret split by controls is still one secret) and before it is
  // capped (the cap never leaves most of a secret behind).
  const untrusted: Door = (raw) => {
    const out = neutralise(scrubber.scrub(raw))
    return scrubber.holds(out) ? scrubber.marker : out
  }
  // Forms shorter than three characters are left alone here, as a sentence of ours would otherwise lose its words.
  const scrub = (s: string): string => scrubber.scrub(s, "ignore")
  // The username appears only in a filter value: mask it there, where it cannot collide with a path.
  const user = config.basic?.username
  const maskUser = (v: string) => (user ? v.split(user).join(maskedHint(user, "identifier")) : v)
  const render = (raw: string): string => {
    let u: URL
    try {
      u = new URL(raw)
    } catch {
      return withoutUserinfo(raw)
    }
    const path = `${decodePath(u.pathname)}${displayQuery(u.search, maskUser)}`
    return u.origin === origin ? path : `${u.origin}${path}`
  }
  const display = (raw: string): string => untrusted(render(raw))
  // Ours, holding no secret: a scrubber over it would be an oracle.
  const own = (raw: string): string => neutralise(render(raw))
  return {
    untrusted,
    untrustedDeep: <A>(value: A): A => throughDoor(untrusted, value) as A,
    scrub,
    display,
    own,
    describe: (a, url) => describe(a, url, untrusted, display)
  }
}

const bodyNote = (a: Answer, untrusted: Door): string | undefined => {
  const ct = (a.headers["content-type"] ?? "").toLowerCase()
  if (a.status >= 400 && ct.includes("xml")) {
    const doc = parseXml(a.body)
    if (doc._tag === "Right") {
      const ex = apiException(doc.right)
      if (ex?.code) return `ApiException ${untrusted(ex.code)}`
    }
  } else if (a.status >= 400 && ct.includes("json")) {
    try {
      const j = JSON.parse(a.body) as { error?: unknown }
      if (typeof j.error === "string") return `error: ${untrusted(j.error)}`
    } catch {
      // not JSON after all: nothing to note
    }
  }
  return undefined
}

const describe = (a: Answer, url: string, untrusted: Door, display: (url: string) => string): string | undefined => {
  const notes: Array<string> = []
  const h = a.headers
  if (redirectStatus.has(a.status) && h.location) {
    let where: string
    try {
      where = display(new URL(h.location, url).href)
    } catch {
      where = "(unreadable)"
    }
    notes.push(`Location: ${where}`)
  }
  if (h["www-authenticate"]) notes.push(`WWW-Authenticate: ${untrusted(h["www-authenticate"])}`)
  if (a.status === 429 && h["retry-after"]) notes.push(`Retry-After: ${untrusted(h["retry-after"])}`)
  const body = bodyNote(a, untrusted)
  if (body !== undefined) notes.push(body)
  // Each piece of server text went through the door on its own: the cap cuts only what is safe to show.
  return notes.length === 0 ? undefined : clip(notes.join("; "))
}

/** The record of an attempt that got no answer. */
export const unanswered = (
  method: string,
  path: string,
  durationMs: number,
  error: string,
  note?: "retried"
): Exchange => ({ method, path, status: null, durationMs, error, ...(note ? { note } : {}) })

/** The record of an answer: the note on what it said, and what the audit did about it (`extra`). */
export const answered = (
  method: string,
  path: string,
  status: number,
  durationMs: number,
  note: string | undefined,
  extra?: string
): Exchange => ({
  method,
  path,
  status,
  durationMs,
  ...(note || extra ? { note: clip([note, extra].filter(Boolean).join("; ")) } : {})
})
