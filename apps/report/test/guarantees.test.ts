/**
 * The product's guarantees, proved on the built `arlo-ready-report` against the simulator, for every
 * built-in scenario (every platform of it) and for faults on the wire:
 *
 * - secrets: every password, client secret and token of the scenario, plain, base64 (as in a Basic
 *   header) and URL-encoded, is absent from stdout, stderr, every report format and every event;
 * - read-only: the journal shows GET/HEAD on resources and at most the one invalid-code POST to the
 *   token endpoint; a refresh token given to the audit still works afterwards (it was not redeemed);
 * - courtesy: never more requests than the budget nor more in flight than the cap; a platform that
 *   answers 429 is not hammered;
 * - faults: a valid report and exit code 3 (1 where the fault is the finding), never a hang.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Report } from "@arlo-ready/core"
import { type JournalEntry, Scenario, type SimulatorHandle, startSimulator } from "@arlo-ready/simulator"
import { Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { formats } from "../src/Format.js"
import { assertBuilt, auditEnv, events, pool, type RunResult, run, scenarioSecrets, validReport } from "./helpers.js"

// Real subprocesses on a shared machine: generous hang guards, never timing assertions.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 })

const POOL = 3
const CAP = 4 // the core's default concurrency cap

const dir = mkdtempSync(join(tmpdir(), "arlo-ready-guarantees-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
beforeAll(() => assertBuilt())

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64")
const decodeReport = Schema.decodeUnknownSync(Report)

/** Each secret in every form it could leak in: plain, base64, URL-encoded. */
const forms = (secrets: ReadonlyArray<string>): Array<string> =>
  [...new Set(secrets.flatMap((s) => [s, b64(s), encodeURIComponent(s)]))].filter((s) => s.length >= 4)

const leaks = (text: string, secrets: ReadonlyArray<string>) => secrets.filter((s) => text.includes(s))

const exitFor = { ready: 0, ready_with_warnings: 0, not_ready: 1, incomplete: 3 } as const

interface Tokens {
  readonly accessToken: string
  readonly refreshToken: string
  readonly clientId: string
  readonly clientSecret: string
}

/** Issues real tokens for the scenario's user through the simulator's test-only consent, when its client can. */
const tokensFor = async (sim: SimulatorHandle, platform: string): Promise<Tokens | null> => {
  const p = sim.scenario.platforms.find((x) => x.name === platform)!
  const client = p.clients.find((c) => c.status === "approved" && c.clientId === p.audit.clientId) ?? null
  const username = p.audit.username ?? p.users[0]?.username
  if (client === null || username === undefined || client.redirectUris.length === 0) return null
  const redirectUri = client.redirectUris[0]!
  const scopes = ["openid", "profile", "offline_access", "all_claims"].filter((s) =>
    client.allowedScopes.includes(s as never)
  )
  const consent = await fetch(`${sim.url}/__admin/platforms/${platform}/oauth/consent`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ clientId: client.clientId, username, scopes, redirectUri })
  })
  if (consent.status !== 200) return null
  const { code } = (await consent.json()) as { code: string }
  const res = await fetch(`${sim.platforms[platform]!.baseUrl}/oauth/connect/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${b64(`${client.clientId}:${client.clientSecret}`)}`
    },
    body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: redirectUri }).toString()
  })
  if (res.status !== 200) return null
  const body = (await res.json()) as { access_token: string; refresh_token?: string }
  if (!body.refresh_token) return null
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    clientId: client.clientId,
    clientSecret: client.clientSecret
  }
}

/** Whether a refresh token still redeems (an audit that redeemed it would have rotated it). */
const refreshStillWorks = async (sim: SimulatorHandle, platform: string, t: Tokens) => {
  const res = await fetch(`${sim.platforms[platform]!.baseUrl}/oauth/connect/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${b64(`${t.clientId}:${t.clientSecret}`)}`
    },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: t.refreshToken }).toString()
  })
  return res.status
}

