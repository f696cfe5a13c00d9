/**
 * The gate: whether a check runs, given its settled prerequisites, or settles at once as skipped (a
 * prerequisite did not pass) or not applicable (its prerequisites do not apply).
 */
import type { CheckDefinition, CheckId } from "../../Catalogue.js"
import { type CheckResult, isAssumed } from "../../Report.js"
import type { Outcome } from "../check.js"

/** A prerequisite's result as the gate sees it; `absent` when it was neither run nor given. */
export type Settled = CheckResult & { readonly absent?: boolean }

/** The stand-in for a prerequisite excluded from the run. */
export const absentResult = (d: CheckDefinition): Settled => ({
  id: d.id,
  group: d.group,
  title: d.title,
  status: "skipped",
  summary: "excluded from this run",
  cause: null,
  blockedBy: [],
  evidence: [],
  remediation: null,
  docs: d.docs,
  durationMs: 0,
  absent: true
})

const ok = (r: Settled) => !r.absent && (r.status === "pass" || r.status === "warn" || isAssumed(r))
const rootsOf = (r: Settled): Array<CheckId> =>
  r.status === "skipped" && !r.absent && r.blockedBy.length > 0 ? [...r.blockedBy] : [r.id]

/** The skipped outcome of a check whose prerequisites `blockers` did not pass or did not run. */
const blocked = (blockers: ReadonlyArray<Settled>, reported: ReadonlySet<CheckId>): Outcome => {
  const roots = [...new Set(blockers.flatMap(rootsOf))]
  const absent = blockers.filter((r) => r.absent).map((r) => r.id)
  const notRun = absent.length === blockers.length
  const explain = blockers
    .filter((r) => !r.absent && !reported.has(r.id))
    .map((r) => ` ${r.id} ${r.status}: ${r.summary}`)
    .join("")
  return {
    status: "skipped",
    summary:
      absent.length > 0 && notRun
        ? `Not run: it needs ${absent.join(", ")}, which ${absent.length === 1 ? "was" : "were"} excluded from this run.`
        : `Not run: ${roots.join(", ")} did not pass.${explain}`,
    cause: {
      code: notRun ? "prerequisite_not_run" : "prerequisite_failed",
      message: `needs ${blockers.map((b) => b.id).join(", ")}`
    },
    blockedBy: roots,
    remediation: {
      steps: [
        notRun
          ? `Include ${absent.join(", ")} in the run.`
          : `Fix ${roots.join(", ")} first; this check runs once ${roots.length === 1 ? "it passes" : "they pass"}.`
      ],
      who: "you"
    }
  }
}

/** Gates a check on its settled prerequisites: run it, or settle it as skipped / not applicable. */
export const gate = (
  d: CheckDefinition,
  prereq: (id: CheckId) => Settled,
  reported: ReadonlySet<CheckId>
): Outcome | "run" => {
  const needs = d.needs.map(prereq)
  const any = d.needsAny.map(prereq)
  const badNeeds = needs.filter((r) => !ok(r) && r.status !== "not_applicable")
  const naNeeds = needs.filter((r) => r.status === "not_applicable" && !r.absent)
  const anyOk = any.length === 0 || any.some(ok)
  const anyAllNa = any.length > 0 && any.every((r) => r.status === "not_applicable" && !r.absent)
  const blockers = [...badNeeds, ...(anyOk || anyAllNa ? [] : any.filter((r) => r.status !== "not_applicable"))]
  if (blockers.length > 0) return blocked(blockers, reported)
  if (naNeeds.length > 0 || anyAllNa) {
    const na = naNeeds.length > 0 ? naNeeds : any
    return {
      status: "not_applicable",
      summary: `Does not apply: ${na.map((r) => r.id).join(" and ")} ${na.length === 1 ? "does" : "do"} not apply.`,
      cause: null
    }
  }
  return "run"
}
