/**
 * The fleet screen: the table of targets, and one target's checklist and details (the single-audit
 * views over that target's state). The only place the fleet screen exits from.
 */
import { type Key, useApp, useInput, useStdout } from "ink"
import { useCallback, useEffect, useRef, useState } from "react"
import { keyCommand } from "./App.js"
import { Checklist } from "./Checklist.js"
import { Details, detailsLines, detailsRoom } from "./Details.js"
import { exportReport } from "./Export.js"
import { type FleetStore, phaseOf } from "./FleetState.js"
import { FleetTable, tableOrder } from "./FleetTable.js"
import { Lines, line } from "./internal/Lines.js"
import { type Row, selectedRow } from "./State.js"

/** How the fleet session ended. */
export type FleetOutcome = "quit" | "interrupted"

export interface FleetAppProps {
  readonly store: FleetStore
  readonly fleetName: string
  readonly exportDir: string
  readonly onExit: (outcome: FleetOutcome) => void
  /** How often the screen redraws while something runs, in ms. */
  readonly tickMs?: number
}

/** Redraws on a clock while anything runs or changed, not on every event of every target. */
const useFleetClock = (store: FleetStore, tickMs: number): [number, () => void] => {
  const [now, setNow] = useState(() => Date.now())
  const dirty = useRef(true)
  useEffect(
    () =>
      store.subscribe(() => {
        dirty.current = true
      }),
    [store]
  )
  useEffect(() => {
    const timer = setInterval(() => {
      const busy = store.entries.some((e) => phaseOf(e) !== "done")
      if (dirty.current || busy) {
        dirty.current = false
        setNow(Date.now())
      }
    }, tickMs)
    return () => clearInterval(timer)
  }, [store, tickMs])
  return [now, () => setNow(Date.now())]
}

const useSize = () => {
  const { stdout } = useStdout()
  const read = useCallback(() => ({ columns: stdout.columns || 80, rows: stdout.rows || undefined }), [stdout])
  const [size, setSize] = useState(read)
  useEffect(() => {
    const onResize = () => setSize(read())
    stdout.on("resize", onResize)
    return () => {
      stdout.off("resize", onResize)
    }
  }, [stdout, read])
  return size
}

/** What the key handlers read and change. */
interface KeyContext {
  readonly store: FleetStore
  readonly live: { selected: number; open: number | null; moved: boolean }
  readonly select: (index: number) => void
  readonly openTarget: (index: number | null) => void
  readonly notify: (text: string | null) => void
  readonly finish: (outcome: FleetOutcome) => void
  readonly exportDir: string
  readonly details: (row: Row) => { readonly room: number; readonly max: number }
}

/** A key on the table. */
const tableKey = (ctx: KeyContext, input: string, key: Key): void => {
  const { store, live } = ctx
  if (input === "q") {
    ctx.finish("quit")
    return
  }
  const order = tableOrder(store.entries, store.sorted)
  const at = Math.max(0, order.indexOf(live.selected))
  const move = (to: number) => {
    live.moved = true
    const next = order[Math.max(0, Math.min(order.length - 1, to))]
    if (next !== undefined) ctx.select(next)
  }
  if (key.upArrow || input === "k") move(at - 1)
  else if (key.downArrow || input === "j") move(at + 1)
  else if (key.home) move(0)
  else if (key.end) move(order.length - 1)
  else if (key.return || key.rightArrow || input === "l") {
    ctx.openTarget(live.selected)
    ctx.notify(null)
  } else if (input === "r") {
    store.restart(live.selected)
    ctx.notify(`Re-running ${store.entries[live.selected]?.name ?? "the target"}.`)
  }
}

