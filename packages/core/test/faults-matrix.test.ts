/**
 * The fault matrix: every probe route the audit uses × every way a network or platform misbehaves.
 * Each run must end within its deadline with a valid report, stay read-only and courteous, leak no
 * secret, and put the blame where it belongs: the affected checks `error` (or `fail` where the fault
 * is the finding) with the right cause, the verdict `incomplete` where nothing failed.
 *
 * Cases run concurrently (each against its own simulator) in `beforeAll`; each `it` asserts one case.
 */
import { type JournalEntry, type SimulatorHandle, startSimulator } from "@arlo-ready/simulator"
import { Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  type AuditEvent,
  type AuditOptions,
  auditEvents,
  type CheckId,
  type CheckResult,
  defaults,
  Report
} from "../src/index.js"

/** Short, as a hang guard, yet long enough that a loaded machine never times a healthy answer out. */
const TIMEOUT_MS = 1_500
const DEADLINE_MS = 10_000
/** Beyond the deadline: the run must stop before it. */
const RETRY_AFTER_BEYOND_S = 30
const POOL = 4

const R = "/api/2012-02-01/auth/resources/"

/** The probe routes. `signin` is the root again, from its second request on: the authenticated sign-in. */
const routes = {
  root: { match: R },
  signin: { match: R, after: 1 },
  contacts: { match: `${R}contacts/` },
  roles: { match: `${R}contacts/*/security/roles` },
  authorize: { match: "/oauth/connect/authorize" },
  token: { match: "/oauth/connect/token" },
  userinfo: { match: "/oauth/connect/userinfo" },
  discovery: { match: "/oauth/.well-known/openid-configuration" }
} as const
type Route = keyof typeof routes

const faults = {
  "latency beyond the timeout": { latencyMs: 2 * TIMEOUT_MS },
  "connection reset": { reset: true },
  "500": { status: 500 },
  "502": { status: 502 },
  "503": { status: 503 },
  "429, Retry-After inside the deadline": { status: 429, retryAfter: 1, times: 1 },
  "429, Retry-After beyond the deadline": { status: 429, retryAfter: RETRY_AFTER_BEYOND_S },
  "truncated body": { truncate: true },
  "malformed XML": { malformedXml: true },
  "HTML page": { html: true },
  "redirect loop": { redirectLoop: true },
  "oversized body": { oversizeBytes: 3 * 1024 * 1024 }
} as const
type Fault = keyof typeof faults

/** The cause code a failed request gets, whatever the route. */
const wireCode: Partial<Record<Fault, string>> = {
  "latency beyond the timeout": "timeout",
  "connection reset": "connection_reset",
  "500": "server_error",
  "502": "server_error",
  "503": "server_error",
  "429, Retry-After beyond the deadline": "rate_limited",
  "truncated body": "connection_reset",
  "redirect loop": "redirect_loop",
  "oversized body": "body_too_large"
}

/** What a case must show: the checks the fault decides, by status and acceptable cause codes. */
interface Expected {
  readonly affected: Partial<
    Record<CheckId, { readonly status: "error" | "fail"; readonly causes: ReadonlyArray<string> }>
  >
  /** A bug in the core this case currently shows (the diagnosis test is then `it.fails`). */
  readonly bug?: string
}

const garbage = (f: Fault) => f === "malformed XML" || f === "HTML page"

