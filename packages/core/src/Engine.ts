/**
 * The engine: runs the catalogue as a dependency graph. Each check starts as soon as its prerequisites
 * settle; independent checks run concurrently (bounded by the HTTP concurrency cap, not here); a failed,
 * errored or skipped prerequisite makes a dependent `skipped` with `blockedBy` naming the root causes; a
 * whole-audit deadline and an interrupt both still produce a report. It emits the {@link AuditEvent}s
 * and the report is a fold over them.
 */
import type { HttpClient } from "@effect/platform"
import { Cause, Clock, Deferred, Effect, Option, Ref } from "effect"
import { type ArloHttpService, type HttpStats, makeArloHttp } from "./ArloHttp.js"
import { type CheckDefinition, type CheckId, catalogue, defersTo, definition } from "./Catalogue.js"
import { type AuditConfig, authMethods, reportedChecks } from "./Config.js"
import { checkSpecs, speculate } from "./checks/index.js"
import { type CheckContext, makeShared, type Outcome, recheck } from "./internal/check.js"
import { toolName, version } from "./internal/version.js"
import {
  type AuditEvent,
  type CheckResult,
  inCatalogueOrder,
  isAssumed,
  type Report,
  schemaUrl,
  schemaVersion,
  summaryOf,
  type Target,
  verdictOf
} from "./Report.js"

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

export interface RunOptions {
  /** Completes when the audit should stop: unfinished checks become `error` (interrupted) and the report is still produced. */
  readonly interrupt?: Effect.Effect<void> | undefined
  /** The same, as an `AbortSignal`. */
  readonly signal?: AbortSignal | undefined
  readonly rerun?: Rerun | undefined
  /** Receives every event, in order. */
  readonly emit?: ((event: AuditEvent) => Effect.Effect<void>) | undefined
}

/** The report's `target` for a config. */
export const targetOf = (config: AuditConfig): Target => ({
  baseUrl: config.baseUrl,
  platform: config.platform,
  authMethods: authMethods(config),
  credentials: config.credentials.map((c) => ({ name: c.name, source: c.source, hint: c.hint }))
})

/** Builds the report from the results and the run's facts (the last step of the event fold). */
export const buildReport = (input: {
  readonly target: Target
  readonly startedAt: string
  readonly durationMs: number
  readonly results: ReadonlyArray<CheckResult>
  readonly interrupted: boolean
  readonly budget: number
  readonly stats: Pick<HttpStats, "requests" | "retries" | "peakInFlight">
  readonly selection?: Report["selection"]
}): Report => {
  const checks = inCatalogueOrder(input.results)
  return {
    $schema: schemaUrl,
    schemaVersion,
    tool: { name: toolName, version },
    target: input.target,
    startedAt: input.startedAt,
    durationMs: input.durationMs,
    verdict: verdictOf(checks, input.interrupted),
    interrupted: input.interrupted,
    summary: summaryOf(checks),
    checks,
    ...(input.selection ? { selection: input.selection } : {}),
    requests: {
      count: input.stats.requests,
      budget: input.budget,
      retries: input.stats.retries,
      peakInFlight: input.stats.peakInFlight
    }
  }
}

/** Checks that (transitively) depend on any of `ids`, through `needs`/`needsAny`. */
export const dependentsOf = (ids: ReadonlyArray<CheckId>): Set<CheckId> => {
  const out = new Set<CheckId>(ids)
  let grew = true
  while (grew) {
    grew = false
    for (const d of catalogue) {
      if (out.has(d.id)) continue
      if ([...d.needs, ...d.needsAny].some((p) => out.has(p))) {
        out.add(d.id)
        grew = true
      }
    }
  }
  return out
}

/**
 * The checks a re-run runs again: the ids, their dependents, and checks the re-run ones blocked; and
 * policy.rate-limit when it was reported, since it describes the audit's own requests.
 */
