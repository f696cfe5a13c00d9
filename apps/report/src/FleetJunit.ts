/**
 * A fleet as JUnit XML: one testsuite per target (named after it), one testcase per check, mapped as
 * for a single report (`Junit.ts`). A target that could not be audited is a suite with one `audit`
 * testcase in error, so a CI's test view shows it too.
 */
import { type FailOn, oneLine } from "@arlo-ready/cli-kit"
import type { FleetReport, FleetTargetResult } from "@arlo-ready/core"
import { xmlAttr, xmlText } from "./internal/xml.js"
import { type Counts, counted, seconds, testcase } from "./Junit.js"

const zero = (): Counts => ({ tests: 0, failures: 0, errors: 0, skipped: 0 })

const suite = (target: FleetTargetResult, failOn: FailOn, total: Counts): string => {
  const counts = zero()
  const report = target.report
  const cases =
    report === null
      ? [
          `    <testcase name="audit" classname="${xmlAttr(`arlo-ready.${target.name}`)}" time="0.000">`,
          `      <error message="${xmlAttr(oneLine(target.error ?? "not audited"))}" type="not_audited">${xmlText(oneLine(target.error ?? ""))}</error>`,
          "    </testcase>"
        ].join("\n")
      : report.checks.map((c) => testcase(report, c, failOn, counts, `arlo-ready.${target.name}`))
  if (report === null) {
    counts.tests = 1
    counts.errors = 1
  }
  for (const k of ["tests", "failures", "errors", "skipped"] as const) total[k] += counts[k]
  const time = seconds(report?.durationMs ?? 0)
  const stamp = report ? ` timestamp="${xmlAttr(report.startedAt)}"` : ""
  return [
    `  <testsuite name="${xmlAttr(target.name)}" id="${xmlAttr(target.name)}" ${counted(counts)} time="${time}"${stamp}>`,
    "    <properties>",
    `      <property name="target" value="${xmlAttr(target.baseUrl)}"/>`,
    `      <property name="verdict" value="${xmlAttr(target.verdict)}"/>`,
    `      <property name="tags" value="${xmlAttr(target.tags.join(","))}"/>`,
    "    </properties>",
    ...(Array.isArray(cases) ? cases : [cases]),
    "  </testsuite>"
  ].join("\n")
}

/** The fleet report as a JUnit XML document (UTF-8, ends with a newline), targets in fleet order. */
export const fleetJunit = (report: FleetReport, options: { readonly failOn?: FailOn } = {}): string => {
  const failOn = options.failOn ?? "fail"
  const total = zero()
  const suites = report.targets.map((t) => suite(t, failOn, total))
  const name = report.fleet.name === null ? "arlo-ready fleet" : `arlo-ready fleet ${report.fleet.name}`
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlAttr(name)}" ${counted(total)} time="${seconds(report.durationMs)}" timestamp="${xmlAttr(report.startedAt)}">`,
    ...suites,
    "</testsuites>",
    ""
  ].join("\n")
}
