#!/usr/bin/env node
/**
 * `node bench/gate.mjs`: what the credentials gate costs. On a host that is neither https `*.arlo.co`
 * nor loopback, the password, the client secret and tokens leave only once the anonymous root has
 * answered like Arlo's Auth API; loopback (every other figure of the bench) keeps the parallel start.
 * This audits the simulator (`ready` scenario, in its own process) twice over, with the library in a
 * warm process: once at its loopback URL, once at a custom https host whose requests `fetch` is made to
 * send to that same simulator (the audit sees a custom host; the wire is the same loopback). It prints
 * the median wall time and the observed chain of each, and writes them to bench/results/gate.json.
 * Expects the packages to be built.
 *
 * Options: --runs N (default 7).
 */
import { mkdirSync, writeFileSync } from "node:fs"
import * as os from "node:os"
import { observedChain } from "./chain.mjs"
import { startPlatform } from "./platform.mjs"

const i = process.argv.indexOf("--runs")
const RUNS = i === -1 ? 7 : Number(process.argv[i + 1])
const WARM_UP_RUNS = 3
const LATENCIES = [50, 150]
const CUSTOM = "https://arlo-proxy.bench.invalid"

const core = await import(new URL("../packages/core/dist/index.js", import.meta.url).href)
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2
}
const round = (x) => Math.round(x * 10) / 10
const log = (line) => process.stderr.write(`${line}\n`)

const realFetch = globalThis.fetch
/** Sends the custom host's requests to `origin` (the audit's HTTP client reads `globalThis.fetch` per request). */
const route = (origin) => {
  globalThis.fetch = (input, init) => {
    const u = new URL(input instanceof Request ? input.url : String(input))
    return u.origin === CUSTOM ? realFetch(new URL(`${u.pathname}${u.search}`, origin), init) : realFetch(input, init)
  }
}

const options = (platform, baseUrl) => {
  const a = platform.audit
  return {
    baseUrl,
    username: a.username,
    password: a.password,
    clientId: a.clientId,
    clientSecret: a.clientSecret,
    redirectUri: a.redirectUri,
    scopes: a.scopes,
    mfaSetting: a.mfaSetting
  }
}

const results = []
log(`credentials gate, ${os.cpus()[0]?.model ?? "?"} (${os.cpus().length} cores), load ${os.loadavg().map(round)}`)
for (const latencyMs of LATENCIES) {
  const sim = await startPlatform(latencyMs)
  try {
    const platform = sim.platforms.acme
    const base = new URL(platform.baseUrl)
    route(base.origin)
    const targets = { loopback: platform.baseUrl, custom: `${CUSTOM}${base.pathname.replace(/\/$/, "")}` }
    const row = { latencyMs }
    const runs = { loopback: [], custom: [] }
    for (const baseUrl of Object.values(targets))
      for (let w = 0; w < WARM_UP_RUNS; w++) await core.runAudit(options(platform, baseUrl))
    // Alternating, so that the machine's load drifts over both alike.
    for (let r = 0; r < RUNS; r++) {
      for (const [name, baseUrl] of Object.entries(targets)) {
        await sim.clearJournal()
        const started = performance.now()
        const report = await core.runAudit(options(platform, baseUrl))
        const wallMs = performance.now() - started
        const journal = await sim.journal()
        // The wire's span: from the first request sent to the last answer (the audit's own time before
        // and after is the same code either way).
        const starts = journal.map((e) => Date.parse(e.at))
        const wireMs = Math.max(...journal.map((e, k) => starts[k] + e.durationMs)) - Math.min(...starts)
        runs[name].push({ wallMs, wireMs, report, journal })
      }
    }
    for (const name of Object.keys(targets)) {
      const rs = runs[name]
      const verdicts = [...new Set(rs.map((r) => r.report.verdict))]
      const chains = rs.map((r) => observedChain(r.journal, base.pathname))
      row[name] = {
        medianMs: round(median(rs.map((r) => r.wallMs))),
        wireMedianMs: round(median(rs.map((r) => r.wireMs))),
        runsMs: rs.map((r) => round(r.wallMs)),
        verdicts,
        requests: rs[0].report.requests.count,
        chainLength: Math.min(...chains.map((c) => c.length)),
        chain: chains[0]
      }
      log(
        `  ${latencyMs} ms, ${name}: median ${row[name].medianMs} ms (on the wire ${row[name].wireMedianMs} ms), chain ${row[name].chainLength}, ${row[name].requests} requests, ${verdicts.join("/")}`
      )
    }
    row.extraMs = round(row.custom.medianMs - row.loopback.medianMs)
    row.extraWireMs = round(row.custom.wireMedianMs - row.loopback.wireMedianMs)
    results.push(row)
  } finally {
    globalThis.fetch = realFetch
    await sim.close()
  }
}

const out = {
  machine: { cores: os.cpus().length, node: process.version, loadAverage: os.loadavg().map(round) },
  results
}
mkdirSync(new URL("./results/", import.meta.url), { recursive: true })
writeFileSync(new URL("./results/gate.json", import.meta.url), `${JSON.stringify(out, null, 2)}\n`)
for (const r of results)
  process.stdout.write(
    `${r.latencyMs} ms: loopback ${r.loopback.medianMs} ms (wire ${r.loopback.wireMedianMs}, chain ${r.loopback.chainLength}), custom host ${r.custom.medianMs} ms (wire ${r.custom.wireMedianMs}, chain ${r.custom.chainLength}): ${r.extraMs} ms (${r.extraWireMs} ms on the wire)\n`
  )
