#!/usr/bin/env node
/**
 * The HTML report's figures (`node bench/html.mjs [--targets N]`, after a build): a `fleet:N` scenario
 * of the simulator (1,000 targets by default, in a process of its own) audited for real by the report
 * binary with `--output html=…`, then:
 *
 * - the size of the fleet's HTML file against the goal (under 3 MB for 1,000 targets), and per target;
 * - the size of one audit's HTML file;
 * - the time to render the fleet's report as HTML in this process (median of 5);
 * - with Chromium at hand (`/usr/bin/chromium` or `ARLO_READY_CHROMIUM`), the time for it to open the file
 *   (load event) and to apply a filter to the matrix.
 *
 * Figures to read, never assertions: the size goal is asserted by the browser tests as well.
 */
import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import * as os from "node:os"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { startPlatform } from "./platform.mjs"

const root = new URL("../", import.meta.url)
const reportBin = fileURLToPath(new URL("apps/report/dist/bin.js", root))
const GOAL_BYTES = 3_000_000
const targetsArg = process.argv.indexOf("--targets")
const targets = targetsArg > 0 ? Number(process.argv[targetsArg + 1]) : 1000
if (!Number.isInteger(targets) || targets < 1) {
  console.error("--targets takes a whole number of targets, e.g. --targets 1000")
  process.exit(2)
}
if (!existsSync(reportBin)) {
  console.error("apps/report/dist/bin.js is missing: run `pnpm build` first")
  process.exit(2)
}

const run = (args, env) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [reportBin, ...args], {
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "ignore", "pipe"]
    })
    let stderr = ""
    child.stderr.on("data", (d) => {
      stderr += d
    })
    child.once("error", reject)
    child.once("exit", (code) => resolve({ code, stderr }))
  })

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const mb = (n) => `${(n / 1_000_000).toFixed(2)} MB`

const dir = mkdtempSync(join(os.tmpdir(), "arlo-ready-bench-html-"))
const platform = await startPlatform(0, `fleet:${targets}`)
try {
  const fleetFile = join(dir, "fleet.json")
  writeFileSync(fleetFile, JSON.stringify(platform.fleet.file))
  const html = join(dir, "fleet.html")
  const json = join(dir, "fleet-report.json")
  const started = performance.now()
  const audited = await run(["--fleet", fleetFile, "--output", `html=${html}`, "--output", `json=${json}`], {
    ...platform.fleet.env,
    CI: "true"
  })
  const auditMs = performance.now() - started
  if (![0, 1, 3].includes(audited.code)) throw new Error(`the fleet audit exited ${audited.code}: ${audited.stderr}`)
  const bytes = statSync(html).size
  const report = JSON.parse(readFileSync(json, "utf8"))

  const { fleetHtml } = await import(new URL("apps/report/dist/HtmlFleet.js", root).href)
  const { html: auditHtml } = await import(new URL("apps/report/dist/Html.js", root).href)
  const renders = []
  for (let i = 0; i < 5; i++) {
    const t = performance.now()
    fleetHtml(report)
    renders.push(performance.now() - t)
  }
  const one = report.targets.find((t) => t.report !== null)
  const auditBytes = one ? Buffer.byteLength(auditHtml(one.report)) : 0

  const lines = [
    `HTML report, a fleet of ${targets} targets (fleet:${targets}, audited in ${(auditMs / 1000).toFixed(1)} s)`,
    `  fleet file        ${mb(bytes)} (${Math.round(bytes / targets)} bytes a target); goal under ${mb(GOAL_BYTES)} for 1,000: ${
      targets === 1000 ? (bytes < GOAL_BYTES ? "PASS" : "MISS") : "n/a at this size"
    }`,
    `  one audit's file  ${(auditBytes / 1000).toFixed(1)} kB`,
    `  render            ${median(renders).toFixed(0)} ms (median of 5, in this process)`
  ]

  const chromium = process.env.ARLO_READY_CHROMIUM ?? "/usr/bin/chromium"
  if (existsSync(chromium)) {
    const require = createRequire(new URL("apps/report/package.json", root))
    const { chromium: driver } = require("playwright-core")
    const browser = await driver.launch({ executablePath: chromium })
    try {
      const page = await browser.newPage()
      const t = performance.now()
      await page.goto(pathToFileURL(html).href, { waitUntil: "load", timeout: 120_000 })
      const loadMs = performance.now() - t
      const f = performance.now()
      await page.locator(".filter select[name=verdict]").selectOption("not_ready")
      await page.locator(".filter output").textContent()
      const filterMs = performance.now() - f
      lines.push(
        `  Chromium          opens it in ${loadMs.toFixed(0)} ms (load event); a verdict filter applies in ${filterMs.toFixed(0)} ms`
      )
    } finally {
      await browser.close()
    }
  } else {
    lines.push("  Chromium          not found (/usr/bin/chromium or ARLO_READY_CHROMIUM): no load time")
  }
  lines.push(`  machine           ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}`)
  console.log(lines.join("\n"))
} finally {
  await platform.close()
  rmSync(dir, { recursive: true, force: true })
}
