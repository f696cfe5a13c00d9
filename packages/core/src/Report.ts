/**
 * The audit report and the audit events: one Schema for each, the verdict rule, and the JSON Schema
 * generated from them. The report is a fold over the events, so every front end agrees.
 */
import { JSONSchema, Schema } from "effect"
import { catalogue, checkGroups, checkIds } from "./Catalogue.js"
import { toolName, version } from "./internal/version.js"

export const schemaVersion = "1.5" as const
/**
 * Where the report's JSON Schema is published: the `report.schema.json` file of the @arlo-ready/core
 * package of this very version (also exported as `@arlo-ready/core/report.schema.json`).
 */
export const schemaUrl: string = `https://unpkg.com/@arlo-ready/core@${version}/report.schema.json`

export const CheckId = Schema.Literal(...checkIds).annotations({ identifier: "CheckId" })
export type CheckId = typeof CheckId.Type
export const CheckGroup = Schema.Literal(...checkGroups).annotations({ identifier: "CheckGroup" })
export type CheckGroup = typeof CheckGroup.Type

/**
 * pass, warn, fail; error = could not decide (timeout, 5xx, reset, garbage); skipped; not_applicable;
 * waived = a warn, fail or error a live waiver accepts (the original status kept in `waiver`).
 */
export const CheckStatus = Schema.Literal(
  "pass",
  "warn",
  "fail",
  "error",
  "skipped",
  "not_applicable",
  "waived"
).annotations({ identifier: "CheckStatus" })
export type CheckStatus = typeof CheckStatus.Type

export const Verdict = Schema.Literal("ready", "ready_with_warnings", "not_ready", "incomplete").annotations({
  identifier: "Verdict"
})
export type Verdict = typeof Verdict.Type

export const AuthMethod = Schema.Literal("basic", "oauth")
export type AuthMethod = typeof AuthMethod.Type

/** One HTTP exchange a result rests on. Never a header value, a body with secrets, or a query secret. */
export const Exchange = Schema.Struct({
  method: Schema.String,
  /** Path and query relative to the target's origin, secrets in the query replaced by REDACTED. */
  path: Schema.String,
  /** The response status; null when no response arrived. */
  status: Schema.NullOr(Schema.Number),
  durationMs: Schema.Number,
  /** Added in 1.5: when the attempt was sent, in ms from the start of the run that made it (the request timeline). */
  startMs: Schema.optional(Schema.Number),
  /** What went wrong on the wire (timeout, reset, DNS, TLS, body too large…), when something did. */
  error: Schema.optional(Schema.String),
  /** A short, secret-free note on what the response said (an error code, a message, a header). */
  note: Schema.optional(Schema.String),
  /** Added in 1.4: set when a person's sign-in (`--sign-in`) made the exchange, not a probe. */
  from: Schema.optional(Schema.Literal("sign-in"))
}).annotations({ identifier: "Exchange" })
export type Exchange = typeof Exchange.Type

/** Who can act on a remediation. */
export const Actor = Schema.Literal(
  "you",
  "platform-administrator",
  "developer",
  "arlo-support",
  "network-administrator"
)
export type Actor = typeof Actor.Type

export const Remediation = Schema.Struct({
  /** Ordered steps, each one sentence. */
  steps: Schema.Array(Schema.String),
  who: Actor,
  /** The command that re-checks just this, when there is one. */
  recheck: Schema.optional(Schema.String)
}).annotations({ identifier: "Remediation" })
export type Remediation = typeof Remediation.Type

export const DocLink = Schema.Struct({ title: Schema.String, url: Schema.String })
export type DocLink = typeof DocLink.Type
/** Why a result is what it is: a stable machine code and a sentence. */
export const Cause = Schema.Struct({
  code: Schema.String,
  message: Schema.String,
  /** Other causes that fit the evidence as well, when the platform did not say which (e.g. an opaque 401). */
  possibilities: Schema.optional(Schema.Array(Schema.String))
}).annotations({ identifier: "Cause" })
export type Cause = typeof Cause.Type

