/**
 * What a check is made of: its definition and implementation in one value ({@link defineCheck}), what
 * it decides ({@link Outcome}, built with {@link pass}, {@link warn}, {@link fail}, {@link undecided},
 * {@link skippedBy}, {@link notApplicable}) and what it may use while it runs ({@link CheckContext}).
 */
import { Deferred, Effect, type Option, Ref, type Scope } from "effect"
import type { ArloHttpService, HttpFailure } from "../ArloHttp.js"
import type { CheckDefinition, CheckGroup, CheckId } from "../Catalogue.js"
import type { AuditConfig } from "../Config.js"
import type { Cause, CheckResult, CheckStatus, Exchange, Remediation } from "../Report.js"
import type { DocLink } from "./docs.js"

/**
 * A remediation as a check gives it. Without `recheck` the engine adds the command that re-checks this
 * check in the face the audit runs in; `false` says there is none (a remedy that is not a re-run).
 */
export type OutcomeRemediation = Omit<Remediation, "recheck"> & { readonly recheck?: string | false }

/** What a check decides; the engine adds id, title, docs, timing and the re-check command. */
export interface Outcome {
  readonly status: CheckStatus
  readonly summary: string
  readonly cause?: Cause | null
  readonly blockedBy?: ReadonlyArray<CheckId>
  readonly basis?: "confirmed" | "inferred"
  readonly facts?: Record<string, unknown>
  readonly evidence?: ReadonlyArray<Exchange>
  readonly remediation?: OutcomeRemediation | null
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

/** One check's implementation, as the engine runs it. */
export interface CheckSpec {
  readonly id: CheckId
  /** A reason the check does not apply to this config (so it is `not_applicable` without waiting). */
  readonly notApplicable?: (config: AuditConfig) => string | undefined
  readonly run: (ctx: CheckContext) => Effect.Effect<Outcome>
}

/**
 * A probe a check reads that needs no other answer, so it may start as the audit starts (see
 * `speculate`). Checks that read the same probe name the same value; it starts once.
 */
export interface Prefetch {
  /** Whether it sends a secret (the password, the client secret). */
  readonly secret: boolean
  /** Whether later requests wait for its answer (their URL is in it, or they wait on it): it leaves first. */
  readonly leads?: boolean
  /** Whether its check reads it with this config and run; always when absent. */
  readonly when?: (config: AuditConfig, runs: (id: CheckId) => boolean) => boolean
  /** Starts the (memoised) probe. */
  readonly start: (ctx: CheckContext) => Effect.Effect<unknown>
}

/** What {@link defineCheck} takes: the catalogue entry and the implementation of one check. */
export interface CheckInput {
  readonly id: CheckId
  readonly title: string
  /** What the check decides, in one sentence. */
  readonly decides: string
  /** Every one of these must pass (or warn) before the check runs. */
  readonly needs: ReadonlyArray<CheckId>
  /** At least one of these must pass (or warn) before the check runs. */
  readonly needsAny?: ReadonlyArray<CheckId>
  readonly docs: ReadonlyArray<DocLink>
  readonly notApplicable?: (config: AuditConfig) => string | undefined
  /** The probes the check reads that may start before it runs. */
  readonly prefetch?: ReadonlyArray<Prefetch>
  readonly run: (ctx: CheckContext) => Effect.Effect<Outcome>
}

/** A check: its catalogue entry and its implementation. */
export interface Check extends CheckDefinition, CheckSpec {
  readonly prefetch: ReadonlyArray<Prefetch>
}

/** Defines a check; its group is the first part of its id. */
export const defineCheck = (input: CheckInput): Check => ({
  ...input,
  group: input.id.slice(0, input.id.indexOf(".")) as CheckGroup,
  needsAny: input.needsAny ?? [],
  prefetch: input.prefetch ?? []
})

/** What an outcome may add to its status, summary and cause. */
export type Details = Pick<Outcome, "basis" | "facts" | "evidence">

/** The cause and remediation of an outcome that found a problem, and what it may add. */
export interface Finding extends Details {
  readonly cause: Cause
  readonly remediation: OutcomeRemediation | null
}

/** The precondition holds. */
export const pass = (summary: string, details: Details = {}): Outcome => ({
  status: "pass",
  summary,
  cause: null,
  ...details
})

/** The precondition holds with a reservation. */
export const warn = (summary: string, finding: Finding): Outcome => ({ status: "warn", summary, ...finding })

/** The precondition does not hold. */
export const fail = (summary: string, finding: Finding): Outcome => ({ status: "fail", summary, ...finding })

/** The remediation of an answer that decided nothing, unless a check knows better. */
const rerun = (): OutcomeRemediation => ({ steps: ["Re-run the check."], who: "you" })

/** The check could not decide (`error`); by default the remedy is to re-run it. */
export const undecided = (
  summary: string,
  finding: Details & { readonly cause: Cause; readonly remediation?: OutcomeRemediation }
): Outcome => ({ status: "error", summary, remediation: rerun(), ...finding })

/** The check could not be tested while the checks named block it; the engine says to fix them first. */
export const skippedBy = (
  blockedBy: ReadonlyArray<CheckId>,
  summary: string,
  finding: Details & { readonly cause: Cause }
): Outcome => ({ status: "skipped", summary, blockedBy, remediation: null, ...finding })

/** The check does not apply. */
export const notApplicable = (summary: string, details: Details = {}): Outcome => ({
  status: "not_applicable",
  summary,
  cause: null,
  ...details
})

/**
 * The cause of an answer that decides nothing. A 5xx (after the retries) is `server_error` whatever the
 * route; any other surprise keeps the route's own code.
 */
export const unexpectedCause = (status: number | null, code: string, message: string): Cause =>
  status !== null && status >= 500 ? { code: "server_error", message } : { code, message }

const failureRemedies: Record<string, () => OutcomeRemediation> = {
  budget_exhausted: () => ({
    steps: ["Raise the request budget (maxRequests / --max-requests) or audit fewer checks with --only."],
    who: "you"
  }),
  rate_limited: () => ({
    steps: [
      "The platform's rate limit (300 requests a minute, shared with its integrations) is spent; wait a minute and re-run.",
      "If it happens often, lower the load of the platform's other integrations."
    ],
    who: "you"
  }),
  read_only: () => ({
    steps: ["Report this: the audit tried a request it must never send."],
    who: "developer",
    recheck: false
  })
}

const failureRemedy = (): OutcomeRemediation => ({
  steps: [
    "Re-run the check; if it keeps failing, check the network path to the platform (proxy, firewall) and Arlo's status.",
    "Raise the per-request timeout (timeoutMs / --timeout) if the platform is slow."
  ],
  who: "you"
})

/** An `error` outcome from a failed request: the check could not decide. */
export const fromFailure = (f: HttpFailure, what: string, evidence: ReadonlyArray<Exchange> = []): Outcome =>
  undecided(`Could not ${what}: ${f.message}.`, {
    cause: { code: f.code, message: f.message },
    evidence: [...evidence, ...f.exchanges],
    remediation: (failureRemedies[f.code] ?? failureRemedy)()
  })

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
