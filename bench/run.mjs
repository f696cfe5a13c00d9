#!/usr/bin/env node
/**
 * `pnpm bench`: measures arlo-ready against the simulator and prints the figures, PASS or MISS against
 * each goal. Writes bench/results/latest.json (the figures and the machine) and refreshes the table in
 * bench/README.md. Expects the packages to be built (`pnpm bench` builds them first).
 *
 * Options: --runs N (default 7), --process-runs N (default 5), --startup-runs N (default 15),
 * --no-fleet (leave out the fleet figures, fleet.mjs: a few minutes of the run), --no-readme.
 */
import { spawn } from "node:child_process"
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import * as nodeModule from "node:module"
import * as os from "node:os"
import { fileURLToPath } from "node:url"
import { packInstall } from "../scripts/pack-install.mjs"
import { baseline } from "./baseline.mjs"
import { derivedChain, observedChain, ownTime } from "./chain.mjs"
import { fleetBench } from "./fleet.mjs"
import { startPlatform } from "./platform.mjs"

const root = new URL("../", import.meta.url)
const here = new URL("./", import.meta.url)
const at = (rel) => fileURLToPath(new URL(rel, root))

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name)
  if (i === -1) return fallback
  const n = Number(process.argv[i + 1])
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`bench: ${name} needs a whole number above 0\n`)
    process.exit(2)
  }
  return n
}
const RUNS = arg("--runs", 7)
const PROCESS_RUNS = arg("--process-runs", 5)
/** Fresh processes per start-up command (each a tenth of a second or so). */
const STARTUP_RUNS = arg("--startup-runs", 15)
const FULL_BASELINE_RUNS = 3
/** Library runs before the timed ones, so that "a warm process" is one. */
const WARM_UP_RUNS = 3
const LATENCIES = [50, 150]
const GOALS = {
  /** The library in a warm process, at every latency. */
  boundRatio: 1.3,
  /** The report binary, a fresh process per audit, by latency. */
  reportBinaryBoundRatio: { 50: 1.3, 150: 1.15 },
  speedup: 3,
  speedupAtLatency: 150,
  /** Each app's `--version` against `node -e 0`. */
  startupRatio: 1.5,
  /** A full audit by the report binary, peak RSS. */
  peakRssMb: 90,
  /** Each app installed globally from its packed tarball. */
  installedMb: 10
}
/** Node 22.1+ has the module compile cache (the apps turn it on); older versions have no such lever. */
const hasCompileCache = typeof nodeModule.enableCompileCache === "function"
const noCompileCache = `n/a (Node ${process.versions.node.split(".")[0]})`

for (const f of [
  "packages/simulator/dist/index.js",
  "packages/core/dist/index.js",
  "apps/report/dist/bin.js",
  "apps/tui/dist/bin.js"
]) {
  if (!existsSync(at(f))) {
    process.stderr.write(`bench: ${f} is missing: run pnpm bench (it builds first) or pnpm build\n`)
    process.exit(2)
  }
}
const core = await import(new URL("packages/core/dist/index.js", root).href)
const reportBin = at("apps/report/dist/bin.js")
const tuiBin = at("apps/tui/dist/bin.js")
const timeBin = existsSync("/usr/bin/time") ? "/usr/bin/time" : null

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2
}
const round = (x, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits
/** The median of each part of the audit's own time over runs. */
const medianOwn = (xs) =>
  Object.fromEntries(Object.keys(xs[0]).map((k) => [k.replace(/Ms$/, ""), round(median(xs.map((x) => x[k])), 1)]))
const log = (line) => process.stderr.write(`${line}\n`)

const auditOptions = (platform) => {
  const a = platform.audit
  return {
    baseUrl: platform.baseUrl,
    username: a.username,
    password: a.password,
    clientId: a.clientId,
    clientSecret: a.clientSecret,
    redirectUri: a.redirectUri,
    scopes: a.scopes,
    mfaSetting: a.mfaSetting
  }
}

const auditEnv = (platform) => {
  const a = platform.audit
  return {
    PATH: process.env.PATH ?? "",
    ARLO_BASE_URL: platform.baseUrl,
    ARLO_USERNAME: a.username,
    ARLO_PASSWORD: a.password,
    ARLO_CLIENT_ID: a.clientId,
    ARLO_CLIENT_SECRET: a.clientSecret,
    ARLO_REDIRECT_URI: a.redirectUri,
    ARLO_SCOPES: a.scopes.join(" "),
    ARLO_MFA_SETTING: a.mfaSetting
  }
}

/** Peak RSS of a running process from /proc (the fallback when /usr/bin/time is absent). */
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

/** Runs a command to its exit: wall time (spawn to exit), peak RSS, exit code, stdout. */
const measureProcess = (command, args, env) =>
  new Promise((resolve, reject) => {
    const argv = timeBin ? [timeBin, ["-v", command, ...args]] : [command, args]
    const started = performance.now()
    const child = spawn(argv[0], argv[1], { env, stdio: ["ignore", "pipe", "pipe"] })
    const stopWatch = timeBin ? null : watchRss(child.pid)
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d) => {
      stdout += d
    })
    child.stderr.on("data", (d) => {
      stderr += d
    })
    child.on("error", reject)
    child.on("close", (code) => {
      const wallMs = performance.now() - started
      const rssKb = timeBin
        ? Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? Number.NaN)
        : stopWatch()
      const exit = timeBin ? Number(/Exit status: (\d+)/.exec(stderr)?.[1] ?? code) : code
      resolve({ wallMs, rssMb: rssKb / 1024, exit, stdout })
    })
  })

