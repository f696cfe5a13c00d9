/**
 * The request timeline: every exchange of an audit once (checks share their probes), on one time
 * axis, as a waterfall drawn with plain HTML and CSS, each bar labelled with method, route and status.
 * The critical chain, the exchanges each of which waited for the one before and that end last, is
 * marked: it is what made the audit as long as it was.
 */
import { formatDuration } from "@arlo-ready/cli-kit"
import type { Exchange, Report } from "@arlo-ready/core"
import { esc } from "./html.js"

export interface Timed {
  readonly exchange: Exchange
  readonly start: number
  readonly end: number
}

/** Each exchange once, in the order it was sent; those without a start (reports before 1.5) are left out. */
export const timedExchanges = (report: Pick<Report, "checks">): Array<Timed> => {
  const seen = new Map<string, Timed>()
  for (const check of report.checks) {
    for (const e of check.evidence) {
      if (e.startMs === undefined) continue
      const key = `${e.method} ${e.path} ${e.startMs} ${e.durationMs} ${e.status}`
      if (!seen.has(key)) seen.set(key, { exchange: e, start: e.startMs, end: e.startMs + e.durationMs })
    }
  }
  return [...seen.values()].sort((a, b) => a.start - b.start || a.end - b.end)
}

/**
 * The critical chain: from the exchange that ends last, back through the exchange that ended last
 * before each one started. Linear in the exchanges for each link (a report has tens of them).
 */
export const criticalChain = (timed: ReadonlyArray<Timed>): Set<Timed> => {
  const chain = new Set<Timed>()
  let current = timed.reduce<Timed | undefined>(
    (last, t) => (last === undefined || t.end > last.end ? t : last),
    undefined
  )
  while (current !== undefined) {
    chain.add(current)
    const before: Timed = current
    current = timed.reduce<Timed | undefined>(
      (best, t) => (t.end <= before.start && !chain.has(t) && (best === undefined || t.end > best.end) ? t : best),
      undefined
    )
  }
  return chain
}

/** A share of the span in thousandths, which the styles turn into a percentage. */
const permille = (n: number, of: number): number => Math.round(Math.max(0, Math.min(1000, (n / of) * 1000)))

/**
 * A request's route as the bar's label: its path without the query, the target's own base path left
 * out and the Auth API's root written `…/resources`, so the part that differs between requests shows.
 */
export const route = (path: string, basePath: string): string => {
  let p = path.split("?")[0] ?? path
  const base = basePath.replace(/\/+$/, "")
  if (base !== "" && (p === base || p.startsWith(`${base}/`))) p = p.slice(base.length)
  return p.replace(/^\/api\/2012-02-01\/auth\/resources(?=\/|$)/, "…/resources") || "/"
}

const basePathOf = (baseUrl: string): string => {
  try {
    return new URL(baseUrl).pathname
  } catch {
    return "/"
  }
}

/**
 * The timeline of an audit as a figure (a sentence instead when the report has no timing). Compact (a
 * fleet's target) leaves out the full path of each request and the caption's explanation.
 */
export const timeline = (report: Pick<Report, "checks" | "durationMs" | "target">, id?: string): string => {
  const compact = id === undefined
  const timed = timedExchanges(report)
  if (timed.length === 0) {
    return `<p class="note">No request timeline: this report records no request timing.</p>`
  }
  const chain = criticalChain(timed)
  const span = Math.max(1, report.durationMs, ...timed.map((t) => t.end))
  const base = basePathOf(report.target.baseUrl)
  const rows = timed.map((t) => {
    const e = t.exchange
    const status = e.status === null ? "no response" : String(e.status)
    const cls = e.status === null || e.status >= 500 ? "e" : e.status === 429 ? "w" : e.status >= 400 ? "f" : "p"
    const crit = chain.has(t)
    const notes = [compact ? "" : e.path, e.error, e.note].filter((s): s is string => s !== undefined && s !== "")
    const tip = notes.length > 0 ? ` title="${esc(notes.join("; "))}"` : ""
    const bar = `--l:${permille(t.start, span)};--w:${permille(Math.max(t.end - t.start, span / 400), span)}`
    return `<li${crit ? " class=crit" : ""}><span>${esc(e.method)} ${esc(route(e.path, base))} <b class=${cls}>${status}</b>${crit && !compact ? " <b class=cc>critical</b>" : ""}</span><i class=${cls} style="${bar}"${tip}></i><span>${formatDuration(t.start)} + ${formatDuration(e.durationMs)}</span></li>`
  })
  const caption = `${timed.length} request${timed.length === 1 ? "" : "s"} over ${formatDuration(span)}; ${chain.size} on the critical chain`
  const explained = compact
    ? "."
    : " (marked): the requests each of which waited for the one before, which made the audit as long as it was. Hover a bar for its full path and notes."
  // Compact, the critical mark is the styles' (a thousand targets' worth of the word is bytes).
  const label = compact ? ` class="timeline c"` : ` class="timeline" id="${id}" aria-label="Request timeline"`
  return `<figure${label}><ol>${rows.join("")}</ol><figcaption>${caption}${explained}</figcaption></figure>`
}
