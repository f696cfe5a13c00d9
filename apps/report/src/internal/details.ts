/** The plain-text details of a result, shared by the JUnit bodies and the GitHub annotations. */
import { actorLabel, blockedBy, formatDuration, oneLine } from "@arlo-ready/cli-kit"
import type { CheckResult, Exchange, Report } from "@arlo-ready/core"

/** One HTTP exchange: `GET /path → 401 in 12ms (note)`. */
export const exchangeLine = (e: Exchange): string => {
  const status = e.status === null ? "no response" : String(e.status)
  const extra = [e.error, e.note].filter((s): s is string => s !== undefined && s !== "").map(oneLine)
  return `${oneLine(e.method)} ${oneLine(e.path)} → ${status} in ${formatDuration(e.durationMs)}${extra.length > 0 ? ` (${extra.join("; ")})` : ""}`
}

/** Cause, remediation, docs, what it blocks and (optionally) the evidence, one fact per line. */
export const detailLines = (
  report: Pick<Report, "checks">,
  result: CheckResult,
  options: { readonly evidence: boolean }
): Array<string> => {
  const lines: Array<string> = []
  if (result.cause) {
    lines.push(`Cause: ${oneLine(result.cause.message)} [${oneLine(result.cause.code)}]`)
    for (const p of result.cause.possibilities ?? []) lines.push(`Possibly: ${oneLine(p)}`)
  }
  if (result.remediation) {
    result.remediation.steps.forEach((step, i) => {
      lines.push(`${i + 1}. ${oneLine(step)}`)
    })
    lines.push(`Who can fix it: ${actorLabel(result.remediation.who)}`)
    if (result.remediation.recheck) lines.push(`Re-check: ${oneLine(result.remediation.recheck)}`)
  }
  for (const doc of result.docs) lines.push(`Docs: ${oneLine(doc.title)}: ${oneLine(doc.url)}`)
  const blocked = blockedBy(report, result.id)
  if (blocked.length > 0) lines.push(`Blocks: ${blocked.map((c) => c.id).join(", ")}`)
  if (options.evidence && result.evidence.length > 0) {
    lines.push("Evidence:")
    for (const e of result.evidence) lines.push(`  ${exchangeLine(e)}`)
  }
  return lines
}
