/**
 * Markdown for `$GITHUB_STEP_SUMMARY` and pull-request comments: the verdict, a table of checks, and
 * the remediation of each root cause. Text from the platform is escaped (no HTML, no links, no table
 * breaks), and the document stays under GitHub's 1 MiB step-summary cap.
 */
import {
  actorLabel,
  blockedBy,
  countsText,
  formatDuration,
  networkSentences,
  oneLine,
  rootCauses,
  statusLabel
} from "@arlo-ready/cli-kit"
import type { CheckResult, CheckStatus, Report, Verdict } from "@arlo-ready/core"
import { exchangeLine } from "./internal/details.js"
import { driftSection, waiverSection } from "./internal/living.js"

/** GitHub's step-summary cap is 1 MiB; stay clearly below it. */
export const markdownLimitBytes = 1_000_000

/** The mark of a check status in Markdown. */
export const statusEmoji: Record<CheckStatus, string> = {
  pass: "✅",
  warn: "⚠️",
  fail: "❌",
  error: "❗",
  skipped: "⏭️",
  not_applicable: "➖",
  waived: "🔕"
}

/** A verdict in Markdown: its mark and words. */
export const verdictText: Record<Verdict, string> = {
  ready: "✅ Ready",
  ready_with_warnings: "⚠️ Ready, with warnings",
  not_ready: "❌ Not ready",
  incomplete: "❗ Incomplete"
}

/*
 * Server text must not act on GitHub when the document is a step summary or a comment. A mention
 * (`@user`, `@org/team`) notifies people and an issue reference (`#12`) links, and back-links from,
 * that issue; GitHub finds both in the rendered text, so a backslash escape does not stop them. A
 * zero-width space after the `@` or `#` does, and reads the same; it is written `&#8203;`, as
 * Renovate and Dependabot write it, so that whoever reads the Markdown source sees it is there. A bare
 * URL (`https://…`, `www.…`, which GitHub links by itself) goes into a code span instead: shown whole
 * and copyable, but never a link. Breaking `://` with an invisible character would render a URL that
 * looks clickable and copies broken.
 */

// A scheme and `://`, or `www.`, up to white space or a character that ends a URL in text (a code span's
// backtick, a table cell's pipe); the trailing punctuation of a sentence is left outside.
const bareUrl = /\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.)[^\s<>`|]*/gi
const trailingPunctuation = /[.,;:!?'")\]]+$/

const escapeProse = (s: string): string =>
  s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([\\`*_[\]|~#!()])/g, "\\$1")
    .replace(/#(?=\p{N})/gu, "#&#8203;")
    .replace(/@(?=[\p{L}\p{N}_])/gu, "@&#8203;")

/**
 * Escapes untrusted text for inline Markdown: one line, no HTML, no emphasis, links or table breaks, no
 * mention, issue reference or autolink (bare URLs become code spans).
 */
export const mdText = (s: string): string => {
  const line = oneLine(s)
  let out = ""
  let from = 0
  for (const m of line.matchAll(bareUrl)) {
    const url = m[0].replace(trailingPunctuation, "")
    out += `${escapeProse(line.slice(from, m.index))}\`${url}\``
    from = m.index + url.length
  }
  return out + escapeProse(line.slice(from))
}

/** Inline code: backticks cannot be escaped inside a code span, so a longer fence is used. */
export const mdCode = (s: string): string => {
  const text = oneLine(s)
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length))
  const fence = "`".repeat(longest + 1)
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : ""
  return `${fence}${pad}${text}${pad}${fence}`
}

/** A link only for http(s) URLs; anything else is shown as escaped text. */
const mdLink = (title: string, url: string): string =>
  /^https?:\/\/[^\s<>()]+$/i.test(url) ? `[${mdText(title)}](${url})` : `${mdText(title)}: ${mdText(url)}`

