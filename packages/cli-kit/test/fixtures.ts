/** Results and reports for the printer tests, decoded through the core's `Report` schema. */
import type { CheckId, CheckResult, CheckStatus, Report } from "@arlo-ready/core"
import { checkResult, decodedReport } from "@arlo-ready/core/testing"

export const result = (id: CheckId, status: CheckStatus, patch: Partial<CheckResult> = {}): CheckResult => {
  const failing = status === "fail" || status === "error" || status === "warn"
  const base = checkResult(id, status)
  return checkResult(id, status, {
    summary: `${base.title} is ${status}.`,
    cause: failing ? { code: `${status}.code`, message: `Why ${id} is ${status}.` } : null,
    remediation: failing
      ? { steps: [`Fix ${id}.`], who: "platform-administrator", recheck: `arlo-ready-report --only ${id}` }
      : null,
    docs: base.docs.slice(0, 1),
    durationMs: 5,
    ...patch
  })
}

export const report = (checks: ReadonlyArray<CheckResult>, interrupted = false): Report =>
  decodedReport(checks, {
    interrupted,
    durationMs: 1500,
    requests: { count: 3, budget: 60, retries: 0, peakInFlight: 2 }
  })
