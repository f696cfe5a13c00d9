/**
 * GitHub Actions workflow commands: one annotation per root cause (`error` for a failed check,
 * `warning` for a warning or a check that could not decide), escaped by GitHub's rules, and
 * `::add-mask::` commands for the secrets, which must reach the runner before anything else.
 */
import { checkLine, oneLine, plainStyle, rootCauses, verdictLine } from "@arlo-ready/cli-kit"
import type { Report } from "@arlo-ready/core"
import { Redacted } from "effect"
import { detailLines } from "./internal/details.js"

/** Escapes a command's data (the message): `%`, CR and LF. */
export const escapeData = (s: string): string => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A")

/** Escapes a command property value: as data, plus `:` and `,`. */
export const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C")

/** `::add-mask::` for each secret (each line of a multi-line one), so the runner masks it in the log. */
export const maskCommands = (secrets: ReadonlyArray<Redacted.Redacted<string>>): Array<string> => {
  const out: Array<string> = []
  for (const secret of secrets) {
    for (const line of Redacted.value(secret).split(/\r?\n/)) {
      if (line.trim() !== "") out.push(`::add-mask::${escapeData(line)}`)
    }
  }
  return out
}

/** One annotation per root cause, errors first. */
export const annotations = (report: Report): Array<string> =>
  rootCauses(report).map((result) => {
    const level = result.status === "fail" ? "error" : "warning"
    const title = `arlo-ready ${result.id}: ${oneLine(result.title)}`
    const message = [oneLine(result.summary), ...detailLines(report, result, { evidence: false })].join("\n")
    return `::${level} title=${escapeProperty(title)}::${escapeData(message)}`
  })

/**
 * The `github` format: the annotations, then the check lines in a collapsed group and the verdict.
 * Mask commands are not part of it: the app emits them first, and only to a runner.
 */
export const github = (report: Report): string => {
  const lines = [
    ...annotations(report),
    `::group::arlo-ready: ${report.checks.length} checks`,
    ...report.checks.map((c) => checkLine(c, plainStyle)),
    "::endgroup::",
    verdictLine(report, plainStyle)
  ]
  return `${lines.join("\n")}\n`
}
