/**
 * Baselines: how a run compares with an earlier report, check by check. A finding is a check that ran
 * and came back warn, fail or error. `new`: a finding the baseline did not have; `fixed`: a finding of
 * the baseline that now passes or does not apply; `changed`: the status or the cause code moved any
 * other way (a check that no longer ran is changed, never fixed: a check that did not run is no
 * evidence); `unchanged`: the same status and cause.
 */
import type { CheckStatus, Drift, DriftKind, Report } from "./Report.js"
import { schemaVersion } from "./Report.js"

const findings = new Set<CheckStatus>(["warn", "fail", "error"])
const cleared = new Set<CheckStatus>(["pass", "not_applicable"])

/** The checks of a baseline as far as drift needs them: id, status, cause code. */
interface BaselineCheck {
  readonly id: string
  readonly status: CheckStatus
  readonly cause: { readonly code: string } | null
}

const major = (v: string): string => v.split(".")[0] ?? v

const trimSlash = (url: string): string => url.replace(/\/+$/, "")

/** The waived status counts as its original one when comparing: waiving a finding does not fix it. */
const effective = (c: BaselineCheck & { readonly waiver?: { readonly originalStatus: CheckStatus } }): CheckStatus =>
  c.status === "waived" && c.waiver ? c.waiver.originalStatus : c.status

const kindOf = (was: BaselineCheck | undefined, now: BaselineCheck | undefined): DriftKind => {
  const w = was ? effective(was) : undefined
  const n = now ? effective(now) : undefined
  if (n !== undefined && findings.has(n) && (w === undefined || !findings.has(w))) return "new"
  if (w !== undefined && findings.has(w) && n !== undefined && cleared.has(n)) return "fixed"
  if (w === n && (was?.cause?.code ?? null) === (now?.cause?.code ?? null)) return "unchanged"
  return "changed"
}

/**
 * Compares a run with a baseline (a parsed report JSON). The error is one line: a baseline that is not
 * a report, of another schema major version, or of another target (base URL).
 */
export const diffBaseline = (current: Report, previous: unknown): { drift: Drift } | { error: string } => {
  const p = previous as (Partial<Report> & { readonly kind?: unknown }) | null
  if (p?.kind === "fleet")
    return { error: "the baseline is a fleet report: give the JSON report of an earlier audit of this target" }
  if (typeof p !== "object" || p === null || typeof p.schemaVersion !== "string" || !Array.isArray(p.checks))
    return { error: "the baseline is not an arlo-ready report: give the JSON report of an earlier run" }
  if (major(p.schemaVersion) !== major(schemaVersion))
    return {
      error: `the baseline has schema version ${p.schemaVersion}, this run ${schemaVersion}: write a new baseline with --write-baseline`
    }
  const was = typeof p.target?.baseUrl === "string" ? p.target.baseUrl : ""
  if (trimSlash(was) !== trimSlash(current.target.baseUrl))
    return {
      error: `the baseline audited ${was || "another target"}, this run ${current.target.baseUrl}: give the baseline of this target`
    }
  const before = new Map<string, BaselineCheck>()
  for (const c of p.checks as ReadonlyArray<BaselineCheck>) before.set(c.id, c)
  const counts = { new: 0, fixed: 0, changed: 0, unchanged: 0 }
  const checks: Array<Drift["checks"][number]> = []
  // A check of the baseline this run did not select is left out: no evidence either way.
  for (const now of current.checks) {
    const prior = before.get(now.id)
    const drift = kindOf(prior, now)
    counts[drift]++
    checks.push({
      id: now.id,
      drift,
      was: prior ? prior.status : null,
      now: now.status,
      wasCause: prior?.cause?.code ?? null,
      nowCause: now.cause?.code ?? null
    })
  }
  return {
    drift: { baselineStartedAt: typeof p.startedAt === "string" ? p.startedAt : "", counts, checks }
  }
}

/**
 * The findings of a run that the baseline did not have: new ones, and changed ones that got worse
 * (now fail where they were not); a waived one is accepted, so not among them. `--fail-on new` exits 1
 * only for these.
 */
export const newFindings = (report: Pick<Report, "drift">): Array<Drift["checks"][number]> =>
  (report.drift?.checks ?? []).filter(
    (c) => c.now !== "waived" && (c.drift === "new" || (c.drift === "changed" && c.now === "fail" && c.was !== "fail"))
  )
