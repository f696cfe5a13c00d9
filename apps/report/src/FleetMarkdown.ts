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
import { markdownLimitBytes, mdCode, mdText, statusEmoji, verdictText } from "./Markdown.js"

/** Which status a cell shows when a group holds several: the worst. */
const cellRank: Record<CheckStatus, number> = { fail: 0, error: 1, warn: 2, pass: 3, skipped: 4, not_applicable: 5 }

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
  /** How many targets get a root-cause section. */
  readonly maxTargets: number
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

const render = (report: FleetReport, budget: Budget): string => {
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
  const ordered = worstFirst(report.targets)
  if (ordered.length > 0) {
    out.push(
      `| Target | Verdict | ${checkGroups.map((g) => groupTitles[g]).join(" | ")} | Root causes |`,
      `| --- | --- | ${checkGroups.map(() => "---").join(" | ")} | --- |`
    )
    for (const t of ordered) {
      out.push(
        `| ${mdCode(t.name)} | ${verdictText[t.verdict]} | ${checkGroups.map((g) => cell(t, g)).join(" | ")} | ${causeCell(t, budget.maxText)} |`
      )
    }
    out.push("")
  }
  const toFix = ordered.filter((t) => t.report === null || rootCauses(t.report).length > 0)
  if (toFix.length > 0) {
    out.push("### Root causes", "")
    for (const t of toFix.slice(0, budget.maxTargets)) out.push(...targetSection(t, budget))
    const left = toFix.length - budget.maxTargets
    if (left > 0) out.push(`_${left} more targets to fix are in the report files._`, "")
  }
  out.push(
    `<sub>${mdText(`${report.tool.name} ${report.tool.version}`)} · fleet ${mdCode(report.fleet.digest.slice(0, 12))} · started ${mdText(report.startedAt)}</sub>`,
    ""
  )
  return out.join("\n")
}

/** The fleet report as Markdown, at most {@link markdownLimitBytes} bytes. */
export const fleetMarkdown = (report: FleetReport, limitBytes: number = markdownLimitBytes): string => {
  const all = report.targets.length
  const budgets: Array<Budget> = [
    { fixes: true, maxText: 2000, maxTargets: all },
    { fixes: false, maxText: 500, maxTargets: all },
    { fixes: false, maxText: 160, maxTargets: all }
  ]
  for (let n = Math.floor(all / 2); n >= 1; n = Math.floor(n / 2))
    budgets.push({ fixes: false, maxText: 160, maxTargets: n })
  budgets.push({ fixes: false, maxText: 80, maxTargets: 0 })
  for (const budget of budgets) {
    const text = render(report, budget)
    if (Buffer.byteLength(text) <= limitBytes) return text
  }
  // A matrix too long by itself (tens of thousands of targets): cut at a line, with a note.
  const note = "\n\n_(truncated to fit the step summary)_\n"
  let cut = render(report, { fixes: false, maxText: 60, maxTargets: 0 }).slice(0, limitBytes)
  while (Buffer.byteLength(cut) > limitBytes - note.length) cut = cut.slice(0, -1024)
  return `${cut.slice(0, cut.lastIndexOf("\n"))}${note}`
}
