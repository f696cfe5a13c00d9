/**
 * The plain line printer: what the report app's `text` format and the TUI's non-interactive mode
 * print, streamed as the audit runs or all at once. One line per check in catalogue order, under a
 * heading per group, the root causes with their remediation, and a verdict line; and the words both
 * apps use for statuses, verdicts and actors. Text from the platform is sanitised (no escape
 * sequences, no control characters), so a hostile answer cannot drive the terminal or forge a line.
 */
import {
  type Actor,
  type AuditEvent,
  type CheckGroup,
  type CheckId,
  type CheckResult,
  type CheckStatus,
  catalogue,
  checkIds,
  groupTitles,
  type Network,
  type Report,
  type Target,
  type Verdict
} from "@arlo-ready/core"
import { formatDuration, oneLine, wrap } from "./internal/text.js"
import { type Paint, paint, type TextStyle } from "./Style.js"

const statusWords: Record<CheckStatus, string> = {
  pass: "PASS",
  warn: "WARN",
  fail: "FAIL",
  error: "ERROR",
  skipped: "SKIP",
  not_applicable: "N/A",
  waived: "WAIVED"
}

const unicodeGlyphs: Record<CheckStatus, string> = {
  pass: "✔",
  warn: "⚠",
  fail: "✘",
  error: "‼",
  skipped: "↷",
  not_applicable: "·",
  waived: "≈"
}

const asciiGlyphs: Record<CheckStatus, string> = {
  pass: "+",
  warn: "!",
  fail: "x",
  error: "?",
  skipped: "-",
  not_applicable: ".",
  waived: "~"
}

const statusPaint: Record<CheckStatus, Paint> = {
  pass: "green",
  warn: "yellow",
  fail: "red",
  error: "magenta",
  skipped: "dim",
  not_applicable: "dim",
  waived: "dim"
}

/** The word a status is printed as: PASS, WARN, FAIL, ERROR, SKIP, N/A. */
export const statusWord = (status: CheckStatus): string => statusWords[status]

/** The glyph of a status in a style (Unicode or ASCII). */
export const statusGlyph = (status: CheckStatus, style: Pick<TextStyle, "unicode">): string =>
  (style.unicode ? unicodeGlyphs : asciiGlyphs)[status]

const verdictWords: Record<Verdict, string> = {
  ready: "READY",
  ready_with_warnings: "READY WITH WARNINGS",
  not_ready: "NOT READY",
  incomplete: "INCOMPLETE"
}

const verdictStatus: Record<Verdict, CheckStatus> = {
  ready: "pass",
  ready_with_warnings: "warn",
  not_ready: "fail",
  incomplete: "error"
}

/** The words a verdict is printed as: READY, READY WITH WARNINGS, NOT READY, INCOMPLETE. */
export const verdictWord = (verdict: Verdict): string => verdictWords[verdict]

/** The glyph of a verdict. */
export const verdictGlyph = (verdict: Verdict, style: Pick<TextStyle, "unicode">): string =>
  statusGlyph(verdictStatus[verdict], style)

const actorLabels: Record<Actor, string> = {
  you: "you",
  "platform-administrator": "a platform administrator",
  developer: "the integration's developer",
  "arlo-support": "Arlo support",
  "network-administrator": "a network administrator"
}

/** Who can act on a remediation, in words. */
export const actorLabel = (who: Actor): string => actorLabels[who]

const INDENT = "        "

/** A waiver's note on a line: `(waived fail: reason; owner, until 2027-01-31)`, or the expired waiver named. */
export const waiverText = (result: CheckResult): string => {
  const w = result.waiver
  if (!w) return ""
  return w.expired
    ? ` (waiver expired ${w.expires}, owner ${w.owner}: ${oneLine(w.reason)})`
    : ` (waived ${w.originalStatus}: ${oneLine(w.reason)}; ${w.owner}, until ${w.expires})`
}

const summaryText = (result: CheckResult): string => {
  const summary = oneLine(result.summary) + waiverText(result)
  if (result.status !== "skipped" || result.blockedBy.length === 0) return summary
  if (result.blockedBy.every((id) => summary.includes(id))) return summary
  return `${summary} (blocked by ${result.blockedBy.join(", ")})`.trim()
}

