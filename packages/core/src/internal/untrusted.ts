/**
 * The one door for text that came from a server (bodies, header values, URLs, role names, realms, error
 * codes and descriptions): it is scrubbed of every configured secret, its control and bidi characters are
 * neutralised, and its length is capped, before it is put into a report. Our own sentences never pass
 * through it (a scrubber run over them would be an oracle) and never hold a secret in the first place.
 *
 * Every function here is linear in its input.
 */

/** Turns server text into report text. */
export type Door = (raw: string) => string

/** The longest server string a report carries (then `…`). */
export const UNTRUSTED_MAX = 300

// C0 and C1 controls, DEL, line/paragraph separators, and the bidi embeddings, overrides and isolates.
const isUnsafe = (c: number) =>
  c <= 0x1f ||
  (c >= 0x7f && c <= 0x9f) ||
  c === 0x2028 ||
  c === 0x2029 ||
  (c >= 0x202a && c <= 0x202e) ||
  (c >= 0x2066 && c <= 0x2069) ||
  c === 0x200e ||
  c === 0x200f ||
  c === 0x061c

/**
 * One safe line: each run of control, bidi and white-space characters becomes one space (so an escape
 * sequence loses its ESC and cannot act on a terminal), the ends are trimmed, and at most `max`
 * characters are kept (never half a surrogate pair).
 */
export const neutralise = (raw: string, max = UNTRUSTED_MAX): string => {
  let out = ""
  let space = false
  let kept = 0
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i)
    if (isUnsafe(c) || c === 0x20 || c === 0xa0) {
      space = out !== ""
      continue
    }
    if (kept >= max) return `${out}…`
    if (space) {
      out += " "
      kept++
      space = false
      if (kept >= max) return `${out.trimEnd()}…`
    }
    // Keep a surrogate pair whole.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < raw.length) {
      out += raw[i]! + raw[i + 1]!
      i++
    } else out += raw[i]!
    kept++
  }
  return out
}

/** A door that only neutralises (for pure functions tested without an audit's secrets). */
export const plainDoor: Door = (raw) => neutralise(raw)
