#!/usr/bin/env node
/**
 * The fleet figures of `pnpm bench` (run.mjs runs `fleetBench`; `node bench/fleet.mjs` runs them alone and
 * prints them). Every fleet is a `fleet:N` scenario of the simulator in a process of its own
 * (platform.mjs), audited by the report binary, a fresh process per run, `--fleet FILE --format ndjson`
 * with its stdout going to a file:
 *
 * - wall time of fleets of 200 and 1,000 platforms at 50 ms against `ceil(targets × chain / concurrency)
 *   × latency` (the chain: one audit's critical chain on the wire, as run.mjs measures it);
 * - peak RSS at 100 and 1,000 targets (50 ms) and 5,000 (latency 0);
 * - two shards and a merge against the unsharded run of the same fleet: each target's verdict;
 * - the per-platform budget: 20 targets on one platform with one account, audited in this process by the
 *   library (`auditFleet` with `perPlatformPerMinute`) against the simulator; the most requests its
 *   journal shows in any 60 s.
 */
import { spawn } from "node:child_process"
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import * as os from "node:os"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { observedChain } from "./chain.mjs"
import { startPlatform } from "./platform.mjs"

const root = new URL("../", import.meta.url)
const reportBin = fileURLToPath(new URL("apps/report/dist/bin.js", root))
const timeBin = existsSync("/usr/bin/time") ? "/usr/bin/time" : null

export const FLEET_GOALS = {
  boundRatio: 1.3,
  latencyMs: 50,
  wallTimeSizes: [200, 1000],
  rssSizes: [100, 1000],
  rssZeroLatencySize: 5000,
  peakRssMb: 200,
  /** "Flat": the largest fleet's peak RSS within this factor of the smallest one's. */
  flatRatio: 1.5,
  shardSize: 200,
  budget: { targets: 20, perPlatformPerMinute: 100, maxRequests: 20, concurrency: 2 }
}
/** The report binary's `--fleet-concurrency` default. */
const DEFAULT_FLEET_CONCURRENCY = 8

const round = (x, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits

/** Peak RSS of a running process from /proc (when /usr/bin/time is absent). */
const watchRss = (pid) => {
  let peakKb = 0
  const poll = () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))
      if (m) peakKb = Math.max(peakKb, Number(m[1]))
    } catch {
      // the process has exited
    }
  }
  const timer = setInterval(poll, 10)
  return () => {
    clearInterval(timer)
    return peakKb
  }
}

/** Runs the report binary with `args`, its stdout into `outPath`: wall time, peak RSS, exit code. */
const runReport = (args, env, outPath) =>
  new Promise((resolve, reject) => {
    const out = openSync(outPath, "w")
    const argv = timeBin
      ? [timeBin, ["-v", process.execPath, reportBin, ...args]]
      : [process.execPath, [reportBin, ...args]]
    const started = performance.now()
    const child = spawn(argv[0], argv[1], { env, stdio: ["ignore", out, "pipe"] })
    const stopWatch = timeBin ? null : watchRss(child.pid)
    let stderr = ""
    child.stderr.on("data", (d) => {
      stderr += d
      if (stderr.length > 1e6) stderr = stderr.slice(-1e5)
    })
    child.on("error", reject)
    child.on("close", (code) => {
      closeSync(out)
      const wallMs = performance.now() - started
      const rssKb = timeBin
        ? Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? Number.NaN)
        : stopWatch()
      const exit = timeBin ? Number(/Exit status: (\d+)/.exec(stderr)?.[1] ?? code) : code
      resolve({ wallMs, rssMb: rssKb / 1024, exit })
    })
  })

/** The fleet's file and environment for a spawned report binary (no other variable of this process). */
const fleetSetup = (sim, dir, n) => {
  const file = join(dir, `fleet-${n}-${sim.url.split(":").pop()}.json`)
  writeFileSync(file, JSON.stringify(sim.fleet.file))
  return { file, env: { PATH: process.env.PATH ?? "", ...sim.fleet.env } }
}

/** An NDJSON fleet run's output: the verdict per target and the finished line. */
const readNdjson = (path) => {
  const verdicts = {}
  let finished = null
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line === "") continue
    const x = JSON.parse(line)
    if (x._tag === "fleet_target") verdicts[x.name] = x.verdict
    else if (x._tag === "fleet_finished") finished = x
  }
  return { verdicts, finished }
}