/** A key on a target's checklist or details: the single-audit keys, with Esc and q back to the table. */
const targetKey = (ctx: KeyContext, index: number, input: string, key: Key): void => {
  const entry = ctx.store.entries[index]
  if (!entry) return
  const state = entry.state
  const back = state.view === "list" && (key.escape || key.leftArrow || input === "h")
  if (back || input === "q") {
    ctx.openTarget(null)
    return
  }
  const command = keyCommand(state, input, key, { targets: 1, details: ctx.details })
  // A sign-in is for one target at a time (`arlo-ready --sign-in`), not from the fleet table.
  if (command === null || command === "quit" || command === "interrupt") return
  if (command === "sign_in") {
    ctx.notify("Sign in to one target with arlo-ready --sign-in.")
    return
  }
  if (command === "export") {
    const report = state.report
    if (report === null) {
      ctx.notify("No report yet: wait for the target's run to finish.")
      return
    }
    exportReport(report, ctx.exportDir).then(
      (path) => ctx.notify(`Report written to ${path}`),
      (e: unknown) => ctx.notify(`Could not write the report: ${e instanceof Error ? e.message : String(e)}`)
    )
    return
  }
  // A target whose run could not start has no results to re-check: run it again from scratch.
  if (command.type === "rerun" && entry.error !== null) ctx.store.restart(index)
  else ctx.store.dispatch(index, command)
}

export const FleetApp = ({ store, fleetName, exportDir, onExit, tickMs = 100 }: FleetAppProps) => {
  const { exit } = useApp()
  const [now, redraw] = useFleetClock(store, tickMs)
  const size = useSize()
  const [selected, setSelected] = useState(0)
  const [open, setOpen] = useState<number | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const live = useRef({ selected, open, moved: false })

  useEffect(() => {
    store.begin()
  }, [store])

  const select = (index: number) => {
    live.current.selected = index
    setSelected(index)
  }
  // Until the user moves it, the cursor stays on the first row: the worst target once the fleet is sorted.
  const top = tableOrder(store.entries, store.sorted)[0]
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new first row moves the cursor
  useEffect(() => {
    if (!live.current.moved && top !== undefined && top !== live.current.selected) select(top)
  }, [top])

  const exited = useRef(false)
  const ctx: KeyContext = {
    store,
    live: live.current,
    select,
    openTarget: (index) => {
      live.current.open = index
      setOpen(index)
    },
    notify: setNotice,
    finish: (outcome) => {
      if (exited.current) return
      exited.current = true
      onExit(outcome)
      exit()
    },
    exportDir,
    details: (row) => {
      const total = detailsLines(row, now, size.columns).length
      const room = detailsRoom(size.rows, total)
      return { room, max: Math.max(0, total - room) }
    }
  }

  useInput((input, key) => {
    const chars = input.length > 1 && !key.ctrl && !key.meta ? [...input] : [input]
    for (const ch of chars) {
      if ((key.ctrl && ch === "c") || ch === "\u0003") {
        ctx.finish("interrupted")
        return
      }
      const k = chars.length > 1 ? { ...key, return: ch === "\r" || ch === "\n" } : key
      const index = live.current.open
      if (index === null) tableKey(ctx, ch, k)
      else targetKey(ctx, index, ch, k)
    }
    redraw()
  })

  const entry = open === null ? undefined : store.entries[open]
  if (entry) {
    const row = selectedRow(entry.state)
    if (entry.state.view === "details" && row) {
      return <Details row={row} frame={{ now, width: size.columns, height: size.rows, scroll: entry.state.scroll }} />
    }
    const height = size.rows === undefined ? undefined : size.rows - 1
    return (
      <>
        <Checklist
          state={notice ? { ...entry.state, notice: { tone: "info", text: notice } } : entry.state}
          frame={{ now, width: size.columns, height, targets: [entry.name] }}
        />
        <Lines lines={[line("back", "esc back to the fleet", { dim: true })]} />
      </>
    )
  }
  return (
    <FleetTable
      entries={store.entries}
      sorted={store.sorted}
      frame={{ now, width: size.columns, height: size.rows, fleetName, selected, notice }}
    />
  )
}
