/**
 * The plan of a run: which checks are reported, which run, which earlier results a re-run keeps, and
 * why a check that was not selected is reported. One walk of the catalogue ({@link reach}) serves the
 * selection, the prerequisites that run with it and the `prerequisiteOf` marks.
 */
import { type CheckDefinition, type CheckId, catalogue, defersTo, definition } from "../../Catalogue.js"
import type { AuditConfig } from "../../Config.js"
import type { CheckResult, Report } from "../../Report.js"

/** Re-run some checks of a previous audit in place. */
export interface Rerun {
  /** The checks to run again; their dependents (and checks they blocked) run again too. */
  readonly ids: ReadonlyArray<CheckId>
  /** The previous results; those not re-run are kept as they are and gate the re-run checks. */
  readonly previous: ReadonlyArray<CheckResult>
  /**
   * The previous report's totals, when known: the re-run's report then counts the time and the requests of
   * both runs (so that its figures describe every result it holds).
   */
  readonly prior?: Pick<Report, "durationMs" | "requests" | "startedAt"> | undefined
}

/** What a check needs before it runs: `needs` and `needsAny`. */
export const prerequisitesOf = (d: CheckDefinition): Array<CheckId> => [...d.needs, ...d.needsAny]

/** What runs with a check: its prerequisites, and the checks its result may name as blockers ({@link defersTo}). */
const runsWith = (id: CheckId): Array<CheckId> => [...prerequisitesOf(definition(id)), ...(defersTo[id] ?? [])]

/** Where the walk may go: into a check `enters` accepts, and on from one `passes` accepts. */
export interface WalkRule {
  readonly enters: (id: CheckId) => boolean
  readonly passes: (id: CheckId) => boolean
}

/**
 * The one walk of the catalogue: from each root, the checks that run with it, transitively. A check
 * `enters` refuses is not reached; one `passes` refuses is reached but not walked on from (an assumed
 * check's prerequisites need not run); a root is always walked from. Returns every check reached, with
 * the roots that reach it in the roots' order.
 */
export const reach = (roots: Iterable<CheckId>, rule: WalkRule): Map<CheckId, Array<CheckId>> => {
  const out = new Map<CheckId, Array<CheckId>>()
  for (const root of roots) {
    const seen = new Set<CheckId>()
    const visit = (id: CheckId) => {
      for (const p of runsWith(id)) {
        if (seen.has(p) || !rule.enters(p)) continue
        seen.add(p)
        out.set(p, [...(out.get(p) ?? []), root])
        if (rule.passes(p)) visit(p)
      }
    }
    visit(root)
  }
  return out
}

/** What a selection reports, and why the checks it did not select are reported. */
export interface Selection {
  /** In catalogue order. */
  readonly reported: Array<CheckId>
  /** With `only`: each reported check that was not selected, with the selected checks that need it. */
  readonly prerequisiteOf: Map<CheckId, Array<CheckId>>
}

/**
 * The selection rule. Without `only`: every check but the skipped ones, the assumed ones reported as
 * assumed. With `only`: the selected checks and what they need, through assumed checks (reported) but
 * not past them, nor into skipped ones (a skipped check leaves its dependents unrun).
 */
export const selection = (config: Pick<AuditConfig, "only" | "skip" | "assume">): Selection => {
  const assume = config.assume ?? []
  const skipped = (id: CheckId) => config.skip.includes(id)
  const ids = catalogue.map((d) => d.id)
  const only = config.only
  const selected = ids.filter((id) => (only ? only.includes(id) : true) && !skipped(id))
  const reported = new Set<CheckId>(selected.filter((id) => !assume.includes(id)))
  const needed = only
    ? reach(
        only.filter((id) => !skipped(id)),
        { enters: (id) => !skipped(id), passes: (id) => !assume.includes(id) }
      )
    : new Map<CheckId, Array<CheckId>>()
  for (const id of only ? needed.keys() : assume) reported.add(id)
  const prerequisiteOf = new Map<CheckId, Array<CheckId>>()
  for (const [id, by] of needed) {
    const selectedBy = by.filter((s) => reported.has(s))
    if (!only?.includes(id) && selectedBy.length > 0) prerequisiteOf.set(id, selectedBy)
  }
  return { reported: ids.filter((id) => reported.has(id)), prerequisiteOf }
}

