/**
 * Living with findings in every format: the drift against a baseline (what changed leads) and what the
 * waivers did (about to expire, expired, unused).
 */
import { oneLine } from "@arlo-ready/cli-kit"
import { type Drift, type Report, waiverWarnings } from "@arlo-ready/core"

const moved = (c: Drift["checks"][number]): string => {
  const was = c.was ?? "absent"
  const now = c.now ?? "absent"
  const cause = c.wasCause !== c.nowCause ? `, cause ${c.wasCause ?? "none"} → ${c.nowCause ?? "none"}` : ""
  return `${c.drift} ${c.id}: ${was} → ${now}${cause}`
}

/** One line per check that moved since the baseline, new first, then changed, then fixed. */
export const driftLines = (report: Pick<Report, "drift">): Array<string> => {
  const d = report.drift
  if (!d) return []
  const order = { new: 0, changed: 1, fixed: 2, unchanged: 3 }
  return d.checks
    .filter((c) => c.drift !== "unchanged")
    .sort((a, b) => order[a.drift] - order[b.drift])
    .map(moved)
}

/** The drift's one-line count: `since the baseline of …: 1 new, 0 changed, 2 fixed, 14 unchanged`. */
export const driftHeadline = (d: Drift): string =>
  `since the baseline of ${d.baselineStartedAt || "an earlier run"}: ${d.counts.new} new, ${d.counts.changed} changed, ${d.counts.fixed} fixed, ${d.counts.unchanged} unchanged`

/** The text format's lead: the drift headline and what moved. Empty without a baseline. */
export const driftText = (report: Pick<Report, "drift">): string => {
  if (!report.drift) return ""
  return `${[`Drift ${driftHeadline(report.drift)}`, ...driftLines(report).map((l) => `  ${l}`)].join("\n")}\n`
}

/** The text format's waiver warnings, one line each. */
export const waiverText = (report: Pick<Report, "waivers">): string =>
  waiverWarnings(report)
    .map((l) => `Waivers: ${l}\n`)
    .join("")

const md = (s: string, esc: (s: string) => string) => esc(oneLine(s))

/** The Markdown drift section (leads the document after the verdict). */
export const driftSection = (report: Report, esc: (s: string) => string): Array<string> => {
  if (!report.drift) return []
  const lines = driftLines(report)
  return [
    "### What changed",
    "",
    md(`${driftHeadline(report.drift)}.`, esc),
    "",
    ...(lines.length > 0 ? [...lines.map((l) => `- ${md(l, esc)}`), ""] : ["Nothing moved.", ""])
  ]
}

/** The Markdown waiver section: a caution for expiring, expired and unused waivers. */
export const waiverSection = (report: Report, esc: (s: string) => string): Array<string> => {
  const lines = waiverWarnings(report)
  if (lines.length === 0) return []
  return ["> [!CAUTION]", ...lines.map((l) => `> - ${md(l, esc)}`), ""]
}
