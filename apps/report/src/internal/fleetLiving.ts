/**
 * Living with findings in a fleet's formats: what moved since the baseline, target by target (new
 * findings first, then changed, then fixed, then targets added to or gone from the fleet), and the
 * fleet's waiver warnings. Each list is capped, with a count of the rest, so a fleet of thousands of
 * targets does not flood a log or the step summary.
 */
import { oneLine } from "@arlo-ready/cli-kit"
import { type FleetDrift, type FleetReport, waiverWarnings, worstFirst } from "@arlo-ready/core"
import { driftLines } from "./living.js"

/** `since the baseline of …: 2 new, 1 changed, 3 fixed, 300 unchanged; 1 target new, 1 gone`. */
export const fleetDriftHeadline = (d: FleetDrift): string => {
  const targets = [
    d.newTargets.length > 0 ? `${d.newTargets.length} target${d.newTargets.length === 1 ? "" : "s"} new` : "",
    d.goneTargets.length > 0 ? `${d.goneTargets.length} gone` : ""
  ].filter((s) => s !== "")
  return `since the baseline of ${d.baselineStartedAt || "an earlier run"}: ${d.counts.new} new, ${d.counts.changed} changed, ${d.counts.fixed} fixed, ${d.counts.unchanged} unchanged${targets.length > 0 ? `; ${targets.join(", ")}` : ""}`
}

const rank = (line: string): number => (line.startsWith("new ") ? 0 : line.startsWith("changed ") ? 1 : 2)

/** Every line of what moved, `target: new check: was → now`, new findings first, then the targets. */
export const fleetDriftLines = (report: FleetReport): Array<string> => {
  if (!report.drift) return []
  const moved: Array<string> = []
  for (const t of worstFirst(report.targets)) {
    if (t.report === null) continue
    for (const line of driftLines(t.report)) moved.push(`${t.name}: ${line}`)
  }
  const byKind = moved
    .map((line, i) => ({ line, i, r: rank(line.slice(line.indexOf(": ") + 2)) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.line)
  return [
    ...byKind,
    ...report.drift.newTargets.map((n) => `${n}: a target the baseline did not have`),
    ...report.drift.goneTargets.map((n) => `${n}: in the baseline, no longer in the fleet file`)
  ].map(oneLine)
}

/** At most `max` lines, then one line with the count of the rest. */
export const capped = (lines: ReadonlyArray<string>, max: number, rest: string): Array<string> =>
  lines.length <= max ? [...lines] : [...lines.slice(0, max), `${lines.length - max} more ${rest}`]

/** The text format's drift and waiver lines, before the fleet's verdict line. Empty without either. */
export const fleetLivingText = (report: FleetReport): Array<string> => {
  const out: Array<string> = []
  if (report.drift) {
    out.push(`Drift ${fleetDriftHeadline(report.drift)}`)
    out.push(...capped(fleetDriftLines(report), 20, "in the JSON report").map((l) => `  ${l}`))
  }
  out.push(...waiverWarnings(report).map((l) => `Waivers: ${l}`))
  return out
}

/** The Markdown drift section (after the counts, before the matrix) and the waivers' caution. */
export const fleetLivingMarkdown = (report: FleetReport, esc: (s: string) => string): Array<string> => {
  const out: Array<string> = []
  if (report.drift) {
    const lines = fleetDriftLines(report)
    out.push("### What changed", "", esc(`${fleetDriftHeadline(report.drift)}.`), "")
    if (lines.length === 0) out.push("Nothing moved.", "")
    else out.push(...capped(lines, 50, "in the report files").map((l) => `- ${esc(l)}`), "")
  }
  const warnings = waiverWarnings(report)
  if (warnings.length > 0)
    out.push(
      "> [!CAUTION]",
      ...capped(warnings, 20, "waiver warnings in the report files").map((l) => `> - ${esc(l)}`),
      ""
    )
  return out
}
