/**
 * Living with findings across a fleet: the waivers (a waiver's `target` names a fleet target, a
 * platform or a base URL; without one it holds for every target) and the drift against a baseline
 * fleet report, target by target. Both apply to each target's result as it finishes, so a streamed
 * NDJSON line already carries its waived and drifted checks, and sum up into the fleet report's
 * `waivers` and `drift`. Shard reports merge: the waivers' match counts add up, so a waiver that
 * matched nothing in one shard but something in another is not called unused.
 */
import { diffBaseline } from "./Baseline.js"
import type { FleetDrift, FleetTargetResult, FleetWaivers } from "./FleetTypes.js"
import type { Fleet } from "./internal/fleet/model.js"
import type { Report, WaiverEntry } from "./Report.js"
import { schemaVersion } from "./Report.js"
import { nearest } from "./suggest.js"
import { applyWaivers, waiveResult } from "./Waivers.js"

const trimSlash = (url: string): string => url.replace(/\/+$/, "")

/** What a waiver's `target` can name in a fleet target: its name, its platform, its base URL. */
const namesOf = (t: {
  readonly name: string
  readonly platform?: string | null | undefined
  readonly baseUrl?: string | undefined
}) => {
  const names = [t.name]
  if (t.platform) names.push(t.platform, `https://${t.platform}.arlo.co`)
  if (t.baseUrl) names.push(trimSlash(t.baseUrl))
  return names
}

const holdsFor = (w: WaiverEntry, names: ReadonlyArray<string>): boolean =>
  w.target === undefined || names.includes(trimSlash(w.target))

/**
 * The waivers checked against the fleet file: a `target` that names no target, platform or base URL
 * of the fleet is a typo that would leave a finding unwaived, so it is a one-line error naming the key.
 */
export const checkFleetWaivers = (waivers: ReadonlyArray<WaiverEntry>, fleet: Fleet): string | undefined => {
  const known = fleet.targets.flatMap(namesOf)
  for (const [i, w] of waivers.entries()) {
    if (w.target === undefined || known.includes(trimSlash(w.target))) continue
    const near = nearest(
      w.target,
      fleet.targets.map((t) => t.name)
    )
    return `waivers[${i}].target: ${w.target} is no target, platform or base URL of the fleet${near ? ` (did you mean ${near}?)` : ""}`
  }
  return undefined
}

/** An earlier fleet report, as far as drift needs it: each target's base URL and report. */
export interface FleetBaseline {
  readonly startedAt: string
  readonly targets: ReadonlyMap<string, { readonly baseUrl: string; readonly report: unknown }>
}

const major = (v: string): string => v.split(".")[0] ?? v

/**
 * Reads a parsed baseline for a fleet run: it must be a fleet report (`merge`'s output or an
 * unsharded `--fleet` run's JSON) whose target reports share this version's schema major. One line
 * otherwise.
 */
export const parseFleetBaseline = (previous: unknown): { baseline: FleetBaseline } | { error: string } => {
  const p = previous as {
    kind?: unknown
    schemaVersion?: unknown
    startedAt?: unknown
    targets?: unknown
    checks?: unknown
  } | null
  if (typeof p !== "object" || p === null) return { error: "the baseline is not an arlo-ready fleet report" }
  if (p.kind !== "fleet" || !Array.isArray(p.targets)) {
    return {
      error: Array.isArray(p.checks)
        ? "the baseline is a single audit's report: give the JSON report of an earlier --fleet run (or of merge)"
        : "the baseline is not an arlo-ready fleet report: give the JSON report of an earlier --fleet run"
    }
  }
  const targets = new Map<string, { baseUrl: string; report: unknown }>()
  for (const t of p.targets as ReadonlyArray<{ name?: unknown; baseUrl?: unknown; report?: unknown }>) {
    if (typeof t?.name !== "string" || typeof t.baseUrl !== "string") continue
    const v = (t.report as { schemaVersion?: unknown } | null)?.schemaVersion
    if (typeof v === "string" && major(v) !== major(schemaVersion)) {
      return {
        error: `the baseline's reports have schema version ${v}, this run ${schemaVersion}: write a new baseline with --write-baseline`
      }
    }
    targets.set(t.name, { baseUrl: t.baseUrl, report: t.report ?? null })
  }
  return { baseline: { startedAt: typeof p.startedAt === "string" ? p.startedAt : "", targets } }
}

