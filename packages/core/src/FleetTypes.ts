/**
 * Fleets: many platforms and accounts audited in one run. The fleet file (JSON or YAML) lists targets
 * with their credentials by reference only (an environment variable, a file, a command), and the fleet
 * report is a versioned envelope around each target's own audit report. The schemas here are the
 * contract the parser, the runner, the shard merger and every front end share.
 */
import { Schema } from "effect"
import { Report, Verdict, WaiverEntry } from "./Report.js"

export const fleetSchemaVersion = "1.1" as const

/** A secret by reference: the name of an environment variable, a file's path, or a command to run. */
export const SecretRef = Schema.Union(
  Schema.Struct({ env: Schema.String }),
  Schema.Struct({ file: Schema.String }),
  /** A command line (split into words, no shell) or an argv array. */
  Schema.Struct({ command: Schema.Union(Schema.String, Schema.Array(Schema.String)) })
).annotations({ identifier: "SecretRef" })
export type SecretRef = typeof SecretRef.Type

/** A value that is not secret: written as is, or read from an environment variable. */
export const PlainOrEnv = Schema.Union(Schema.String, Schema.Struct({ env: Schema.String }))
export type PlainOrEnv = typeof PlainOrEnv.Type

/** What a target (or the fleet's `defaults`) says about how to audit it. */
const settings = {
  /** Which methods to audit; by default those whose credentials are given. */
  auth: Schema.optional(Schema.Literal("basic", "oauth", "both")),
  expectAccess: Schema.optional(Schema.Literal("full", "presenter")),
  mfaSetting: Schema.optional(Schema.Literal("optional", "required")),
  /** e.g. `prod`, `staging`, a client's name. */
  tags: Schema.optional(Schema.Array(Schema.String))
}

/** One target: a platform and an account on it. */
export const FleetTarget = Schema.Struct({
  /** Unique in the fleet: letters, digits, `.`, `_`, `-`; what shards, merges and reports key on. */
  name: Schema.String,
  /** The platform name (`acme` for https://acme.arlo.co), or `baseUrl`: exactly one. */
  platform: Schema.optional(Schema.String),
  baseUrl: Schema.optional(Schema.String),
  ...settings,
  username: Schema.optional(PlainOrEnv),
  password: Schema.optional(SecretRef),
  clientId: Schema.optional(PlainOrEnv),
  clientSecret: Schema.optional(SecretRef),
  redirectUri: Schema.optional(Schema.String),
  scopes: Schema.optional(Schema.Union(Schema.String, Schema.Array(Schema.String))),
  accessToken: Schema.optional(SecretRef)
}).annotations({ identifier: "FleetTarget" })
export type FleetTarget = typeof FleetTarget.Type

/** The fleet file. */
export const FleetFile = Schema.Struct({
  /** An editor hint: the fleet file's JSON Schema. */
  $schema: Schema.optional(Schema.String),
  name: Schema.optional(Schema.String),
  /** Settings every target takes unless it says otherwise (its tags are added to the target's). */
  defaults: Schema.optional(Schema.Struct(settings)),
  targets: Schema.Array(FleetTarget)
}).annotations({ identifier: "FleetFile", title: "arlo-ready fleet file" })
export type FleetFile = typeof FleetFile.Type

/** A shard of a fleet: `index` of `count`, from 1. */
export const Shard = Schema.Struct({ index: Schema.Number, count: Schema.Number })
export type Shard = typeof Shard.Type

/** The number of targets per verdict. */
export const FleetCounts = Schema.Struct({
  ready: Schema.Number,
  ready_with_warnings: Schema.Number,
  not_ready: Schema.Number,
  incomplete: Schema.Number
})
export type FleetCounts = typeof FleetCounts.Type

/** One target's outcome: its audit report, or why it could not be audited (then `incomplete`). */
export const FleetTargetResult = Schema.Struct({
  name: Schema.String,
  /** The target's position in the fleet file (from 0): how merged shards are put back in file order. */
  index: Schema.optional(Schema.Number),
  tags: Schema.Array(Schema.String),
  /** The base URL audited (the platform's, when the target names a platform). */
  baseUrl: Schema.String,
  platform: Schema.NullOr(Schema.String),
  verdict: Verdict,
  /** Null when no audit ran (its credentials could not be resolved, say); `error` says why. */
  report: Schema.NullOr(Report),
  /** One line, secret-free. */
  error: Schema.NullOr(Schema.String)
}).annotations({ identifier: "FleetTargetResult" })
export type FleetTargetResult = typeof FleetTargetResult.Type

