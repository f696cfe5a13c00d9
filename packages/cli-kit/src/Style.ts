/**
 * How plain output looks on a given stream: colour or not, Unicode glyphs or ASCII, wrapping width.
 * Colour: a non-empty NO_COLOR wins (no-color.org), then FORCE_COLOR, then whether the stream is a TTY.
 */

/** The look of plain output. */
export interface TextStyle {
  /** ANSI colours (never when the output is a file or a pipe, unless FORCE_COLOR). */
  readonly color: boolean
  /** Unicode glyphs (✔ ✘ …) or their ASCII fallbacks (+ x …). */
  readonly unicode: boolean
  /** Wrap lines at this many columns; undefined: never wrap (one line per check, for logs). */
  readonly width?: number | undefined
}

/** Plain, Unicode, unwrapped: what a file or a log gets. */
export const plainStyle: TextStyle = { color: false, unicode: true }

/** The parts of a stream the style depends on (process.stdout and process.stderr fit). */
export interface StreamInfo {
  readonly isTTY?: boolean | undefined
  readonly columns?: number | undefined
}

type Env = Readonly<Record<string, string | undefined>>

/** Whether colour is wanted on a stream: NO_COLOR forbids it, FORCE_COLOR (not 0/false) forces it, else a TTY. */
export const colorEnabled = (stream: StreamInfo, env: Env = process.env): boolean => {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false
  const force = env.FORCE_COLOR
  if (force !== undefined) return force !== "0" && force.toLowerCase() !== "false"
  return stream.isTTY === true && env.TERM !== "dumb"
}

/** Whether the environment says CI (Ink's rule: CI or CONTINUOUS_INTEGRATION set and not `0` or `false`). */
export const inCi = (env: Env = process.env): boolean =>
  ["CI", "CONTINUOUS_INTEGRATION"].some((k) => {
    const v = env[k]
    return v !== undefined && v !== "0" && v !== "false"
  })

/** Whether the terminal can show Unicode glyphs: not on TERM=dumb, nor under a locale that is not UTF-8. */
export const unicodeEnabled = (env: Env = process.env): boolean => {
  if (env.TERM === "dumb") return false
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG
  return locale === undefined || locale === "" || /utf-?8/i.test(locale)
}

/** The style for a stream: a TTY gets its width for wrapping, anything else one line per item. */
export const detectStyle = (stream: StreamInfo, env: Env = process.env): TextStyle => ({
  color: colorEnabled(stream, env),
  unicode: unicodeEnabled(env),
  width: stream.isTTY === true && stream.columns !== undefined && stream.columns > 0 ? stream.columns : undefined
})

const codes = {
  green: [32, 39],
  yellow: [33, 39],
  red: [31, 39],
  magenta: [35, 39],
  dim: [2, 22],
  bold: [1, 22]
} as const

/** A colour (or weight) the printer uses. */
export type Paint = keyof typeof codes

/** Paints text when the style has colour; returns it unchanged otherwise. */
export const paint = (style: TextStyle, color: Paint, text: string): string =>
  style.color ? `\u001b[${codes[color][0]}m${text}\u001b[${codes[color][1]}m` : text
