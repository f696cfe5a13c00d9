/** Echoing foreign input in one-line messages, safely. */

const ECHO_MAX = 60

/**
 * Input echoed in a message, in single quotes: at most {@link ECHO_MAX} characters (then `…`), its
 * control characters and line separators escaped as `JSON.stringify` does, so the message stays one line.
 */
export const echo = (raw: string): string => {
  let s = raw
  if (s.length > ECHO_MAX) {
    s = s.slice(0, ECHO_MAX)
    if (/[\uD800-\uDBFF]$/.test(s)) s = s.slice(0, -1)
    s = `${s}…`
  }
  const escaped = JSON.stringify(s)
    .slice(1, -1)
    .replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
  return `'${escaped}'`
}

/**
 * A URL as it may be echoed: any `user:password@` before the host is cut (up to the last `@`: an
 * unparsable URL has no reliable end to its authority), so that credentials are never shown.
 */
export const withoutUserinfo = (raw: string): string => {
  const at = raw.lastIndexOf("@")
  if (at === -1) return raw
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/*/.exec(raw)?.[0] ?? ""
  return at < scheme.length ? raw : `${scheme}…@${raw.slice(at + 1)}`
}
