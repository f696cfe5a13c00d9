/** The live checklist: checks grouped as the catalogue groups them, each group rolled up to its worst status. */
import { formatDuration, verdictWord } from "@arlo-ready/cli-kit"
import { type CheckStatus, definition, groupTitles } from "@arlo-ready/core"
import { type Line, Lines, line, type Segment } from "./internal/Lines.js"
import { shown } from "./internal/Shown.js"
import { clean, width as cols, pad, truncate, wrap } from "./internal/Text.js"
import { spinnerFrames, statusColor, statusGlyph, verdictColor, verdictGlyph } from "./internal/Theme.js"
import { groups, progress, type Row, type RowStatus, type State, verdict } from "./State.js"

/** What the checklist needs besides the state. */
export interface Frame {
  /** The clock, ms since the epoch: drives spinners and elapsed times. */
  readonly now: number
  readonly width: number
  /** Terminal rows, when known: the list scrolls to keep the selection in view. */
  readonly height?: number | undefined
  /** The label of each target (platform) the session can show. */
  readonly targets: ReadonlyArray<string>
}

const spinner = (now: number) => spinnerFrames[Math.floor(now / 100) % spinnerFrames.length]!

const glyph = (status: RowStatus, now: number) => (status === "running" ? spinner(now) : statusGlyph[status])

const detailOf = (row: Row, now: number): Segment => {
  const result = row.result && shown(row.result)
  switch (row.status) {
    case "pending":
      return { text: "waiting", dim: true }
    case "running":
      return { text: formatDuration(row.startedAt === null ? 0 : now - row.startedAt), color: "cyan" }
    case "skipped":
      return result && result.blockedBy.length > 0
        ? { text: `blocked by ${result.blockedBy.join(", ")}`, dim: true }
        : { text: result?.summary ?? "skipped", dim: true }
    default:
      return { text: result?.summary ?? "", ...(row.status === "not_applicable" ? { dim: true } : {}) }
  }
}

const countWords: ReadonlyArray<[CheckStatus, string]> = [
  ["fail", "failed"],
  ["error", "undecided"],
  ["warn", "warning"],
  ["skipped", "blocked"],
  ["pass", "passed"],
  ["not_applicable", "n/a"]
]

/** `1 failed, 2 warnings, 12 passed`: the statuses counted, worst first, those with none left out but `always`. */
const counted = (count: (status: CheckStatus) => number, always?: CheckStatus): string =>
  countWords
    .filter(([s]) => count(s) > 0 || s === always)
    .map(([s, w]) => `${count(s)} ${w}${s === "warn" && count(s) > 1 ? "s" : ""}`)
    .join(", ")

const rollup = (rows: ReadonlyArray<Row>, status: RowStatus): string => {
  if (status === "running") {
    const done = rows.filter((r) => r.status !== "running" && r.status !== "pending").length
    return `${done}/${rows.length}`
  }
  return counted((s) => rows.filter((r) => r.status === s).length)
}

/** The header: which target, and how to switch when there are several. */
export const headerLines = (state: State, frame: Frame): Array<Line> => {
  const label = clean(frame.targets[state.target] ?? "arlo-ready")
  const url = state.targetInfo && clean(state.targetInfo.baseUrl)
  const several = frame.targets.length > 1
  const left = `arlo-ready · ${label}`
  const right = several ? `  [${state.target + 1}/${frame.targets.length}] p: next` : ""
  const head = truncate(left, frame.width - cols(right))
  const lines: Array<Line> = [
    {
      key: "head",
      segments: [
        { text: head, bold: true },
        { text: right, dim: true }
      ]
    }
  ]
  if (url && url !== label) lines.push(line("url", truncate(url, frame.width), { dim: true }))
  return lines
}

