/**
 * The fleet screen's state: one single-audit `State` per target, fed by the same reducer as the
 * single-audit screen (so a target opened from the table is exactly what `arlo-ready` shows for it), a
 * run requested whenever a target's state asks for one, and a version the views re-render on.
 */
import { type AuditEvent, type FleetTarget, fleetVerdict, type Verdict, worstFirst } from "@arlo-ready/core"
import type { TargetRunSpec } from "./FleetRun.js"
import { type Action, initialState, progress, reducer, results, type State } from "./State.js"

/** Where a target stands in the run. */
export type TargetPhase = "queued" | "running" | "done"

/** One target on the screen. */
export interface TargetEntry {
  readonly index: number
  readonly name: string
  readonly tags: ReadonlyArray<string>
  state: State
  /** Why the latest run could not start or stopped (one line); its verdict is then incomplete. */
  error: string | null
  /** The verdict the table sorts by while the target re-runs: the latest finished one. */
  lastVerdict: Verdict | null
}

/** Starts a run of a target and returns what stops it. */
export type StartRun = (
  index: number,
  spec: TargetRunSpec,
  handlers: { readonly event: (event: AuditEvent) => void; readonly fail: (message: string) => void }
) => () => void

export const phaseOf = (e: TargetEntry): TargetPhase =>
  e.error !== null || e.state.phase === "done" ? "done" : e.state.phase === "running" ? "running" : "queued"

/** A finished target's verdict: its report's (merged over re-runs), incomplete without one. */
export const verdictOfEntry = (e: TargetEntry): Verdict | null => {
  if (phaseOf(e) !== "done") return null
  if (e.error !== null || e.state.report === null) return "incomplete"
  return e.state.report.verdict
}

/** The counts the table's header shows. */
export const fleetProgress = (entries: ReadonlyArray<TargetEntry>) => {
  let done = 0
  let running = 0
  for (const e of entries) {
    const p = phaseOf(e)
    if (p === "done") done++
    else if (p === "running") running++
  }
  return { done, running, queued: entries.length - done - running, total: entries.length }
}

/** The fleet's verdict so far: the worst target's, an unfinished target counted incomplete. */
export const fleetVerdictOf = (entries: ReadonlyArray<TargetEntry>): Verdict =>
  fleetVerdict(entries.map((e) => ({ verdict: verdictOfEntry(e) ?? "incomplete" })))

/** The rows' order: the fleet file's until the whole fleet has finished once, then worst first. */
export const displayOrder = (entries: ReadonlyArray<TargetEntry>, sorted: boolean): Array<TargetEntry> =>
  sorted
    ? worstFirst(entries.map((e) => ({ e, verdict: verdictOfEntry(e) ?? e.lastVerdict ?? "incomplete" }))).map(
        ({ e }) => e
      )
    : [...entries]

/** The store behind the fleet screen. */
export class FleetStore {
  readonly entries: Array<TargetEntry>
  private finishedOnce = false
  private checkedAt = -1
  private version = 0
  private readonly listeners = new Set<() => void>()
  private readonly started: Array<number>
  private readonly stops: Array<(() => void) | null>

  constructor(
    targets: ReadonlyArray<FleetTarget>,
    private readonly start: StartRun
  ) {
    this.entries = targets.map((t, index) => ({
      index,
      name: t.name,
      tags: t.tags ?? [],
      state: initialState(),
      error: null,
      lastVerdict: null
    }))
    this.started = targets.map(() => 0)
    this.stops = targets.map(() => null)
  }

  /** Starts the runs the targets' states ask for (each target's first run, at once). */
  begin(): void {
    for (const e of this.entries) this.launch(e)
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  snapshot = (): number => this.version

  /** Whether every target has finished at least once (from then on the table is worst first). */
  get sorted(): boolean {
    if (!this.finishedOnce && this.checkedAt !== this.version) {
      this.checkedAt = this.version
      this.finishedOnce = this.entries.every((e) => phaseOf(e) === "done")
    }
    return this.finishedOnce
  }

  /** Applies a screen action (a key, an event) to one target's state, and starts a run it asks for. */
  dispatch(index: number, action: Action): void {
    const e = this.entries[index]
    if (!e) return
    e.state = reducer(e.state, action)
    this.launch(e)
    this.changed()
  }

  /** Runs the target again from scratch, stopping a run in flight. */
  restart(index: number): void {
    const e = this.entries[index]
    if (!e) return
    this.stops[index]?.()
    this.stops[index] = null
    e.lastVerdict = verdictOfEntry(e) ?? e.lastVerdict
    e.error = null
    e.state = { ...initialState(0, e.state.run.seq + 1), selected: e.state.selected }
    this.launch(e)
    this.changed()
  }

  /** Stops every run (the screen is closing). */
  stopAll(): void {
    for (let i = 0; i < this.stops.length; i++) {
      this.stops[i]?.()
      this.stops[i] = null
    }
  }

  private launch(e: TargetEntry): void {
    const { seq, ids } = e.state.run
    if (this.started[e.index] === seq) return
    this.started[e.index] = seq
    e.error = null
    const spec: TargetRunSpec = {
      ids,
      previous: results(e.state),
      prior: ids === null ? null : e.state.report
    }
    this.stops[e.index] = this.start(e.index, spec, {
      event: (event) => this.dispatch(e.index, { type: "event", seq, event }),
      fail: (message) => {
        if (e.state.run.seq !== seq) return
        e.error = message
        this.dispatch(e.index, { type: "run_failed", seq, message })
      }
    })
  }

  private changed(): void {
    this.version++
    for (const l of this.listeners) l()
  }
}

/** How far a running target has got: `12/16`. */
export const checksDone = (e: TargetEntry): string => {
  const p = progress(e.state)
  return `${p.done}/${p.total}`
}