/** Wall time alone, spawn to exit, with nothing between (no /usr/bin/time): the start-up figures. */
const measureWall = (command, args, env) =>
  new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(command, args, { env, stdio: ["ignore", "ignore", "ignore"] })
    child.on("error", reject)
    child.on("close", (code) => resolve({ wallMs: performance.now() - started, exit: code }))
  })

// ---------------------------------------------------------------------------------------------------

const machine = {
  cpu: os.cpus()[0]?.model ?? "unknown",
  cores: os.cpus().length,
  memoryGb: round(os.totalmem() / 1024 ** 3, 1),
  node: process.version,
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  date: new Date().toISOString(),
  loadAverageAtStart: os.loadavg().map((x) => round(x, 2)),
  rssMeasuredWith: timeBin ? "/usr/bin/time -v" : "/proc/<pid>/status VmHWM"
}
log(
  `arlo-ready bench on ${machine.cpu} (${machine.cores} cores), Node ${machine.node}, load ${machine.loadAverageAtStart.join(" ")}`
)

const audits = []
const baselines = []
let requests

for (const latencyMs of LATENCIES) {
  const sim = await startPlatform(latencyMs)
  try {
    const platform = sim.platforms.acme
    const basePath = new URL(platform.baseUrl).pathname
    const options = auditOptions(platform)
    log(`latency ${latencyMs} ms: warming up`)
    for (let i = 0; i < WARM_UP_RUNS; i++) await core.runAudit(options)

    const runs = []
    for (let i = 0; i < RUNS; i++) {
      await sim.clearJournal()
      const started = performance.now()
      const report = await core.runAudit(options)
      const wallMs = performance.now() - started
      const { entries: journal, peakInFlight } = await sim.snapshot()
      runs.push({ wallMs, report, journal, peak: peakInFlight.acme })
    }
    const verdicts = [...new Set(runs.map((r) => r.report.verdict))]
    const chains = runs.map((r) => derivedChain(core.catalogue, r.report, r.journal, basePath))
    const observed = runs.map((r) => observedChain(r.journal, basePath))
    const chain = chains[0]
    const chainLengths = [...new Set(chains.map((c) => c.length))]
    const observedLengths = [...new Set(observed.map((c) => c.length))]
    const libraryMs = median(runs.map((r) => r.wallMs))
    // The bound rests on the chain observed on the wire: the audit starts some probes before the checks
    // that read them, so the chain derived from the checks' prerequisites can be longer than what the
    // audit actually waits for. The shortest chain seen over the runs gives the tightest bound.
    const chainLength = Math.min(...observed.map((c) => c.length))
    const boundMs = chainLength * latencyMs
    log(`  library: median ${round(libraryMs)} ms over ${RUNS} runs; chain ${chainLength} → bound ${boundMs} ms`)

    const cli = []
    for (let i = 0; i < PROCESS_RUNS; i++) {
      await sim.clearJournal()
      const r = await measureProcess(process.execPath, [reportBin, "--format", "json"], auditEnv(platform))
      const report = JSON.parse(r.stdout)
      cli.push({
        processMs: r.wallMs,
        auditMs: report.durationMs,
        exit: r.exit,
        verdict: report.verdict,
        own: ownTime(report, await sim.journal(), basePath)
      })
    }
    const cliAuditMs = median(cli.map((c) => c.auditMs))
    log(
      `  report binary: audit median ${round(cliAuditMs)} ms (process ${round(median(cli.map((c) => c.processMs)))} ms)`
    )

    const same = []
    for (let i = 0; i < RUNS; i++) {
      await sim.clearJournal()
      same.push(await baseline({ baseUrl: platform.baseUrl, ...platform.audit }, { coverage: "same" }))
    }
    const full = []
    for (let i = 0; i < FULL_BASELINE_RUNS; i++) {
      await sim.clearJournal()
      full.push(await baseline({ baseUrl: platform.baseUrl, ...platform.audit }, { coverage: "full" }))
    }
    const baselineMs = median(same.map((b) => b.wallMs))
    const fullMs = median(full.map((b) => b.wallMs))
    log(
      `  baseline: ${same[0].requests} requests in ${round(baselineMs)} ms; full coverage ${full[0].requests} in ${round(fullMs)} ms`
    )

    audits.push({
      latencyMs,
      verdicts,
      chain: {
        length: chainLength,
        derivedLength: chain.length,
        checks: chain.checks,
        requests: chain.requests,
        lengthsSeen: chainLengths,
        observedLengthsSeen: observedLengths,
        observed: observed[0],
        medianGapsMs: chain.gapsMs.map((_, i) => round(median(chains.map((c) => c.gapsMs[i] ?? 0)), 1)),
        unattributedRequests: chain.unattributed
      },
      boundMs,
      library: {
        medianMs: round(libraryMs, 1),
        runsMs: runs.map((r) => round(r.wallMs, 1)),
        ratio: round(libraryMs / boundMs, 2),
        within: libraryMs <= GOALS.boundRatio * boundMs,
        ownTimeMs: medianOwn(runs.map((r) => ownTime(r.report, r.journal, basePath)))
      },
      reportBinary: {
        medianAuditMs: round(cliAuditMs, 1),
        medianProcessMs: round(median(cli.map((c) => c.processMs)), 1),
        auditRunsMs: cli.map((c) => c.auditMs),
        ratio: round(cliAuditMs / boundMs, 2),
        within: cliAuditMs <= GOALS.reportBinaryBoundRatio[latencyMs] * boundMs,
        exits: [...new Set(cli.map((c) => c.exit))],
        ownTimeMs: medianOwn(cli.map((c) => c.own))
      },
      goal: { library: GOALS.boundRatio, reportBinary: GOALS.reportBinaryBoundRatio[latencyMs] }
    })
    baselines.push({
      latencyMs,
      same: { requests: same[0].requests, medianMs: round(baselineMs, 1), facts: same[0].facts },
      full: { requests: full[0].requests, medianMs: round(fullMs, 1) },
      arloReadyMs: round(libraryMs, 1),
      speedup: round(baselineMs / libraryMs, 2),
      speedupMet: baselineMs >= GOALS.speedup * libraryMs,
      speedupFullCoverage: round(fullMs / libraryMs, 2),
      maxSpeedupSameRequests: round(same[0].requests / chainLength, 2)
    })
    if (latencyMs === LATENCIES[0]) {
      const counts = runs.map((r) => r.report.requests.count)
      requests = {
        perAudit: median(counts),
        journalled: median(runs.map((r) => r.journal.length)),
        budget: runs[0].report.requests.budget,
        peakInFlight: Math.max(...runs.map((r) => r.peak)),
        concurrencyCap: core.defaults.concurrency
      }
    }
  } finally {
    await sim.close()
  }
}