/** The group headers and check rows, with the index of the selected row's line. */
export const listLines = (state: State, frame: Frame): { lines: Array<Line>; selectedLine: number } => {
  const lines: Array<Line> = []
  let selectedLine = 0
  const all = groups(state)
  const titleCols = frame.width >= 72 ? Math.max(...all.flatMap((g) => g.rows.map((r) => cols(titleOf(r))))) : 0
  for (const g of all) {
    const title = groupTitles[g.group]
    const roll = rollup(g.rows, g.status)
    lines.push({
      key: `group-${g.group}`,
      segments: [
        { text: "  " },
        { text: `${glyph(g.status, frame.now)} `, color: statusColor[g.status] },
        { text: title, bold: true },
        { text: truncate(`  ${roll}`, frame.width - 4 - cols(title)), dim: true }
      ]
    })
    for (const row of g.rows) {
      const selected = state.ids[state.selected] === row.id
      if (selected) selectedLine = lines.length
      const name = titleCols > 0 ? pad(titleOf(row), titleCols) : titleOf(row)
      const used = 6 + cols(name) + 2
      const detail = detailOf(row, frame.now)
      lines.push({
        key: `row-${row.id}`,
        segments: [
          selected ? { text: "› ", color: "cyan", bold: true } : { text: "  " },
          { text: "  " },
          { text: `${glyph(row.status, frame.now)} `, color: statusColor[row.status] },
          { text: truncate(name, frame.width - 6), ...(selected ? { bold: true } : {}) },
          { text: "  " },
          { ...detail, text: truncate(detail.text, frame.width - used) }
        ]
      })
    }
  }
  return { lines, selectedLine }
}

const titleOf = (row: Row): string => (row.result ? shown(row.result).title : definition(row.id).title)

/** The closing lines: the verdict (or progress while running) and any notice. */
export const verdictLines = (state: State, frame: Frame): Array<Line> => {
  const v = verdict(state)
  if (v === null) {
    const p = progress(state)
    const word = state.report === null ? "Checking" : "Re-checking"
    return [
      {
        key: "verdict",
        segments: [
          { text: `${spinner(frame.now)} `, color: "cyan" },
          { text: truncate(`${word}… ${p.done}/${p.total} checks done`, frame.width - 2) }
        ]
      }
    ]
  }
  const s = state.report?.summary
  const counts = s ? counted((status) => s[status] ?? 0, "pass") : ""
  const head = `${verdictGlyph[v]} Verdict: ${verdictWord(v)}`
  return [
    {
      key: "verdict",
      segments: [
        { text: truncate(head, frame.width), color: verdictColor[v], bold: true },
        { text: truncate(`  ${counts}`, frame.width - cols(head)), dim: true }
      ]
    }
  ]
}

/** The key help for the list. */
export const listHelp = (frame: Frame): string => {
  const switching = frame.targets.length > 1 ? (frame.width >= 80 ? "  p next" : " p:next") : ""
  return frame.width >= 80
    ? `↑↓ select  enter details  r re-run  R re-run failing  e export${switching}  q quit`
    : `↑↓ ⏎ r/R:re-run e:export${switching} q:quit`
}

/** The list screen. */
export const Checklist = ({ state, frame }: { readonly state: State; readonly frame: Frame }) => {
  const header = headerLines(state, frame)
  const { lines, selectedLine } = listLines(state, frame)
  const footer = verdictLines(state, frame)
  const notice = state.notice
  const noticeLines: Array<Line> = notice
    ? wrap(clean(notice.text), frame.width, "  ").map((t, i) =>
        line(`notice-${i}`, t, { color: notice.tone === "error" ? "red" : "blue" })
      )
    : []
  const help = line("help", truncate(listHelp(frame), frame.width), { dim: true })
  // header, blank, list, blank, verdict, notice, help
  const fixed = header.length + 1 + 1 + footer.length + noticeLines.length + 1
  const room = frame.height ? Math.max(3, frame.height - fixed - 1) : lines.length
  const start = Math.max(0, Math.min(selectedLine - Math.floor(room / 2), lines.length - room))
  const shown = lines.slice(start, start + room)
  return <Lines lines={[...header, line("gap1", ""), ...shown, line("gap2", ""), ...footer, ...noticeLines, help]} />
}