/** The waiver a result matched: kept beside a waived result, and beside an expired waiver's original status. */
export const WaiverNote = Schema.Struct({
  reason: Schema.String,
  owner: Schema.String,
  /** An ISO date (YYYY-MM-DD): the last day the waiver holds. */
  expires: Schema.String,
  originalStatus: Schema.Literal("warn", "fail", "error"),
  /** Days from the run's date to `expires` (negative once expired). */
  expiresInDays: Schema.Number,
  /** Present (true) when the waiver has expired: the result then counts as its original status again. */
  expired: Schema.optional(Schema.Literal(true))
}).annotations({ identifier: "WaiverNote" })
export type WaiverNote = typeof WaiverNote.Type

export const CheckResult = Schema.Struct({
  id: CheckId,
  group: CheckGroup,
  title: Schema.String,
  status: CheckStatus,
  /** One line. */
  summary: Schema.String,
  cause: Schema.NullOr(Cause),
  /** For skipped checks: the root-cause check ids that blocked this one. Empty otherwise. */
  blockedBy: Schema.Array(CheckId),
  /** How a role fact was established, where it matters: confirmed by the platform or inferred. */
  basis: Schema.optional(Schema.Literal("confirmed", "inferred")),
  /** Further facts a check found (e.g. the routes refused to a Presenter). */
  facts: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  evidence: Schema.Array(Exchange),
  remediation: Schema.NullOr(Remediation),
  docs: Schema.Array(DocLink),
  durationMs: Schema.Number,
  /**
   * Present when the check was not selected itself but ran because the selected checks named here need
   * it (`--only`): its result counts in the verdict like any other.
   */
  prerequisiteOf: Schema.optional(Schema.Array(CheckId)),
  /** The waiver this result matched, when one did (see `status: "waived"`). */
  waiver: Schema.optional(WaiverNote)
}).annotations({ identifier: "CheckResult" })
export type CheckResult = typeof CheckResult.Type

/**
 * Where a credential came from: an `ARLO_*` variable (`env`), one loaded from a dotenv file (`env-file`),
 * a file named by an `ARLO_*_FILE` variable (`file`), a program's output (`command`), a flag, stdin, a
 * prompt, or a library option.
 */
export const CredentialSource = Schema.Literal(
  "env",
  "flag",
  "stdin",
  "prompt",
  "option",
  "file",
  "command",
  "env-file"
)

export const CredentialInfo = Schema.Struct({
  /** Which credential: username, password, clientId, clientSecret, accessToken, refreshToken. */
  name: Schema.String,
  source: CredentialSource,
  /** A masked hint: a username keeps its first characters (`ap…@acme.test`), a secret shows only its length (`•••• (12 chars)`). */
  hint: Schema.String
})
export type CredentialInfo = typeof CredentialInfo.Type

export const Target = Schema.Struct({
  baseUrl: Schema.String,
  /** The platform name when the target was given as one, or derived from `{name}.arlo.co`. */
  platform: Schema.NullOr(Schema.String),
  authMethods: Schema.Array(AuthMethod),
  credentials: Schema.Array(CredentialInfo)
}).annotations({ identifier: "Target" })
export type Target = typeof Target.Type

/** One step of the network doctor: what was tried to reach the platform, and what came of it. */
export const NetworkStep = Schema.Struct({
  step: Schema.Literal("proxy", "dns", "tcp", "tls"),
  ok: Schema.Boolean,
  /** One line, secret-free: the addresses, the certificate's subject, issuer and dates, the error code. */
  detail: Schema.String,
  durationMs: Schema.Number
})
export type NetworkStep = typeof NetworkStep.Type

/** How the requests reached the platform (set by the apps, which own the network). */
export const Network = Schema.Struct({
  /** The proxy every request went through, or null for direct connections. Never its credentials. */
  proxy: Schema.NullOr(
    Schema.Struct({
      /** scheme://host:port */
      url: Schema.String,
      /** `--proxy`, or the variable it was read from (`HTTPS_PROXY`, `https_proxy`, …). */
      from: Schema.String
    })
  ),
  /** The NO_PROXY entry that sent the target past a configured proxy, when one did. */
  noProxyMatch: Schema.NullOr(Schema.String),
  /** Extra CA certificates trusted besides the system's: `--ca-file` / `ARLO_CA_FILE`, `NODE_EXTRA_CA_CERTS`. */
  extraCa: Schema.Array(Schema.Struct({ from: Schema.String, path: Schema.String })),
  /** When the platform could not be reached: the doctor's steps, so a network fault can be told from Arlo's. */
  doctor: Schema.optional(Schema.Array(NetworkStep))
}).annotations({ identifier: "Network" })
export type Network = typeof Network.Type