const expected = (route: Route, fault: Fault): Expected => {
  const wire = wireCode[fault]
  const inside = fault === "429, Retry-After inside the deadline"
  if (inside) return { affected: {} }
  const as = (ids: ReadonlyArray<CheckId>, status: "error" | "fail", causes: ReadonlyArray<string>) =>
    Object.fromEntries(ids.map((id) => [id, { status, causes }]))
  switch (route) {
    case "root":
      // Garbage where the Auth API root should ask for credentials: the target does not answer like Arlo.
      return garbage(fault)
        ? { affected: as(["target.reachable"], "fail", ["not_arlo_api"]) }
        : { affected: as(["target.reachable"], "error", [wire!]) }
    case "signin":
      return {
        affected: as(["basic.credentials", "basic.mfa"], "error", garbage(fault) ? ["unexpected_response"] : [wire!])
      }
    case "contacts":
      return {
        affected: as(
          ["roles.administrator", "roles.presenter-limits"],
          "error",
          garbage(fault) ? ["unexpected_response", "roles_unreadable"] : [wire!]
        )
      }
    case "authorize":
      return {
        affected: as(
          ["oauth.server"],
          "error",
          garbage(fault)
            ? ["authorize_unexpected"]
            : fault === "redirect loop"
              ? ["redirect_loop", "authorize_unexpected"]
              : [wire!]
        )
      }
    case "token":
      return {
        affected: as(
          ["oauth.client.approved", "oauth.client.secret"],
          "error",
          garbage(fault) || fault === "redirect loop" ? ["token_unexpected"] : [wire!]
        )
      }
    // The roles of the contact, the userinfo claims and the discovery document only confirm what
    // other answers show: without them the audit still decides, on a weaker basis (see below).
    case "roles":
    case "userinfo":
    case "discovery":
      return { affected: {} }
  }
}

// ---------------------------------------------------------------------------------------------------

interface Outcome {
  readonly report: Report
  readonly events: ReadonlyArray<AuditEvent>
  readonly wallMs: number
  readonly journal: ReadonlyArray<JournalEntry>
  readonly peakInFlight: number
  readonly secrets: ReadonlyArray<string>
  readonly options: AuditOptions
}

const basicHeader = (user: string, secret: string) => Buffer.from(`${user}:${secret}`).toString("base64")

/** A real access token for the scenario's user, through the simulator's test-only consent route. */
const accessToken = async (sim: SimulatorHandle): Promise<string> => {
  const p = sim.platforms.acme!
  const a = p.audit
  const consent = await fetch(`${sim.url}/__admin/platforms/acme/oauth/consent`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ clientId: a.clientId, username: a.username, scopes: a.scopes, redirectUri: a.redirectUri })
  })
  const { code } = (await consent.json()) as { code: string }
  const res = await fetch(`${p.baseUrl}/oauth/connect/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${basicHeader(a.clientId!, a.clientSecret!)}`
    },
    body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: a.redirectUri! }).toString()
  })
  return ((await res.json()) as { access_token: string }).access_token
}

/**
 * The most requests surely in flight at once, from the journal's intervals (`at` has millisecond
 * resolution, so each counts from `at + 1` to `at + durationMs`). The simulator's own counter is not
 * used: it never comes down after a reset or a truncated answer.
 */
const peakOf = (journal: ReadonlyArray<JournalEntry>): number => {
  const edges = journal.flatMap((j) => {
    const at = Date.parse(j.at)
    return j.durationMs <= 1
      ? []
      : [
          { t: at + 1, d: 1 },
          { t: at + j.durationMs, d: -1 }
        ]
  })
  edges.sort((a, b) => a.t - b.t || a.d - b.d)
  let now = 0
  let peak = 0
  for (const e of edges) {
    now += e.d
    peak = Math.max(peak, now)
  }
  return peak
}

const unhandled: Array<unknown> = []
const onUnhandled = (e: unknown) => {
  unhandled.push(e)
}

