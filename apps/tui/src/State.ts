/**
 * The screen's state: a pure reducer fed by the core's audit events and by the user's keys. Views read
 * it through the selectors below and never hold state of their own beyond the clock.
 */
import {
  type AuditEvent,
  affectedBy,
  type CheckGroup,
  type CheckId,
  type CheckResult,
  type CheckStatus,
  checkGroups,
  checkIds,
  mergeReport,
  type Report,
  type Target,
  type Verdict,
  verdictOf
} from "@arlo-ready/core"

/** What a row shows: waiting to run, running, or a finished status. */
export type RowStatus = "pending" | "running" | CheckStatus

/** One check on the screen. */
export interface Row {
  readonly id: CheckId
  readonly status: RowStatus
  /** When the check started (ms since the epoch), while it runs. */
  readonly startedAt: number | null
  /** The latest finished result; kept while the check re-runs. */
  readonly result: CheckResult | null
}

/** A run the screen wants: every check (`ids` null) or a subset, numbered so stale events are dropped. */
export interface RunRequest {
  readonly seq: number
  readonly target: number
  readonly ids: ReadonlyArray<CheckId> | null
}

/** A one-line message under the checklist. */
export interface Notice {
  readonly tone: "info" | "error"
  readonly text: string
}

export interface State {
  /** Which of the targets (platforms) is shown. */
  readonly target: number
  readonly targetInfo: Target | null
  /** idle: nothing started yet; running: a run is in flight; done: the latest run finished. */
  readonly phase: "idle" | "running" | "done"
  /** The checks on screen, in catalogue order. */
  readonly ids: ReadonlyArray<CheckId>
  readonly rows: Readonly<Partial<Record<CheckId, Row>>>
  readonly selected: number
  readonly view: "list" | "details"
  readonly scroll: number
  /** The latest report, merged over re-runs; null until the first run finishes. */
  readonly report: Report | null
  readonly run: RunRequest
  readonly notice: Notice | null
}

export type Action =
  | { readonly type: "event"; readonly seq: number; readonly event: AuditEvent; readonly now?: number }
  | { readonly type: "run_failed"; readonly seq: number; readonly message: string }
  | { readonly type: "select"; readonly delta: number }
  | { readonly type: "open_details" }
  | { readonly type: "close_details" }
  | { readonly type: "scroll"; readonly delta: number; readonly max: number }
  | { readonly type: "rerun"; readonly scope: "selected" | "not_passing" }
  | { readonly type: "switch_target"; readonly target: number }
  | { readonly type: "notice"; readonly notice: Notice | null }

const pendingRow = (id: CheckId): Row => ({ id, status: "pending", startedAt: null, result: null })

const rowsFor = (ids: ReadonlyArray<CheckId>): Partial<Record<CheckId, Row>> =>
  Object.fromEntries(ids.map((id) => [id, pendingRow(id)]))

/** The state before the first event: every check pending, the first run requested. */
export const initialState = (target = 0, seq = 1): State => ({
  target,
  targetInfo: null,
  phase: "idle",
  ids: checkIds,
  rows: rowsFor(checkIds),
  selected: 0,
  view: "list",
  scroll: 0,
  report: null,
  run: { seq, target, ids: null },
  notice: null
})

const order = new Map<CheckId, number>(checkIds.map((id, i) => [id, i]))
const byCatalogue = (ids: Iterable<CheckId>): Array<CheckId> =>
  [...new Set(ids)].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0))

/**
 * The checks a re-run of `roots` must cover, of those on screen: the roots, every check that depends on
 * them, and every check a root blocked (by `blockedBy`), transitively (the core's {@link affectedBy}),
 * in catalogue order. The engine re-runs policy.rate-limit too; its row follows the run's events.
 */
export const rerunSet = (state: State, roots: ReadonlyArray<CheckId>): Array<CheckId> => {
  const shown = new Set(state.ids)
  const reached = affectedBy(
    roots.filter((id) => shown.has(id)),
    results(state)
  )
  return state.ids.filter((id) => reached.has(id))
}

/** The checks whose latest status is anything but pass or not_applicable. */
export const notPassing = (state: State): Array<CheckId> =>
  state.ids.filter((id) => {
    const status = state.rows[id]?.status
    return status !== "pass" && status !== "not_applicable"
  })

/** The row under the cursor. */
export const selectedRow = (state: State): Row | null => {
  const id = state.ids[state.selected]
  return id === undefined ? null : (state.rows[id] ?? null)
}

/** Results of every finished row, in catalogue order. */
export const results = (state: State): Array<CheckResult> =>
  state.ids.flatMap((id) => {
    const result = state.rows[id]?.result
    return result ? [result] : []
  })

const severity: Record<CheckStatus, number> = {
  not_applicable: 0,
  waived: 1,
  pass: 1,
  skipped: 2,
  warn: 3,
  error: 4,
  fail: 5
}

/**
 * The worst of some statuses (fail > error > warn > skipped > pass > not_applicable): a check that does
 * not apply says nothing against the ones that passed, so only a group where nothing applies rolls up
 * as not applicable. Running wins while any runs.
 */