/**
 * One finished check: `✔ PASS  basic.credentials  Basic credentials — summary`. With a width the
 * line wraps, continuation lines indented under the id; without one it stays a single line.
 */
export const checkLine = (result: CheckResult, style: TextStyle): string => {
  const word = statusWord(result.status)
  const head = `${statusGlyph(result.status, style)} ${word}`
  const dash = style.unicode ? "—" : "-"
  const text = `${head}${" ".repeat(Math.max(1, 6 - word.length))}${result.id}  ${oneLine(result.title)} ${dash} ${summaryText(result)}`
  const [first, ...rest] = wrap(text, style.width, INDENT)
  return [paint(style, statusPaint[result.status], head) + first!.slice(head.length), ...rest].join("\n")
}

const statusLabels: Record<CheckStatus, string> = {
  pass: "pass",
  warn: "warn",
  fail: "fail",
  error: "error",
  skipped: "skipped",
  not_applicable: "n/a",
  waived: "waived"
}

/** The short word a status is counted and tabled as: pass, warn, fail, error, skipped, n/a. */
export const statusLabel = (status: CheckStatus): string => statusLabels[status]

/** The checks counted by status, in a fixed order, leaving out zeros: `14 pass, 1 warn, 2 n/a`. */
export const countsText = (summary: Report["summary"]): string => {
  const parts: Array<string> = []
  for (const status of Object.keys(statusLabels) as Array<CheckStatus>) {
    if ((summary[status] ?? 0) > 0) parts.push(`${summary[status]} ${statusLabel(status)}`)
  }
  return parts.length === 0 ? "no checks" : parts.join(", ")
}

/** The verdict line: `✔ READY  14 pass, 2 n/a in 1.2s`. */
export const verdictLine = (
  report: Pick<Report, "verdict" | "summary" | "durationMs" | "interrupted">,
  style: TextStyle
): string => {
  const head = `${verdictGlyph(report.verdict, style)} ${verdictWord(report.verdict)}`
  const tail = `${countsText(report.summary)} in ${formatDuration(report.durationMs)}${report.interrupted ? " (interrupted)" : ""}`
  const lines = wrap(`${head}  ${tail}`, style.width, "  ")
  const first = lines[0]!
  const painted =
    paint(style, "bold", paint(style, statusPaint[verdictStatus[report.verdict]], head)) + first.slice(head.length)
  return [painted, ...lines.slice(1)].join("\n")
}

/** The opening line: what is audited, how, and with which credentials (masked hints only). */
export const headerLine = (target: Target, style: TextStyle): string => {
  const where = target.platform ? `${target.platform} (${target.baseUrl})` : target.baseUrl
  const methods = target.authMethods.length > 0 ? target.authMethods.join(" + ") : "no credentials"
  const creds = target.credentials.map((c) => `${c.name} from ${c.source}`).join(", ")
  const text = oneLine(`arlo-ready: auditing ${where} with ${methods}${creds ? `; ${creds}` : ""}`)
  return wrap(text, style.width, "  ").join("\n")
}

const severity = { fail: 0, error: 1, warn: 2, pass: 3, skipped: 4, not_applicable: 5, waived: 6 } satisfies Record<
  CheckStatus,
  number
>

/**
 * The root causes of a report: every check that failed, could not decide, or warned, worst first and
 * in catalogue order within a status. Skipped checks are not causes: their `blockedBy` names one.
 */
export const rootCauses = (report: Pick<Report, "checks">): Array<CheckResult> =>
  report.checks
    .map((check, index) => ({ check, index }))
    .filter(({ check }) => check.status === "fail" || check.status === "error" || check.status === "warn")
    .sort((a, b) => severity[a.check.status] - severity[b.check.status] || a.index - b.index)
    .map(({ check }) => check)

/** The checks a root cause blocked. */
export const blockedBy = (report: Pick<Report, "checks">, id: string): Array<CheckResult> =>
  report.checks.filter((c) => c.status === "skipped" && c.blockedBy.some((b) => b === id))