const runCase = async (route: Route, fault: Fault): Promise<Outcome> => {
  const sim = await startSimulator({ scenario: "ready" })
  try {
    const p = sim.platforms.acme!
    const a = p.audit
    const common: AuditOptions = {
      baseUrl: p.baseUrl,
      clientId: a.clientId!,
      clientSecret: a.clientSecret!,
      redirectUri: a.redirectUri!,
      scopes: a.scopes!,
      mfaSetting: "optional",
      timeoutMs: TIMEOUT_MS,
      deadlineMs: DEADLINE_MS
    }
    const secrets = [
      a.password!,
      a.clientSecret!,
      basicHeader(a.username!, a.password!),
      basicHeader(a.clientId!, a.clientSecret!)
    ]
    let options: AuditOptions
    if (route === "userinfo") {
      // userinfo is asked only about a supplied access token; the token's user is then the identity.
      const token = await accessToken(sim)
      secrets.push(token)
      options = { ...common, accessToken: token }
    } else {
      options = { ...common, username: a.username!, password: a.password! }
    }
    sim.updatePlatform("acme", { faults: [{ ...routes[route], ...faults[fault] }] })
    sim.clearJournal()
    const events: Array<AuditEvent> = []
    const started = performance.now()
    for await (const e of auditEvents(options)) events.push(e)
    const wallMs = performance.now() - started
    const last = events[events.length - 1]
    if (last?._tag !== "audit_finished") throw new Error(`the event stream ended with ${last?._tag}`)
    return {
      report: last.report,
      events,
      wallMs,
      journal: sim.journal(),
      peakInFlight: peakOf(sim.journal()),
      secrets,
      options
    }
  } finally {
    await sim.close()
  }
}

const cases = Object.keys(routes).flatMap((route) =>
  Object.keys(faults).map((fault) => ({ route: route as Route, fault: fault as Fault }))
)
const outcomes = new Map<string, Outcome | Error>()
const keyOf = (route: Route, fault: Fault) => `${route} / ${fault}`

beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled)
  process.on("uncaughtException", onUnhandled)
  const queue = [...cases]
  await Promise.all(
    Array.from({ length: POOL }, async () => {
      for (let c = queue.shift(); c !== undefined; c = queue.shift()) {
        try {
          outcomes.set(keyOf(c.route, c.fault), await runCase(c.route, c.fault))
        } catch (e) {
          outcomes.set(keyOf(c.route, c.fault), e instanceof Error ? e : new Error(String(e)))
        }
      }
    })
  )
}, 120_000)

afterAll(() => {
  process.off("unhandledRejection", onUnhandled)
  process.off("uncaughtException", onUnhandled)
})

const outcomeOf = (route: Route, fault: Fault): Outcome => {
  const o = outcomes.get(keyOf(route, fault))
  if (o === undefined) throw new Error("the case did not run")
  if (o instanceof Error) throw o
  return o
}

const byId = (r: Report) => new Map<CheckId, CheckResult>(r.checks.map((c) => [c.id, c]))
const decodeReport = Schema.decodeUnknownSync(Report)

/** What every run must show, whatever the fault. */
const expectSound = (o: Outcome) => {
  const r = o.report
  decodeReport(JSON.parse(JSON.stringify(r)))
  // Within the deadline (the engine settles what is unfinished at the deadline itself).
  expect(r.durationMs).toBeLessThanOrEqual(DEADLINE_MS + 500)
  expect(o.wallMs).toBeLessThanOrEqual(DEADLINE_MS + 1_500)
  // Every reported check started and finished once; the report is the last event.
  const ids = r.checks.map((c) => c.id).sort()
  expect(
    o.events
      .filter((e) => e._tag === "check_started")
      .map((e) => e.id)
      .sort()
  ).toEqual(ids)
  expect(
    o.events
      .filter((e) => e._tag === "check_finished")
      .map((e) => e.result.id)
      .sort()
  ).toEqual(ids)
  // Read-only: GET/HEAD, but for the token-endpoint probe (repeated only when retried).
  const writes = o.journal.filter((j) => j.method !== "GET" && j.method !== "HEAD")
  for (const w of writes) expect(`${w.method} ${w.path}`).toBe("POST /oauth/connect/token")
  expect(writes.length).toBeLessThanOrEqual(1 + defaults.retries)
  // Courtesy: the budget and the concurrency cap hold on the wire.
  expect(o.journal.length).toBeLessThanOrEqual(r.requests.budget)
  expect(r.requests.count).toBeLessThanOrEqual(r.requests.budget)
  expect(o.peakInFlight).toBeLessThanOrEqual(defaults.concurrency)
  // No secret, plain or as in a Basic header, in any event (the report is the last one).
  const text = JSON.stringify(o.events)
  for (const s of o.secrets) expect(text.includes(s), "a secret leaked into the events").toBe(false)
  // Statuses are coherent: skipped checks name their root causes; the verdict follows the rule.
  const results = byId(r)
  for (const c of r.checks) {
    if (c.status === "skipped") {
      expect(c.blockedBy.length, `${c.id} is skipped without a cause`).toBeGreaterThan(0)
      for (const b of c.blockedBy) expect(["error", "fail", "warn"]).toContain(results.get(b)?.status ?? "fail")
    }
    if (c.status === "error" || c.status === "fail") expect(c.cause, `${c.id} has no cause`).not.toBeNull()
  }
  const verdict = r.checks.some((c) => c.status === "fail")
    ? "not_ready"
    : r.checks.some((c) => c.status === "error")
      ? "incomplete"
      : r.checks.some((c) => c.status === "warn")
        ? "ready_with_warnings"
        : "ready"
  expect(r.verdict).toBe(verdict)
}

