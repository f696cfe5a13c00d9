/**
 * Folding audit events into the report at the end ({@link reportFromEvents}, public). The engine emits
 * `audit_started`, then for each reported check one `check_started` and one `check_finished`, then
 * `audit_finished` carrying the report. The step-by-step fold ({@link applyEvent}) is the package's own:
 * the package entry does not export it.
 */
import type { CheckId } from "./Catalogue.js"
import type { AuditEvent, CheckResult, Report, Target } from "./Report.js"

/** What a front end knows at some point of an audit. */
export interface AuditProgress {
  readonly target: Target | null
  /** The reported checks, in catalogue order. */
  readonly checks: ReadonlyArray<CheckId>
  readonly running: ReadonlySet<CheckId>
  readonly results: ReadonlyMap<CheckId, CheckResult>
  /** Set by `audit_finished`. */
  readonly report: Report | null
}

export const initialProgress: AuditProgress = {
  target: null,
  checks: [],
  running: new Set(),
  results: new Map(),
  report: null
}

/** Applies one event. */
export const applyEvent = (state: AuditProgress, event: AuditEvent): AuditProgress => {
  switch (event._tag) {
    case "audit_started":
      return { ...state, target: event.target, checks: event.checks, report: null }
    case "check_started": {
      const running = new Set(state.running)
      running.add(event.id)
      return { ...state, running }
    }
    case "check_finished": {
      const running = new Set(state.running)
      running.delete(event.result.id)
      const results = new Map(state.results)
      results.set(event.result.id, event.result)
      return { ...state, running, results }
    }
    case "audit_finished":
      return { ...state, running: new Set(), report: event.report }
  }
}

/** The report of a complete event sequence (the one `audit_finished` carries), or null. */
export const reportFromEvents = (events: Iterable<AuditEvent>): Report | null => {
  let state = initialProgress
  for (const e of events) state = applyEvent(state, e)
  return state.report
}
