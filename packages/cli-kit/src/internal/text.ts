/** Small text helpers: sanitising untrusted text for a terminal or log, wrapping, durations. */

// C0 and C1 controls, DEL, and the bidi overrides/isolates that can disguise text in a terminal.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const unsafe = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching escape sequences is the point
const ansi = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-_]/g

/** Makes untrusted text one safe line: escape sequences removed, controls become spaces, runs of space collapse. */
export const oneLine = (s: string): string => s.replace(ansi, "").replace(unsafe, " ").replace(/ {2,}/g, " ").trim()

/** Removes ANSI escape sequences. */
export const stripAnsi = (s: string): string => s.replace(ansi, "")

/** Whether text contains an ANSI escape sequence or another control character except newline. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
export const hasEscapes = (s: string): boolean => /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(s)

/**
 * Wraps `text` at `width` columns on spaces; continuation lines start with `indent`. A word longer
 * than the width is left whole. Without a width the text is returned as one line.
 */
export const wrap = (text: string, width: number | undefined, indent: string): Array<string> => {
  const length = (s: string) => [...s].length
  if (width === undefined || length(text) <= width) return [text]
  const lines: Array<string> = []
  const [first, ...words] = text.split(" ")
  let line = first ?? ""
  for (const word of words) {
    const candidate = `${line} ${word}`
    if (word !== "" && length(candidate) > width && line.trim() !== "") {
      lines.push(line.trimEnd())
      line = `${indent}${word}`
    } else {
      line = candidate
    }
  }
  if (line.trim() !== "") lines.push(line.trimEnd())
  return lines
}

/** A duration for people: `850ms`, `1.2s`, `2m 5s`. */
export const formatDuration = (ms: number): string => {
  if (!Number.isFinite(ms) || ms < 0) return "0ms"
  if (ms < 1000) return `${Math.round(ms)}ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`
  const minutes = Math.floor(ms / 60_000)
  const seconds = Math.round((ms - minutes * 60_000) / 1000)
  return `${minutes}m ${seconds}s`
}