export interface FleetLivingOptions {
  /** The run's clock: today's date decides expiry. */
  readonly now: Date
  /** Warn this many days before a waiver expires (default 14). */
  readonly warnDays?: number
  /** The names of every target of the fleet file (for the baseline's gone targets). */
  readonly fleetTargets: ReadonlyArray<string>
  /** The names of the targets this run audits (a shard's): a waiver naming one of them is judged here. */
  readonly runTargets: ReadonlyArray<string>
  /** True for a shard's run: a waiver naming no target of the shard is judged when the shards merge. */
  readonly sharded: boolean
}

/** What a fleet run lives with, applied to each result as it finishes and summed up at the end. */
export interface FleetLiving {
  readonly target: (result: FleetTargetResult) => FleetTargetResult
  readonly outcome: () => { readonly waivers?: FleetWaivers; readonly drift?: FleetDrift }
}

/** The baseline a target is compared with: its own report in the baseline, else none (every finding new). */
const priorOf = (baseline: FleetBaseline, result: FleetTargetResult, report: Report): unknown => {
  const prior = baseline.targets.get(result.name)
  if (prior && prior.report !== null && trimSlash(prior.baseUrl) === trimSlash(result.baseUrl)) return prior.report
  return { schemaVersion, target: { baseUrl: report.target.baseUrl }, startedAt: baseline.startedAt, checks: [] }
}

/** The waivers and the baseline of a fleet run. */
export const fleetLiving = (
  waivers: ReadonlyArray<WaiverEntry>,
  baseline: FleetBaseline | undefined,
  options: FleetLivingOptions
): FleetLiving => {
  const opts = { now: options.now, ...(options.warnDays !== undefined ? { warnDays: options.warnDays } : {}) }
  const warnDays = options.warnDays ?? 14
  const matched = waivers.map(() => 0)
  const expiring = new Map<WaiverEntry, number>()
  const expired = new Set<WaiverEntry>()
  let applied = 0
  const counts = { new: 0, fixed: 0, changed: 0, unchanged: 0 }
  const newTargets: Array<string> = []
  const waive = (result: FleetTargetResult, report: Report): Report => {
    const names = namesOf(result)
    const relevant = waivers.filter((w) => holdsFor(w, names))
    if (relevant.length === 0) return report
    for (const c of report.checks) {
      const {
        result: r,
        waiver,
        expiresInDays = 0
      } = waiveResult(c, relevant, report.target, {
        ...opts,
        targetName: result.name
      })
      if (!waiver) continue
      matched[waivers.indexOf(waiver)]! += 1
      if (r.status === "waived") {
        applied++
        if (expiresInDays <= warnDays) expiring.set(waiver, expiresInDays)
      } else expired.add(waiver)
    }
    const waived = applyWaivers(report, relevant, { ...opts, targetName: result.name })
    // A target's own report calls unused only the waivers that name it: the rest are the fleet's to judge.
    const own = waived.waivers
    return own ? { ...waived, waivers: { ...own, unused: own.unused.filter((w) => w.target === result.name) } } : waived
  }
  const drift = (result: FleetTargetResult, report: Report): Report => {
    if (!baseline) return report
    const prior = baseline.targets.get(result.name)
    if (!prior || trimSlash(prior.baseUrl) !== trimSlash(result.baseUrl)) newTargets.push(result.name)
    const diff = diffBaseline(report, priorOf(baseline, result, report))
    if (!("drift" in diff)) return report
    for (const k of ["new", "fixed", "changed", "unchanged"] as const) counts[k] += diff.drift.counts[k]
    return { ...report, drift: diff.drift }
  }
  return {
    target: (result) => {
      if (result.report === null) return result
      const report = drift(result, waive(result, result.report))
      return { ...result, verdict: report.verdict, report }
    },
    outcome: () => {
      const judged = (w: WaiverEntry) =>
        !options.sharded || (w.target !== undefined && options.runTargets.includes(w.target))
      const out: { waivers?: FleetWaivers; drift?: FleetDrift } = {}
      if (waivers.length > 0) {
        out.waivers = {
          applied,
          expiring: [...expiring].map(([w, expiresInDays]) => ({ ...w, expiresInDays })),
          expired: [...expired],
          unused: waivers.filter((w, i) => matched[i] === 0 && judged(w)),
          entries: waivers.map((w, i) => ({ ...w, matched: matched[i] ?? 0 }))
        }
      }
      if (baseline) {
        const inFleet = new Set(options.fleetTargets)
        out.drift = {
          baselineStartedAt: baseline.startedAt,
          counts: { ...counts },
          newTargets: [...newTargets].sort(),
          goneTargets: [...baseline.targets.keys()].filter((n) => !inFleet.has(n)).sort()
        }
      }
      return out
    }
  }
}

