/**
 * The engine's outcomes and how an outcome becomes a result: finalising (id, title, docs, timing, the
 * re-check hint), the outcomes the engine decides itself (assumed, internal error, deadline,
 * interrupt), and the settling of the checks a stopped audit left unfinished.
 */
import { Cause } from "effect"
import { type CheckId, definition } from "../../Catalogue.js"
import type { AuditConfig } from "../../Config.js"
import { checkSpecs } from "../../checks/index.js"
import type { CheckResult, Remediation } from "../../Report.js"
import type { Outcome } from "../check.js"
import { absentResult, gate, type Settled } from "./gate.js"
import type { Plan } from "./plan.js"

/** What finalising a result adds to an outcome besides the definition and the timing. */
export interface Finishing {
  /** The command that re-checks a check, in the face the audit runs in. */
  readonly recheck: (id: CheckId) => string
  /** With `only`: the checks reported only because selected ones need them, and which those are. */
  readonly prerequisiteOf: ReadonlyMap<CheckId, ReadonlyArray<CheckId>>
}

/** The re-check hint of the library, when the face names none. */
export const libraryRecheck = (id: CheckId): string => `rerunChecks(options, ["${id}"])`

/** A check's remediation with its re-check hint: the face's unless the check gave one, none when it said `false`. */
const withRecheck = (
  r: NonNullable<Outcome["remediation"]>,
  id: CheckId,
  recheck: Finishing["recheck"]
): Remediation => {
  if (r.recheck === undefined) return { ...r, recheck: recheck(id) }
  if (typeof r.recheck === "string") return r as Remediation
  const { recheck: _none, ...rest } = r
  return rest
}

/** The result of an outcome. */
export const finalize = (id: CheckId, o: Outcome, durationMs: number, finishing: Finishing): CheckResult => {
  const d = definition(id)
  const status = o.status
  const blockedBy = o.blockedBy ?? []
  const remediation =
    o.remediation ??
    (status === "skipped" && blockedBy.length > 0
      ? { steps: [`Fix ${blockedBy.join(", ")} first; this check runs once it passes.`], who: "you" as const }
      : null)
  const prerequisiteOf = finishing.prerequisiteOf.get(id)
  return {
    id,
    group: d.group,
    title: d.title,
    status,
    // Our own sentences are not scrubbed (a scrubber over them would be an oracle: a password
    // "Basic" would turn "the Basic credentials" into a confession) and hold no secret: every piece
    // of server text in them, and in the facts, came in through the audit's door (`http.untrusted`).
    summary: o.summary,
    cause: o.cause ? { ...o.cause } : null,
    blockedBy: status === "skipped" ? [...blockedBy] : [],
    ...(o.basis ? { basis: o.basis } : {}),
    ...(o.facts ? { facts: o.facts } : {}),
    evidence: [...(o.evidence ?? [])],
    remediation: remediation && withRecheck(remediation, id, finishing.recheck),
    docs: d.docs,
    durationMs,
    // In catalogue order already: `only` is, and it is walked in order.
    ...(prerequisiteOf ? { prerequisiteOf } : {})
  }
}

/** A check the user said to assume (`--assume`): not run, and taken to hold. */
export const assumedOutcome = (id: CheckId): Outcome => ({
  status: "skipped",
  summary: "Not run: assumed to hold (--assume), so the checks that need it ran as if it had passed.",
  cause: { code: "assumed", message: "the user asked to assume this check holds" },
  remediation: { steps: [`Run ${id} itself to confirm it (drop it from --assume).`], who: "you" }
})

/** A check that died of a defect; the message goes through the audit's door for server text. */
export const internalError = (cause: Cause.Cause<unknown>, untrusted: (text: string) => string): Outcome => ({
  status: "error",
  summary: "An internal error stopped this check.",
  cause: { code: "internal", message: untrusted(internalMessage(cause)) },
  remediation: {
    steps: ["Re-run the check; if it persists, report it with the audit's JSON report."],
    who: "developer"
  }
})

const internalMessage = (cause: Cause.Cause<unknown>): string => {
  const e = Cause.squash(cause)
  const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
  return msg.length > 200 ? `${msg.slice(0, 199)}…` : msg
}

/** Why an audit stopped before every check settled. */
export type Stop = "deadline" | "interrupted"

/** The outcome of a check still running when the audit stopped. */
export const stoppedOutcome = (how: Stop, config: AuditConfig): Outcome =>
  how === "deadline"
    ? {
        status: "error",
        summary: `The audit deadline (${Math.round(config.deadlineMs / 1000)} s) passed before this check finished.`,
        cause: { code: "deadline", message: `unfinished after ${config.deadlineMs} ms` },
        remediation: {
          steps: ["Raise the deadline (deadlineMs / --deadline) or re-run when the platform answers faster."],
          who: "you"
        }
      }
    : {
        status: "error",
        summary: "The audit was interrupted before this check finished.",
        cause: { code: "interrupted", message: "the audit was interrupted" },
        remediation: { steps: ["Re-run the audit."], who: "you" }
      }

/** Where a stopped audit stands. */
export interface Unfinished {
  readonly plan: Plan
  readonly config: AuditConfig
  readonly how: Stop
  /** The results settled before the stop. */
  readonly done: ReadonlyMap<CheckId, CheckResult>
  /** When each started check started. */
  readonly started: ReadonlyMap<CheckId, number>
  readonly now: number
  readonly finishing: Finishing
}

/**
 * Settles the checks of the plan that did not finish, in run order: a running check becomes an error,
 * a waiting one follows the graph (skipped behind an unfinished prerequisite, or not applicable).
 */
export const settleUnfinished = (at: Unfinished): Array<CheckResult> => {
  const { plan, config } = at
  const runs = new Set(plan.runs)
  const memo = new Map<CheckId, Settled>(at.done)
  const resolve = (id: CheckId): Settled => {
    const m = memo.get(id)
    if (m) return m
    const d = definition(id)
    if (!runs.has(id)) return plan.given.get(id) ?? absentResult(d)
    const s = at.started.get(id)
    let outcome = stoppedOutcome(at.how, config)
    const na = checkSpecs[id].notApplicable?.(config)
    if (na !== undefined) outcome = { status: "not_applicable", summary: na, cause: null }
    else if (s === undefined) {
      const g = gate(d, resolve, plan.reportedSet)
      if (g !== "run") outcome = g
    }
    const r = finalize(id, outcome, s === undefined ? 0 : at.now - s, at.finishing)
    memo.set(id, r)
    return r
  }
  return plan.runs.filter((id) => !at.done.has(id)).map(resolve)
}