const truncate = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`)

interface Budget {
  /** Include the evidence of each root cause. */
  readonly evidence: boolean
  /** Longest text kept from any one platform-supplied string. */
  readonly maxText: number
}

const causeSection = (report: Report, result: CheckResult, budget: Budget): Array<string> => {
  const t = (s: string) => mdText(truncate(s, budget.maxText))
  const out = [`#### ${statusEmoji[result.status]} ${mdCode(result.id)} ${t(result.title)}`, "", t(result.summary), ""]
  if (result.cause) {
    out.push(`**Cause:** ${t(result.cause.message)} (${mdCode(truncate(result.cause.code, budget.maxText))})`, "")
    const possibilities = result.cause.possibilities ?? []
    if (possibilities.length > 0) {
      out.push("It may also be:", "", ...possibilities.map((p) => `- ${t(p)}`), "")
    }
  }
  if (result.remediation) {
    out.push("**How to fix it:**", "", ...result.remediation.steps.map((s, i) => `${i + 1}. ${t(s)}`), "")
    const who = `**Who can fix it:** ${mdText(actorLabel(result.remediation.who))}`
    out.push(result.remediation.recheck ? `${who} · **Re-check:** ${mdCode(result.remediation.recheck)}` : who, "")
  }
  if (result.docs.length > 0) out.push(`**Docs:** ${result.docs.map((d) => mdLink(d.title, d.url)).join(" · ")}`, "")
  const blocked = blockedBy(report, result.id)
  if (blocked.length > 0) out.push(`**Blocks:** ${blocked.map((c) => mdCode(c.id)).join(", ")}`, "")
  if (budget.evidence && result.evidence.length > 0) {
    out.push(
      "<details><summary>Evidence</summary>",
      "",
      ...result.evidence.map((e) => `- ${mdText(truncate(exchangeLine(e), budget.maxText))}`),
      "",
      "</details>",
      ""
    )
  }
  return out
}

const waiverCell = (w: NonNullable<CheckResult["waiver"]>): string =>
  w.expired
    ? `waiver expired ${w.expires}, owner ${w.owner}`
    : `was ${w.originalStatus}: ${w.reason}; ${w.owner}, until ${w.expires}`

const render = (report: Report, budget: Budget): string => {
  const t = (s: string) => mdText(truncate(s, budget.maxText))
  const target = report.target.platform
    ? `${mdCode(report.target.baseUrl)} (${t(report.target.platform)})`
    : mdCode(report.target.baseUrl)
  const methods = report.target.authMethods.length > 0 ? report.target.authMethods.join(", ") : "none"
  const out = [
    `## arlo-ready: ${verdictText[report.verdict]}`,
    "",
    `**Target:** ${target} · **Auth:** ${methods} · **Checks:** ${countsText(report.summary)} · **Took:** ${formatDuration(report.durationMs)}`,
    ""
  ]
  if (report.interrupted) out.push("> [!WARNING]", "> The audit stopped before every check finished.", "")
  out.push(...driftSection(report, mdText), ...waiverSection(report, mdText))
  if (report.checks.length > 0) {
    out.push("| | Check | Status | Summary |", "| --- | --- | --- | --- |")
    for (const c of report.checks) {
      const status = c.waiver ? `${statusLabel(c.status)} (${waiverCell(c.waiver)})` : statusLabel(c.status)
      out.push(`| ${statusEmoji[c.status]} | ${mdCode(c.id)} ${t(c.title)} | ${mdText(status)} | ${t(c.summary)} |`)
    }
    out.push("")
  }
  const causes = rootCauses(report)
  if (causes.length > 0) {
    out.push("### What to fix", "")
    for (const c of causes) out.push(...causeSection(report, c, budget))
  }
  const network = networkSentences(report.network)
  if (network.length > 0) {
    out.push("### Network", "", ...network.map((line) => `- ${t(line)}`), "")
  }
  out.push(
    `<sub>${mdText(`${report.tool.name} ${report.tool.version}`)} · started ${mdText(report.startedAt)}</sub>`,
    ""
  )
  return out.join("\n")
}

/**
 * The report as Markdown, at most {@link markdownLimitBytes} bytes: evidence goes first, then long
 * platform texts are shortened, and as a last resort the document is cut at a line with a note.
 */
export const markdown = (report: Report, limitBytes: number = markdownLimitBytes): string => {
  for (const budget of [
    { evidence: true, maxText: 4000 },
    { evidence: false, maxText: 4000 },
    { evidence: false, maxText: 500 },
    { evidence: false, maxText: 120 }
  ]) {
    const text = render(report, budget)
    if (Buffer.byteLength(text) <= limitBytes) return text
  }
  const note = "\n\n_(truncated to fit the step summary)_\n"
  const text = render(report, { evidence: false, maxText: 60 })
  let cut = text.slice(0, Math.max(0, limitBytes - note.length - 4))
  while (Buffer.byteLength(cut) > limitBytes - note.length) cut = cut.slice(0, -1024)
  return `${cut.slice(0, cut.lastIndexOf("\n"))}${note}`
}