/**
 * Added in 1.1: what the waivers did across the fleet. `entries` is every waiver with the number of
 * results it matched in this report (how shard reports are merged); `unused` those that matched nothing
 * (in a shard's report, only the waivers naming one of the shard's targets: the rest are judged when the
 * shards are merged).
 */
export const FleetWaivers = Schema.Struct({
  applied: Schema.Number,
  expiring: Schema.Array(Schema.extend(WaiverEntry, Schema.Struct({ expiresInDays: Schema.Number }))),
  expired: Schema.Array(WaiverEntry),
  unused: Schema.Array(WaiverEntry),
  entries: Schema.Array(Schema.extend(WaiverEntry, Schema.Struct({ matched: Schema.Number })))
}).annotations({ identifier: "FleetWaivers" })
export type FleetWaivers = typeof FleetWaivers.Type

/** Added in 1.1: how the fleet compares with a baseline fleet report (each target's own `drift` has the checks). */
export const FleetDrift = Schema.Struct({
  /** The baseline's `startedAt`. */
  baselineStartedAt: Schema.String,
  /** Checks per kind, summed over the targets. */
  counts: Schema.Struct({ new: Schema.Number, fixed: Schema.Number, changed: Schema.Number, unchanged: Schema.Number }),
  /** Targets of this report the baseline did not have (every finding of theirs is new). */
  newTargets: Schema.Array(Schema.String),
  /** Targets of the baseline that are no longer in the fleet file. */
  goneTargets: Schema.Array(Schema.String)
}).annotations({ identifier: "FleetDrift" })
export type FleetDrift = typeof FleetDrift.Type

/** The fleet report: the fleet's verdict (its worst target's), counts, and every target's result. */
export const FleetReport = Schema.Struct({
  $schema: Schema.String,
  kind: Schema.Literal("fleet"),
  schemaVersion: Schema.Literal(fleetSchemaVersion),
  tool: Schema.Struct({ name: Schema.String, version: Schema.String }),
  fleet: Schema.Struct({
    name: Schema.NullOr(Schema.String),
    /** sha256 of the fleet file's content as parsed (canonical JSON): shards of one fleet share it. */
    digest: Schema.String,
    /** The number of targets in the whole fleet (every shard). */
    targets: Schema.Number
  }),
  /** The shards this report covers: one for a shard's own report, all of them after a merge, none unsharded. */
  shards: Schema.Array(Shard),
  /** RFC 3339: the earliest start among the shards. */
  startedAt: Schema.String,
  durationMs: Schema.Number,
  verdict: Verdict,
  counts: FleetCounts,
  /** True when the run was interrupted or hit its deadline before every target finished. */
  interrupted: Schema.Boolean,
  /** In fleet-file order. */
  targets: Schema.Array(FleetTargetResult),
  /** Added in 1.1: what the waivers did, when the run had any. */
  waivers: Schema.optional(FleetWaivers),
  /** Added in 1.1: the comparison with a baseline fleet report, when one was given. */
  drift: Schema.optional(FleetDrift)
}).annotations({ identifier: "FleetReport", title: "arlo-ready fleet report" })
export type FleetReport = typeof FleetReport.Type

const verdictRank: Record<Verdict, number> = { not_ready: 0, incomplete: 1, ready_with_warnings: 2, ready: 3 }

/** The fleet's verdict: its worst target's (not ready, then incomplete, then ready with warnings); ready when empty. */
export const fleetVerdict = (targets: ReadonlyArray<Pick<FleetTargetResult, "verdict">>): Verdict =>
  targets.reduce<Verdict>((worst, t) => (verdictRank[t.verdict] < verdictRank[worst] ? t.verdict : worst), "ready")

/** Targets per verdict. */
export const fleetCounts = (targets: ReadonlyArray<Pick<FleetTargetResult, "verdict">>): FleetCounts => {
  const counts = { ready: 0, ready_with_warnings: 0, not_ready: 0, incomplete: 0 }
  for (const t of targets) counts[t.verdict]++
  return counts
}

/** Worst first, then in the order given (a stable sort): how the formats list targets. */
export const worstFirst = <T extends Pick<FleetTargetResult, "verdict">>(targets: ReadonlyArray<T>): Array<T> =>
  targets
    .map((t, i) => ({ t, i }))
    .sort((a, b) => verdictRank[a.t.verdict] - verdictRank[b.t.verdict] || a.i - b.i)
    .map(({ t }) => t)
