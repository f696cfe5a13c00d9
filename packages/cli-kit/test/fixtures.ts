/** Results and reports for the printer tests, decoded through the core's `Report` schema. */
import {
  type CheckId,
  type CheckResult,
  type CheckStatus,
  catalogue,
  Report,
  schemaUrl,
  summaryOf,
  verdictOf
} from "@arlo-ready/core"
import { Schema } from "effect"

export const result = (id: CheckId, status: CheckStatus, patch: Partial<CheckResult> = {}): CheckResult => {
  const def = catalogue.find((d) => d.id === id)!
  const failing = status === "fail" || status === "error" || status === "warn"
  return {
    id,
    group: def.group,
    title: def.title,
    status,
    summary: `${def.title} is ${status}.`,
    cause: failing ? { code: `${status}.code`, message: `Why ${id} is ${status}.` } : null,
    blockedBy: [],
    evidence: [],
    remediation: failing
      ? { steps: [`Fix ${id}.`], who: "platform-administrator", recheck: `arlo-ready-report --only ${id}` }
      : null,
    docs: def.docs.slice(0, 1),
    durationMs: 5,
    ...patch
  }
}

export const report = (checks: ReadonlyArray<CheckResult>, interrupted = false): Report =>
  Schema.decodeUnknownSync(Report)({
    $schema: schemaUrl,
    schemaVersion: "1.1",
    tool: { name: "arlo-ready", version: "0.0.0" },
    target: { baseUrl: "https://acme.arlo.co", platform: "acme", authMethods: ["basic"], credentials: [] },
    startedAt: "2025-01-01T00:00:00.000Z",
    durationMs: 1500,
    interrupted,
    summary: summaryOf(checks),
    verdict: verdictOf(checks, interrupted),
    checks,
    requests: { count: 3, budget: 60, retries: 0, peakInFlight: 2 }
  })