/** The diagnosis: the affected checks, nothing else blamed, the verdict. */
const expectDiagnosis = (route: Route, fault: Fault, o: Outcome) => {
  const r = o.report
  const results = byId(r)
  const want = expected(route, fault)
  const digest = r.checks.map((c) => `${c.id}: ${c.status}${c.cause ? ` ${c.cause.code}` : ""}`)
  for (const [id, e] of Object.entries(want.affected)) {
    const c = results.get(id as CheckId)
    expect(c?.status, `${id} in\n${digest.join("\n")}`).toBe(e.status)
    expect(e.causes, `${id}'s cause`).toContain(c?.cause?.code)
  }
  // Nothing else is blamed: other checks pass, warn only about the rate limit, or are skipped
  // because of an affected check; policy.rate-limit reports a 429 it could not wait out.
  const affected = new Set(Object.keys(want.affected))
  const rateLimitedBeyond = fault === "429, Retry-After beyond the deadline"
  // With a 429 beyond the deadline, checks whose requests came after it are `error` (rate_limited).
  const heldBack = new Set(
    rateLimitedBeyond
      ? r.checks
          .filter((c) => c.status === "error" && c.cause?.code === "rate_limited" && c.id !== "policy.rate-limit")
          .map((c) => c.id)
      : []
  )
  for (const c of r.checks) {
    if (affected.has(c.id)) continue
    if (c.id === "policy.rate-limit") {
      const status = fault === "429, Retry-After inside the deadline" ? "warn" : rateLimitedBeyond ? "error" : "pass"
      if (c.status !== "skipped") expect(c.status, digest.join("\n")).toBe(status)
      continue
    }
    if (c.status === "skipped") {
      for (const b of c.blockedBy) {
        expect(affected.has(b) || heldBack.has(b), `${c.id} blocked by ${b}`).toBe(true)
      }
    } else if (heldBack.has(c.id)) {
      // Its request was never sent: after a 429 beyond the deadline, the shared back-off stops every check.
      expect(c.cause?.message, `${c.id} in\n${digest.join("\n")}`).toMatch(/was not sent/)
    } else {
      expect(["pass", "not_applicable"], `${c.id} in\n${digest.join("\n")}`).toContain(c.status)
    }
  }
  const failed = Object.values(want.affected).some((e) => e.status === "fail")
  const errored = Object.values(want.affected).some((e) => e.status === "error") || rateLimitedBeyond
  expect(r.verdict).toBe(
    failed ? "not_ready" : errored ? "incomplete" : fault.startsWith("429") ? "ready_with_warnings" : "ready"
  )
}