export const Summary = Schema.Struct({
  pass: Schema.Number,
  warn: Schema.Number,
  fail: Schema.Number,
  error: Schema.Number,
  skipped: Schema.Number,
  not_applicable: Schema.Number,
  /** Added in 1.3: absent in earlier reports. */
  waived: Schema.optional(Schema.Number)
})
export type Summary = typeof Summary.Type

/** A waiver as a config file states it: `target` only for fleets. */
export const WaiverEntry = Schema.Struct({
  check: CheckId,
  target: Schema.optional(Schema.String),
  reason: Schema.String,
  owner: Schema.String,
  expires: Schema.String
}).annotations({ identifier: "WaiverEntry" })
export type WaiverEntry = typeof WaiverEntry.Type

/** What the waivers did in a run: those about to expire, those expired, those that matched nothing. */
export const WaiversOutcome = Schema.Struct({
  applied: Schema.Number,
  expiring: Schema.Array(Schema.extend(WaiverEntry, Schema.Struct({ expiresInDays: Schema.Number }))),
  expired: Schema.Array(WaiverEntry),
  unused: Schema.Array(WaiverEntry)
}).annotations({ identifier: "WaiversOutcome" })
export type WaiversOutcome = typeof WaiversOutcome.Type

export const DriftKind = Schema.Literal("new", "fixed", "changed", "unchanged")
export type DriftKind = typeof DriftKind.Type

/** How a run compares with a baseline report, check by check. */
export const Drift = Schema.Struct({
  /** The baseline's `startedAt`. */
  baselineStartedAt: Schema.String,
  counts: Schema.Struct({ new: Schema.Number, fixed: Schema.Number, changed: Schema.Number, unchanged: Schema.Number }),
  checks: Schema.Array(
    Schema.Struct({
      id: CheckId,
      drift: DriftKind,
      /** The status in the baseline, or null when the check was not in it. */
      was: Schema.NullOr(CheckStatus),
      /** The status now, or null when the check is not in this run. */
      now: Schema.NullOr(CheckStatus),
      wasCause: Schema.NullOr(Schema.String),
      nowCause: Schema.NullOr(Schema.String)
    })
  )
}).annotations({ identifier: "Drift" })
export type Drift = typeof Drift.Type

export const Report = Schema.Struct({
  $schema: Schema.String,
  schemaVersion: Schema.Literal(schemaVersion),
  tool: Schema.Struct({ name: Schema.String, version: Schema.String }),
  target: Target,
  startedAt: Schema.String /* RFC 3339 */,
  durationMs: Schema.Number,
  verdict: Verdict,
  /** True when the audit was interrupted or hit its deadline before every check finished. */
  interrupted: Schema.Boolean,
  summary: Summary,
  /** In catalogue order; filtered-out checks are absent. */
  checks: Schema.Array(CheckResult),
  /** The selection the audit ran with, when there was one (`only`, `skip`, `assume`). */
  selection: Schema.optional(
    Schema.Struct({
      only: Schema.NullOr(Schema.Array(CheckId)),
      skip: Schema.Array(CheckId),
      assume: Schema.Array(CheckId)
    })
  ),
  requests: Schema.Struct({
    count: Schema.Number,
    budget: Schema.Number,
    retries: Schema.Number,
    peakInFlight: Schema.Number
  }),
  /** How the requests reached the platform: proxy, extra CAs, and the network doctor's findings. */
  network: Schema.optional(Network),
  /** Added in 1.3: what the waivers did, when the run had any. */
  waivers: Schema.optional(WaiversOutcome),
  /** Added in 1.3: the comparison with a baseline report, when one was given. */
  drift: Schema.optional(Drift)
}).annotations({ identifier: "Report", title: "arlo-ready audit report" })
export type Report = typeof Report.Type

