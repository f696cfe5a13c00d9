/**
 * A fleet in Markdown, for `$GITHUB_STEP_SUMMARY` and comments: the fleet's verdict and counts, a
 * matrix of targets × check groups with a status mark per cell (worst target first), then per target
 * that is not ready its root causes, each with its fix. Text is escaped as in `Markdown.ts`, and the
 * document stays under GitHub's 1 MiB summary cap: the fixes go first, then long texts are shortened,
 * then the later targets' causes are left to the report files, with a note.
 */
import { formatDuration, oneLine, rootCauses } from "@arlo-ready/cli-kit"
import {
  type CheckGroup,
  type CheckResult,
  type CheckStatus,
  checkGroups,
  type FleetReport,
  type FleetTargetResult,
  groupTitles,
  worstFirst
} from "@arlo-ready/core"
import { fleetCountsText } from "./FleetFormat.js"
import { fleetLivingMarkdown } from "./internal/fleetLiving.js"
import { markdownLimitBytes, mdCode, mdText, statusEmoji, verdictText } from "./Markdown.js"

/** Which status a cell shows when a group holds several: the worst. */
const cellRank: Record<CheckStatus, number> = {
  fail: 0,
  error: 1,
  warn: 2,
  waived: 3,
  pass: 4,
  skipped: 5,
  not_applicable: 6
}

const truncate = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`)

/** A group's mark for a target: the worst status among its checks, `·` when it has none. */
const cell = (target: FleetTargetResult, group: CheckGroup): string => {
  if (target.report === null) return "·"
  let worst: CheckStatus | undefined
  for (const c of target.report.checks) {
    if (c.group === group && (worst === undefined || cellRank[c.status] < cellRank[worst])) worst = c.status
  }
  return worst === undefined ? "·" : statusEmoji[worst]
}

interface Budget {
  readonly fixes: boolean
  readonly maxText: number
}

const causeLines = (result: CheckResult, budget: Budget): Array<string> => {
  const t = (s: string) => mdText(truncate(s, budget.maxText))
  const out = [`- ${statusEmoji[result.status]} ${mdCode(result.id)} ${t(result.title)}: ${t(result.summary)}`]
  if (result.cause) out.push(`  - **Cause:** ${t(result.cause.message)}`)
  if (result.remediation) {
    const steps = result.remediation.steps
    if (budget.fixes) out.push(...steps.map((s, i) => `  - **Fix ${i + 1}.** ${t(s)}`))
    else if (steps[0] !== undefined) out.push(`  - **Fix:** ${t(steps[0])}`)
  }
  return out
}

const targetSection = (target: FleetTargetResult, budget: Budget): Array<string> => {
  const where = target.platform ? `${mdCode(target.baseUrl)} (${mdText(target.platform)})` : mdCode(target.baseUrl)
  const out = [`#### ${verdictText[target.verdict]}: ${mdCode(target.name)} · ${where}`, ""]
  if (target.report === null) out.push(`- ❗ Not audited: ${mdText(truncate(target.error ?? "", budget.maxText))}`)
  else for (const c of rootCauses(target.report)) out.push(...causeLines(c, budget))
  out.push("")
  return out
}

/** The ids of a target's root causes for the matrix (or why it was not audited). */
const causeCell = (target: FleetTargetResult, maxText: number): string => {
  if (target.report === null) return mdText(truncate(oneLine(target.error ?? "not audited"), maxText))
  const ids = rootCauses(target.report).map((c) => c.id)
  const shown = ids.slice(0, 3).map(mdCode).join(", ")
  return ids.length > 3 ? `${shown} +${ids.length - 3}` : shown
}

/** The heading, the counts and the matrix, as lines. */
const head = (report: FleetReport, ordered: ReadonlyArray<FleetTargetResult>, maxText: number): Array<string> => {
  const name = report.fleet.name === null ? "" : ` ${mdText(report.fleet.name)}`
  const shards =
    report.shards.length === 0 ? "" : ` · **Shards:** ${report.shards.map((s) => `${s.index}/${s.count}`).join(", ")}`
  const out = [
    `## arlo-ready fleet${name}: ${verdictText[report.verdict]}`,
    "",
    `**Targets:** ${report.targets.length} of ${report.fleet.targets} · ${mdText(fleetCountsText(report.counts))}${shards} · **Took:** ${formatDuration(report.durationMs)}`,
    ""
  ]
  if (report.interrupted) out.push("> [!WARNING]", "> The run stopped before every target finished.", "")
  // What changed since the baseline leads: the morning after, that is what a reader looks for.
  out.push(...fleetLivingMarkdown(report, mdText))
  if (ordered.length > 0) {
    out.push(
      `| Target | Verdict | ${checkGroups.map((g) => groupTitles[g]).join(" | ")} | Root causes |`,
      `| --- | --- | ${checkGroups.map(() => "---").join(" | ")} | --- |`
    )
    for (const t of ordered) {
      out.push(
        `| ${mdCode(t.name)} | ${verdictText[t.verdict]} | ${checkGroups.map((g) => cell(t, g)).join(" | ")} | ${causeCell(t, maxText)} |`
      )
    }
    out.push("")
  }
  return out
}

const bytes = (lines: ReadonlyArray<string>): number => lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0)

/**
 * The fleet report as Markdown, at most {@link markdownLimitBytes} bytes: the fixes' later steps go
 * first, then long texts are shortened, then the root causes of the later (less bad) targets are left
 * to the report files with a note; a matrix too long by itself is cut at a line.
 */
export const fleetMarkdown = (report: FleetReport, limitBytes: number = markdownLimitBytes): string => {
  const ordered = worstFirst(report.targets)
  const toFix = ordered.filter((t) => t.report === null || rootCauses(t.report).length > 0)
  const foot = [
    `<sub>${mdText(`${report.tool.name} ${report.tool.version}`)} · fleet ${mdCode(report.fleet.digest.slice(0, 12))} · started ${mdText(report.startedAt)}</sub>`,
    ""
  ]
  const budgets: ReadonlyArray<Budget> = [
    { fixes: true, maxText: 2000 },
    { fixes: false, maxText: 500 },
    { fixes: false, maxText: 160 }
  ]
  for (const [i, budget] of budgets.entries()) {
    const top = head(report, ordered, budget.maxText)
    const room = limitBytes - bytes(top) - bytes(foot) - 200
    if (room < 0) continue
    const sections = toFix.length > 0 ? ["### Root causes", ""] : []
    let used = bytes(sections)
    let shown = 0
    for (const t of toFix) {
      const section = targetSection(t, budget)
      used += bytes(section)
      if (used > room) break
      sections.push(...section)
      shown++
    }
    // Every target's causes fit, or this is the last budget: keep as many as fit.
    if (shown === toFix.length || i === budgets.length - 1) {
      if (shown < toFix.length)
        sections.push(`_${toFix.length - shown} more targets to fix are in the report files._`, "")
      return [...top, ...sections, ...foot].join("\n")
    }
  }
  const note = "\n\n_(truncated to fit the step summary)_\n"
  let cut = [...head(report, ordered, 60), ...foot].join("\n").slice(0, limitBytes)
  while (Buffer.byteLength(cut) > limitBytes - note.length) cut = cut.slice(0, -1024)
  return `${cut.slice(0, cut.lastIndexOf("\n"))}${note}`
}