export const rerunSet = (rerun: Rerun): Set<CheckId> => {
  const out = dependentsOf(rerun.ids)
  if (rerun.previous.some((r) => r.id === "policy.rate-limit")) out.add("policy.rate-limit")
  let grew = true
  while (grew) {
    grew = false
    for (const r of rerun.previous) {
      if (out.has(r.id)) continue
      if (r.blockedBy.some((b) => out.has(b))) {
        for (const d of dependentsOf([r.id])) out.add(d)
        grew = true
      }
    }
  }
  return out
}

const prerequisitesOf = (d: CheckDefinition) => [...d.needs, ...d.needsAny]
/** What runs with a check: its prerequisites, and the checks its result may name as blockers. */
const runsWith = (d: CheckDefinition) => [...prerequisitesOf(d), ...(defersTo[d.id] ?? [])]

type Settled = CheckResult & { readonly absent?: boolean }

const ok = (r: Settled) => !r.absent && (r.status === "pass" || r.status === "warn" || isAssumed(r))
const rootsOf = (r: Settled): Array<CheckId> =>
  r.status === "skipped" && !r.absent && r.blockedBy.length > 0 ? [...r.blockedBy] : [r.id]

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
  if (blockers.length > 0) {
    const roots = [...new Set(blockers.flatMap(rootsOf))]
    const absent = blockers.filter((r) => r.absent).map((r) => r.id)
    const explain = blockers
      .filter((r) => !r.absent && !reported.has(r.id))
      .map((r) => ` ${r.id} ${r.status}: ${r.summary}`)
      .join("")
    return {
      status: "skipped",
      summary:
        absent.length > 0 && absent.length === blockers.length
          ? `Not run: it needs ${absent.join(", ")}, which ${absent.length === 1 ? "was" : "were"} excluded from this run.`
          : `Not run: ${roots.join(", ")} did not pass.${explain}`,
      cause: {
        code: absent.length === blockers.length ? "prerequisite_not_run" : "prerequisite_failed",
        message: `needs ${blockers.map((b) => b.id).join(", ")}`
      },
      blockedBy: roots,
      remediation: {
        steps: [
          absent.length === blockers.length
            ? `Include ${absent.join(", ")} in the run.`
            : `Fix ${roots.join(", ")} first; this check runs once ${roots.length === 1 ? "it passes" : "they pass"}.`
        ],
        who: "you",
        recheck: recheck(d.id)
      }
    }
  }
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

const isoAt = (ms: number) => new Date(ms).toISOString()

/**
 * Runs an audit (or a re-run) and returns its report, emitting events on the way. Never fails: every
 * problem becomes a check result.
 */