describe.each(Object.keys(routes) as Array<Route>)("fault matrix: %s", (route) => {
  for (const fault of Object.keys(faults) as Array<Fault>) {
    it(`${fault}: ends within the deadline with a valid report, read-only, courteous, no secret`, () => {
      expectSound(outcomeOf(route, fault))
    })
    const want = expected(route, fault)
    // A known bug (named in the title) makes the diagnosis test fail; `it.fails` turns red once it is fixed.
    const diagnosis = want.bug ? it.fails : it
    diagnosis(`${fault}: the right checks carry the blame${want.bug ? ` [known bug: ${want.bug}]` : ""}`, () => {
      expectDiagnosis(route, fault, outcomeOf(route, fault))
    })
  }
})

describe("faults on routes that only confirm", () => {
  const unansweredFaults = (Object.keys(faults) as Array<Fault>).filter((f) => !f.startsWith("429"))

  it.each(unansweredFaults)(
    "roles of the contact, %s: the roles are inferred from the routes, never 'confirmed'",
    (fault) => {
      const r = outcomeOf("roles", fault).report
      for (const id of ["roles.api-user", "roles.administrator"] as const) {
        expect(byId(r).get(id)).toMatchObject({ status: "pass", basis: "inferred" })
      }
      // The failed confirmation is in the evidence.
      const evidence = byId(r).get("roles.api-user")!.evidence
      expect(evidence.some((e) => e.path.includes("/security/roles") && (garbage(fault) || e.status !== 200))).toBe(
        true
      )
    }
  )

  it.each(unansweredFaults)(
    "userinfo, %s: the roles are inferred, and the failed claim read is in the evidence",
    (fault) => {
      const r = outcomeOf("userinfo", fault).report
      expect(byId(r).get("oauth.token")?.status).toBe("pass")
      for (const id of ["roles.api-user", "roles.administrator"] as const) {
        expect(byId(r).get(id)).toMatchObject({ status: "pass", basis: "inferred" })
      }
      const evidence = byId(r).get("oauth.token")!.evidence
      expect(evidence.some((e) => e.path.includes("/connect/userinfo") && (garbage(fault) || e.status !== 200))).toBe(
        true
      )
    }
  )

  const garbageFaults = unansweredFaults.filter(garbage)
  const failedFaults = unansweredFaults.filter((f) => !garbage(f))

  it.each(failedFaults)("discovery, %s: the OAuth server passes (discovery is optional), discovery: false", (fault) => {
    const c = byId(outcomeOf("discovery", fault).report).get("oauth.server")!
    expect(c.status).toBe("pass")
    expect(c.facts?.discovery).toBe(false)
  })

  it.each(garbageFaults)("discovery, %s: a 200 that is not a discovery document is not taken for one", (fault) => {
    const c = byId(outcomeOf("discovery", fault).report).get("oauth.server")!
    expect(c.status).toBe("pass")
    expect(c.facts?.discovery).toBe(false)
    expect(c.summary).not.toMatch(/discovery document is published/)
  })

  // A failed request proves no absence: the summary says the document could not be read.
  it.each(failedFaults)("discovery, %s: the summary does not claim the document is absent", (fault) => {
    const c = byId(outcomeOf("discovery", fault).report).get("oauth.server")!
    expect(c.summary).not.toMatch(/no discovery document/)
  })
})

describe("Retry-After inside the deadline", () => {
  it.each(Object.keys(routes) as Array<Route>)(
    "%s: the request is repeated only once Retry-After has passed",
    (route) => {
      const o = outcomeOf(route, "429, Retry-After inside the deadline")
      const idx = o.journal.findIndex((j) => j.status === 429)
      expect(idx, "the 429 was answered").toBeGreaterThanOrEqual(0)
      const limited = o.journal[idx]!
      const answeredAt = Date.parse(limited.at) + limited.durationMs
      // The same request sent after the 429 was answered. The root's anonymous GET and the sign-in leave
      // together: the one repeated (the last on the route) names the credentials of the one limited.
      const same = o.journal.filter((j, i) => i !== idx && j.method === limited.method && j.path === limited.path)
      const credentials = same[same.length - 1]?.credentials
      const after = same.filter((j) => j.credentials === credentials && Date.parse(j.at) > answeredAt + 5)
      expect(after.length, "the request was repeated").toBeGreaterThan(0)
      for (const again of after) expect(Date.parse(again.at) - answeredAt).toBeGreaterThanOrEqual(1_000 - 5)
      const rl = byId(o.report).get("policy.rate-limit")
      expect(rl).toMatchObject({ status: "warn", cause: { code: "rate_limit_met" } })
    }
  )
})

