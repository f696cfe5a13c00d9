import type { SimulatorHandle, startSimulator } from "@arlo-ready/simulator"
import { Schema } from "effect"
import { expect } from "vitest"
import {
  type AuditEvent,
  type AuditOptions,
  auditEvents,
  type CheckId,
  type CheckResult,
  catalogue,
  Report,
  runAudit
} from "../src/index.js"

export type StartOptions = Parameters<typeof startSimulator>[0]
export type Sim = SimulatorHandle

/** The options the scenario hands an auditor of one platform, as `AuditOptions`. */
export const optionsFor = (sim: Sim, platform?: string, extra: Partial<AuditOptions> = {}): AuditOptions => {
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

/** The only platform of a single-platform scenario. */
export const platformOf = (sim: Sim): string => Object.keys(sim.platforms)[0]!

export const byId = (report: Report): Partial<Record<CheckId, CheckResult>> =>
  Object.fromEntries(report.checks.map((c) => [c.id, c]))

/** `id: status [cause] <blockedBy>` per check. */
export const digest = (report: Report): Array<string> =>
  report.checks.map(
    (c) =>
      `${c.id}: ${c.status}${c.cause ? ` ${c.cause.code}` : ""}${c.blockedBy.length > 0 ? ` <${c.blockedBy.join(",")}>` : ""}`
  )

/**
 * Asserts the outcome of a full audit: `notPass` lists every check that is neither pass nor not
 * applicable (as `id: status cause <blockedBy>`); `na` lists the not-applicable ones. All others pass.
 */
export const expectOutcome = (report: Report, expected: { notPass: Array<string>; na?: Array<CheckId> }) => {
  const d = digest(report)
  expect(d.filter((l) => !/: (pass|not_applicable)$/.test(l) && !/: not_applicable /.test(l))).toEqual(expected.notPass)
  const na = report.checks.filter((c) => c.status === "not_applicable").map((c) => c.id)
  expect([...na].sort()).toEqual([...(expected.na ?? [])].sort())
}

export const oauthIds: Array<CheckId> = catalogue.filter((d) => d.group === "oauth").map((d) => d.id)
export const noOAuth = oauthIds
export const noToken: Array<CheckId> = ["oauth.token"]

/**
 * The read-only promise, from the simulator's journal: GET/HEAD only, but for at most `posts` token
 * POSTs that got an answer. A POST is repeated only after a 5xx or a reset (the invalid-code probe is
 * safe to retry: nothing can be issued for it).
 */
export const expectReadOnly = (sim: Sim, posts = 1, retries = 2) => {
  const journal = sim.journal()
  const writes = journal.filter((j) => j.method !== "GET" && j.method !== "HEAD")
  for (const w of writes) expect(`${w.method} ${w.path}`).toBe("POST /oauth/connect/token")
  const answered = writes.filter((w) => w.status !== 0 && w.status < 500)
  expect(answered.length).toBeLessThanOrEqual(posts)
  expect(writes.length).toBeLessThanOrEqual(posts * (1 + retries))
  return answered.length
}

/** Runs an audit, checking what every audit must satisfy: a valid report, events that fold to it, read-only. */
export const audit = async (
  sim: Sim,
  options: AuditOptions,
  check: { readonly wire?: "equal" | "atMost" } = {}
): Promise<Report> => {
  sim.clearJournal()
  const events: Array<AuditEvent> = []
  for await (const e of auditEvents(options)) events.push(e)
  const last = events[events.length - 1]
  expect(last?._tag).toBe("audit_finished")
  const report = (last as Extract<AuditEvent, { _tag: "audit_finished" }>).report
  Schema.decodeUnknownSync(Report)(JSON.parse(JSON.stringify(report)))
  // Each reported check: one started, then one finished.
  const started = events.filter((e) => e._tag === "check_started").map((e) => e.id)
  const finished = events.filter((e) => e._tag === "check_finished").map((e) => e.result.id)
  expect([...started].sort()).toEqual(report.checks.map((c) => c.id).sort())
  expect([...finished].sort()).toEqual(report.checks.map((c) => c.id).sort())
  // The budget is counted on the wire: every request the audit counted reached the simulator.
  // (A request the audit gave up on mid-flight is journalled only when the simulator finishes it.)
  if (check.wire === "atMost") expect(sim.journal().length).toBeLessThanOrEqual(report.requests.count)
  else expect(sim.journal().length).toBe(report.requests.count)
  expect(report.requests.count).toBeLessThanOrEqual(report.requests.budget)
  expectReadOnly(sim, options.allowRefresh ? 2 : 1)
  return report
}

export { runAudit }

/** A valid access token (and refresh token) for a user, through the simulator's test-only consent. */
export const tokensFor = async (
  sim: Sim,
  platform: string,
  username: string,
  scopes: string
): Promise<{ accessToken: string; refreshToken?: string }> => {
  const a = sim.platforms[platform]!.audit
  const consent = await fetch(`${sim.url}/__admin/platforms/${platform}/oauth/consent`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ clientId: a.clientId, username, scopes, redirectUri: a.redirectUri })
  })
  const { code } = (await consent.json()) as { code: string }
  const res = await fetch(`${sim.platforms[platform]!.baseUrl}/oauth/connect/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${Buffer.from(`${a.clientId}:${a.clientSecret}`).toString("base64")}`
    },
    body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: a.redirectUri! }).toString()
  })
  const body = (await res.json()) as { access_token: string; refresh_token?: string }
  return { accessToken: body.access_token, ...(body.refresh_token ? { refreshToken: body.refresh_token } : {}) }
}

/** Waits (polling, with a hang guard) until the simulator's journal holds `n` entries. */
export const journalReaches = async (sim: Sim, n: number, guardMs = 10_000) => {
  const until = Date.now() + guardMs
  while (sim.journal().length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 25))
  return sim.journal().length
}
