/** Builders for audit events and results, shaped exactly as the core's schemas say. */
import {
  type AuditEvent,
  type CheckId,
  type CheckResult,
  type CheckStatus,
  checkIds,
  type Report,
  type Target
} from "@arlo-ready/core"
import { checkResult, reportOf } from "@arlo-ready/core/testing"

export const target: Target = {
  baseUrl: "http://127.0.0.1:4000/acme",
  platform: "acme",
  authMethods: ["basic"],
  credentials: [{ name: "username", source: "env", hint: "ap…@acme.test" }]
}

const at = (ms = 0) => new Date(Date.UTC(2025, 0, 1, 12, 0, 0, ms)).toISOString()

export const result = (id: CheckId, status: CheckStatus, extra: Partial<CheckResult> = {}): CheckResult =>
  checkResult(id, status, { durationMs: 12, ...extra })

export const report = (checks: ReadonlyArray<CheckResult>, interrupted = false): Report =>
  reportOf(checks, {
    target,
    startedAt: at(),
    durationMs: 50,
    interrupted,
    requests: { count: checks.length, budget: 200, retries: 0, peakInFlight: 1 }
  })

export const started = (checks: ReadonlyArray<CheckId> = checkIds): AuditEvent => ({
  _tag: "audit_started",
  at: at(),
  target,
  checks
})
export const checkStarted = (id: CheckId, ms = 0): AuditEvent => ({ _tag: "check_started", at: at(ms), id })
export const checkFinished = (r: CheckResult): AuditEvent => ({ _tag: "check_finished", at: at(), result: r })
export const finished = (checks: ReadonlyArray<CheckResult>, interrupted = false): AuditEvent => ({
  _tag: "audit_finished",
  at: at(),
  report: report(checks, interrupted)
})

/** A whole run's events: started, then started+finished per result, then finished. */
export const runEvents = (checks: ReadonlyArray<CheckResult>): Array<AuditEvent> => [
  started(checks.map((c) => c.id)),
  ...checks.flatMap((c) => [checkStarted(c.id), checkFinished(c)]),
  finished(checks)
]

/** MFA on with the setting Optional: basic.mfa fails and blocks what needs a signed-in identity. */
export const mfaResults = (): Array<CheckResult> => [
  result("target.url", "pass"),
  result("target.reachable", "pass"),
  result("basic.credentials", "pass", { summary: "Arlo accepts the username and password." }),
  result("basic.mfa", "fail", {
    summary: "MFA is on for this user, so Arlo refuses API sign-in.",
    cause: {
      code: "mfa_enabled",
      message: "Arlo answered 401 MfaEnabled: users with MFA enabled cannot authenticate using the API.",
      possibilities: ["The account is locked."]
    },
    evidence: [
      {
        method: "GET",
        path: "/acme/api/2012-02-01/auth/resources/",
        status: 401,
        durationMs: 14,
        note: "ApiException MfaEnabled"
      }
    ],
    remediation: {
      steps: [
        "Sign in to Arlo as the API user.",
        "Open your own Contact record, Security tab, and turn off multi-factor authentication."
      ],
      who: "you",
      recheck: "arlo-ready --only basic.mfa"
    }
  }),
  result("roles.api-user", "skipped", { summary: "Blocked by basic.mfa.", blockedBy: ["basic.mfa"] }),
  result("roles.administrator", "skipped", { summary: "Blocked by basic.mfa.", blockedBy: ["basic.mfa"] }),
  result("roles.presenter-limits", "skipped", { summary: "Blocked by basic.mfa.", blockedBy: ["basic.mfa"] }),
  result("oauth.server", "not_applicable", { summary: "No OAuth client was given." }),
  result("oauth.client.registered", "not_applicable"),
  result("oauth.client.approved", "not_applicable"),
  result("oauth.client.secret", "not_applicable"),
  result("oauth.redirect-uri", "not_applicable"),
  result("oauth.scopes", "not_applicable"),
  result("oauth.token", "not_applicable"),
  result("policy.basic-auth", "warn", { summary: "Arlo wants OAuth 2 for production integrations." }),
  result("policy.rate-limit", "error", { summary: "The platform answered 503 twice." })
]
