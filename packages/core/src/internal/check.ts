import { Deferred, Effect, type Option, Ref, type Scope } from "effect"
import type { ArloHttpService, HttpFailure } from "../ArloHttp.js"
import type { CheckId } from "../Catalogue.js"
import type { AuditConfig } from "../Config.js"
import type { Cause, CheckResult, CheckStatus, Exchange, Remediation } from "../Report.js"

/** What a check decides; the engine adds id, title, docs and timing. */
export interface Outcome {
  readonly status: CheckStatus
  readonly summary: string
  readonly cause?: Cause | null
  readonly blockedBy?: ReadonlyArray<CheckId>
  readonly basis?: "confirmed" | "inferred"
  readonly facts?: Record<string, unknown>
  readonly evidence?: ReadonlyArray<Exchange>
  readonly remediation?: Remediation | null
}

/** What a running check may use. */
export interface CheckContext {
  readonly config: AuditConfig
  readonly http: ArloHttpService
  /** Memoises an effect for the rest of the audit: the first caller starts it, every caller shares it. */
  readonly shared: <A>(key: string, make: () => Effect.Effect<A>) => Effect.Effect<A>
  /** In a re-run, the requests the earlier run made (the report counts both). */
  readonly priorRequests: number
  /** A settled prerequisite (from `needs`/`needsAny`), when it was part of this run or given. */
  readonly prerequisite: (id: CheckId) => CheckResult | undefined
  /** Waits for another check of this run to settle without depending on it; none when it is not in the run. */
  readonly awaitResult: (id: CheckId) => Effect.Effect<Option.Option<CheckResult>>
  /** Waits until every other check of this run has settled. */
  readonly awaitOthers: Effect.Effect<void>
}

/** One check's implementation. */
export interface CheckSpec {
  readonly id: CheckId
  /** A reason the check does not apply to this config (so it is `not_applicable` without waiting). */
  readonly notApplicable?: (config: AuditConfig) => string | undefined
  readonly run: (ctx: CheckContext) => Effect.Effect<Outcome>
}

/** The command that re-checks one check. */
export const recheck = (id: CheckId): string => `arlo-ready-report --only ${id}`

export const pass = (summary: string, extra: Partial<Outcome> = {}): Outcome => ({
  status: "pass",
  summary,
  cause: null,
  ...extra
})

export const notApplicable = (summary: string): Outcome => ({ status: "not_applicable", summary, cause: null })

/**
 * The cause of an answer that decides nothing. A 5xx (after the retries) is `server_error` whatever the
 * route; any other surprise keeps the route's own code.
 */
export const unexpectedCause = (status: number | null, code: string, message: string): Cause =>
  status !== null && status >= 500 ? { code: "server_error", message } : { code, message }

/** An `error` outcome from a failed request: the check could not decide. */
export const fromFailure = (id: CheckId, f: HttpFailure, what: string, evidence: ReadonlyArray<Exchange> = []) => {
  const remedy: Record<string, Remediation> = {
    budget_exhausted: {
      steps: ["Raise the request budget (maxRequests / --max-requests) or audit fewer checks with --only."],
      who: "you",
      recheck: recheck(id)
    },
    rate_limited: {
      steps: [
        "The platform's rate limit (300 requests a minute, shared with its integrations) is spent; wait a minute and re-run.",
        "If it happens often, lower the load of the platform's other integrations."
      ],
      who: "you",
      recheck: recheck(id)
    },
    read_only: { steps: ["Report this: the audit tried a request it must never send."], who: "developer" }
  }
  const generic: Remediation = {
    steps: [
      "Re-run the check; if it keeps failing, check the network path to the platform (proxy, firewall) and Arlo's status.",
      "Raise the per-request timeout (timeoutMs / --timeout) if the platform is slow."
    ],
    who: "you",
    recheck: recheck(id)
  }
  return {
    status: "error",
    summary: `Could not ${what}: ${f.message}.`,
    cause: { code: f.code, message: f.message },
    evidence: [...evidence, ...f.exchanges],
    remediation: remedy[f.code] ?? generic
  } satisfies Outcome
}

/** Makes the `shared` memo of a {@link CheckContext}: probes run once per audit, in the audit's scope. */
export const makeShared = (scope: Scope.Scope) =>
  Effect.gen(function* () {
    const table = yield* Ref.make(new Map<string, Deferred.Deferred<unknown>>())
    return <A>(key: string, make: () => Effect.Effect<A>): Effect.Effect<A> =>
      Effect.gen(function* () {
        const fresh = yield* Deferred.make<unknown>()
        const found = yield* Ref.modify(
          table,
          (
            m
          ): readonly [{ d: Deferred.Deferred<unknown>; first: boolean }, Map<string, Deferred.Deferred<unknown>>] => {
            const existing = m.get(key)
            if (existing) return [{ d: existing, first: false }, m]
            const next = new Map(m)
            next.set(key, fresh)
            return [{ d: fresh, first: true }, next]
          }
        )
        if (found.first) yield* Effect.forkIn(Deferred.complete(found.d, make()), scope)
        return (yield* Deferred.await(found.d)) as A
      })
  })