log("start-up: zero-latency simulator")
/**
 * Start-up: each command in fresh processes, the commands interleaved run by run (a shift in the
 * machine's load falls on all of them alike), after one untimed round (the files in the page cache, the
 * compile cache written where Node has one). That round runs under /usr/bin/time and gives the peak
 * RSS; the timed runs spawn the command alone. Where Node has a compile cache, every command runs
 * again with it turned off (NODE_DISABLE_COMPILE_CACHE=1), interleaved with the rest.
 */
const startup = { runs: STARTUP_RUNS, compileCache: hasCompileCache, commands: {} }
let fullAudit
{
  const sim = await startPlatform(0)
  try {
    const env = auditEnv(sim.platforms.acme)
    const offEnv = { ...env, NODE_DISABLE_COMPILE_CACHE: "1" }
    const commands = [
      ["node -e 0", ["-e", "0"]],
      ["arlo-ready-report --version", [reportBin, "--version"]],
      ["arlo-ready --version", [tuiBin, "--version"]],
      ["arlo-ready-report --help", [reportBin, "--help"]],
      ["arlo-ready --help", [tuiBin, "--help"]]
    ]
    const variants = hasCompileCache
      ? [
          ["on", env],
          ["off", offEnv]
        ]
      : [["on", env]]
    const walls = {}
    for (const [name, args] of commands) {
      const r = await measureProcess(process.execPath, args, env)
      startup.commands[name] = { peakRssMb: round(r.rssMb, 1), exits: [r.exit] }
      for (const [v] of variants) walls[`${name}|${v}`] = []
    }
    for (let i = 0; i < STARTUP_RUNS; i++) {
      for (const [v, e] of variants) {
        for (const [name, args] of commands) walls[`${name}|${v}`].push(await measureWall(process.execPath, args, e))
      }
    }
    const floor = (v) => median(walls[`node -e 0|${v}`].map((r) => r.wallMs))
    for (const [name] of commands) {
      const c = startup.commands[name]
      for (const [v] of variants) {
        const runs = walls[`${name}|${v}`]
        const ms = median(runs.map((r) => r.wallMs))
        c[v === "on" ? "medianMs" : "compileCacheOffMedianMs"] = round(ms, 1)
        c[v === "on" ? "ratio" : "compileCacheOffRatio"] = round(ms / floor(v), 2)
        c.exits = [...new Set([...c.exits, ...runs.map((r) => r.exit)])]
      }
      log(
        `  ${name}: ${c.medianMs} ms (${c.ratio}x), compile cache off ${hasCompileCache ? `${c.compileCacheOffMedianMs} ms (${c.compileCacheOffRatio}x)` : noCompileCache}, ${c.peakRssMb} MB`
      )
    }

    const runs = []
    for (let i = 0; i < PROCESS_RUNS; i++) {
      runs.push(await measureProcess(process.execPath, [reportBin, "--format", "json"], env))
    }
    fullAudit = {
      medianMs: round(median(runs.map((r) => r.wallMs))),
      peakRssMb: round(Math.max(...runs.map((r) => r.rssMb)), 1),
      medianRssMb: round(median(runs.map((r) => r.rssMb)), 1),
      exits: [...new Set(runs.map((r) => r.exit))]
    }
    log(`  arlo-ready-report (full audit): ${fullAudit.medianMs} ms, peak RSS ${fullAudit.peakRssMb} MB`)
  } finally {
    await sim.close()
  }
}