/**
 * What to do about one root cause: cause, possibilities, remediation steps, who, re-check command,
 * docs and what it blocks, each line indented under the check line.
 */
export const causeLines = (report: Pick<Report, "checks">, result: CheckResult, style: TextStyle): Array<string> => {
  const out: Array<string> = []
  const add = (text: string, indent = "  ") => {
    for (const line of wrap(`${indent}${oneLine(text)}`, style.width, `${indent}  `)) out.push(line)
  }
  if (result.cause) {
    add(`Cause: ${result.cause.message}`)
    for (const p of result.cause.possibilities ?? []) add(`- possibly: ${p}`)
  }
  if (result.remediation) {
    result.remediation.steps.forEach((step, i) => {
      add(`${i + 1}. ${step}`)
    })
    add(`Who can fix it: ${actorLabel(result.remediation.who)}`)
    if (result.remediation.recheck) add(`Re-check: ${result.remediation.recheck}`)
  }
  for (const doc of result.docs) add(`Docs: ${doc.title}: ${doc.url}`)
  const blocked = blockedBy(report, result.id)
  if (blocked.length > 0) add(`Blocks: ${blocked.map((c) => c.id).join(", ")}`)
  return out
}

/** The "what to fix" section: each root cause's check line and its cause lines. Empty when there is none. */
export const rootCauseSection = (report: Pick<Report, "checks">, style: TextStyle): Array<string> => {
  const causes = rootCauses(report)
  if (causes.length === 0) return []
  const out = [paint(style, "bold", "What to fix:")]
  for (const cause of causes) {
    out.push(checkLine(cause, style))
    out.push(...causeLines(report, cause, style))
  }
  return out
}

/** The heading of a group of checks: `Basic auth`. */
export const groupHeading = (group: CheckGroup, style: TextStyle): string => paint(style, "bold", groupTitles[group])

const position = new Map<CheckId, number>(checkIds.map((id, i) => [id, i]))
const groupOf = new Map<CheckId, CheckGroup>(catalogue.map((d) => [d.id, d.group]))
const byPosition = (a: CheckId, b: CheckId) => position.get(a)! - position.get(b)!

/**
 * The plain text of one audit as it streams, each call returning what to print next (empty or ending
 * with a newline). Check lines come in catalogue order, each under its group's heading: a line is
 * released as soon as its check and every planned check before it have finished. The plan is the
 * list `audit_started` announces (the whole catalogue when no such event came).
 */
export interface TextPrinter {
  /**
   * What an event adds: the header on `audit_started`; on `check_finished`, the lines it releases;
   * on `audit_finished`, every line still held, with the report's checks that were never streamed
   * placed where the catalogue puts them.
   */
  readonly event: (event: AuditEvent) => string
  /** Every line still held, in catalogue order, holes and all: for an audit that ended without `audit_finished`. */
  readonly flush: () => string
  /** What the text ends with: the lines still held (from `report` too), what to fix, then the verdict. */
  readonly closing: (report: Report) => string
}

