/**
 * A fleet's report in each format: the JSON envelope, NDJSON (a line per target, then the envelope
 * without the targets' reports), text (a line per target and the totals), and, in their own modules,
 * the Markdown matrix, JUnit (a testsuite per target) and GitHub annotations. Every renderer is a pure
 * function of the fleet report; `Main` streams the NDJSON lines as the targets finish.
 */
import {
  type FailOn,
  formatDuration,
  oneLine,
  plainStyle,
  rootCauses,
  safeStringify,
  type TextStyle,
  verdictGlyph,
  verdictWord
} from "@arlo-ready/cli-kit"
import { type FleetCounts, FleetReport, FleetTargetResult, worstFirst } from "@arlo-ready/core"
import { Either, Schema } from "effect"
import { fleetGithub } from "./FleetGithub.js"
import { fleetJunit } from "./FleetJunit.js"
import { fleetMarkdown } from "./FleetMarkdown.js"
import type { Format } from "./Format.js"
import { fleetHtml } from "./HtmlFleet.js"
import { fleetLivingText } from "./internal/fleetLiving.js"

const encodeFleet = Schema.encodeEither(FleetReport)
const encodeTarget = Schema.encodeEither(FleetTargetResult)

/** The fleet report as JSON (2-space indented, ends with a newline), encoded through its schema. */
export const fleetJson = (report: FleetReport): string =>
  `${safeStringify(
    Either.getOrElse(encodeFleet(report), () => report),
    2
  )}\n`

/** One finished target as one self-contained NDJSON line: `{"_tag":"fleet_target", …}`. */
export const fleetTargetLine = (result: FleetTargetResult): string =>
  `${safeStringify({ _tag: "fleet_target", ...Either.getOrElse(encodeTarget(result), () => result) })}\n`

/** The last NDJSON line: the envelope (verdict, counts, shards, timing) without the targets. */
export const fleetFinishedLine = (report: FleetReport): string => {
  const { targets: _targets, ...envelope } = report
  return `${safeStringify({ _tag: "fleet_finished", ...envelope })}\n`
}

/** NDJSON of a finished fleet: a line per target, then the finished line. */
export const fleetNdjson = (report: FleetReport): string =>
  `${report.targets.map(fleetTargetLine).join("")}${fleetFinishedLine(report)}`

const countWords: ReadonlyArray<readonly [keyof FleetCounts, string]> = [
  ["ready", "ready"],
  ["ready_with_warnings", "ready with warnings"],
  ["not_ready", "not ready"],
  ["incomplete", "incomplete"]
]

/** `9 ready, 2 not ready, 1 incomplete` (zeros left out; `0 targets` when there is none). */
export const fleetCountsText = (counts: FleetCounts): string => {
  const parts = countWords.filter(([k]) => counts[k] > 0).map(([k, word]) => `${counts[k]} ${word}`)
  return parts.length > 0 ? parts.join(", ") : "no targets"
}

/** What a target's line says after its verdict: its root causes' ids, or why it was not audited. */
export const targetNote = (result: FleetTargetResult, max = 4): string => {
  if (result.report === null) return oneLine(result.error ?? "not audited")
  const causes = rootCauses(result.report).map((c) => c.id)
  if (causes.length === 0) return ""
  const shown = causes.slice(0, max).join(", ")
  return causes.length > max ? `${shown} and ${causes.length - max} more` : shown
}

/** `✘ NOT READY  acme-prod  https://acme.arlo.co  basic.credentials, oauth.token`. */
export const targetLine = (result: FleetTargetResult, style: TextStyle = plainStyle): string => {
  const note = targetNote(result)
  const cells = [
    `${verdictGlyph(result.verdict, style)} ${verdictWord(result.verdict)}`,
    result.name,
    result.baseUrl,
    note
  ]
  return cells
    .map(oneLine)
    .filter((c) => c !== "")
    .join("  ")
}

/** The closing line: the fleet's verdict and counts. */
export const fleetVerdictLine = (report: FleetReport, style: TextStyle = plainStyle): string => {
  const shards = report.shards.length === 1 ? ` (shard ${report.shards[0]!.index}/${report.shards[0]!.count})` : ""
  const stopped = report.interrupted ? " · stopped before every target finished" : ""
  return `${verdictGlyph(report.verdict, style)} fleet ${verdictWord(report.verdict)}${shards}: ${report.targets.length} of ${report.fleet.targets} targets · ${fleetCountsText(report.counts)} · ${formatDuration(report.durationMs)}${stopped}`
}

/** The text format: what changed and the waiver warnings, a line per target, worst first, then the fleet's line. */
export const fleetText = (report: FleetReport, style: TextStyle = plainStyle): string =>
  `${[...fleetLivingText(report), ...worstFirst(report.targets).map((t) => targetLine(t, style)), fleetVerdictLine(report, style)].join("\n")}\n`

/** A finished fleet report in a format. */
export const renderFleet = (
  format: Format,
  report: FleetReport,
  options: { readonly failOn?: FailOn; readonly style?: TextStyle } = {}
): string => {
  switch (format) {
    case "json":
      return fleetJson(report)
    case "ndjson":
      return fleetNdjson(report)
    case "markdown":
      return fleetMarkdown(report)
    case "junit":
      return fleetJunit(report, { failOn: options.failOn ?? "fail" })
    case "github":
      return fleetGithub(report)
    case "html":
      return fleetHtml(report)
    case "text":
      return fleetText(report, options.style ?? plainStyle)
  }
}