log("installed sizes: pnpm pack, then npm install --global into an empty prefix")
const installed = {}
for (const [name, dir] of [
  ["arlo-ready-report", "apps/report"],
  ["arlo-ready", "apps/tui"]
]) {
  const r = await packInstall(at(dir), { mode: "global" })
  try {
    installed[name] = {
      installedBytes: r.installedBytes,
      installedMb: round(r.installedBytes / 1024 ** 2, 2),
      tarballMb: round(r.tarballBytes / 1024 ** 2, 2)
    }
  } finally {
    r.cleanup()
  }
  log(`  ${name}: ${installed[name].installedMb} MB installed (tarball ${installed[name].tarballMb} MB)`)
}

const fleet = process.argv.includes("--no-fleet")
  ? null
  : await fleetBench({ core, chainLength: audits.find((a) => a.latencyMs === 50)?.chain.length, log })
machine.loadAverageAtEnd = os.loadavg().map((x) => round(x, 2))

// ---------------------------------------------------------------------------------------------------

const verdict = (ok) => (ok ? "PASS" : "MISS")
const at150 = baselines.find((b) => b.latencyMs === GOALS.speedupAtLatency)
const goals = [
  ...audits.map((a) => ({
    goal: `audit within ${GOALS.boundRatio}x of the critical-path bound at ${a.latencyMs} ms (library)`,
    figure: `${round(a.library.medianMs / a.boundMs, 3)}x (${a.library.medianMs} ms vs ${a.boundMs} ms)`,
    result: verdict(a.library.within)
  })),
  ...audits.map((a) => ({
    goal: `audit within ${a.goal.reportBinary}x of the critical-path bound at ${a.latencyMs} ms (report binary, cold)`,
    figure: `${round(a.reportBinary.medianAuditMs / a.boundMs, 3)}x (${a.reportBinary.medianAuditMs} ms vs ${a.boundMs} ms)`,
    result: verdict(a.reportBinary.within)
  })),
  {
    goal: `at least ${GOALS.speedup}x faster than the sequential baseline at ${GOALS.speedupAtLatency} ms`,
    figure: `${at150.speedup}x (at most ${at150.maxSpeedupSameRequests}x possible with the same ${at150.same.requests} requests)`,
    result: verdict(at150.speedupMet)
  },
  ...["arlo-ready-report --version", "arlo-ready --version"].map((name) => {
    const c = startup.commands[name]
    const floor = startup.commands["node -e 0"]
    return {
      goal: `\`${name}\` within ${GOALS.startupRatio}x of \`node -e 0\` (start to exit, fresh processes)`,
      figure: `${c.ratio}x (${c.medianMs} ms vs ${floor.medianMs} ms)`,
      result: verdict(c.ratio <= GOALS.startupRatio)
    }
  }),
  {
    goal: `peak RSS of a full audit by the report binary under ${GOALS.peakRssMb} MB`,
    figure: `${fullAudit.peakRssMb} MB (highest of ${PROCESS_RUNS} runs; median ${fullAudit.medianRssMb} MB)`,
    result: verdict(fullAudit.peakRssMb < GOALS.peakRssMb)
  },
  ...Object.entries(installed).map(([name, x]) => ({
    goal: `${name} installed (npm install --global of its tarball) under ${GOALS.installedMb} MB`,
    figure: `${x.installedMb} MB (tarball ${x.tarballMb} MB)`,
    result: verdict(x.installedMb < GOALS.installedMb)
  })),
  {
    goal: "requests per audit within the budget",
    figure: `${requests.perAudit} of ${requests.budget}`,
    result: verdict(requests.perAudit <= requests.budget)
  },
  {
    goal: "requests in flight within the concurrency cap",
    figure: `${requests.peakInFlight} of ${requests.concurrencyCap}`,
    result: verdict(requests.peakInFlight <= requests.concurrencyCap)
  },
  ...(fleet?.goals ?? [])
]

