/** Plain-text layout helpers: width-aware truncation and word wrapping for a fixed number of columns. */

const segmenter = new Intl.Segmenter()

/** The characters of a string as the terminal sees them (grapheme clusters). */
const graphemes = (s: string): Array<string> => Array.from(segmenter.segment(s), (g) => g.segment)

/** Columns a string takes (every grapheme counts as one column: the text shown is Latin or symbols). */
export const width = (s: string): number => graphemes(s).length

/** Cuts a string to `max` columns, ending in an ellipsis when something was cut. */
export const truncate = (s: string, max: number): string => {
  if (max <= 0) return ""
  const g = graphemes(s.replace(/[\r\n\t]+/g, " "))
  if (g.length <= max) return g.join("")
  return `${g
    .slice(0, Math.max(0, max - 1))
    .join("")
    .trimEnd()}…`
}

/** Pads a string with spaces to `cols` columns. */
export const pad = (s: string, cols: number): string => s + " ".repeat(Math.max(0, cols - width(s)))

/**
 * Wraps text to `cols` columns at word boundaries; a word longer than a line (a URL) is broken. Every
 * line after the first starts with `indent`.
 */
export const wrap = (text: string, cols: number, indent = ""): Array<string> => {
  const lines: Array<string> = []
  const room = (first: boolean) => Math.max(8, cols - (first ? 0 : width(indent)))
  let line = ""
  const push = () => {
    lines.push(lines.length === 0 ? line : indent + line)
    line = ""
  }
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    const candidate = line.length === 0 ? word : `${line} ${word}`
    if (width(candidate) <= room(lines.length === 0)) {
      line = candidate
      continue
    }
    if (line.length > 0) push()
    let rest = graphemes(word)
    while (rest.length > room(lines.length === 0)) {
      const n = room(lines.length === 0)
      line = rest.slice(0, n).join("")
      rest = rest.slice(n)
      push()
    }
    line = rest.join("")
  }
  if (line.length > 0 || lines.length === 0) push()
  return lines
}

/** A duration in ms as a short human figure: `850ms`, `1.2s`, `1m05s`. */
export const duration = (ms: number): string => {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`
  const s = Math.floor(ms / 1000)
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`
}