describe("no unhandled rejection or exception", () => {
  it("none in the whole matrix", () => {
    expect(outcomes.size).toBe(cases.length)
    expect(unhandled).toEqual([])
  })
})

// ---------------------------------------------------------------------------------------------------
// A platform answering 429 is not hammered: once a 429 has been answered, no new request goes out
// until Retry-After has passed, or the audit stops. The audit sends its independent probes together, so
// the 429 is answered late (200 ms): every request that left with it has arrived by then, and any
// request journalled after it was sent after the client could know. The contacts lookup is slower still
// (400 ms), so that the roles request that follows it is certainly sent after the 429 was answered.

const hammering = async (retryAfter: number, times?: number) => {
  const sim = await startSimulator({ scenario: "ready" })
  try {
    const p = sim.platforms.acme!
    const a = p.audit
    sim.updatePlatform("acme", {
      faults: [
        {
          match: "/oauth/connect/authorize",
          status: 429,
          retryAfter,
          latencyMs: 200,
          ...(times === undefined ? {} : { times })
        },
        { match: `${R}contacts/`, latencyMs: 400 }
      ]
    })
    sim.clearJournal()
    const options: AuditOptions = {
      baseUrl: p.baseUrl,
      username: a.username!,
      password: a.password!,
      clientId: a.clientId!,
      clientSecret: a.clientSecret!,
      redirectUri: a.redirectUri!,
      scopes: a.scopes!,
      timeoutMs: TIMEOUT_MS,
      deadlineMs: DEADLINE_MS
    }
    let report: Report | undefined
    for await (const e of auditEvents(options)) if (e._tag === "audit_finished") report = e.report
    const journal = sim.journal()
    const first = journal.find((j) => j.status === 429)!
    const answeredAt = Date.parse(first.at) + first.durationMs
    const quietUntil = answeredAt + retryAfter * 1_000
    // Requests sent after the 429 was answered (5 ms for the journal's millisecond clock) and before Retry-After passed.
    const early = journal.filter((j) => Date.parse(j.at) > answeredAt + 5 && Date.parse(j.at) < quietUntil)
    // The roles request was sent after the 429 was answered: the gate was tested, not sidestepped.
    const roles = journal.filter((j) => j.path.endsWith("/security/roles"))
    return {
      report: report!,
      early: early.map((j) => `${j.method} ${j.path} at +${Date.parse(j.at) - answeredAt} ms`),
      rolesAfter: roles.length > 0 && roles.every((j) => Date.parse(j.at) > answeredAt)
    }
  } finally {
    await sim.close()
  }
}

describe("courtesy after a 429", () => {
  // ArloHttp.ts keeps one rate-limit gate per audit: a 429 holds back every check's requests until
  // Retry-After has passed, or stops them all when it reaches beyond the deadline.
  it("Retry-After beyond the deadline: no new request after the 429", async () => {
    const { report, early } = await hammering(RETRY_AFTER_BEYOND_S)
    expect(report.verdict).toBe("incomplete")
    expect(early).toEqual([])
    // The roles request was held back for good: never sent.
    expect(report.checks.find((c) => c.id === "roles.api-user")?.summary).toMatch(/could not be read to confirm/)
  })

  it("Retry-After inside the deadline: no new request until it has passed", async () => {
    const { report, early, rolesAfter } = await hammering(2, 1)
    expect(report.verdict).toBe("ready_with_warnings")
    expect(early).toEqual([])
    expect(rolesAfter, "the roles request left after the 429 was answered").toBe(true)
  })
})