const results = {
  machine,
  config: {
    scenario: "ready",
    checks: "Basic + OAuth (every check)",
    runs: RUNS,
    warmUpRuns: WARM_UP_RUNS,
    processRuns: PROCESS_RUNS,
    startupRuns: STARTUP_RUNS,
    simulator: "its own process (bench/platform.mjs)",
    fullBaselineRuns: FULL_BASELINE_RUNS,
    latenciesMs: LATENCIES
  },
  goals,
  audits,
  baselines,
  startup,
  fullAudit,
  installed,
  requests,
  fleet: fleet?.results ?? null
}

const table = [
  `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}, ${machine.os}; ${machine.date.slice(0, 10)}; load average ${machine.loadAverageAtStart.join(" ")} at start, ${machine.loadAverageAtEnd.join(" ")} at end.`,
  "",
  `Audit wall time, \`ready\` scenario, Basic + OAuth, every check (the simulator in a process of its own; median of ${RUNS} library runs in a warm process, after ${WARM_UP_RUNS} untimed ones; median of ${PROCESS_RUNS} report-binary runs, each a fresh process, audit time from the report's \`durationMs\`):`,
  "",
  "| latency | critical chain | bound | arlo-ready (library) | ratio | report binary (cold) | ratio | sequential baseline | speed-up | full-coverage baseline | speed-up |",
  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...audits.map((a) => {
    const b = baselines.find((x) => x.latencyMs === a.latencyMs)
    return `| ${a.latencyMs} ms | ${a.chain.length} requests | ${a.boundMs} ms | ${a.library.medianMs} ms | ${a.library.ratio}x | ${a.reportBinary.medianAuditMs} ms | ${a.reportBinary.ratio}x | ${b.same.medianMs} ms (${b.same.requests} req.) | ${b.speedup}x | ${b.full.medianMs} ms (${b.full.requests} req.) | ${b.speedupFullCoverage}x |`
  }),
  "",
  "The audit's own time along the critical chain (medians; the rest of the wall time is waiting for the platform): before its first request, between an answer and the next request on the chain, after the last answer.",
  "",
  "| latency | library: before / between / after | report binary (cold): before / between / after |",
  "| ---: | ---: | ---: |",
  ...audits.map((a) => {
    const f = (o) => `${o.beforeFirstRequest} / ${o.betweenHops} / ${o.afterLastAnswer} ms`
    return `| ${a.latencyMs} ms | ${f(a.library.ownTimeMs)} | ${f(a.reportBinary.ownTimeMs)} |`
  }),
  "",
  `Start-up: process start to exit, median of ${STARTUP_RUNS} fresh processes per command, the commands interleaved; the ratio is to \`node -e 0\`; peak RSS from one untimed run before them (/usr/bin/time). The apps turn Node's compile cache on where Node has it (22.1+); the last columns run them with it off (\`NODE_DISABLE_COMPILE_CACHE=1\`).`,
  "",
  "| command | wall time | ratio | compile cache off | ratio | peak RSS |",
  "| --- | ---: | ---: | ---: | ---: | ---: |",
  ...Object.entries(startup.commands).map(
    ([name, c]) =>
      `| \`${name}\` | ${c.medianMs} ms | ${c.ratio}x | ${hasCompileCache ? `${c.compileCacheOffMedianMs} ms` : noCompileCache} | ${hasCompileCache ? `${c.compileCacheOffRatio}x` : noCompileCache} | ${c.peakRssMb} MB |`
  ),
  "",
  `A full audit by the report binary (\`--format json\`, zero-latency simulator), ${PROCESS_RUNS} fresh processes: ${fullAudit.medianMs} ms start to exit (median), peak RSS ${fullAudit.peakRssMb} MB (the highest; median ${fullAudit.medianRssMb} MB).`,
  "",
  `Installed size (\`pnpm pack\`, then \`npm install --global\` of the tarball into an empty prefix; MB of 1024² bytes): ${Object.entries(
    installed
  )
    .map(([name, x]) => `${name} ${x.installedMb} MB (tarball ${x.tarballMb} MB)`)
    .join(", ")}.`,
  "",
  `Requests per audit: ${requests.perAudit} (journalled by the simulator: ${requests.journalled}) of a budget of ${requests.budget}; peak in flight ${requests.peakInFlight} (cap ${requests.concurrencyCap}).`,
  "",
  ...(fleet ? [...fleet.lines, ""] : []),
  "| goal | figure | result |",
  "| --- | --- | --- |",
  ...goals.map((g) => `| ${g.goal} | ${g.figure} | ${g.result} |`)
].join("\n")

