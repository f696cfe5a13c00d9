/**
 * The interactive screen: wires the state reducer to the keyboard, the clock and the audit runner, and
 * chooses the view. The only place the app exits from.
 */
import type { AuditEvent, CheckId, CheckResult, Report } from "@arlo-ready/core"
import { type Key, useApp, useInput, useStdout } from "ink"
import { useCallback, useEffect, useReducer, useRef, useState } from "react"
import { Checklist } from "./Checklist.js"
import { Details, detailsLines, detailsRoom } from "./Details.js"
import { exportDirectory, exportReport } from "./Export.js"
import { type Action, initialState, type Row, reducer, results, type State, selectedRow } from "./State.js"

/** What a run asks of the engine: all checks (`ids` null) or a subset, with the results so far. */
export interface RunSpec {
  readonly target: number
  readonly ids: ReadonlyArray<CheckId> | null
  readonly previous: ReadonlyArray<CheckResult>
  /** The report so far, whose time and requests a re-run's report counts in. */
  readonly prior: Report | null
}

/** Where a run reports to. */
export interface RunHandlers {
  readonly event: (event: AuditEvent) => void
  /** The run could not go on (a one-line reason). */
  readonly fail: (message: string) => void
}

/** Starts a run and returns a function that stops it (interrupting its requests). */
export type RunAudit = (spec: RunSpec, handlers: RunHandlers) => () => void

/** How the session ended. */
export interface Outcome {
  /** `sign_in`: `s` on an OAuth check asked for a sign-in to the target shown (`target`). */
  readonly kind: "quit" | "interrupted" | "sign_in"
  readonly target?: number
  /** The latest report (merged over re-runs), if a run ever finished. */
  readonly report: Report | null
  /** Whether the latest run had finished when the session ended. */
  readonly finished: boolean
}

export interface AppProps {
  /** A label per target (platform); `p` switches between them. */
  readonly targets: ReadonlyArray<string>
  readonly run: RunAudit
  readonly onExit: (outcome: Outcome) => void
  /** Where `e` writes the report, created if missing (default: `exportDirectory` of this process). */
  readonly exportDir?: string
  /** Override the terminal's size (tests). */
  readonly columns?: number
  readonly rows?: number
  /** A first notice under the checklist (the demo says what it offers). */
  readonly intro?: string
  /** Clock tick while something runs, in ms. */
  readonly tickMs?: number
}

/** The terminal's size (or the one given), read again on every resize. */
const useTerminalSize = (columns?: number, rows?: number) => {
  const { stdout } = useStdout()
  const read = useCallback(
    () => ({ columns: columns ?? (stdout.columns || 80), rows: rows ?? (stdout.rows || undefined) }),
    [stdout, columns, rows]
  )
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

const useClock = (active: boolean, tickMs: number): number => {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!active) return
    setNow(Date.now())
    const timer = setInterval(() => setNow(Date.now()), tickMs)
    return () => clearInterval(timer)
  }, [active, tickMs])
  return now
}

const noKey: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false
}

/** The key of one plain character of a multi-character read. */
const charKey = (ch: string): Key => ({
  ...noKey,
  return: ch === "\r" || ch === "\n",
  tab: ch === "\t",
  backspace: ch === "\b",
  delete: ch === "\u007f",
  shift: /[A-Z]/.test(ch)
})

/** What a key asks for: a state change, or one of the things only the app can do. */
export type KeyCommand = Action | "quit" | "interrupt" | "export" | "sign_in" | null

