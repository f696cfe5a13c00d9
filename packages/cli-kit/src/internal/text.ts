/** Small text helpers: sanitising untrusted text for a terminal or log, terminal-safe JSON, wrapping, durations. */

// C0 and C1 controls, DEL, the line and paragraph separators, and the bidi marks, embeddings, overrides
// and isolates that can disguise text in a terminal.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const unsafe = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g
// CSI and OSC sequences in their 7-bit (ESC [, ESC ]) and 8-bit (U+009B, U+009D) forms, and any other
// two-character escape. No alternative runs past the next ESC, so matching stays linear.
const ansi =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching escape sequences is the point
  /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|(?:\u001b\]|\u009d)[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)|\u001b[@-_]/g

/** Makes untrusted text one safe line: escape sequences removed, controls become spaces, runs of space collapse. */
export const oneLine = (s: string): string => s.replace(ansi, "").replace(unsafe, " ").replace(/ {2,}/g, " ").trim()

/** Removes ANSI escape sequences. */
export const stripAnsi = (s: string): string => s.replace(ansi, "")

/** Whether text contains an ANSI escape sequence or another control character except newline. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
export const hasEscapes = (s: string): boolean => /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(s)

// What JSON.stringify leaves raw but a terminal acts on or an editor hides: DEL and the C1 controls
// (U+0085 is a newline to some), the line and paragraph separators, and the bidi marks, embeddings,
// overrides and isolates (which make `cat` show text in another order). C0 is escaped already.
const rawInJson = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

/**
 * JSON.stringify, with the characters above written as `\uXXXX`. None of them can stand outside a
 * string in JSON, so the text parses to the same value; it is only safe to `cat` as well.
 */
export const safeStringify = (value: unknown, space?: number): string =>
  JSON.stringify(value, null, space).replace(rawInJson, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)

/** Code points in `s` from `from` to `to` (what `wrap` counts as columns). */
const codePoints = (s: string, from = 0, to = s.length): number => {
  let n = 0
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i)
    if (c < 0xdc00 || c > 0xdfff) n++
  }
  return n
}

/** The end of the code point that starts at `i` (never half a surrogate pair). */
const nextCodePoint = (s: string, i: number): number => {
  const c = s.charCodeAt(i)
  return c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? i + 2 : i + 1
}

/**
 * Wraps `text` at `width` columns on spaces; continuation lines start with `indent`. A word longer
 * than a line is broken at the width. Without a width the text is returned as one line. The spaces
 * the text starts with are kept, the spaces a line would end with are not.
 *
 * One pass over the text: linear in its length whatever it holds (a megabyte without a space, or of
 * spaces).
 */
export const wrap = (text: string, width: number | undefined, indent: string): Array<string> => {
  if (width === undefined || codePoints(text) <= width) return [text]
  const indentCols = codePoints(indent)
  const lines: Array<string> = []
  // The line being filled, its columns, and whether it holds a word yet.
  let line = ""
  let cols = 0
  let worded = false
  const newLine = () => {
    lines.push(line.trimEnd())
    line = indent
    cols = indentCols
    worded = false
  }
  let i = 0
  while (i < text.length) {
    // A run of spaces, then a word up to the next space.
    let start = i
    while (start < text.length && text.charCodeAt(start) === 0x20) start++
    if (start === text.length) break
    let end = text.indexOf(" ", start)
    if (end === -1) end = text.length
    const spaces = start - i
    i = end
    const wordCols = codePoints(text, start, end)
    let gap = spaces
    if (worded && cols + spaces + wordCols > width) {
      newLine()
      gap = 0
    }
    line += " ".repeat(gap)
    cols += gap
    if (cols + wordCols <= width) {
      line += text.slice(start, end)
      cols += wordCols
      worded = true
      continue
    }
    // Longer than the room left: as much as fits here, then whole lines of it.
    let room = Math.max(1, width - cols)
    let from = start
    let taken = 0
    for (let at = start; at < end; at = nextCodePoint(text, at)) {
      if (taken === room) {
        line += text.slice(from, at)
        newLine()
        from = at
        taken = 0
        room = Math.max(1, width - cols)
      }
      taken++
    }
    line += text.slice(from, end)
    cols += taken
    worded = true
  }
  if (line.trim() !== "") lines.push(line.trimEnd())
  return lines
}

/** A duration for people: `850ms`, `1.2s`, `1m05s`. */
export const formatDuration = (ms: number): string => {
  if (!Number.isFinite(ms) || ms < 0) return "0ms"
  if (ms < 1000) return `${Math.round(ms)}ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`
  const seconds = Math.floor(ms / 1000)
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`
}