export const worstStatus = (statuses: ReadonlyArray<RowStatus>): RowStatus | null => {
  if (statuses.length === 0) return null
  if (statuses.some((s) => s === "running" || s === "pending")) return "running"
  let worst: CheckStatus = "not_applicable"
  for (const s of statuses as ReadonlyArray<CheckStatus>) if (severity[s] > severity[worst]) worst = s
  return worst
}

/** A group of checks as the screen shows it. */
export interface GroupView {
  readonly group: CheckGroup
  readonly status: RowStatus
  readonly rows: ReadonlyArray<Row>
}

/** The groups that have checks on screen, in display order, each with its rolled-up status. */
export const groups = (state: State): Array<GroupView> =>
  checkGroups.flatMap((group) => {
    const rows = state.ids.flatMap((id) => {
      const row = state.rows[id]
      return row?.id.startsWith(`${group}.`) ? [row] : []
    })
    const status = worstStatus(rows.map((r) => r.status))
    return status === null ? [] : [{ group, status, rows }]
  })

/** The verdict of the latest results, once no run is in flight. */
export const verdict = (state: State): Verdict | null =>
  state.phase === "done" ? verdictOf(results(state), state.report?.interrupted ?? false) : null

/** How many shown checks have finished. */
export const progress = (state: State): { readonly done: number; readonly total: number } => ({
  done: state.ids.filter((id) => {
    const s = state.rows[id]?.status
    return s !== undefined && s !== "pending" && s !== "running"
  }).length,
  total: state.ids.length
})

/** A run's report with the results on screen it did not re-run (the core's {@link mergeReport}). */
const withEarlier = (state: State, report: Report): Report => ({
  ...mergeReport(report, results(state)),
  target: state.report?.target ?? report.target
})

const onEvent = (state: State, event: AuditEvent, now: number): State => {
  switch (event._tag) {
    case "audit_started": {
      if (state.report === null) {
        const ids = byCatalogue(event.checks)
        return {
          ...state,
          phase: "running",
          targetInfo: event.target,
          ids,
          rows: rowsFor(ids),
          selected: Math.min(state.selected, Math.max(0, ids.length - 1))
        }
      }
      return { ...state, phase: "running", targetInfo: event.target }
    }
    case "check_started": {
      const row = state.rows[event.id]
      if (!row) return state
      const at = Date.parse(event.at)
      const startedAt = Number.isNaN(at) ? now : at
      return { ...state, rows: { ...state.rows, [event.id]: { ...row, status: "running", startedAt } } }
    }
    case "check_finished": {
      const id = event.result.id
      if (!state.rows[id]) return state
      const row: Row = { id, status: event.result.status, startedAt: null, result: event.result }
      return { ...state, rows: { ...state.rows, [id]: row } }
    }
    case "audit_finished": {
      const report = withEarlier(state, event.report)
      const rows = { ...state.rows }
      for (const id of state.ids) {
        const row = rows[id]
        if (!row || (row.status !== "pending" && row.status !== "running")) continue
        const result = report.checks.find((c) => c.id === id) ?? null
        rows[id] = result
          ? { id, status: result.status, startedAt: null, result }
          : { ...row, status: row.result?.status ?? "pending", startedAt: null }
      }
      return { ...state, phase: "done", rows, report }
    }
  }
}

const clampSelection = (state: State, index: number): number => Math.max(0, Math.min(state.ids.length - 1, index))

/** The reducer: every change of the screen goes through here. */
export const reducer = (state: State, action: Action): State => {
  switch (action.type) {
    case "event":
      return action.seq === state.run.seq ? onEvent(state, action.event, action.now ?? Date.now()) : state
    case "run_failed": {
      if (action.seq !== state.run.seq) return state
      const rows = { ...state.rows }
      for (const id of state.ids) {
        const row = rows[id]
        if (row && (row.status === "pending" || row.status === "running")) {
          rows[id] = { ...row, status: row.result?.status ?? "error", startedAt: null }
        }
      }
      return { ...state, phase: "done", rows, notice: { tone: "error", text: action.message } }
    }
    case "select":
      return { ...state, selected: clampSelection(state, state.selected + action.delta), scroll: 0 }
    case "open_details":
      return selectedRow(state) ? { ...state, view: "details", scroll: 0 } : state
    case "close_details":
      return { ...state, view: "list", scroll: 0 }
    case "scroll":
      return { ...state, scroll: Math.max(0, Math.min(action.max, state.scroll + action.delta)) }
    case "rerun": {
      if (state.phase !== "done") {
        return { ...state, notice: { tone: "info", text: "A run is in progress: wait for it to finish." } }
      }
      const row = selectedRow(state)
      const roots = action.scope === "selected" ? (row ? [row.id] : []) : notPassing(state)
      if (roots.length === 0) return { ...state, notice: { tone: "info", text: "Every check passes." } }
      const ids = rerunSet(state, roots)
      const rows = { ...state.rows }
      for (const id of ids) rows[id] = { ...rows[id]!, status: "pending", startedAt: null }
      return {
        ...state,
        phase: "running",
        rows,
        notice: null,
        run: { seq: state.run.seq + 1, target: state.target, ids }
      }
    }
    case "switch_target":
      return { ...initialState(action.target, state.run.seq + 1), selected: state.selected }
    case "notice":
      return { ...state, notice: action.notice }
  }
}
