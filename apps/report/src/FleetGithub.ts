/**
 * A fleet as GitHub Actions workflow commands: the worst root causes as annotations, worst target
 * first, within what GitHub shows for one step (10 errors and 10 warnings), then one notice of how many
 * more the report holds; then a line per target in a collapsed group, and the fleet's verdict.
 */
import { oneLine, rootCauses } from "@arlo-ready/cli-kit"
import { type FleetReport, waiverWarnings, worstFirst } from "@arlo-ready/core"
import { fleetVerdictLine, targetLine } from "./FleetFormat.js"
import { type Annotation, annotationsPerLevel, cappedAnnotations, driftNotices } from "./Github.js"
import { detailLines } from "./internal/details.js"
import { fleetDriftHeadline, fleetDriftLines } from "./internal/fleetLiving.js"

/** Every root cause of the fleet, worst target first, as an annotation to be. */
const causes = (report: FleetReport): Array<Annotation> => {
  const out: Array<Annotation> = []
  for (const target of worstFirst(report.targets)) {
    if (target.report === null) {
      out.push({
        level: "warning",
        title: `arlo-ready ${target.name}: not audited`,
        message: oneLine(target.error ?? "not audited")
      })
      continue
    }
    for (const result of rootCauses(target.report)) {
      out.push({
        level: result.status === "fail" ? "error" : "warning",
        title: `arlo-ready ${target.name}: ${result.id} ${oneLine(result.title)}`,
        message: [
          `${target.name} (${target.baseUrl}): ${oneLine(result.summary)}`,
          ...detailLines(target.report, result, { evidence: false })
        ].join("\n")
      })
    }
  }
  for (const message of waiverWarnings(report)) out.push({ level: "warning", title: "arlo-ready waivers", message })
  return out
}

/** The annotations: at most `perLevel` errors and `perLevel` warnings, then a notice of the rest. */
export const fleetAnnotations = (report: FleetReport, perLevel: number = annotationsPerLevel): Array<string> =>
  cappedAnnotations(causes(report), perLevel)

/** The `github` format of a fleet. */
export const fleetGithub = (report: FleetReport): string =>
  `${[
    ...fleetAnnotations(report),
    ...driftNotices(report.drift ? [fleetDriftHeadline(report.drift), ...fleetDriftLines(report)] : []),
    `::group::arlo-ready: ${report.targets.length} targets`,
    ...worstFirst(report.targets).map((t) => targetLine(t)),
    "::endgroup::",
    fleetVerdictLine(report)
  ].join("\n")}\n`