export const runEngine = (
  config: AuditConfig,
  options: RunOptions = {}
): Effect.Effect<Report, never, HttpClient.HttpClient> =>
  Effect.scoped(
    Effect.gen(function* () {
      const emit = options.emit ?? (() => Effect.void)
      const scope = yield* Effect.scope
      const startMs = yield* Clock.currentTimeMillis
      const deadlineAt = startMs + config.deadlineMs
      const http: ArloHttpService = yield* makeArloHttp(config, deadlineAt)
      const target = targetOf(config)

      // What runs, what is reported, what is given.
      const rerun = options.rerun
      const given = new Map<CheckId, CheckResult>()
      let reportedList: Array<CheckId>
      if (rerun) {
        const again = rerunSet(rerun)
        const before = new Set(rerun.previous.map((r) => r.id))
        reportedList = catalogue
          .map((d) => d.id)
          .filter((id) => again.has(id) && !config.skip.includes(id) && (before.has(id) || rerun.ids.includes(id)))
        for (const r of rerun.previous) if (!reportedList.includes(r.id)) given.set(r.id, r)
      } else {
        reportedList = reportedChecks(config)
      }
      const assumed = new Set<CheckId>(config.assume)
      const reported = new Set(reportedList)
      const toRun = new Set<CheckId>(reportedList)
      const addPrereqs = (id: CheckId) => {
        if (assumed.has(id)) return
        for (const p of runsWith(definition(id))) {
          if (toRun.has(p) || given.has(p) || config.skip.includes(p)) continue
          toRun.add(p)
          addPrereqs(p)
        }
      }
      for (const id of reportedList) addPrereqs(id)
      const runList = catalogue.map((d) => d.id).filter((id) => toRun.has(id))
      // With a selection, the checks reported only because selected ones need them, and which those are.
      const prerequisiteOf = new Map<CheckId, Array<CheckId>>()
      if (!rerun && config.only) {
        for (const sel of config.only) {
          if (!reported.has(sel)) continue
          const seen = new Set<CheckId>()
          const visit = (id: CheckId) => {
            if (assumed.has(id) && id !== sel) return
            for (const p of runsWith(definition(id))) {
              if (seen.has(p) || !reported.has(p)) continue
              seen.add(p)
              if (!config.only!.includes(p)) prerequisiteOf.set(p, [...(prerequisiteOf.get(p) ?? []), sel])
              visit(p)
            }
          }
          visit(sel)
        }
      }

      const deferreds = new Map<CheckId, Deferred.Deferred<CheckResult>>()
      for (const id of runList) deferreds.set(id, yield* Deferred.make<CheckResult>())
      const results = yield* Ref.make(new Map<CheckId, CheckResult>())
      const started = yield* Ref.make(new Map<CheckId, number>())
      const shared = yield* makeShared(scope)
      /** Waits for the probes started as the audit started. */
      let speculated: Effect.Effect<void> = Effect.void

      const absentResult = (id: CheckId): Settled => {
        const d = definition(id)
        return {
          id,
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
        }
      }
      const settledOf = (id: CheckId): Effect.Effect<Settled> => {
        const d = deferreds.get(id)
        if (d) return Deferred.await(d)
        const g = given.get(id)
        return Effect.succeed(g ?? absentResult(id))
      }

      const finalize = (id: CheckId, o: Outcome, durationMs: number): CheckResult => {
        const d = definition(id)
        const status = o.status
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
          blockedBy: status === "skipped" ? [...(o.blockedBy ?? [])] : [],
          ...(o.basis ? { basis: o.basis } : {}),
          ...(o.facts ? { facts: o.facts } : {}),
          evidence: [...(o.evidence ?? [])],
          remediation:
            o.remediation ??
            (status === "skipped" && (o.blockedBy ?? []).length > 0
              ? {
                  steps: [`Fix ${o.blockedBy!.join(", ")} first; this check runs once it passes.`],
                  who: "you",
                  recheck: recheck(id)
                }
              : null),
          docs: d.docs,
          durationMs,
          // In catalogue order already: `only` is, and it is walked in order.
          ...(prerequisiteOf.has(id) ? { prerequisiteOf: prerequisiteOf.get(id)! } : {})
        }
      }

      const settle = (id: CheckId, result: CheckResult) =>
        Effect.uninterruptible(
          Effect.gen(function* () {
            yield* Ref.update(results, (m) => new Map(m).set(id, result))
            yield* Deferred.succeed(deferreds.get(id)!, result)
            if (reported.has(id)) {
              const at = yield* Clock.currentTimeMillis
              yield* emit({ _tag: "check_finished", at: isoAt(at), result })
            }
          })
        )

      const markStarted = (id: CheckId) =>
        Effect.uninterruptible(
          Effect.gen(function* () {
            const at = yield* Clock.currentTimeMillis
            yield* Ref.update(started, (m) => new Map(m).set(id, at))
            if (reported.has(id)) yield* emit({ _tag: "check_started", at: isoAt(at), id })
            return at
          })
        )

      const ctxFor = (id: CheckId, prereqs: Map<CheckId, Settled>): CheckContext => ({
        config,
        http,
        shared,
        priorRequests: rerun?.prior?.requests.count ?? 0,
        prerequisite: (p) => {
          const r = prereqs.get(p)
          return r && !r.absent ? r : undefined
        },
        awaitResult: (other) =>
          deferreds.has(other) || given.has(other)
            ? Effect.map(settledOf(other), Option.some)
            : Effect.succeed(Option.none()),
        awaitOthers: Effect.zipRight(
          Effect.forEach(
            runList.filter((o) => o !== id),
            (o) => Deferred.await(deferreds.get(o)!),
            { discard: true }
          ),
          Effect.suspend(() => speculated)
        )
      })

      const runOne = (id: CheckId): Effect.Effect<void> =>
        Effect.gen(function* () {
          const spec = checkSpecs[id]
          const d = definition(id)
          if (assumed.has(id)) {
            yield* markStarted(id)
            return yield* settle(
              id,
              finalize(
                id,
                {
                  status: "skipped",
                  summary: "Not run: assumed to hold (--assume), so the checks that need it ran as if it had passed.",
                  cause: { code: "assumed", message: "the user asked to assume this check holds" },
                  remediation: {
                    steps: [`Run ${id} itself to confirm it (drop it from --assume).`],
                    who: "you",
                    recheck: recheck(id)
                  }
                },
                0
              )
            )
          }
          const na = spec.notApplicable?.(config)
          if (na !== undefined) {
            yield* markStarted(id)
            return yield* settle(id, finalize(id, { status: "not_applicable", summary: na, cause: null }, 0))
          }
          const prereqs = new Map<CheckId, Settled>()
          for (const p of prerequisitesOf(d)) prereqs.set(p, yield* settledOf(p))
          const g = gate(d, (p) => prereqs.get(p)!, reported)
          const at = yield* markStarted(id)
          if (g !== "run") return yield* settle(id, finalize(id, g, 0))
          const outcome = yield* spec.run(ctxFor(id, prereqs)).pipe(
            Effect.catchAllCause((cause) =>
              Cause.isInterruptedOnly(cause)
                ? Effect.failCause(cause)
                : Effect.succeed<Outcome>({
                    status: "error",
                    summary: "An internal error stopped this check.",
                    cause: { code: "internal", message: http.untrusted(internalMessage(cause)) },
                    remediation: {
                      steps: ["Re-run the check; if it persists, report it with the audit's JSON report."],
                      who: "developer",
                      recheck: recheck(id)
                    }
                  })
            )
          )
          const end = yield* Clock.currentTimeMillis
          yield* settle(id, finalize(id, outcome, end - at))
        })

      yield* emit({ _tag: "audit_started", at: isoAt(startMs), target, checks: reportedList })

      // Stop on the deadline, on request, or when every check has settled.
      const signalled = options.signal ? fromSignal(options.signal) : Effect.never
      const stop = Effect.raceAll([
        Effect.as(Effect.sleep(Math.max(0, deadlineAt - startMs)), "deadline" as const),
        Effect.as(options.interrupt ?? Effect.never, "interrupted" as const),
        Effect.as(signalled, "interrupted" as const)
      ])
      // The probes that need no other answer start now, side by side; the checks read them in order.
      if (!rerun && !options.signal?.aborted) {
        speculated = yield* speculate(
          {
            config,
            http,
            shared,
            priorRequests: 0,
            prerequisite: () => undefined,
            awaitResult: () => Effect.succeed(Option.none()),
            awaitOthers: Effect.void
          },
          new Set([...toRun].filter((id) => !assumed.has(id))),
          scope
        )
      }
      const work = Effect.forEach(runList, runOne, { concurrency: "unbounded", discard: true })
      const how = options.signal?.aborted
        ? ("interrupted" as const)
        : yield* Effect.raceFirst(
            Effect.as(
              Effect.zipRight(
                work,
                Effect.suspend(() => speculated)
              ),
              "done" as const
            ),
            stop
          )

      if (how !== "done") {
        // Settle what did not finish: running checks become errors; waiting ones follow the graph.
        const done = yield* Ref.get(results)
        const startedAt = yield* Ref.get(started)
        const now = yield* Clock.currentTimeMillis
        const memo = new Map<CheckId, Settled>(done)
        const resolve = (id: CheckId): Settled => {
          const m = memo.get(id)
          if (m) return m
          if (!deferreds.has(id)) return given.get(id) ?? absentResult(id)
          const d = definition(id)
          const stopped: Outcome =
            how === "deadline"
              ? {
                  status: "error",
                  summary: `The audit deadline (${Math.round(config.deadlineMs / 1000)} s) passed before this check finished.`,
                  cause: { code: "deadline", message: `unfinished after ${config.deadlineMs} ms` },
                  remediation: {
                    steps: ["Raise the deadline (deadlineMs / --deadline) or re-run when the platform answers faster."],
                    who: "you",
                    recheck: recheck(id)
                  }
                }
              : {
                  status: "error",
                  summary: "The audit was interrupted before this check finished.",
                  cause: { code: "interrupted", message: "the audit was interrupted" },
                  remediation: { steps: ["Re-run the audit."], who: "you", recheck: recheck(id) }
                }
          const s = startedAt.get(id)
          let outcome: Outcome = stopped
          const na = checkSpecs[id].notApplicable?.(config)
          if (na !== undefined) outcome = { status: "not_applicable", summary: na, cause: null }
          else if (s === undefined) {
            const g = gate(d, resolve, reported)
            if (g !== "run") outcome = g
          }
          const r = finalize(id, outcome, s === undefined ? 0 : now - s)
          memo.set(id, r)
          return r
        }
        for (const id of runList) {
          if (done.has(id)) continue
          const r = resolve(id)
          if (reported.has(id)) {
            if (!startedAt.has(id)) yield* emit({ _tag: "check_started", at: isoAt(now), id })
            yield* emit({ _tag: "check_finished", at: isoAt(now), result: r })
          }
          yield* Ref.update(results, (m) => new Map(m).set(id, r))
        }
      }

      const final = yield* Ref.get(results)
      const end = yield* Clock.currentTimeMillis
      const stats = yield* http.stats
      const reportedResults = [
        ...reportedList.map((id) => final.get(id)!).filter((r) => r !== undefined),
        ...(rerun ? [...given.values()].filter((r) => !reported.has(r.id)) : [])
      ]
      const prior = rerun?.prior
      const report = buildReport({
        target,
        startedAt: prior?.startedAt ?? isoAt(startMs),
        durationMs: (prior?.durationMs ?? 0) + (end - startMs),
        results: reportedResults,
        interrupted: how !== "done",
        budget: config.maxRequests,
        stats: prior
          ? {
              requests: prior.requests.count + stats.requests,
              retries: prior.requests.retries + stats.retries,
              peakInFlight: Math.max(prior.requests.peakInFlight, stats.peakInFlight)
            }
          : stats,
        ...(config.only !== null || config.skip.length > 0 || config.assume.length > 0
          ? { selection: { only: config.only, skip: [...config.skip], assume: [...config.assume] } }
          : {})
      })
      yield* emit({ _tag: "audit_finished", at: isoAt(end), report })
      return report
    })
  )

const internalMessage = (cause: Cause.Cause<unknown>): string => {
  const e = Cause.squash(cause)
  const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
  return msg.length > 200 ? `${msg.slice(0, 199)}…` : msg
}

/** Completes when the signal aborts. */
export const fromSignal = (signal: AbortSignal): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    if (signal.aborted) {
      resume(Effect.void)
      return
    }
    const onAbort = () => resume(Effect.void)
    signal.addEventListener("abort", onAbort, { once: true })
    return Effect.sync(() => signal.removeEventListener("abort", onAbort))
  })