/** One audit's critical chain at `latencyMs`, observed on the wire (the shortest of three runs). */
const measureChain = async (core, latencyMs) => {
  const sim = await startPlatform(latencyMs)
  try {
    const p = sim.platforms.acme
    const a = p.audit
    const basePath = new URL(p.baseUrl).pathname
    const options = {
      baseUrl: p.baseUrl,
      username: a.username,
      password: a.password,
      clientId: a.clientId,
      clientSecret: a.clientSecret,
      redirectUri: a.redirectUri,
      scopes: a.scopes,
      mfaSetting: a.mfaSetting
    }
    let length = Number.POSITIVE_INFINITY
    for (let i = 0; i < 3; i++) {
      await sim.clearJournal()
      await core.runAudit(options)
      length = Math.min(length, observedChain(await sim.journal(), basePath).length)
    }
    return length
  } finally {
    await sim.close()
  }
}

/** A fleet of `n` at `latencyMs`, one unsharded run; then, when asked, two shards and a merge of a fresh one. */
const runSize = async (n, latencyMs, dir, log, { shards = false } = {}) => {
  const sim = await startPlatform(latencyMs, `fleet:${n}`)
  let run
  try {
    const { file, env } = fleetSetup(sim, dir, n)
    const out = join(dir, `run-${n}.ndjson`)
    const r = await runReport(["--fleet", file, "--format", "ndjson"], env, out)
    const { verdicts, finished } = readNdjson(out)
    run = {
      targets: n,
      latencyMs,
      wallMs: round(r.wallMs, 1),
      fleetMs: finished?.durationMs ?? null,
      peakRssMb: round(r.rssMb, 1),
      exit: r.exit,
      finishedTargets: Object.keys(verdicts).length,
      counts: finished?.counts ?? null,
      verdicts
    }
    log(
      `  fleet of ${n} at ${latencyMs} ms: ${run.fleetMs} ms (process ${run.wallMs} ms), peak RSS ${run.peakRssMb} MB, ${JSON.stringify(run.counts)}`
    )
  } finally {
    await sim.close()
  }
  if (shards) run.shards = await runShards(n, latencyMs, dir, run.verdicts, log)
  return run
}

/** Shards 1/2 and 2/2 of a fresh fleet:n (each platform audited once), merged, against `unsharded`. */
const runShards = async (n, latencyMs, dir, unsharded, log) => {
  const sim = await startPlatform(latencyMs, `fleet:${n}`)
  try {
    const { file, env } = fleetSetup(sim, dir, n)
    const shardDir = mkdtempSync(join(dir, "shards-"))
    const shardRuns = []
    for (const i of [1, 2]) {
      const r = await runReport(
        ["--fleet", file, "--shard", `${i}/2`, "--format", "json"],
        env,
        join(shardDir, `shard-${i}.json`)
      )
      shardRuns.push({ shard: `${i}/2`, wallMs: round(r.wallMs, 1), exit: r.exit })
    }
    const mergedPath = join(dir, "merged.json")
    const m = await runReport(["merge", shardDir, "--format", "json"], env, mergedPath)
    const merged = JSON.parse(readFileSync(mergedPath, "utf8"))
    const mergedVerdicts = Object.fromEntries(merged.targets.map((t) => [t.name, t.verdict]))
    const names = [...new Set([...Object.keys(unsharded), ...Object.keys(mergedVerdicts)])]
    const differing = names.filter((k) => unsharded[k] !== mergedVerdicts[k])
    const shardTargets = shardRuns.map(
      (_, i) => (JSON.parse(readFileSync(join(shardDir, `shard-${i + 1}.json`), "utf8")).targets ?? []).length
    )
    log(
      `  shards of ${n}: ${shardTargets.join(" + ")} targets, merged ${merged.targets.length}; verdicts differing from the unsharded run: ${differing.length}`
    )
    return {
      shardTargets,
      shardRuns,
      mergeExit: m.exit,
      mergedTargets: merged.targets.length,
      differing: differing.map((k) => ({
        name: k,
        unsharded: unsharded[k] ?? null,
        merged: mergedVerdicts[k] ?? null
      })),
      identical: differing.length === 0 && merged.targets.length === n
    }
  } finally {
    await sim.close()
  }
}

