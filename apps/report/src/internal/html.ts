/**
 * The pieces both HTML views share: escaping, status marks, the page around a view (its content
 * security policy, styles and script), and a view of one audit's checklist, findings and timeline.
 * Everything the report holds is text from the platform until proven otherwise: it is made one line
 * (controls and bidi characters neutralised, as for a terminal) and then escaped for HTML, so a
 * hostile body can add neither markup nor script.
 */
import { createHash } from "node:crypto"
import { oneLine } from "@arlo-ready/cli-kit"
import type { CheckStatus, Verdict } from "@arlo-ready/core"
import { pageScript } from "./htmlScript.js"
import { pageStyle } from "./htmlStyle.js"

const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }

/** Untrusted text as HTML text or an attribute value: one safe line, every markup character escaped. */
export const esc = (s: string): string => oneLine(s).replace(/[&<>"']/g, (c) => entities[c]!)

/** A link only for http(s) URLs (escaped); anything else is shown as text. */
export const link = (title: string, url: string): string =>
  /^https?:\/\/[^\s<>"']+$/i.test(url)
    ? `<a href="${esc(url)}" rel="noreferrer noopener">${esc(title)}</a>`
    : `${esc(title)}: ${esc(url)}`

/** The mark of each status, its word, and the short class the styles colour it by. */
export const statusMark: Record<CheckStatus, readonly [mark: string, word: string, cls: string]> = {
  pass: ["✔", "pass", "p"],
  warn: ["▲", "warn", "w"],
  fail: ["✘", "fail", "f"],
  error: ["!", "error", "e"],
  skipped: ["↷", "skipped", "s"],
  not_applicable: ["–", "n/a", "n"],
  waived: ["◌", "waived", "x"]
}

/** A verdict's words and class. */
export const verdictMark: Record<Verdict, readonly [mark: string, words: string, cls: string]> = {
  ready: ["✔", "Ready", "p"],
  ready_with_warnings: ["▲", "Ready, with warnings", "w"],
  not_ready: ["✘", "Not ready", "f"],
  incomplete: ["!", "Incomplete", "e"]
}

/** The mark of a status as HTML: the glyph, with its word for screen readers (and for copying). */
export const mark = (status: CheckStatus): string => {
  const [glyph, word, cls] = statusMark[status]
  return `<b class="m ${cls}">${glyph}<i>${word}</i></b>`
}

/** The verdict as a badge. */
export const verdictBadge = (verdict: Verdict): string => {
  const [glyph, words, cls] = verdictMark[verdict]
  return `<span class="verdict ${cls}" data-verdict="${verdict}">${glyph} ${words}</span>`
}

const sha256 = (s: string): string => createHash("sha256").update(s, "utf8").digest("base64")

/**
 * A whole page: no network (the policy allows nothing to load: no fonts, no images, no fetch), the one
 * inline script allowed by its hash only, so even a markup injection could not run one.
 */
export const page = (title: string, body: string): string => {
  const policy = [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `script-src 'sha256-${sha256(pageScript)}'`,
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'"
  ].join("; ")
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="color-scheme" content="light dark">
<title>${esc(title)}</title>
<style>${pageStyle}</style>
</head>
<body>
<a class="skip" href="#main">Skip to the report</a>
${body}
<script>${pageScript}</script>
</body>
</html>
`
}
