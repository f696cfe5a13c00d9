/** The details of one check: why it stands where it does, the evidence, and how to fix it. */
import { actorLabel, formatDuration } from "@arlo-ready/cli-kit"
import { definition } from "@arlo-ready/core"
import { type Line, Lines, line } from "./internal/Lines.js"
import { shown } from "./internal/Shown.js"
import { clean, truncate, wrap } from "./internal/Text.js"
import { type Color, spinnerFrames, statusColor, statusGlyph, statusWord } from "./internal/Theme.js"
import type { Row } from "./State.js"

/** What the details view needs besides the row. */
export interface DetailsFrame {
  readonly now: number
  readonly width: number
  readonly height?: number | undefined
  readonly scroll: number
}

const factText = (value: unknown): string => {
  if (Array.isArray(value)) return value.map(factText).join(", ")
  if (value !== null && typeof value === "object") return JSON.stringify(value)
  return String(value)
}

/** Every line of the details of a row, wrapped to the width. */
export const detailsLines = (row: Row, now: number, width: number): Array<Line> => {
  const def = definition(row.id)
  // Every string of the result through the one sanitiser, capped; composed lines are capped again.
  const r = row.result && shown(row.result)
  const out: Array<Line> = []
  let n = 0
  const key = () => `d${n++}`
  const text = (t: string, style: { color?: Color; bold?: boolean; dim?: boolean } = {}, indent = "") => {
    for (const l of wrap(t, width - indent.length, "")) out.push(line(key(), indent + l, style))
  }
  const heading = (t: string) => {
    out.push(line(key(), ""))
    out.push(line(key(), t, { bold: true }))
  }
  const item = (bullet: string, t: string, style: { color?: Color; dim?: boolean } = {}) => {
    const indent = " ".repeat(2 + bullet.length)
    wrap(t, width - indent.length).forEach((l, i) => {
      out.push(line(key(), (i === 0 ? `  ${bullet}` : indent) + l, style))
    })
  }

  const status = row.status
  const glyph =
    status === "running" ? spinnerFrames[Math.floor(now / 100) % spinnerFrames.length]! : statusGlyph[status]
  out.push({
    key: key(),
    segments: [
      { text: `${glyph} `, color: statusColor[status] },
      { text: truncate(r?.title ?? def.title, width - 2), bold: true }
    ]
  })
  const meta = [row.id, statusWord[status]]
  if (status === "running" && row.startedAt !== null) meta.push(formatDuration(now - row.startedAt))
  else if (r && status !== "pending") meta.push(formatDuration(r.durationMs))
  if (r?.basis) meta.push(r.basis)
  text(meta.join(" · "), { dim: true })
  if (status === "pending" || status === "running") {
    text(r ? "Re-checking; the previous result follows." : def.decides, { dim: true })
  }
  if (!r) return out

  out.push(line(key(), ""))
  text(r.summary)
  if (r.blockedBy.length > 0) {
    heading("Blocked by")
    for (const id of r.blockedBy) item("• ", `${id}: fix it and this check runs.`)
  }
  if (r.cause) {
    heading("Cause")
    text(`${r.cause.message} (${r.cause.code})`, {}, "  ")
    if (r.cause.possibilities && r.cause.possibilities.length > 0) {
      text("The platform did not say which; other causes that fit:", { dim: true }, "  ")
      for (const p of r.cause.possibilities) item("• ", p)
    }
  }
  if (r.evidence.length > 0) {
    heading("Evidence")
    for (const e of r.evidence) {
      const answer = e.status === null ? "no response" : String(e.status)
      const why = [e.error, e.note].filter((x) => x !== undefined && x.length > 0).join("; ")
      item("", `${e.method} ${e.path} → ${answer} in ${formatDuration(e.durationMs)}${why ? `: ${why}` : ""}`)
    }
  }
  if (r.facts && Object.keys(r.facts).length > 0) {
    heading("Facts")
    for (const [k, v] of Object.entries(r.facts)) item("", clean(`${k}: ${factText(v)}`))
  }
  if (r.remediation) {
    heading("How to fix it")
    r.remediation.steps.forEach((s, i) => {
      item(`${i + 1}. `, s)
    })
    out.push(line(key(), ""))
    text(`Who can fix it: ${actorLabel(r.remediation.who)}`, {}, "")
    if (r.remediation.recheck) text(`Re-check: ${r.remediation.recheck} (or press r here)`, { dim: true })
  }
  const links = r.docs.length > 0 ? r.docs : def.docs
  if (links.length > 0) {
    heading("Docs")
    for (const d of links) {
      item("• ", d.title)
      item("  ", d.url, { color: "blue" })
    }
  }
  return out
}

/** How many lines the details body may take on a screen of `height` rows. */
export const detailsRoom = (height: number | undefined, total: number): number =>
  height ? Math.max(3, height - 2) : total

/** The details key help. */
export const detailsHelp = (width: number): string =>
  width >= 80 ? "↑↓ scroll  esc back  r re-run this  e export  q quit" : "↑↓ scroll esc:back r:re-run e q"

/** The details screen for one row, scrolled. */
export const Details = ({ row, frame }: { readonly row: Row; readonly frame: DetailsFrame }) => {
  const all = detailsLines(row, frame.now, frame.width)
  const room = detailsRoom(frame.height, all.length)
  const start = Math.min(frame.scroll, Math.max(0, all.length - room))
  const shown = all.slice(start, start + room)
  const more = start + room < all.length ? `  (${all.length - start - room} more ↓)` : ""
  return (
    <Lines lines={[...shown, line("help", truncate(detailsHelp(frame.width) + more, frame.width), { dim: true })]} />
  )
}
