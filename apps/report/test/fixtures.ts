/**
 * Reports built for formatter unit tests, decoded through the core's `Report` schema so they are
 * shaped exactly as the core's. End-to-end tests use real audits against the simulator instead.
 */
import {
  type CheckId,
  type CheckResult,
  type CheckStatus,
  catalogue,
  Report,
  schemaUrl,
  schemaVersion,
  summaryOf,
  verdictOf
} from "@arlo-ready/core"
import { Schema } from "effect"

export type ResultPatch = Partial<Omit<CheckResult, "id" | "group">>

/** A result for a check, with plausible defaults for its status. */
export const result = (id: CheckId, status: CheckStatus, patch: ResultPatch = {}): CheckResult => {
  const def = catalogue.find((d) => d.id === id)!
  const failing = status === "fail" || status === "error" || status === "warn"
  return {
    id,
    group: def.group,
    title: def.title,
    status,
    summary: `${def.title}: ${status}`,
    cause: failing ? { code: `${id}.${status}`, message: `Why ${id} is ${status}.` } : null,
    blockedBy: [],
    evidence: failing
      ? [{ method: "GET", path: "/api/2012-02-01/auth/resources/", status: 401, durationMs: 12, note: "Unauthorized" }]
      : [],
    remediation: failing ? { steps: [`Fix ${id}.`, "Run the audit again."], who: "platform-administrator" } : null,
    docs: def.docs,
    durationMs: 10,
    ...patch
  }
}

/** A report of the given results (catalogue order), its summary and verdict computed by the core's rules. */
export const report = (
  results: ReadonlyArray<CheckResult>,
  patch: Partial<Omit<Report, "checks" | "summary" | "verdict">> = {}
): Report => {
  const order = new Map(catalogue.map((d, i) => [d.id, i]))
  const checks = [...results].sort((a, b) => order.get(a.id)! - order.get(b.id)!)
  const interrupted = patch.interrupted ?? false
  return Schema.decodeUnknownSync(Report)({
    $schema: schemaUrl,
    schemaVersion,
    tool: { name: "arlo-ready", version: "0.0.0" },
    target: {
      baseUrl: "https://acme.arlo.co",
      platform: "acme",
      authMethods: ["basic", "oauth"],
      credentials: [{ name: "username", source: "env", hint: "ap…@acme.test" }]
    },
    startedAt: "2025-01-01T00:00:00.000Z",
    durationMs: 1234,
    interrupted,
    requests: { count: 20, budget: 60, retries: 0, peakInFlight: 4 },
    ...patch,
    checks,
    summary: summaryOf(checks),
    verdict: verdictOf(checks, interrupted)
  })
}

/** Every check passing, except the ones given. */
export const allPass = (
  overrides: Partial<Record<CheckId, CheckStatus>> = {},
  patches: Partial<Record<CheckId, ResultPatch>> = {}
) => report(catalogue.map((d) => result(d.id, overrides[d.id] ?? "pass", patches[d.id] ?? {})))

/** Basic credentials fail; what needs them is skipped; OAuth is not applicable. */
export const notReady = (): Report =>
  report(
    catalogue.map((d) => {
      if (d.id === "basic.credentials") return result(d.id, "fail")
      if (d.id.startsWith("roles.") || d.id === "policy.basic-auth")
        return result(d.id, "skipped", { blockedBy: ["basic.credentials"], summary: "Needs basic.credentials." })
      if (d.id.startsWith("oauth.")) return result(d.id, "not_applicable", { summary: "No OAuth client given." })
      return result(d.id, "pass")
    })
  )