const keyOf = (w: WaiverEntry): string => JSON.stringify([w.check, w.target ?? null, w.reason, w.owner, w.expires])

/**
 * The waivers and drift of merged shard reports: match counts add up (a waiver is unused only when no
 * shard used it), the drift's counts and new targets add up. Shards run with other waivers or only some
 * with a baseline are refused in one line.
 */
export const mergeFleetLiving = (
  reports: ReadonlyArray<{ readonly waivers?: FleetWaivers | undefined; readonly drift?: FleetDrift | undefined }>
): { waivers?: FleetWaivers; drift?: FleetDrift } | { error: string } => {
  const out: { waivers?: FleetWaivers; drift?: FleetDrift } = {}
  const withWaivers = reports.filter((r) => r.waivers !== undefined)
  if (withWaivers.length > 0) {
    const first = withWaivers[0]!.waivers!
    const same = (w: FleetWaivers) =>
      w.entries.length === first.entries.length && w.entries.every((e, i) => keyOf(e) === keyOf(first.entries[i]!))
    if (withWaivers.length !== reports.length || !withWaivers.every((r) => same(r.waivers!)))
      return { error: "the shards ran with different waivers: run every shard with the same --waivers file." }
    const entries = first.entries.map((e, i) => ({
      ...e,
      matched: withWaivers.reduce((n, r) => n + (r.waivers!.entries[i]?.matched ?? 0), 0)
    }))
    const union = <T extends WaiverEntry>(pick: (w: FleetWaivers) => ReadonlyArray<T>): Array<T> => {
      const seen = new Map<string, T>()
      for (const r of withWaivers) for (const w of pick(r.waivers!)) if (!seen.has(keyOf(w))) seen.set(keyOf(w), w)
      return [...seen.values()]
    }
    out.waivers = {
      applied: withWaivers.reduce((n, r) => n + r.waivers!.applied, 0),
      expiring: union((w) => w.expiring),
      expired: union((w) => w.expired),
      unused: entries.filter((e) => e.matched === 0).map(({ matched: _m, ...w }) => w),
      entries
    }
  }
  const withDrift = reports.filter((r) => r.drift !== undefined)
  if (withDrift.length > 0) {
    if (withDrift.length !== reports.length)
      return { error: "only some shards ran with a baseline: run every shard with the same --baseline file." }
    const first = withDrift[0]!.drift!
    const counts = { new: 0, fixed: 0, changed: 0, unchanged: 0 }
    for (const r of withDrift)
      for (const k of ["new", "fixed", "changed", "unchanged"] as const) counts[k] += r.drift!.counts[k]
    out.drift = {
      baselineStartedAt: first.baselineStartedAt,
      counts,
      newTargets: withDrift.flatMap((r) => r.drift!.newTargets).sort(),
      goneTargets: first.goneTargets
    }
  }
  return out
}
