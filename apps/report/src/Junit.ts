/**
 * JUnit XML: one testsuite per check group, one testcase per check. fail becomes `<failure>`, error
 * `<error>`, skipped and not_applicable `<skipped>` with the reason; with `failOn: "warn"` a warning
 * is a failure too, so the file agrees with the exit code. A waived check is `<skipped>` with its waiver.
 */
import { type FailOn, oneLine } from "@arlo-ready/cli-kit"
import { type CheckResult, checkGroups, groupTitles, type Report } from "@arlo-ready/core"
import { detailLines } from "./internal/details.js"
import { xmlAttr, xmlText } from "./internal/xml.js"

/** Milliseconds as JUnit's seconds, `1.250`. */
export const seconds = (ms: number): string => (Math.max(0, ms) / 1000).toFixed(3)

/** The tests of a suite by outcome. */
export interface Counts {
  tests: number
  failures: number
  errors: number
  skipped: number
}

const outcome = (result: CheckResult, failOn: FailOn): "pass" | "failure" | "error" | "skipped" => {
  switch (result.status) {
    case "fail":
      return "failure"
    case "warn":
      return failOn === "warn" ? "failure" : "pass"
    case "error":
      return "error"
    case "skipped":
    case "not_applicable":
    case "waived":
      return "skipped"
    case "pass":
      return "pass"
  }
}

const skipReason = (result: CheckResult): string => {
  const summary = oneLine(result.summary)
  const w = result.waiver
  if (result.status === "waived" && w)
    return `Waived (${w.originalStatus}) until ${w.expires} by ${oneLine(w.owner)}: ${oneLine(w.reason)}; ${summary}`
  if (result.status === "not_applicable") return `Not applicable: ${summary}`
  if (result.blockedBy.length === 0) return `Skipped: ${summary}`
  return `Blocked by ${result.blockedBy.join(", ")}: ${summary}`
}

/** One check as a testcase, counted; its class is `PREFIX.GROUP` (`arlo-ready.oauth`). */
export const testcase = (
  report: Report,
  result: CheckResult,
  failOn: FailOn,
  counts: Counts,
  classPrefix = "arlo-ready"
): string => {
  counts.tests++
  const open = `    <testcase name="${xmlAttr(result.id)}" classname="${xmlAttr(`${classPrefix}.${result.group}`)}" time="${seconds(result.durationMs)}">`
  const body = detailLines(report, result, { evidence: true }).join("\n")
  const type = xmlAttr(result.cause?.code ?? result.status)
  const message = xmlAttr(`${oneLine(result.title)}: ${oneLine(result.summary)}`)
  const out = [open]
  switch (outcome(result, failOn)) {
    case "failure":
      counts.failures++
      out.push(`      <failure message="${message}" type="${type}">${xmlText(body)}</failure>`)
      break
    case "error":
      counts.errors++
      out.push(`      <error message="${message}" type="${type}">${xmlText(body)}</error>`)
      break
    case "skipped":
      counts.skipped++
      out.push(`      <skipped message="${xmlAttr(skipReason(result))}"/>`)
      break
    case "pass": {
      const note = result.status === "warn" ? `WARN ${oneLine(result.summary)}\n${body}` : oneLine(result.summary)
      out.push(`      <system-out>${xmlText(note)}</system-out>`)
      break
    }
  }
  out.push("    </testcase>")
  return out.join("\n")
}

/** A suite's counts as attributes. */
export const counted = (c: Counts): string =>
  `tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}"`

/** The report as a JUnit XML document (UTF-8, ends with a newline). */
export const junit = (report: Report, options: { readonly failOn?: FailOn } = {}): string => {
  const failOn = options.failOn ?? "fail"
  const total: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0 }
  const suites: Array<string> = []
  for (const group of checkGroups) {
    const results = report.checks.filter((c) => c.group === group)
    if (results.length === 0) continue
    const counts: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0 }
    const cases = results.map((r) => testcase(report, r, failOn, counts))
    for (const k of ["tests", "failures", "errors", "skipped"] as const) total[k] += counts[k]
    const time = seconds(results.reduce((sum, r) => sum + r.durationMs, 0))
    suites.push(
      [
        `  <testsuite name="${xmlAttr(groupTitles[group])}" id="${xmlAttr(group)}" ${counted(counts)} time="${time}" timestamp="${xmlAttr(report.startedAt)}">`,
        "    <properties>",
        `      <property name="target" value="${xmlAttr(report.target.baseUrl)}"/>`,
        `      <property name="verdict" value="${xmlAttr(report.verdict)}"/>`,
        `      <property name="interrupted" value="${report.interrupted}"/>`,
        `      <property name="tool" value="${xmlAttr(`${report.tool.name} ${report.tool.version}`)}"/>`,
        "    </properties>",
        ...cases,
        "  </testsuite>"
      ].join("\n")
    )
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="arlo-ready" ${counted(total)} time="${seconds(report.durationMs)}" timestamp="${xmlAttr(report.startedAt)}">`,
    ...suites,
    "</testsuites>",
    ""
  ].join("\n")
}