/**
 * Every check id the config will report, in catalogue order: the selection (all checks without
 * `only`) and, with `only`, the prerequisites that run for it; never a skipped check. An assumed check
 * is reported (as assumed) where a reported check needs it, or when nothing was selected.
 */
export const reportedChecks = (config: Pick<AuditConfig, "only" | "skip" | "assume">): Array<CheckId> =>
  selection(config).reported

/** Checks that (transitively) depend on any of `ids`, through `needs`/`needsAny`; the ids included. */
export const dependentsOf = (ids: ReadonlyArray<CheckId>): Set<CheckId> => {
  const out = new Set<CheckId>(ids)
  let grew = true
  while (grew) {
    grew = false
    for (const d of catalogue) {
      if (out.has(d.id)) continue
      if (prerequisitesOf(d).some((p) => out.has(p))) {
        out.add(d.id)
        grew = true
      }
    }
  }
  return out
}

/** Adds to `out` every earlier result a check of `out` blocked, with its dependents, until nothing grows. */
const withBlocked = (out: Set<CheckId>, previous: ReadonlyArray<CheckResult>): Set<CheckId> => {
  let grew = true
  while (grew) {
    grew = false
    for (const r of previous) {
      if (out.has(r.id)) continue
      if (r.blockedBy.some((b) => out.has(b))) {
        for (const d of dependentsOf([r.id])) out.add(d)
        grew = true
      }
    }
  }
  return out
}

/**
 * What a re-run of `ids` touches: the ids, the checks that depend on them, and the checks of
 * `previous` they blocked (with their dependents), transitively.
 */
export const affectedBy = (ids: ReadonlyArray<CheckId>, previous: ReadonlyArray<CheckResult>): Set<CheckId> =>
  withBlocked(dependentsOf(ids), previous)

/**
 * The checks a re-run runs again: {@link affectedBy} its ids, and policy.rate-limit when it was
 * reported, since it describes the audit's own requests.
 */
export const rerunSet = (rerun: Rerun): Set<CheckId> => {
  const out = dependentsOf(rerun.ids)
  if (rerun.previous.some((r) => r.id === "policy.rate-limit")) out.add("policy.rate-limit")
  return withBlocked(out, rerun.previous)
}

/** What one run does. */
export interface Plan {
  /** The checks reported, in catalogue order. */
  readonly reported: ReadonlyArray<CheckId>
  readonly reportedSet: ReadonlySet<CheckId>
  /** The checks that run: the reported ones and the prerequisites they need, in catalogue order. */
  readonly runs: ReadonlyArray<CheckId>
  /** In a re-run, the earlier results kept as they are: they gate the checks that run again. */
  readonly given: ReadonlyMap<CheckId, CheckResult>
  readonly assumed: ReadonlySet<CheckId>
  /** With `only`: the checks reported only because selected ones need them, and which those are. */
  readonly prerequisiteOf: ReadonlyMap<CheckId, ReadonlyArray<CheckId>>
}

/** The plan of an audit, or of a re-run of some of its checks. */
export const planRun = (config: AuditConfig, rerun?: Rerun): Plan => {
  const ids = catalogue.map((d) => d.id)
  const skipped = (id: CheckId) => config.skip.includes(id)
  const assumed = new Set<CheckId>(config.assume)
  const given = new Map<CheckId, CheckResult>()
  let chosen: Selection
  if (rerun) {
    const again = rerunSet(rerun)
    const before = new Set(rerun.previous.map((r) => r.id))
    const reported = ids.filter((id) => again.has(id) && !skipped(id) && (before.has(id) || rerun.ids.includes(id)))
    for (const r of rerun.previous) if (!reported.includes(r.id)) given.set(r.id, r)
    chosen = { reported, prerequisiteOf: new Map() }
  } else {
    chosen = selection(config)
  }
  const reported = new Set(chosen.reported)
  const runs = new Set(chosen.reported)
  const prerequisites = reach(
    chosen.reported.filter((id) => !assumed.has(id)),
    { enters: (id) => !given.has(id) && !skipped(id), passes: (id) => !assumed.has(id) }
  )
  for (const id of prerequisites.keys()) runs.add(id)
  return {
    reported: chosen.reported,
    reportedSet: reported,
    runs: ids.filter((id) => runs.has(id)),
    given,
    assumed,
    prerequisiteOf: chosen.prerequisiteOf
  }
}