interface Audited {
  readonly result: RunResult
  readonly report: Report
  readonly outputs: Record<(typeof formats)[number], string>
  readonly journal: ReadonlyArray<JournalEntry>
  readonly peakInFlight: number
  readonly secrets: ReadonlyArray<string>
  readonly tokens: Tokens | null
  readonly refreshStatus: number | null
}

/** Runs the binary with every format written, stdout in `format`; collects what the guarantees need. */
const audit = async (
  sim: SimulatorHandle,
  platform: string,
  options: {
    format?: (typeof formats)[number]
    args?: ReadonlyArray<string>
    /** Added to the scenario's environment. */
    env?: Record<string, string>
    /** Used instead of the scenario's environment. */
    onlyEnv?: Record<string, string>
    tokens?: boolean
  } = {}
): Promise<Audited> => {
  const format = options.format ?? "json"
  const tokens = options.tokens ? await tokensFor(sim, platform) : null
  const env = options.onlyEnv ? { ...options.onlyEnv } : { ...auditEnv(sim, platform), ...options.env }
  if (tokens) {
    env.ARLO_ACCESS_TOKEN = tokens.accessToken
    env.ARLO_REFRESH_TOKEN = tokens.refreshToken
  }
  const stem = join(dir, `${sim.port}-${platform}-${Math.random().toString(36).slice(2)}`)
  const files = Object.fromEntries(formats.map((f) => [f, `${stem}.${f}`])) as Record<(typeof formats)[number], string>
  const before = sim.journal().length
  const result = await run(
    ["--format", format, ...formats.flatMap((f) => ["--output", `${f}=${files[f]}`]), ...(options.args ?? [])],
    { env, timeoutMs: 150_000 }
  )
  const journal = sim
    .journal()
    .slice(before)
    .filter((j) => j.platform === platform)
  const outputs = Object.fromEntries(formats.map((f) => [f, readFileSync(files[f], "utf8")])) as Record<
    (typeof formats)[number],
    string
  >
  const report = validReport(JSON.parse(outputs.json))
  decodeReport(JSON.parse(outputs.json))
  const refreshStatus = tokens ? await refreshStillWorks(sim, platform, tokens) : null
  const secrets = forms([
    ...scenarioSecrets(sim),
    ...(tokens ? [tokens.accessToken, tokens.refreshToken] : []),
    ...sim.scenario.platforms.flatMap((p) => [
      ...p.users.map((u) => b64(`${u.username}:${u.password}`)),
      ...p.clients.map((c) => b64(`${c.clientId}:${c.clientSecret}`))
    ])
  ])
  return {
    result,
    report,
    outputs,
    journal,
    peakInFlight: peakOf(journal),
    secrets,
    tokens,
    refreshStatus
  }
}