/** The most entries in any 60 s window of the journal (by the time each request arrived). */
const busiestMinute = (entries) => {
  const t = entries.map((e) => Date.parse(e.at)).sort((a, b) => a - b)
  let most = 0
  let j = 0
  for (let i = 0; i < t.length; i++) {
    while (t[i] - t[j] >= 60_000) j++
    most = Math.max(most, i - j + 1)
  }
  return most
}

/** 20 targets on one platform, one account, through the library with a per-platform budget. */
const runBudget = async (core, log) => {
  const { targets, perPlatformPerMinute, maxRequests, concurrency } = FLEET_GOALS.budget
  const sim = await startPlatform(0)
  try {
    const p = sim.platforms.acme
    const a = p.audit
    const env = { BENCH_PASSWORD: a.password, BENCH_CLIENT_SECRET: a.clientSecret }
    const file = {
      name: "one-platform",
      targets: Array.from({ length: targets }, (_, i) => ({
        name: `acme-${String(i + 1).padStart(2, "0")}`,
        baseUrl: p.baseUrl,
        auth: "both",
        mfaSetting: a.mfaSetting,
        username: a.username,
        password: { env: "BENCH_PASSWORD" },
        clientId: a.clientId,
        clientSecret: { env: "BENCH_CLIENT_SECRET" },
        redirectUri: a.redirectUri,
        scopes: a.scopes
      }))
    }
    const fleet = core.loadFleet(JSON.stringify(file), "one-platform.json")
    await sim.clearJournal()
    const started = performance.now()
    const verdicts = {}
    for await (const r of core.auditFleet(fleet, fleet.targets, {
      concurrency,
      perPlatformPerMinute,
      maxRequests,
      env
    })) {
      verdicts[r.verdict] = (verdicts[r.verdict] ?? 0) + 1
    }
    const wallMs = performance.now() - started
    const entries = await sim.journal()
    const result = {
      targets,
      concurrency,
      perPlatformPerMinute,
      maxRequests,
      wallMs: round(wallMs),
      requests: entries.length,
      busiestMinute: busiestMinute(entries),
      verdicts,
      within: busiestMinute(entries) <= perPlatformPerMinute
    }
    log(
      `  ${targets} targets on one platform: ${result.requests} requests in ${result.wallMs} ms, at most ${result.busiestMinute} in any 60 s (budget ${perPlatformPerMinute}), ${JSON.stringify(verdicts)}`
    )
    return result
  } finally {
    await sim.close()
  }
}

/**
 * Runs the fleet figures. `chainLength` is one audit's critical chain at 50 ms (measured here when not
 * given). Returns `{ results, goals, lines }`: the figures, the goal rows, the README lines.
 */