mkdirSync(new URL("results/", here), { recursive: true })
writeFileSync(new URL("results/latest.json", here), `${JSON.stringify(results, null, 2)}\n`)
if (!process.argv.includes("--no-readme")) {
  const readme = new URL("README.md", here)
  if (existsSync(readme)) {
    const text = readFileSync(readme, "utf8")
    const start = "<!-- bench:latest:start -->"
    const end = "<!-- bench:latest:end -->"
    const i = text.indexOf(start)
    const j = text.indexOf(end)
    if (i !== -1 && j > i) writeFileSync(readme, `${text.slice(0, i + start.length)}\n${table}\n${text.slice(j)}`)
  }
}
process.stdout.write(`${table}\n`)
for (const a of audits) {
  if (a.verdicts.length !== 1 || a.verdicts[0] !== "ready") {
    process.stdout.write(
      `\nWARNING: at ${a.latencyMs} ms the audit's verdict was ${a.verdicts.join(", ")}, not ready\n`
    )
  }
  if (!a.chain.lengthsSeen.every((l) => l === a.chain.derivedLength) || a.chain.unattributedRequests.length > 0) {
    process.stdout.write(`\nWARNING: at ${a.latencyMs} ms the derived chain varied or missed requests\n`)
  }
}
for (const [name, c] of [...Object.entries(startup.commands), ["arlo-ready-report (full audit)", fullAudit]]) {
  if (!c.exits.every((e) => e === 0)) process.stdout.write(`\nWARNING: \`${name}\` exited ${c.exits.join(", ")}\n`)
}