/** The events an audit emits, in order: started, then per check started/finished, then finished. */
export const AuditStarted = Schema.TaggedStruct("audit_started", {
  at: Schema.String,
  target: Target,
  checks: Schema.Array(CheckId)
})
export const CheckStarted = Schema.TaggedStruct("check_started", { at: Schema.String, id: CheckId })
export const CheckFinished = Schema.TaggedStruct("check_finished", { at: Schema.String, result: CheckResult })
export const AuditFinished = Schema.TaggedStruct("audit_finished", { at: Schema.String, report: Report })
export const AuditEvent = Schema.Union(AuditStarted, CheckStarted, CheckFinished, AuditFinished).annotations({
  identifier: "AuditEvent"
})
export type AuditEvent = typeof AuditEvent.Type

/** Whether a result is a check the user said to assume (`--assume`): not run, and not held against the verdict. */
export const isAssumed = (c: Pick<CheckResult, "status" | "cause">): boolean =>
  c.status === "skipped" && c.cause?.code === "assumed"

/**
 * The verdict rule: any fail → not_ready; else an interrupt, any error, or any check that did not run
 * (skipped, unless assumed) → incomplete; else any warn → ready_with_warnings; else ready. A check that
 * did not run is never evidence of readiness. A waived result (only ever one that ran) counts like a pass.
 */
export const verdictOf = (
  checks: ReadonlyArray<Pick<CheckResult, "status" | "cause">>,
  interrupted = false
): Verdict => {
  if (checks.some((c) => c.status === "fail")) return "not_ready"
  if (interrupted || checks.some((c) => c.status === "error" || (c.status === "skipped" && !isAssumed(c))))
    return "incomplete"
  if (checks.some((c) => c.status === "warn")) return "ready_with_warnings"
  return "ready"
}

export const summaryOf = (checks: ReadonlyArray<Pick<CheckResult, "status">>): Summary => {
  const s = { pass: 0, warn: 0, fail: 0, error: 0, skipped: 0, not_applicable: 0, waived: 0 }
  for (const c of checks) s[c.status]++
  return s
}

/** Sorts results into catalogue order. */
export const inCatalogueOrder = <A extends { readonly id: string }>(results: ReadonlyArray<A>): Array<A> => {
  const order = new Map(catalogue.map((d, i) => [d.id as string, i]))
  return [...results].sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0))
}

/** The request figures of a run, as a report counts them. */
export interface RequestFigures {
  readonly requests: number
  readonly retries: number
  readonly peakInFlight: number
}

/** Builds the report from the results and the run's facts (the last step of the event fold). */
export const buildReport = (input: {
  readonly target: Target
  readonly startedAt: string
  readonly durationMs: number
  readonly results: ReadonlyArray<CheckResult>
  readonly interrupted: boolean
  readonly budget: number
  readonly stats: RequestFigures
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

/** A re-run's results over the earlier ones: the re-run's, then each earlier result it did not re-run. */
export const mergeResults = (
  fresh: ReadonlyArray<CheckResult>,
  earlier: ReadonlyArray<CheckResult>
): Array<CheckResult> => {
  const rerun = new Set(fresh.map((r) => r.id))
  const kept = new Map<CheckId, CheckResult>()
  for (const r of earlier) if (!rerun.has(r.id)) kept.set(r.id, r)
  return [...fresh, ...kept.values()]
}

/** A re-run's report with the earlier results it did not re-run ({@link mergeResults}); verdict and summary over all. */
export const mergeReport = (report: Report, earlier: ReadonlyArray<CheckResult>): Report => {
  const checks = inCatalogueOrder(mergeResults(report.checks, earlier))
  return { ...report, verdict: verdictOf(checks, report.interrupted), summary: summaryOf(checks), checks }
}

/** The JSON Schema of the report (shipped as `report.schema.json`). */
export const reportJsonSchema = (): object => ({
  $id: schemaUrl,
  ...JSONSchema.make(Report)
})

/** The JSON Schema of one audit event (one NDJSON line). */
export const eventJsonSchema = (): object => JSONSchema.make(AuditEvent)
