import { type SimulatorHandle, startSimulator } from "@arlo-ready/simulator"
import type { AuditOptions, CheckId, CheckResult, Report } from "../src/index.js"

type StartOptions = Parameters<typeof startSimulator>[0]

/** The options the scenario hands an auditor of one platform, as `AuditOptions`. */
export const optionsFor = (
  sim: SimulatorHandle,
  platform?: string,
  extra: Partial<AuditOptions> = {}
): AuditOptions => {
  const name = platform ?? Object.keys(sim.platforms)[0]!
  const p = sim.platforms[name]!
  const a = p.audit
  return {
    baseUrl: p.baseUrl,
    ...(a.username !== undefined ? { username: a.username } : {}),
    ...(a.password !== undefined ? { password: a.password } : {}),
    ...(a.clientId !== undefined ? { clientId: a.clientId } : {}),
    ...(a.clientSecret !== undefined ? { clientSecret: a.clientSecret } : {}),
    ...(a.redirectUri !== undefined ? { redirectUri: a.redirectUri } : {}),
    ...(a.scopes !== undefined ? { scopes: a.scopes } : {}),
    ...(a.mfaSetting !== undefined ? { mfaSetting: a.mfaSetting } : {}),
    expectAccess: a.expectAccess === "limited" ? "presenter" : "full",
    ...extra
  }
}

/** Starts a simulator; returns a handle whose `close` is idempotent. */
export const simulator = (options: StartOptions) => startSimulator(options)

export const byId = (report: Report): Record<CheckId, CheckResult> =>
  Object.fromEntries(report.checks.map((c) => [c.id, c])) as Record<CheckId, CheckResult>

/** `id: status [cause] <blockedBy>` lines, for readable failures. */
export const digest = (report: Report): Array<string> =>
  report.checks.map(
    (c) =>
      `${c.id}: ${c.status}${c.cause ? ` ${c.cause.code}` : ""}${c.blockedBy.length > 0 ? ` <${c.blockedBy.join(",")}>` : ""}`
  )
