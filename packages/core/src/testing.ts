/**
 * Builders of check results and reports for tests, shaped as the core's schemas say. Plain functions,
 * no test framework: every default can be overridden, so each suite keeps the fixtures it asserts on.
 */
import { Schema } from "effect"
import {
  type CheckId,
  type CheckResult,
  type CheckStatus,
  definition,
  Report,
  schemaUrl,
  schemaVersion,
  summaryOf,
  verdictOf
} from "./index.js"
import { toolName, version } from "./internal/version.js"

/** A result for a check: its id, group, title and docs from the catalogue, nothing wrong, then `patch`. */
export const checkResult = (id: CheckId, status: CheckStatus, patch: Partial<CheckResult> = {}): CheckResult => {
  const def = definition(id)
  return {
    id,
    group: def.group,
    title: def.title,
    status,
    summary: `${def.title}: ${status}`,
    cause: null,
    blockedBy: [],
    evidence: [],
    remediation: null,
    docs: def.docs,
    durationMs: 0,
    ...patch
  }
}

/** What a test may set of a report; the checks, their summary and the verdict follow from the results. */
export type ReportPatch = Partial<Omit<Report, "checks" | "summary" | "verdict">>

/**
 * A report of the given results, in the order given, with the core's summary and verdict rule. The
 * defaults: an `acme` target audited with Basic auth, a fixed start, a request count per check.
 */
export const reportOf = (checks: ReadonlyArray<CheckResult>, patch: ReportPatch = {}): Report => {
  const interrupted = patch.interrupted ?? false
  return {
    $schema: schemaUrl,
    schemaVersion,
    tool: { name: toolName, version },
    target: { baseUrl: "https://acme.arlo.co", platform: "acme", authMethods: ["basic"], credentials: [] },
    startedAt: "2025-01-01T00:00:00.000Z",
    durationMs: 0,
    interrupted,
    requests: { count: checks.length, budget: 60, retries: 0, peakInFlight: 1 },
    ...patch,
    verdict: verdictOf(checks, interrupted),
    summary: summaryOf(checks),
    checks
  }
}

/** {@link reportOf}, decoded through the `Report` schema: it throws when a patch breaks the shape. */
export const decodedReport = (checks: ReadonlyArray<CheckResult>, patch: ReportPatch = {}): Report =>
  Schema.decodeUnknownSync(Report)(reportOf(checks, patch))
