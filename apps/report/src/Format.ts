/**
 * The output formats and how a finished report renders in each. Every renderer is a pure function of
 * the report (ndjson also streams the events as they come; see `Main`).
 */

import { type FailOn, plainStyle, safeStringify, type TextStyle, textReport } from "@arlo-ready/cli-kit"
import { type AuditEvent, Report } from "@arlo-ready/core"
import { Either, Schema } from "effect"
import { formatNames } from "./Flags.js"
import { github } from "./Github.js"
import { html } from "./Html.js"
import { driftText, waiverText } from "./internal/living.js"
import { junit } from "./Junit.js"
import { markdown } from "./Markdown.js"

/** Every format, in the order the help lists them. */
export const formats = formatNames

export type Format = (typeof formats)[number]

/** Whether a string names a format. */
export const isFormat = (s: string): s is Format => (formats as ReadonlyArray<string>).includes(s)

const encodeReport = Schema.encodeEither(Report)

/**
 * The core's report as JSON (2-space indented, ends with a newline), encoded through its schema; a
 * report that somehow does not encode is still printed as it is rather than lost.
 */
export const json = (report: Report): string =>
  `${safeStringify(
    Either.getOrElse(encodeReport(report), () => report),
    2
  )}\n`

/** One event as one NDJSON line (ends with a newline), escaped like {@link json}. */
export const ndjsonLine = (event: AuditEvent): string => `${safeStringify(event)}\n`

/** How to render. */
export interface RenderOptions {
  readonly failOn?: FailOn
  /** The text format's style (plain by default: files and pipes get no colour). */
  readonly style?: TextStyle
  /** The events of the run, for ndjson; without them ndjson is the single `audit_finished` event. */
  readonly events?: ReadonlyArray<AuditEvent>
}

/** A finished report in a format. */
export const render = (format: Format, report: Report, options: RenderOptions = {}): string => {
  switch (format) {
    case "json":
      return json(report)
    case "junit":
      return junit(report, { failOn: options.failOn ?? "fail" })
    case "markdown":
      return markdown(report)
    case "github":
      return github(report)
    case "ndjson":
      return (options.events ?? [{ _tag: "audit_finished", at: new Date().toISOString(), report }])
        .map(ndjsonLine)
        .join("")
    case "html":
      return html(report)
    case "text":
      return `${driftText(report)}${waiverText(report)}${textReport(report, options.style ?? plainStyle)}`
  }
}