/**
 * The most requests surely in flight at once, from the journal's intervals: `at` has millisecond
 * resolution, so each request counts from `at + 1` to `at + durationMs`. (The simulator's own counter
 * is not used here: it never comes down after a reset or a truncated answer.)
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

/** Every guarantee a run must keep, whatever the scenario or fault. */
const expectGuarantees = (a: Audited, label: string) => {
  const { result, report } = a
  // The exit code follows the verdict.
  expect(result.code, `${label}: exit code\n${result.stderr}`).toBe(exitFor[report.verdict])
  expect(result.stderr, `${label}: stack trace on stderr`).not.toMatch(/\n\s+at .*[:(]\d+/)
  // Secrets: nowhere.
  expect(leaks(result.stdout, a.secrets), `${label}: secrets on stdout`).toEqual([])
  expect(leaks(result.stderr, a.secrets), `${label}: secrets on stderr`).toEqual([])
  for (const f of formats) expect(leaks(a.outputs[f], a.secrets), `${label}: secrets in ${f}`).toEqual([])
  // Every event is valid; the last carries the report.
  const evs = events(a.outputs.ndjson)
  expect(evs[evs.length - 1]?._tag).toBe("audit_finished")
  // Read-only: GET/HEAD, but for the token-endpoint probe (repeated only after a 5xx or a reset).
  const writes = a.journal.filter((j) => j.method !== "GET" && j.method !== "HEAD")
  for (const w of writes) expect(`${w.method} ${w.path}`, label).toBe("POST /oauth/connect/token")
  // A complete answer below 500 ends the probe; a cut one (reset, truncated) is retried like a 5xx, and a
  // 429 (the request refused unread) is sent again once Retry-After has passed.
  const answered = writes.filter(
    (w) => w.status !== 0 && w.status < 500 && w.status !== 429 && !/truncate|trickle/.test(w.fault ?? "")
  )
  expect(answered.length, `${label}: token POSTs answered`).toBeLessThanOrEqual(1)
  expect(writes.length, `${label}: token POSTs`).toBeLessThanOrEqual(3)
  for (const j of a.journal.filter((x) => x.path.startsWith("/api/"))) expect(["GET", "HEAD"]).toContain(j.method)
  // A refresh token given to the audit is never redeemed: it still works afterwards.
  if (a.refreshStatus !== null) expect(a.refreshStatus, `${label}: the refresh token was rotated`).toBe(200)
  // Courtesy: the budget and the cap, on the wire.
  expect(a.journal.length, `${label}: requests`).toBeLessThanOrEqual(report.requests.budget)
  expect(report.requests.count).toBeLessThanOrEqual(report.requests.budget)
  expect(a.peakInFlight, `${label}: in flight`).toBeLessThanOrEqual(CAP)
}

// ---------------------------------------------------------------------------------------------------

describe("every built-in scenario", () => {
  interface Row {
    readonly label: string
    readonly audited?: Audited
    readonly error?: unknown
  }
  const rows: Array<Row> = []
  const names: Array<string> = []

  beforeAll(async () => {
    names.push(...Scenario.builtInNames())
    const tasks = names.map((scenario, i) => async () => {
      const sim = await startSimulator({ scenario })
      try {
        const out: Array<Row> = []
        for (const platform of Object.keys(sim.platforms)) {
          const p = sim.scenario.platforms.find((x) => x.name === platform)!
          // Tokens are issued through the platform itself: not where that would spend its rate limit or faults.
          const quiet =
            p.faults.every((f) =>
              Object.keys(f).every((k) => ["match", "method", "after", "times", "latencyMs", "jitterMs"].includes(k))
            ) && p.rateLimit.spent === 0
          const label = `${scenario}/${platform}`
          try {
            sim.clearJournal()
            out.push({
              label,
              audited: await audit(sim, platform, { format: formats[i % formats.length]!, tokens: quiet })
            })
          } catch (error) {
            out.push({ label, error })
          }
        }
        return out
      } finally {
        await sim.close()
      }
    })
    for (const r of (await pool(tasks, POOL)).flat()) rows.push(r)
  }, 600_000)

  it("covers every built-in scenario and platform, with tokens where the platform can issue them", () => {
    expect(names.length).toBeGreaterThanOrEqual(17)
    expect(rows.length).toBeGreaterThanOrEqual(names.length)
    for (const r of rows) if (r.error) throw r.error
    expect(rows.filter((r) => r.audited?.tokens).length).toBeGreaterThanOrEqual(5)
  })

  it("no secret, plain, base64 or URL-encoded, in stdout, stderr, any format or any event; read-only; within budget and cap", () => {
    for (const r of rows) {
      if (r.error) throw r.error
      expectGuarantees(r.audited!, r.label)
    }
  })
})

describe("secrets given other ways", () => {
  let sim: SimulatorHandle
  beforeAll(async () => {
    sim = await startSimulator({ scenario: "ready" })
  })
  afterAll(() => sim?.close())

  it("as plain flags: warned about on stderr, shown nowhere", async () => {
    const t = (await tokensFor(sim, "acme"))!
    const a = sim.platforms.acme!.audit
    const { ARLO_PASSWORD: _p, ARLO_CLIENT_SECRET: _s, ...rest } = auditEnv(sim, "acme")
    sim.clearJournal()
    const r = await audit(sim, "acme", {
      format: "text",
      onlyEnv: rest,
      args: ["--password", a.password!, "--client-secret", a.clientSecret!, "--access-token", t.accessToken]
    })
    expect(r.result.stderr).toMatch(/process list/i)
    expectGuarantees({ ...r, secrets: forms([...r.secrets, t.accessToken]) }, "flags")
  })

  it("from stdin: shown nowhere", async () => {
    const a = sim.platforms.acme!.audit
    const { ARLO_PASSWORD: _p, ARLO_CLIENT_SECRET: _s, ...env } = auditEnv(sim, "acme")
    sim.clearJournal()
    const r = await run(["--format", "text", "--password-stdin", "--client-secret-stdin"], {
      env,
      stdin: `${a.password}\n${a.clientSecret}\n`
    })
    expect(r.code).toBe(0)
    const secrets = forms(scenarioSecrets(sim))
    expect(leaks(r.stdout + r.stderr, secrets)).toEqual([])
  })

  it("in GitHub Actions: each secret appears only in its own ::add-mask:: command", async () => {
    const summary = join(dir, "step-summary.md")
    sim.clearJournal()
    const r = await audit(sim, "acme", {
      format: "github",
      env: { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary },
      tokens: true
    })
    const given = [
      sim.platforms.acme!.audit.password!,
      sim.platforms.acme!.audit.clientSecret!,
      r.tokens!.accessToken,
      r.tokens!.refreshToken
    ]
    const all = `${r.result.stdout}\n${r.result.stderr}`
    for (const s of given) expect(all).toContain(`::add-mask::${s}`)
    const unmasked = all
      .split("\n")
      .filter((l) => !l.startsWith("::add-mask::"))
      .join("\n")
    expect(leaks(unmasked, r.secrets)).toEqual([])
    expect(leaks(readFileSync(summary, "utf8"), r.secrets)).toEqual([])
    for (const f of formats) expect(leaks(r.outputs[f], r.secrets), f).toEqual([])
  })

  // The core never echoes the user:password@ part of a base URL it cannot parse, and the report app
  // prints that message on stderr.
  it("a password inside an unparsable --base-url is not echoed on stderr", async () => {
    const secret = "Url-embedded-pw-93"
    const r = await run(["--base-url", `https://api:${secret}@exa mple.com`], {
      env: { ARLO_USERNAME: "api@acme.example", ARLO_PASSWORD: "x-password-x" }
    })
    expect(r.code).toBe(2)
    expect(r.stderr).not.toContain(secret)
  })
})

// ---------------------------------------------------------------------------------------------------

describe("courtesy", () => {
  it("a lower concurrency cap holds on the wire (the Presenter audit fans out over nine routes)", async () => {
    const sim = await startSimulator({ scenario: "presenter" })
    try {
      const platform = Object.keys(sim.platforms)[0]!
      for (const cap of [1, 2]) {
        sim.clearJournal()
        const r = await audit(sim, platform, { args: ["--concurrency", String(cap)] })
        expect(r.journal.length).toBeGreaterThan(10)
        expect(r.peakInFlight).toBeLessThanOrEqual(cap)
        expect(sim.peakInFlight()[platform]).toBeLessThanOrEqual(cap)
        expect(r.report.requests.peakInFlight).toBeLessThanOrEqual(cap)
      }
    } finally {
      await sim.close()
    }
  })

  it("a small request budget holds on the wire, and the report says so", async () => {
    const sim = await startSimulator({ scenario: "ready" })
    try {
      sim.clearJournal()
      const r = await audit(sim, "acme", { args: ["--max-requests", "4"] })
      expect(r.journal.length).toBeLessThanOrEqual(4)
      expect(r.report.requests).toMatchObject({ budget: 4 })
      expect(r.report.checks.some((c) => c.cause?.code === "budget_exhausted")).toBe(true)
      expect(r.result.code).toBe(3)
      expectGuarantees(r, "budget")
    } finally {
      await sim.close()
    }
  })

  const rateLimited = async (args: ReadonlyArray<string>) => {
    const sim = await startSimulator({ scenario: "rate-limited" })
    try {
      const platform = Object.keys(sim.platforms)[0]!
      sim.clearJournal()
      const r = await audit(sim, platform, { args })
      const limited = r.journal.filter((j) => j.status === 429)
      expect(limited.length).toBeGreaterThan(0)
      const first = limited[0]!
      const answeredAt = Date.parse(first.at) + first.durationMs
      return { r, first, answeredAt }
    } finally {
      await sim.close()
    }
  }

  it("rate-limited: the audit stops within its deadline, reports the 429, and never repeats a request that met one", async () => {
    const { r } = await rateLimited([])
    expectGuarantees(r, "rate-limited")
    expect(r.report.verdict).toBe("incomplete")
    expect(r.report.checks.find((c) => c.id === "policy.rate-limit")).toMatchObject({
      status: "error",
      cause: { code: "rate_limited" }
    })
    // Retry-After (60 s) reaches beyond the deadline: nothing that met a 429 is sent again.
    const limited = r.journal.filter((j) => j.status === 429)
    for (const l of limited) {
      const again = r.journal.filter(
        (j) => j.seq > l.seq && j.method === l.method && j.path === l.path && j.query === l.query
      )
      expect(again, `${l.method} ${l.path} repeated`).toEqual([])
    }
  })

  // The core keeps one rate-limit gate per audit: after a 429 whose Retry-After reaches beyond the
  // deadline, no check sends another request. With one request at a time, every request after the
  // first 429 would be sent after it had been answered, so the order of checks cannot hide one.
  it("rate-limited: after the first 429, no request until Retry-After has passed", async () => {
    const { r, first, answeredAt } = await rateLimited(["--concurrency", "1"])
    const after = r.journal.filter((j) => j.seq > first.seq && Date.parse(j.at) < answeredAt + 60_000)
    expect(after.map((j) => `${j.method} ${j.path} ${j.status}`)).toEqual([])
  })
})

// ---------------------------------------------------------------------------------------------------

describe("faults through the binary", () => {
  const R = "/api/2012-02-01/auth/resources/"
  const cases: ReadonlyArray<{
    readonly name: string
    readonly fault: Record<string, unknown>
    readonly args?: ReadonlyArray<string>
    readonly check: string
    readonly status: "error" | "fail"
    readonly cause: string
  }> = [
    {
      name: "503 on the root",
      fault: { match: R, status: 503 },
      check: "target.reachable",
      status: "error",
      cause: "server_error"
    },
    {
      name: "HTML on the root (not Arlo)",
      fault: { match: R, html: true },
      check: "target.reachable",
      status: "fail",
      cause: "not_arlo_api"
    },
    {
      name: "reset on the sign-in",
      fault: { match: R, after: 1, reset: true },
      check: "basic.credentials",
      status: "error",
      cause: "connection_reset"
    },
    {
      name: "contacts beyond the timeout",
      fault: { match: `${R}contacts/`, latencyMs: 3_000 },
      args: ["--timeout", "1s"],
      check: "roles.administrator",
      status: "error",
      cause: "timeout"
    },
    {
      name: "redirect loop on the root",
      fault: { match: R, redirectLoop: true },
      check: "target.reachable",
      status: "error",
      cause: "redirect_loop"
    },
    {
      name: "malformed XML on the sign-in",
      fault: { match: R, after: 1, malformedXml: true },
      check: "basic.credentials",
      status: "error",
      cause: "unexpected_response"
    },
    {
      name: "502 on authorize",
      fault: { match: "/oauth/connect/authorize", status: 502 },
      check: "oauth.server",
      status: "error",
      cause: "server_error"
    },
    {
      name: "500 on the token endpoint",
      fault: { match: "/oauth/connect/token", status: 500 },
      check: "oauth.client.secret",
      status: "error",
      cause: "server_error"
    },
    {
      name: "truncated token answer",
      fault: { match: "/oauth/connect/token", truncate: true },
      check: "oauth.client.secret",
      status: "error",
      cause: "connection_reset"
    },
    {
      name: "429 beyond the deadline on authorize",
      fault: { match: "/oauth/connect/authorize", status: 429, retryAfter: 30 },
      args: ["--deadline", "10s"],
      check: "oauth.server",
      status: "error",
      cause: "rate_limited"
    },
    {
      name: "oversized body on the roles' contacts",
      fault: { match: `${R}contacts/`, oversizeBytes: 3_000_000 },
      check: "roles.administrator",
      status: "error",
      cause: "body_too_large"
    },
    {
      name: "every route slower than the whole deadline",
      fault: { match: "/**", latencyMs: 4_000 },
      args: ["--deadline", "2s", "--timeout", "10s"],
      check: "target.reachable",
      status: "error",
      cause: "deadline"
    }
  ]

  it("429 inside the deadline on the token endpoint: waited out, ready with a warning, exit 0", async () => {
    const sim = await startSimulator({ scenario: "ready" })
    try {
      sim.updatePlatform("acme", { faults: [{ match: "/oauth/connect/token", status: 429, retryAfter: 1, times: 1 }] })
      const r = await audit(sim, "acme", { format: "json" })
      expectGuarantees(r, "429 inside the deadline")
      expect(r.result.code).toBe(0)
      expect(r.report.verdict).toBe("ready_with_warnings")
      expect(r.report.checks.find((x) => x.id === "policy.rate-limit")).toMatchObject({
        status: "warn",
        cause: { code: "rate_limit_met" }
      })
      const tokens = r.journal.filter((j) => j.path === "/oauth/connect/token")
      expect(tokens.map((j) => j.status)).toEqual([429, 400])
      expect(Date.parse(tokens[1]!.at) - Date.parse(tokens[0]!.at)).toBeGreaterThanOrEqual(1_000 - 5)
    } finally {
      await sim.close()
    }
  })

  for (const c of cases) {
    it(`${c.name}: a valid report in every format, ${c.status === "fail" ? "exit 1" : "exit 3"}, no secret, no hang`, async () => {
      // A simulator of its own: requests a previous case gave up on may still be in flight in another.
      const sim = await startSimulator({ scenario: "ready" })
      try {
        sim.updatePlatform("acme", { faults: [c.fault as never] })
        const r = await audit(sim, "acme", { format: "json", args: c.args ?? [] })
        expectGuarantees(r, c.name)
        const check = r.report.checks.find((x) => x.id === c.check)
        expect(
          check,
          r.report.checks.map((x) => `${x.id}: ${x.status} ${x.cause?.code ?? ""}`).join("\n")
        ).toMatchObject({
          status: c.status,
          cause: { code: c.cause }
        })
        expect(r.result.code).toBe(c.status === "fail" ? 1 : 3)
        expect(r.report.verdict).toBe(c.status === "fail" ? "not_ready" : "incomplete")
        // stdout carried exactly the JSON report.
        expect(JSON.parse(r.result.stdout)).toEqual(JSON.parse(r.outputs.json))
        if (c.cause === "deadline") {
          expect(r.report.interrupted).toBe(true)
          expect(r.report.durationMs).toBeLessThan(2_000 + 1_000)
        }
      } finally {
        await sim.close()
      }
    })
  }
})
