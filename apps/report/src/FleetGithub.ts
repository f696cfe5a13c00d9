/**
 * A fleet as GitHub Actions workflow commands: the worst root causes as annotations, worst target
 * first, within what GitHub shows for one step (10 errors and 10 warnings), then one notice of how many
 * more the report holds; then a line per target in a collapsed group, and the fleet's verdict.
 */
import { oneLine, rootCauses } from "@arlo-ready/cli-kit"
import { type FleetReport, worstFirst } from "@arlo-ready/core"
import { fleetVerdictLine, targetLine } from "./FleetFormat.js"
import { annotationsPerLevel, escapeData, escapeProperty } from "./Github.js"
import { detailLines } from "./internal/details.js"

interface Annotation {
  readonly level: "error" | "warning"
  readonly title: string
  readonly message: string
}

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
  return out
}

/** The annotations: at most `perLevel` errors and `perLevel` warnings, then a notice of the rest. */
export const fleetAnnotations = (report: FleetReport, perLevel: number = annotationsPerLevel): Array<string> => {
  const shown = { error: 0, warning: 0 }
  const more = { error: 0, warning: 0 }
  const out: Array<string> = []
  for (const a of causes(report)) {
    if (shown[a.level] >= perLevel) {
      more[a.level] += 1
      continue
    }
    shown[a.level] += 1
    out.push(`::${a.level} title=${escapeProperty(a.title)}::${escapeData(a.message)}`)
  }
  const left = more.error + more.warning
  if (left > 0) {
    const which = [
      more.error > 0 ? `${more.error} failed` : "",
      more.warning > 0 ? `${more.warning} to look at` : ""
    ].filter((s) => s !== "")
    const message = `GitHub shows ${perLevel} errors and ${perLevel} warnings per step; ${left} more root causes (${which.join(", ")}) are in the job summary and the report files.`
    out.push(`::notice title=${escapeProperty(`arlo-ready: ${left} more in the report`)}::${escapeData(message)}`)
  }
  return out
}

/** The `github` format of a fleet. */
export const fleetGithub = (report: FleetReport): string =>
  `${[
    ...fleetAnnotations(report),
    `::group::arlo-ready: ${report.targets.length} targets`,
    ...worstFirst(report.targets).map((t) => targetLine(t)),
    "::endgroup::",
    fleetVerdictLine(report)
  ].join("\n")}\n`
