/**
 * GitHub Actions workflow commands: one annotation per root cause (`error` for a failed check,
 * `warning` for a warning or a check that could not decide), escaped by GitHub's rules and kept within
 * what GitHub shows for one step, and `::add-mask::` commands for the secrets, which must reach the
 * runner before anything else.
 */
import { checkLine, oneLine, plainStyle, rootCauses, verdictLine, waiverText } from "@arlo-ready/cli-kit"
import { type Report, waiverWarnings } from "@arlo-ready/core"
import { Redacted } from "effect"
import { detailLines } from "./internal/details.js"
import { driftLines } from "./internal/living.js"

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

/**
 * GitHub shows at most this many annotations of each level (error, warning, notice) for one step, and
 * 50 for a whole job; the rest are dropped without a word.
 */
export const annotationsPerLevel = 10

/** An annotation to be: its level, title and message (plain text; escaped when written). */
export interface Annotation {
  readonly level: "error" | "warning" | "notice"
  readonly title: string
  readonly message: string
}

/**
 * The workflow commands for annotations, in the order given: at most `perLevel` errors and `perLevel`
 * warnings, then, when some were left out, one notice that says how many more the report holds.
 */
export const cappedAnnotations = (all: Iterable<Annotation>, perLevel: number = annotationsPerLevel): Array<string> => {
  const shown = { error: 0, warning: 0, notice: 0 }
  const more = { error: 0, warning: 0, notice: 0 }
  const out: Array<string> = []
  for (const a of all) {
    if (shown[a.level] >= perLevel) {
      more[a.level] += 1
      continue
    }
    shown[a.level] += 1
    out.push(`::${a.level} title=${escapeProperty(a.title)}::${escapeData(a.message)}`)
  }
  const left = more.error + more.warning + more.notice
  if (left > 0) {
    const which = [
      more.error > 0 ? `${more.error} failed` : "",
      more.warning > 0 ? `${more.warning} to look at` : "",
      more.notice > 0 ? `${more.notice} waived` : ""
    ].filter((s) => s !== "")
    const message = `GitHub shows ${perLevel} errors and ${perLevel} warnings per step; ${left} more root causes (${which.join(", ")}) are in the job summary and the report files.`
    out.push(`::notice title=${escapeProperty(`arlo-ready: ${left} more in the report`)}::${escapeData(message)}`)
  }
  return out
}

/**
 * One annotation per root cause, errors first, then a warning per waiver about to expire, expired or
 * unused, then a notice per waived check (waived is not an error), within the per-step cap (see
 * {@link cappedAnnotations}).
 */
export const annotations = (report: Report, perLevel: number = annotationsPerLevel): Array<string> =>
  cappedAnnotations(
    [
      ...rootCauses(report).map(
        (result): Annotation => ({
          level: result.status === "fail" ? "error" : "warning",
          title: `arlo-ready ${result.id}: ${oneLine(result.title)}`,
          message: [
            `${oneLine(result.summary)}${waiverText(result)}`,
            ...detailLines(report, result, { evidence: false })
          ].join("\n")
        })
      ),
      ...waiverWarnings(report).map(
        (message): Annotation => ({ level: "warning", title: "arlo-ready waivers", message })
      ),
      ...report.checks
        .filter((c) => c.status === "waived")
        .map(
          (c): Annotation => ({
            level: "notice",
            title: `arlo-ready ${c.id}: waived`,
            message: `${oneLine(c.summary)}${waiverText(c)}`
          })
        )
    ],
    perLevel
  )

/** What moved since the baseline as notices: at most `max` of them, then one with the count of the rest. */
export const driftNotices = (lines: ReadonlyArray<string>, max = annotationsPerLevel): Array<string> => {
  const notice = (l: string) => `::notice title=arlo-ready drift::${escapeData(oneLine(l))}`
  if (lines.length <= max) return lines.map(notice)
  return [...lines.slice(0, max).map(notice), notice(`${lines.length - max} more changes are in the report files.`)]
}

/**
 * The `github` format: the annotations, then the check lines in a collapsed group and the verdict.
 * Mask commands are not part of it: the app emits them first, and only to a runner.
 */
export const github = (report: Report): string => {
  const lines = [
    ...annotations(report),
    ...driftNotices(driftLines(report)),
    `::group::arlo-ready: ${report.checks.length} checks`,
    ...report.checks.map((c) => checkLine(c, plainStyle)),
    "::endgroup::",
    verdictLine(report, plainStyle)
  ]
  return `${lines.join("\n")}\n`
}
