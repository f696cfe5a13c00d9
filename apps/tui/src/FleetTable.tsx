/** The fleet table: a row per target with a mark per check group and its verdict, and the run's counts. */
import { verdictWord } from "@arlo-ready/cli-kit"
import { type CheckGroup, checkGroups, groupTitles } from "@arlo-ready/core"
import {
  checksDone,
  displayOrder,
  fleetProgress,
  fleetVerdictOf,
  phaseOf,
  type TargetEntry,
  verdictOfEntry
} from "./FleetState.js"
import { type Line, Lines, line, type Segment } from "./internal/Lines.js"
import { clean, width as cols, pad, truncate } from "./internal/Text.js"
import { spinnerFrames, statusColor, statusGlyph, verdictColor, verdictGlyph } from "./internal/Theme.js"
import { groups, type RowStatus } from "./State.js"

export interface TableFrame {
  readonly now: number
  readonly width: number
  readonly height?: number | undefined
  readonly fleetName: string
  /** The target under the cursor (its index in the fleet). */
  readonly selected: number
  readonly notice?: string | null | undefined
}

const spinner = (now: number) => spinnerFrames[Math.floor(now / 100) % spinnerFrames.length]!

/** The mark of each group for one target: its rolled-up status, waiting while queued. */
const groupMarks = (e: TargetEntry): Map<CheckGroup, RowStatus> => {
  const out = new Map<CheckGroup, RowStatus>()
  const queued = phaseOf(e) === "queued"
  for (const g of groups(e.state)) out.set(g.group, queued ? "pending" : g.status)
  return out
}

const verdictCell = (e: TargetEntry, now: number): Segment => {
  const v = verdictOfEntry(e)
  if (v !== null) return { text: `${verdictGlyph[v]} ${verdictWord(v)}`, color: verdictColor[v], bold: true }
  if (phaseOf(e) === "queued") return { text: "· queued", dim: true }
  return { text: `${spinner(now)} ${checksDone(e)} checks`, color: "cyan" }
}

/** The order the table shows the targets in (the selection moves through it). */
export const tableOrder = (entries: ReadonlyArray<TargetEntry>, sorted: boolean): Array<number> =>
  displayOrder(entries, sorted).map((e) => e.index)

/** Every line of the table screen. */
export const tableLines = (entries: ReadonlyArray<TargetEntry>, sorted: boolean, frame: TableFrame): Array<Line> => {
  const rows = displayOrder(entries, sorted)
  const p = fleetProgress(entries)
  const head = `arlo-ready · fleet ${clean(frame.fleetName)}`
  const counts = `  ${p.total} targets · ${p.done} done · ${p.running} running · ${p.queued} queued`
  const titles = checkGroups.map((g) => groupTitles[g])
  // The marks and the verdict always fit; the name and then the tags give way on a narrow terminal.
  const spare = frame.width - (2 + titles.reduce((n, t) => n + 2 + cols(t), 0) + 2 + 21)
  const nameCols = Math.max(8, Math.min(28, spare, Math.max(6, ...rows.map((e) => cols(e.name)))))
  const tagsOf = (e: TargetEntry) => clean(e.tags.join(","), 60)
  const tagRoom = spare - nameCols - 2
  const tagCols = tagRoom < 4 ? 0 : Math.min(16, tagRoom, Math.max(4, ...rows.map((e) => cols(tagsOf(e)))))
  const tagsHeader = tagCols > 0 ? `  ${pad("Tags", tagCols)}` : ""
  const header: Line = {
    key: "columns",
    segments: [
      {
        text: truncate(`  ${pad("Target", nameCols)}${tagsHeader}  ${titles.join("  ")}  Verdict`, frame.width),
        bold: true
      }
    ]
  }
  const rowLine = (e: TargetEntry): Line => {
    const selected = e.index === frame.selected
    const marks = groupMarks(e)
    const segments: Array<Segment> = [
      selected ? { text: "› ", color: "cyan", bold: true } : { text: "  " },
      { text: pad(truncate(e.name, nameCols), nameCols), ...(selected ? { bold: true } : {}) },
      ...(tagCols > 0 ? [{ text: "  " }, { text: pad(truncate(tagsOf(e), tagCols), tagCols), dim: true }] : [])
    ]
    checkGroups.forEach((g, i) => {
      const status = marks.get(g)
      const mark = status === undefined ? " " : status === "running" ? spinner(frame.now) : statusGlyph[status]
      segments.push({ text: "  " })
      segments.push({ text: pad(mark, cols(titles[i]!)), ...(status ? { color: statusColor[status] } : {}) })
    })
    segments.push({ text: "  " })
    segments.push(verdictCell(e, frame.now))
    return { key: `t-${e.index}`, segments: clip(segments, frame.width) }
  }
  const selectedRow = rows.findIndex((e) => e.index === frame.selected)
  const chosen = entries[frame.selected]
  const why = chosen?.error
    ? [line("why", truncate(`${chosen.name}: ${clean(chosen.error)}`, frame.width), { color: "red" })]
    : []
  const note = frame.notice ? [line("notice", truncate(clean(frame.notice), frame.width), { color: "blue" })] : []
  const v = fleetVerdictOf(entries)
  const footer: Line =
    p.done === p.total
      ? {
          key: "verdict",
          segments: [
            {
              text: truncate(`${verdictGlyph[v]} Fleet verdict: ${verdictWord(v)}`, frame.width),
              color: verdictColor[v],
              bold: true
            }
          ]
        }
      : {
          key: "verdict",
          segments: [
            { text: `${spinner(frame.now)} `, color: "cyan" },
            { text: truncate(`Auditing… ${p.done}/${p.total} targets done`, frame.width - 2) }
          ]
        }
  const help = line(
    "help",
    truncate(
      frame.width >= 70 ? "↑↓ select  enter open  r re-run target  q quit" : "↑↓ ⏎ r:re-run q:quit",
      frame.width
    ),
    { dim: true }
  )
  // head, blank, columns, rows, blank, verdict, why, notice, help
  const fixed = 2 + 1 + 1 + 1 + why.length + note.length + 1
  const room = frame.height ? Math.max(3, frame.height - fixed - 1) : rows.length
  const start = Math.max(0, Math.min(selectedRow - Math.floor(room / 2), rows.length - room))
  return [
    {
      key: "head",
      segments: [
        { text: truncate(head, frame.width), bold: true },
        { text: truncate(counts, frame.width - cols(head)), dim: true }
      ]
    },
    line("gap1", ""),
    header,
    // Only the rows in view are drawn: a fleet of thousands costs what a screenful does.
    ...rows.slice(start, start + room).map(rowLine),
    line("gap2", ""),
    footer,
    ...why,
    ...note,
    help
  ]
}

/** Cuts a row's segments at the width. */
const clip = (segments: ReadonlyArray<Segment>, width: number): Array<Segment> => {
  const out: Array<Segment> = []
  let used = 0
  for (const s of segments) {
    const room = width - used
    if (room <= 0) break
    const text = cols(s.text) > room ? truncate(s.text, room) : s.text
    out.push({ ...s, text })
    used += cols(text)
  }
  return out
}

/** The table screen. */
export const FleetTable = (props: {
  readonly entries: ReadonlyArray<TargetEntry>
  readonly sorted: boolean
  readonly frame: TableFrame
}) => <Lines lines={tableLines(props.entries, props.sorted, props.frame)} />