/** Maps a key to what it does on the current screen. */
export const keyCommand = (
  state: State,
  input: string,
  key: Key,
  layout: {
    readonly targets: number
    readonly details: (row: Row) => { readonly room: number; readonly max: number }
  }
): KeyCommand => {
  if (key.ctrl && input === "c") return "interrupt"
  if (input === "q") return "quit"
  if (input === "e") return "export"
  if (input === "r") return { type: "rerun", scope: "selected" }
  if (input === "R") return { type: "rerun", scope: "not_passing" }
  if ((input === "p" || key.tab) && layout.targets > 1) {
    const step = key.shift ? layout.targets - 1 : 1
    return { type: "switch_target", target: (state.target + step) % layout.targets }
  }
  const row = selectedRow(state)
  if (state.view === "details" && row) {
    const { room, max } = layout.details(row)
    if (key.escape || key.backspace || key.delete || key.leftArrow || input === "h") return { type: "close_details" }
    if (key.upArrow || input === "k") return { type: "scroll", delta: -1, max }
    if (key.downArrow || input === "j") return { type: "scroll", delta: 1, max }
    if (key.pageUp) return { type: "scroll", delta: -room, max }
    if (key.pageDown || input === " ") return { type: "scroll", delta: room, max }
    return null
  }
  if (key.upArrow || input === "k") return { type: "select", delta: -1 }
  if (key.downArrow || input === "j") return { type: "select", delta: 1 }
  if (key.home) return { type: "select", delta: -state.ids.length }
  if (key.end) return { type: "select", delta: state.ids.length }
  if (key.return || key.rightArrow || input === "l") return { type: "open_details" }
  if (input === "s") {
    if (row?.id.startsWith("oauth.")) return "sign_in"
    return { type: "notice", notice: { tone: "info", text: "Select an OAuth check and press s to sign in." } }
  }
  return null
}

/** The interactive arlo-ready screen. */
export const App = ({ targets, run, onExit, exportDir, columns, rows, intro, tickMs = 100 }: AppProps) => {
  const { exit } = useApp()
  const [state, dispatch] = useReducer(
    reducer,
    undefined,
    (): State => ({
      ...initialState(),
      notice: intro ? { tone: "info", text: intro } : null
    })
  )
  const stateRef = useRef<State>(state)
  stateRef.current = state
  const size = useTerminalSize(columns, rows)
  const running = state.phase !== "done"
  const now = useClock(running, tickMs)

  const request = state.run
  useEffect(() => {
    const { seq, target, ids } = request
    return run(
      { target, ids, previous: results(stateRef.current), prior: ids === null ? null : stateRef.current.report },
      {
        event: (event) => dispatch({ type: "event", seq, event }),
        fail: (message) => dispatch({ type: "run_failed", seq, message })
      }
    )
  }, [request, run])

  const exited = useRef(false)
  const finish = useCallback(
    (kind: Outcome["kind"]) => {
      if (exited.current) return
      exited.current = true
      const s = stateRef.current
      onExit({ kind, report: s.report, finished: s.phase === "done", target: s.target })
      exit()
    },
    [exit, onExit]
  )

  const exportNow = () => {
    const report = stateRef.current.report
    if (report === null) {
      dispatch({ type: "notice", notice: { tone: "info", text: "No report yet: wait for the first run to finish." } })
      return
    }
    exportReport(report, exportDir ?? exportDirectory(process.env, process.cwd())).then(
      (path) => dispatch({ type: "notice", notice: { tone: "info", text: `Report written to ${path}` } }),
      (e: unknown) =>
        dispatch({
          type: "notice",
          notice: { tone: "error", text: `Could not write the report: ${e instanceof Error ? e.message : String(e)}` }
        })
    )
  }

  const onKey = (input: string, key: Key): void => {
    // The handler of the last committed render may run before React re-subscribes the new one: read the live state.
    const command = keyCommand(stateRef.current, input, key, {
      targets: targets.length,
      details: (row) => {
        const total = detailsLines(row, now, size.columns).length
        const room = detailsRoom(size.rows, total)
        return { room, max: Math.max(0, total - room) }
      }
    })
    if (command === null) return
    if (command === "interrupt") finish("interrupted")
    else if (command === "quit") finish("quit")
    else if (command === "sign_in") finish("sign_in")
    else if (command === "export") exportNow()
    else dispatch(command)
  }

  useInput((input, key) => {
    // Keys typed faster than a read (or pasted) arrive together: take them one by one.
    if (input.length > 1 && !key.ctrl && !key.meta) {
      for (const ch of input) {
        if (ch === "\u0003") onKey("c", { ...noKey, ctrl: true })
        else onKey(ch, charKey(ch))
      }
      return
    }
    onKey(input, key)
  })

  const row = selectedRow(state)
  if (state.view === "details" && row) {
    return <Details row={row} frame={{ now, width: size.columns, height: size.rows, scroll: state.scroll }} />
  }
  return <Checklist state={state} frame={{ now, width: size.columns, height: size.rows, targets }} />
}