export const fleetBench = async ({ core, chainLength, log }) => {
  const G = FLEET_GOALS
  const chain = chainLength ?? (await measureChain(core, G.latencyMs))
  const dir = mkdtempSync(join(os.tmpdir(), "arlo-ready-fleet-bench-"))
  try {
    log(`fleets: the report binary, --fleet FILE --format ndjson (chain ${chain} at ${G.latencyMs} ms)`)
    const runs = []
    for (const n of [...new Set([...G.rssSizes, ...G.wallTimeSizes])].sort((a, b) => a - b)) {
      runs.push(await runSize(n, G.latencyMs, dir, log, { shards: n === G.shardSize }))
    }
    runs.push(await runSize(G.rssZeroLatencySize, 0, dir, log))
    const budget = await runBudget(core, log)
    return summarise(runs, budget, chain)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const summarise = (runs, budget, chain) => {
  const G = FLEET_GOALS
  const c = DEFAULT_FLEET_CONCURRENCY
  const verdict = (ok) => (ok ? "PASS" : "MISS")
  const timed = G.wallTimeSizes.map((n) => {
    const r = runs.find((x) => x.targets === n && x.latencyMs === G.latencyMs)
    const boundMs = Math.ceil((n * chain) / c) * G.latencyMs
    return { targets: n, boundMs, fleetMs: r.fleetMs, wallMs: r.wallMs, ratio: round(r.fleetMs / boundMs, 2) }
  })
  const rss = runs.map((r) => ({ targets: r.targets, latencyMs: r.latencyMs, peakRssMb: r.peakRssMb }))
  const largest = rss.find((r) => r.targets === G.rssZeroLatencySize)
  const smallest = rss.find((r) => r.targets === Math.min(...G.rssSizes))
  const flat = round(largest.peakRssMb / smallest.peakRssMb, 2)
  const sharded = runs.find((r) => r.shards).shards
  const goals = [
    ...timed.map((t) => ({
      goal: `fleet of ${t.targets} at ${G.latencyMs} ms within ${G.boundRatio}x of ceil(targets × chain / ${c}) × latency (report binary)`,
      figure: `${t.ratio}x (${t.fleetMs} ms vs ${t.boundMs} ms; process ${t.wallMs} ms)`,
      result: verdict(t.fleetMs <= G.boundRatio * t.boundMs)
    })),
    {
      goal: `fleet peak RSS under ${G.peakRssMb} MB at ${G.rssZeroLatencySize} targets and flat (within ${G.flatRatio}x of ${smallest.targets} targets)`,
      figure: `${rss.map((r) => `${r.targets}: ${r.peakRssMb} MB`).join(", ")} (${flat}x)`,
      result: verdict(largest.peakRssMb < G.peakRssMb && flat <= G.flatRatio)
    },
    {
      goal: `two shards and a merge give the unsharded run's verdict for every target (fleet of ${G.shardSize})`,
      figure: `${sharded.shardTargets.join(" + ")} targets, ${sharded.differing.length} differing`,
      result: verdict(sharded.identical)
    },
    {
      goal: `${budget.targets} targets on one platform: no 60 s with more requests than its budget`,
      figure: `at most ${budget.busiestMinute} in any 60 s of ${budget.requests} (budget ${budget.perPlatformPerMinute}/min)`,
      result: verdict(budget.within)
    }
  ]
  const lines = [
    `Fleets (\`fleet:N\` scenarios, one account per platform, Basic + OAuth where the platform's story has both; the report binary, a fresh process per run, \`--fleet FILE --format ndjson\` into a file, default \`--fleet-concurrency\` ${c}; the fleet's time from its \`fleet_finished\` line; the bound is \`ceil(targets × ${chain} / ${c}) × latency\`, ${chain} being one audit's critical chain):`,
    "",
    "| targets | latency | bound | fleet time | ratio | process | peak RSS | ready / with warnings / not ready / incomplete |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ...runs.map((r) => {
      const t = timed.find((x) => x.targets === r.targets && r.latencyMs === G.latencyMs)
      const k = r.counts ?? {}
      return `| ${r.targets} | ${r.latencyMs} ms | ${t ? `${t.boundMs} ms` : "–"} | ${r.fleetMs} ms | ${t ? `${t.ratio}x` : "–"} | ${r.wallMs} ms | ${r.peakRssMb} MB | ${k.ready} / ${k.ready_with_warnings} / ${k.not_ready} / ${k.incomplete} |`
    }),
    "",
    `Shards: a fresh \`fleet:${G.shardSize}\` in \`--shard 1/2\` and \`2/2\` (${sharded.shardTargets.join(" and ")} targets), then \`merge\`: ${sharded.mergedTargets} targets, ${sharded.differing.length} verdicts differing from the unsharded run.`,
    "",
    `Per-platform budget: ${budget.targets} targets on one \`ready\` platform with the same account, through the library (\`auditFleet\`, concurrency ${budget.concurrency}, \`perPlatformPerMinute\` ${budget.perPlatformPerMinute}, \`maxRequests\` ${budget.maxRequests}, no latency): ${budget.requests} requests in ${round(budget.wallMs / 1000, 1)} s, at most ${budget.busiestMinute} in any 60 s of the simulator's journal.`
  ]
  return { results: { chain, concurrency: c, runs: runs.map(({ verdicts, ...r }) => r), timed, budget }, goals, lines }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const core = await import(new URL("packages/core/dist/index.js", root).href)
  const log = (line) => process.stderr.write(`${line}\n`)
  log(
    `load average ${os
      .loadavg()
      .map((x) => round(x, 2))
      .join(" ")}`
  )
  const { goals, lines } = await fleetBench({ core, log })
  process.stdout.write(
    `${[...lines, "", "| goal | figure | result |", "| --- | --- | --- |", ...goals.map((g) => `| ${g.goal} | ${g.figure} | ${g.result} |`)].join("\n")}\n`
  )
}
