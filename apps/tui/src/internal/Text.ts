/**
 * Plain-text layout helpers: the one sanitiser for text that reaches the screen, and width-aware
 * truncation and word wrapping for a fixed number of columns. Every function here is linear in its
 * input, so no string a server sends can stall the screen.
 */
import { oneLine } from "@arlo-ready/cli-kit"

const segmenter = new Intl.Segmenter()

/** How much of a string Intl.Segmenter is given at once. */
const WINDOW = 256

/**
 * The grapheme clusters of a string with their offsets, in order. A printable ASCII character followed
 * by ASCII (or nothing) is a cluster of its own; anything else is read with Intl.Segmenter in windows:
 * over one long string it slows down quadratically (seconds for 100 KB), over short windows it is
 * linear. The last cluster of a window may go on past it, so it is read again after the window.
 */
function* clusters(s: string): Generator<{ readonly segment: string; readonly index: number }> {
  let start = 0
  while (start < s.length) {
    const a = s.charCodeAt(start)
    if (a >= 0x20 && a < 0x7f && (start + 1 === s.length || s.charCodeAt(start + 1) < 0x80)) {
      yield { segment: s[start]!, index: start }
      start++
      continue
    }
    let end = Math.min(s.length, start + WINDOW)
    // Never cut a surrogate pair.
    const c = s.charCodeAt(end - 1)
    if (end < s.length && c >= 0xd800 && c <= 0xdbff) end--
    let last: Intl.SegmentData | undefined
    let count = 0
    for (const g of segmenter.segment(s.slice(start, end))) {
      if (last) yield { segment: last.segment, index: start + last.index }
      last = g
      count++
    }
    if (!last) return
    if (end === s.length || count === 1) {
      // The end of the string, or one cluster as long as the window: taken as it stands.
      yield { segment: last.segment, index: start + last.index }
      start = end
    } else {
      start += last.index
    }
  }
}

/** The characters of a string as the terminal sees them (grapheme clusters). */
const graphemes = (s: string): Array<string> => Array.from(clusters(s), (g) => g.segment)

/** Columns a string takes (every grapheme counts as one column: the text shown is Latin or symbols). */
export const width = (s: string): number => {
  let n = 0
  for (const _ of clusters(s)) n++
  return n
}

/** Cuts a string to `max` columns, ending in an ellipsis when something was cut. */
export const truncate = (s: string, max: number): string => {
  if (max <= 0) return ""
  const flat = s.replace(/[\r\n\t]+/g, " ")
  // No more code units than columns: no more graphemes either.
  if (flat.length <= max) return flat
  // Reads at most max + 1 graphemes, however long the string.
  let n = 0
  let keep = 0
  for (const { index } of clusters(flat)) {
    if (n === max - 1) keep = index
    if (n === max) return `${flat.slice(0, keep).trimEnd()}…`
    n++
  }
  return flat
}

/** The most characters the screen shows of any one string (then `…`). */
export const SHOWN_MAX = 1000

/**
 * The one sanitiser for text the screen did not write itself (a check result, a notice, a label):
 * escape sequences removed, C0/C1 controls, DEL and the bidi characters neutralised (cli-kit's
 * `oneLine`, as the plain printer and the report formats use), one line, and at most `max` characters.
 */
export const clean = (s: string, max = SHOWN_MAX): string => {
  // Beyond a few times `max` nothing more can be shown: the rest is never read (a string of combining
  // marks is one grapheme however long, so the cut is in code units, then in graphemes).
  const limit = max * 4
  if (s.length <= limit) return truncate(oneLine(s), max)
  const end = s.charCodeAt(limit - 1) >= 0xd800 && s.charCodeAt(limit - 1) <= 0xdbff ? limit - 1 : limit
  const shown = truncate(oneLine(s.slice(0, end)), max)
  return shown.endsWith("…") ? shown : `${shown}…`
}

/** Pads a string with spaces to `cols` columns. */
export const pad = (s: string, cols: number): string => s + " ".repeat(Math.max(0, cols - width(s)))

/**
 * Wraps text to `cols` columns at word boundaries; a word longer than a line (a URL) is broken. Every
 * line after the first starts with `indent`. One pass: each word is measured once, and a long word is
 * cut into lines by position, never re-sliced from what is left of it.
 */
export const wrap = (text: string, cols: number, indent = ""): Array<string> => {
  const lines: Array<string> = []
  const indentCols = width(indent)
  const room = () => Math.max(8, cols - (lines.length === 0 ? 0 : indentCols))
  let line = ""
  let used = 0
  const push = () => {
    lines.push(lines.length === 0 ? line : indent + line)
    line = ""
    used = 0
  }
  for (const word of text.split(/\s+/)) {
    if (word.length === 0) continue
    const g = graphemes(word)
    if (used > 0 && used + 1 + g.length <= room()) {
      line += ` ${word}`
      used += 1 + g.length
      continue
    }
    if (used > 0) push()
    let at = 0
    while (g.length - at > room()) {
      const n = room()
      line = g.slice(at, at + n).join("")
      at += n
      push()
    }
    line = at === 0 ? word : g.slice(at).join("")
    used = g.length - at
  }
  if (line.length > 0 || lines.length === 0) push()
  return lines
}
