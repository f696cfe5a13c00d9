/**
 * Reports built for formatter unit tests, decoded through the core's `Report` schema so they are
 * shaped exactly as the core's. End-to-end tests use real audits against the simulator instead.
 */
import {
  type CheckId,
  type CheckResult,
  type CheckStatus,
  catalogue,
  inCatalogueOrder,
  type Report
} from "@arlo-ready/core"
import { checkResult, decodedReport, type ReportPatch } from "@arlo-ready/core/testing"

export type ResultPatch = Partial<Omit<CheckResult, "id" | "group">>

/** A result for a check, with plausible defaults for its status. */
export const result = (id: CheckId, status: CheckStatus, patch: ResultPatch = {}): CheckResult => {
  const failing = status === "fail" || status === "error" || status === "warn"
  return checkResult(id, status, {
    cause: failing ? { code: `${id}.${status}`, message: `Why ${id} is ${status}.` } : null,
    evidence: failing
      ? [{ method: "GET", path: "/api/2012-02-01/auth/resources/", status: 401, durationMs: 12, note: "Unauthorized" }]
      : [],
    remediation: failing ? { steps: [`Fix ${id}.`, "Run the audit again."], who: "platform-administrator" } : null,
    durationMs: 10,
    ...patch
  })
}

/** A report of the given results (catalogue order), its summary and verdict computed by the core's rules. */
export const report = (results: ReadonlyArray<CheckResult>, patch: ReportPatch = {}): Report =>
  decodedReport(inCatalogueOrder(results), {
    target: {
      baseUrl: "https://acme.arlo.co",
      platform: "acme",
      authMethods: ["basic", "oauth"],
      credentials: [{ name: "username", source: "env", hint: "ap…@acme.test" }]
    },
    durationMs: 1234,
    requests: { count: 20, budget: 60, retries: 0, peakInFlight: 4 },
    ...patch
  })

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