/** A printer for one audit (see {@link TextPrinter}). */
export const textPrinter = (style: TextStyle): TextPrinter => {
  let plan: ReadonlyArray<CheckId> = checkIds
  let next = 0
  const held = new Map<CheckId, CheckResult>()
  const printed = new Set<CheckId>()
  let lastGroup: CheckGroup | null = null
  // The catalogue position of the last line printed: a result from before it can only come late.
  let reached = -1

  const lineOf = (result: CheckResult): string => {
    const group = groupOf.get(result.id) ?? result.group
    const heading = group === lastGroup ? "" : `\n${groupHeading(group, style)}\n`
    lastGroup = group
    printed.add(result.id)
    held.delete(result.id)
    reached = Math.max(reached, position.get(result.id) ?? reached)
    return `${heading}${checkLine(result, style)}\n`
  }

  const release = (): string => {
    let out = ""
    for (; next < plan.length; next++) {
      const id = plan[next]!
      if (printed.has(id)) continue
      const result = held.get(id)
      if (result === undefined) break
      out += lineOf(result)
    }
    return out
  }

  const flush = (): string => {
    let out = release()
    for (const id of [...held.keys()].sort(byPosition)) out += lineOf(held.get(id)!)
    return out
  }

  const finish = (report: Report): string => {
    for (const c of report.checks) if (!printed.has(c.id)) held.set(c.id, c)
    return flush()
  }

  const event = (e: AuditEvent): string => {
    switch (e._tag) {
      case "audit_started":
        plan = [...new Set(e.checks)].sort(byPosition)
        next = 0
        held.clear()
        printed.clear()
        lastGroup = null
        reached = -1
        return `${headerLine(e.target, style)}\n`
      case "check_finished": {
        const id = e.result.id
        if (printed.has(id)) return ""
        held.set(id, e.result)
        // A check the plan did not name: in line if nothing after it is out yet, else kept for the end.
        if (!plan.includes(id) && (position.get(id) ?? -1) > reached) {
          plan = [...plan, id].sort(byPosition)
        }
        return release()
      }
      case "audit_finished":
        return finish(e.report)
      default:
        return ""
    }
  }

  return { event, flush, closing: (report) => `${finish(report)}${textClosing(report, style)}` }
}

/**
 * One event's plain text with no memory of the others: the header on `audit_started`, a line per
 * finished check in the order they finish, nothing for the rest.
 * @deprecated {@link textPrinter} keeps the lines in catalogue order under their group headings.
 */
export const textOfEvent = (event: AuditEvent, style: TextStyle): string => {
  switch (event._tag) {
    case "audit_started":
      return `${headerLine(event.target, style)}\n`
    case "check_finished":
      return `${checkLine(event.result, style)}\n`
    default:
      return ""
  }
}

/**
 * The network facts as plain sentences (unsanitised: the printers make them safe): the route, then the
 * doctor's steps as `[ok|failed] step: detail`. Empty for a direct audit with nothing to say.
 */
export const networkSentences = (network: Network | undefined): Array<string> => {
  if (network === undefined) return []
  const out: Array<string> = []
  if (network.proxy) out.push(`Through the proxy ${network.proxy.url} (from ${network.proxy.from}).`)
  else if (network.noProxyMatch !== null)
    out.push(`Direct: the NO_PROXY entry ${network.noProxyMatch} matches the platform.`)
  for (const ca of network.extraCa) out.push(`Also trusting the CA certificates in ${ca.path} (${ca.from}).`)
  for (const step of network.doctor ?? []) {
    out.push(
      `${step.ok ? "ok" : "failed"} ${step.step}: ${step.detail}${step.durationMs > 0 ? ` (${step.durationMs} ms)` : ""}`
    )
  }
  return out
}

/** How the requests went (proxy, extra CAs, the network doctor's steps), or nothing for a plain direct audit. */
export const networkSection = (report: Pick<Report, "network">, style: TextStyle): Array<string> => {
  const sentences = networkSentences(report.network)
  if (sentences.length === 0) return []
  return [paint(style, "bold", "Network:"), ...sentences.flatMap((s) => wrap(`  ${oneLine(s)}`, style.width, "    "))]
}

/** What to fix, the network, then the verdict: the end of the text once the audit has finished. Ends with a newline. */
export const textClosing = (report: Report, style: TextStyle): string => {
  const causes = rootCauseSection(report, style)
  const network = networkSection(report, style)
  return `${[...(causes.length > 0 ? ["", ...causes] : []), ...(network.length > 0 ? ["", ...network] : []), "", verdictLine(report, style)].join("\n")}\n`
}

/**
 * The whole report as plain text, exactly as {@link textPrinter} streams it: header, the checks in
 * catalogue order under their group headings, what to fix, verdict.
 */
export const textReport = (report: Report, style: TextStyle): string => {
  const printer = textPrinter(style)
  const at = report.startedAt
  let out = printer.event({ _tag: "audit_started", at, target: report.target, checks: report.checks.map((c) => c.id) })
  for (const result of report.checks) out += printer.event({ _tag: "check_finished", at, result })
  return out + printer.closing(report)
}
