/**
 * The HTML report in a real Chromium: the built binary's `--output html=PATH` for every platform of
 * every built-in scenario (verdict, counts, the checklist, each finding's fix, the request timeline's
 * bars, the filter), with JavaScript disabled (the checklist, causes and fixes still there), printed,
 * a hostile platform's markup and script shown as text and never run, the fleet view (matrix worst
 * first, filters, sorting, each row opening its target), and a fleet of a thousand targets that stays
 * under 3 MB and opens. Screenshots of each view land in `test-output/html/`.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import type { CheckStatus, FleetReport, Report } from "@arlo-ready/core"
import { fleetFileOf, type SimulatorHandle, startSimulator } from "@arlo-ready/simulator"
import type { Browser, BrowserContext, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { docsDir, docsScreenshots, launch, shotPath } from "./browser.js"
import { assertBuilt, auditEnv, leaked, pool, run, scenarioSecrets, validReport } from "./helpers.js"
import { apiException, startHostileServer } from "./hostile-server.js"

vi.setConfig({ testTimeout: 120_000, hookTimeout: 240_000 })

const dir = mkdtempSync(join(tmpdir(), "arlo-ready-html-"))
let browser: Browser
let js: BrowserContext
let noJs: BrowserContext
let sim: SimulatorHandle
const audits = new Map<string, { report: Report; path: string; html: string }>()
let fleet: { report: FleetReport; path: string; html: string }

const problems = new Set<CheckStatus>(["fail", "error", "warn", "skipped"])
const verdictWords = {
  ready: "Ready",
  ready_with_warnings: "Ready, with warnings",
  not_ready: "Not ready",
  incomplete: "Incomplete"
}

/** Opens a file and collects what the page complained about (script errors, blocked loads, CSP). */
const open = async (context: BrowserContext, path: string) => {
  const page = await context.newPage()
  const complaints: Array<string> = []
  page.on("pageerror", (e) => complaints.push(`pageerror: ${e.message}`))
  page.on("console", (m) => {
    if (m.type() === "error") complaints.push(`console: ${m.text()}`)
  })
  page.on("request", (r) => {
    if (!r.url().startsWith("file:")) complaints.push(`request: ${r.url()}`)
  })
  // Page-side code is written as strings: the tests are compiled without the DOM's types.
  await page.addInitScript(
    `document.addEventListener("securitypolicyviolation", (e) => { (window.violations ??= []).push(e.violatedDirective + " " + e.blockedURI) })`
  )
  await page.goto(pathToFileURL(path).href, { waitUntil: "load", timeout: 60_000 })
  return { page, complaints }
}

/** Every `#id` link of the page points at an element of the page. */
const danglingLinks = (page: Page) =>
  page.evaluate<Array<string>>(
    `[...document.querySelectorAll("a[href^='#']")].map((a) => a.getAttribute("href").slice(1)).filter((id) => id !== "" && !document.getElementById(id))`
  )

/** What the page's security policy refused, as the init script recorded it. */
const violations = (page: Page) => page.evaluate<Array<string>>("window.violations ?? []")

/** Each distinct exchange of a report once, as the timeline draws them. */
const exchangesOf = (report: Report) =>
  new Set(
    report.checks.flatMap((c) =>
      c.evidence
        .filter((e) => e.startMs !== undefined)
        .map((e) => `${e.method} ${e.path} ${e.startMs} ${e.durationMs} ${e.status}`)
    )
  )

beforeAll(async () => {
  assertBuilt()
  browser = await launch()
  js = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  noJs = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false })
  sim = await startSimulator({ scenario: "fleet:all" })
  await pool(
    Object.keys(sim.platforms).map((name) => async () => {
      const path = join(dir, `${name}.html`)
      const result = await run(["--format", "json", "--output", `html=${path}`], { env: auditEnv(sim, name) })
      expect(result.stderr, name).toBe("")
      audits.set(name, { report: validReport(JSON.parse(result.stdout)), path, html: readFileSync(path, "utf8") })
    }),
    // Two at a time: each is a subprocess, on a machine of two cores.
    2
  )
  const { file, env } = fleetFileOf(sim)
  const tagged = {
    ...file,
    targets: file.targets.map((t, i) => ({ ...t, tags: [i % 2 === 0 ? "prod" : "staging", `team-${i % 3}`] }))
  }
  const fleetPath = join(dir, "fleet.json")
  writeFileSync(fleetPath, JSON.stringify(tagged))
  const path = join(dir, "fleet.html")
  const json = join(dir, "fleet-report.json")
  const result = await run(
    ["--fleet", fleetPath, "--format", "html", "--output", `json=${json}`, "--output", `html=${path}`],
    {
      env: { ...env, CI: "true" }
    }
  )
  expect(result.code).toBe(1)
  fleet = { report: JSON.parse(readFileSync(json, "utf8")) as FleetReport, path, html: readFileSync(path, "utf8") }
  expect(result.stdout).toBe(fleet.html)
})

afterAll(async () => {
  await browser?.close()
  await sim?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe("the audit view, in Chromium, for every built-in scenario", () => {
  it.each(Object.keys(scenarioPlatforms()))("%s", async (name) => {
    const { report, path, html } = audits.get(name)!
    expect(leaked(html, scenarioSecrets(sim)), "no secret in the HTML").toEqual([])
    const { page, complaints } = await open(js, path)
    try {
      // The verdict and the counts first.
      expect(await page.locator("h1 .verdict").getAttribute("data-verdict")).toBe(report.verdict)
      expect(await page.locator("h1 .verdict").innerText()).toContain(verdictWords[report.verdict])
      for (const [status, n] of Object.entries(report.summary)) {
        const item = page.locator(`.counts li[data-count="${status}"] strong`)
        if (n === 0) expect(await item.count()).toBe(0)
        else expect(await item.innerText()).toBe(String(n))
      }
      // The checklist: every check in order, with its status.
      const lines = page.locator("#checks li.check")
      expect(
        await lines.evaluateAll((ls) =>
          ls.map((l) => `${l.querySelector("code")?.textContent} ${l.getAttribute("data-status")}`)
        )
      ).toEqual(report.checks.map((c) => `${c.id} ${c.status}`))
      // Each finding with its fix steps, as the report has them; a not-ready audit shows a failing one's.
      for (const c of report.checks.filter((k) => k.status === "fail" || k.status === "error" || k.status === "warn")) {
        const finding = page.locator(`article.finding[id="f-${c.id}"]`)
        await expect.poll(() => finding.isVisible()).toBe(true)
        if (c.remediation) {
          expect(await finding.locator("ol.steps li").allInnerTexts()).toEqual(c.remediation.steps)
          if (c.remediation.recheck) expect(await finding.locator("code.cmd").innerText()).toBe(c.remediation.recheck)
        }
        if (c.cause) expect(await finding.innerText()).toContain(c.cause.message.slice(0, 40))
      }
      if (report.verdict === "not_ready") {
        expect(await page.locator("article.finding.f ol.steps li").count()).toBeGreaterThan(0)
      }
      // The timeline: a bar per request, labelled with method and status, the critical chain marked.
      const bars = page.locator("figure.timeline li")
      expect(await bars.count()).toBe(exchangesOf(report).size)
      expect(await page.locator("figure.timeline li.crit").count()).toBeGreaterThan(0)
      for (const text of await bars.allInnerTexts()) expect(text).toMatch(/^(GET|POST|HEAD) \S+ (\d{3}|no response)/)
      const widths = await bars.locator("i").evaluateAll((is) => is.map((i) => i.getBoundingClientRect().width))
      for (const w of widths) expect(w).toBeGreaterThan(0)
      // The filter (the script ran under the page's policy): only what needs attention, then only passes.
      await page.locator(".filter select[name=show]").selectOption("problems")
      const visible = () => page.locator("#checks li.check:visible").count()
      expect(await visible()).toBe(report.checks.filter((c) => problems.has(c.status)).length)
      // The groups left without a check to show go, headings and all.
      const groups = new Set(report.checks.filter((c) => problems.has(c.status)).map((c) => c.group))
      expect(await page.locator("#checks h3:visible").count()).toBe(groups.size)
      await page.locator(".filter select[name=show]").selectOption("pass")
      expect(await visible()).toBe(report.checks.filter((c) => c.status === "pass").length)
      await page.locator(".filter select[name=show]").selectOption("all")
      expect(await danglingLinks(page)).toEqual([])
      expect(await violations(page)).toEqual([])
      expect(complaints).toEqual([])
      await page.screenshot({ path: shotPath(`audit-${name}`), fullPage: true })
    } finally {
      await page.close()
    }
  })
})

/** The platforms of the fleet:all scenario, known before the simulator starts (for the test names). */
function scenarioPlatforms(): Record<string, true> {
  return Object.fromEntries(
    [
      "api-user-only-harbour",
      "flaky-orbit",
      "integration-account-fjord",
      "locked-cobalt",
      "mfa-optional-delta",
      "mfa-required-ember",
      "no-api-access-granite",
      "oauth-bad-redirect-manuka",
      "oauth-pending-juniper",
      "oauth-unknown-client-lagoon",
      "oauth-wrong-secret-kowhai",
      "presenter-iris",
      "rate-limited-nikau",
      "ready-acme",
      "slow-pukeko",
      "wrong-password-bluegum",
      "demo-acme",
      "demo-globex",
      "demo-initech",
      "demo-umbrella"
    ].map((n) => [n, true])
  )
}

describe("the audit view, beyond the screen", () => {
  it("every platform of the scenarios is covered above", () => {
    expect(Object.keys(sim.platforms).sort()).toEqual(Object.keys(scenarioPlatforms()).sort())
  })

  it("with JavaScript disabled: the checklist, the causes and the fixes are all there", async () => {
    const { report, path } = audits.get("demo-umbrella")!
    const { page } = await open(noJs, path)
    try {
      expect(await page.locator("#checks li.check:visible").count()).toBe(report.checks.length)
      expect(await page.locator(".filter select").count()).toBe(0)
      const failing = report.checks.find((c) => c.status === "fail" && c.remediation)!
      const finding = page.locator(`article.finding[id="f-${failing.id}"]`)
      expect(await finding.isVisible()).toBe(true)
      expect(await finding.locator("ol.steps li").first().innerText()).toBe(failing.remediation!.steps[0])
      expect(await page.locator("figure.timeline li").count()).toBe(exchangesOf(report).size)
      await page.screenshot({ path: shotPath("audit-no-javascript"), fullPage: true })
    } finally {
      await page.close()
    }
  })

  it("dark, printed, and by keyboard", async () => {
    const { path } = audits.get("demo-globex")!
    const { page } = await open(js, path)
    try {
      await page.emulateMedia({ colorScheme: "dark" })
      const bg = await page.evaluate("getComputedStyle(document.body).backgroundColor")
      await page.emulateMedia({ colorScheme: "light" })
      expect(await page.evaluate("getComputedStyle(document.body).backgroundColor")).not.toBe(bg)
      await page.emulateMedia({ colorScheme: "dark" })
      await page.screenshot({ path: shotPath("audit-dark"), fullPage: true })
      // Landmarks and headings: one main, one h1.
      expect(await page.locator("main").count()).toBe(1)
      expect(await page.locator("h1").count()).toBe(1)
      // The first Tab reaches the skip link, which leads to the report.
      await page.keyboard.press("Tab")
      expect(await page.evaluate("document.activeElement?.textContent")).toBe("Skip to the report")
      await page.keyboard.press("Enter")
      expect(new URL(page.url()).hash).toBe("#main")
      // Printed: no controls, the evidence open.
      await page.emulateMedia({ media: "print" })
      expect(await page.locator(".filter").isVisible()).toBe(false)
      const pdf = await page.pdf()
      expect(pdf.subarray(0, 5).toString()).toBe("%PDF-")
    } finally {
      await page.close()
    }
  })

  it("waived and drift: a waived finding keeps its original status beside it, what changed leads", async () => {
    const { report } = audits.get("demo-umbrella")!
    // The baseline: this audit, with the client still approved (so its failure is new).
    const baseline = join(dir, "baseline.json")
    const before = {
      ...report,
      checks: report.checks.map((c) =>
        c.id === "oauth.client.approved" ? { ...c, status: "pass", cause: null, remediation: null } : c
      )
    }
    writeFileSync(baseline, JSON.stringify(before))
    const waivers = join(dir, "waivers.json")
    const waiver = { reason: "Approval requested from Arlo support", owner: "ops@umbrella.test", expires: "2027-06-30" }
    writeFileSync(
      waivers,
      JSON.stringify({
        waivers: [
          { check: "oauth.client.approved", ...waiver },
          { check: "basic.mfa", ...waiver }
        ]
      })
    )
    const path = join(dir, "living.html")
    const result = await run(
      ["--format", "json", "--output", `html=${path}`, "--baseline", baseline, "--waivers", waivers],
      {
        env: { ...auditEnv(sim, "demo-umbrella"), ARLO_READY_NOW: "2026-12-01" }
      }
    )
    const after = validReport(JSON.parse(result.stdout))
    expect(after.checks.find((c) => c.id === "oauth.client.approved")?.status).toBe("waived")
    const { page, complaints } = await open(js, path)
    try {
      expect(await page.locator("h1 .verdict").getAttribute("data-verdict")).toBe(after.verdict)
      const line = page.locator('#checks li.check[data-status="waived"]')
      expect(await line.locator("code").first().innerText()).toBe("oauth.client.approved")
      expect(await line.innerText()).toContain("was fail")
      expect(await page.locator('.counts li[data-count="waived"] strong').innerText()).toBe("1")
      // What changed comes before the checklist, and names the check.
      const drift = page.locator("section.drift")
      expect(await drift.innerText()).toContain("oauth.client.approved")
      const order = await page.evaluate<boolean>(
        `!!(document.querySelector("section.drift").compareDocumentPosition(document.getElementById("checks")) & Node.DOCUMENT_POSITION_FOLLOWING)`
      )
      expect(order).toBe(true)
      // The waiver's reason and owner with the finding; the waiver that matched nothing, as a warning.
      const finding = page.locator('article.finding[id="f-oauth.client.approved"]')
      expect(await finding.innerText()).toContain(waiver.reason)
      expect(await page.locator('section[aria-label="Waivers"]').innerText()).toContain("basic.mfa")
      expect(complaints).toEqual([])
      await page.screenshot({ path: shotPath("audit-waived-drift"), fullPage: true })
    } finally {
      await page.close()
    }
  })

  it("a hostile platform's markup and script are shown as text and never run", async () => {
    const PAYLOAD = `<script>window.pwned=1</script><img src=x onerror="window.pwned=2"><a href="javascript:alert(1)">x</a>"'><svg onload="window.pwned=3">`
    const server = await startHostileServer({
      markup: {
        root: ({ res }) => {
          res.writeHead(401, {
            "WWW-Authenticate": `Basic realm="${PAYLOAD.replace(/"/g, "'")}"`,
            "Content-Type": "application/xml"
          })
          res.end(apiException("Unauthorized", `pwnedmessage ${PAYLOAD}`))
        },
        signIn: ({ res }) => {
          res.writeHead(401, { "WWW-Authenticate": 'Basic realm="Arlo"', "Content-Type": "text/html" })
          res.end(`<html><body><h1>Denied</h1><p>pwnedpage ${PAYLOAD}</p></body></html>`)
        },
        token: ({ req, res }) => {
          req.resume()
          res.writeHead(400, { "Content-Type": "application/json" })
          res.end(JSON.stringify({ error: "invalid_client", error_description: `pwneddescription ${PAYLOAD}` }))
        }
      }
    })
    try {
      const path = join(dir, "hostile.html")
      const result = await run(["--format", "json", "--output", `html=${path}`, "--deadline", "10s"], {
        env: {
          ARLO_BASE_URL: server.base("markup", "html"),
          ARLO_USERNAME: "api@hostile.example",
          ARLO_PASSWORD: "Qz7vKp2wXr9LmT4s",
          ARLO_CLIENT_ID: "hostile-html",
          ARLO_CLIENT_SECRET: "cS8nWq3ZyV6bR1tU",
          ARLO_REDIRECT_URI: "https://app.hostile.example/callback"
        }
      })
      expect(result.stderr).toBe("")
      const text = readFileSync(path, "utf8")
      expect(text).not.toContain("<script>window")
      expect(text).not.toContain("<img")
      expect(text).not.toContain("<svg")
      expect(text).not.toContain("Qz7vKp2wXr9LmT4s")
      expect(text).not.toContain("cS8nWq3ZyV6bR1tU")
      for (const context of [js, noJs]) {
        const { page, complaints } = await open(context, path)
        try {
          expect(await page.evaluate("window.pwned")).toBeUndefined()
          expect(await page.locator("script").count()).toBe(1)
          expect(await page.locator("img, svg, iframe, [onerror], [onload], a[href^='javascript']").count()).toBe(0)
          // The server's words are there, as text.
          const body = (await page.locator("body").textContent()) ?? ""
          // (The realm of the challenge, in the evidence of target.reachable.)
          expect(body).toContain(`realm="<script>window.pwned=1</script><img src=x onerror='window.pwned=2'>`)
          expect(await violations(page)).toEqual([])
          if (context === js) expect(complaints).toEqual([])
        } finally {
          await page.close()
        }
      }
    } finally {
      await server.close()
    }
  })
})

describe("the fleet view, in Chromium", () => {
  const severity = { not_ready: 0, incomplete: 1, ready_with_warnings: 2, ready: 3 } as const

  it("a matrix of targets × checks, worst first, filtered by verdict, tag and check, sorted, each row opening its target", async () => {
    expect(leaked(fleet.html, scenarioSecrets(sim))).toEqual([])
    const { page, complaints } = await open(js, fleet.path)
    try {
      expect(await page.locator("h1 .verdict").getAttribute("data-verdict")).toBe(fleet.report.verdict)
      const rows = page.locator("#matrix tbody tr")
      expect(await rows.count()).toBe(fleet.report.targets.length)
      const verdicts = await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute("data-verdict")!))
      const ranks = verdicts.map((v) => severity[v as keyof typeof severity])
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b))
      // A cell per check, coloured by its status (the class), with its mark.
      const firstName = await rows.first().locator("th a").innerText()
      const first = fleet.report.targets.find((t) => t.name === firstName)!
      const cells = await rows
        .first()
        .locator("td:not(.v):not(.tags)")
        .evaluateAll((cs) => cs.map((c) => c.className))
      expect(cells.filter((c) => c === "f").length).toBe(first.report!.checks.filter((c) => c.status === "fail").length)
      const output = page.locator(".filter output")
      expect(await output.innerText()).toBe(`${fleet.report.targets.length} of ${fleet.report.targets.length} targets`)
      // Verdict.
      await page.locator(".filter select[name=verdict]").selectOption("ready")
      const ready = fleet.report.targets.filter((t) => t.verdict === "ready")
      expect(await output.innerText()).toBe(`${ready.length} of ${fleet.report.targets.length} targets`)
      expect(await page.locator("#matrix tbody tr:visible th a").allInnerTexts()).toEqual(
        expect.arrayContaining(ready.map((t) => t.name))
      )
      // And a tag.
      await page.locator(".filter select[name=tag]").selectOption("staging")
      const readyStaging = fleet.report.targets.filter((t) => t.verdict === "ready" && t.tags.includes("staging"))
      expect(await page.locator("#matrix tbody tr:visible").count()).toBe(readyStaging.length)
      await page.locator(".filter select[name=verdict]").selectOption("")
      await page.locator(".filter select[name=tag]").selectOption("")
      // A check: the targets where it does not pass.
      await page.locator(".filter select[name=check]").selectOption("basic.mfa")
      const mfa = fleet.report.targets.filter((t) =>
        problems.has(t.report?.checks.find((c) => c.id === "basic.mfa")?.status ?? "pass")
      )
      expect((await page.locator("#matrix tbody tr:visible th a").allInnerTexts()).sort()).toEqual(
        mfa.map((t) => t.name).sort()
      )
      await page.locator(".filter select[name=check]").selectOption("")
      await page.screenshot({ path: shotPath("fleet"), fullPage: false })
      if (docsScreenshots) await page.screenshot({ path: join(docsDir, "report-fleet.png") })
      // Sorting by name, then back.
      await page.locator("#matrix thead th").first().locator("button").click()
      const names = await page.locator("#matrix tbody tr th a").allInnerTexts()
      expect(names).toEqual([...names].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)))
      // A row opens its target's view, in the same file.
      const target = fleet.report.targets.find((t) => t.verdict === "not_ready")!
      expect(await page.locator("section.target:visible").count()).toBe(0)
      await page.locator("#matrix tbody th a", { hasText: new RegExp(`^${target.name}$`) }).click()
      const section = page.locator("section.target:visible")
      expect(await section.count()).toBe(1)
      expect(await section.locator("h2").first().innerText()).toContain(target.name)
      expect(await section.locator(".verdict").first().getAttribute("data-verdict")).toBe("not_ready")
      expect(await section.locator("figure.timeline li").count()).toBe(exchangesOf(target.report!).size)
      // Its findings link to the one copy the file holds of each, with the fix.
      const failing = target.report!.checks.find((c) => c.status === "fail" && c.remediation)!
      const line = section.locator(`li.check.f:has(code:text-is("${failing.id}"))`)
      // The target keeps its own re-check command (the fleet's one copy of the finding cannot name it).
      if (failing.remediation!.recheck) {
        expect(await section.locator("code.cmd").allInnerTexts()).toContain(failing.remediation!.recheck)
      }
      await line.locator("a").click()
      const shared = page.locator("article.finding:target")
      expect(await shared.locator("ol.steps li").allInnerTexts()).toEqual(failing.remediation!.steps)
      expect(await shared.locator("code.cmd").count()).toBe(0)
      expect(await danglingLinks(page)).toEqual([])
      expect(complaints).toEqual([])
    } finally {
      await page.close()
    }
  })

  it("a fleet of 1,000 targets is under 3 MB and opens, filters and jumps without hanging", async () => {
    // A real audit of the simulator's fleet of a thousand platforms, every target's report as it came.
    const big = await startSimulator({ scenario: "fleet:1000" })
    const path = join(dir, "fleet-1000.html")
    let targets: FleetReport["targets"]
    try {
      const { file, env } = fleetFileOf(big)
      const fleetPath = join(dir, "fleet-1000.json")
      const tagged = { ...file, targets: file.targets.map((t, i) => ({ ...t, tags: [`region-${i % 5}`] })) }
      writeFileSync(fleetPath, JSON.stringify(tagged))
      const json = join(dir, "fleet-1000-report.json")
      const result = await run(["--fleet", fleetPath, "--output", `html=${path}`, "--output", `json=${json}`], {
        env: { ...env, CI: "true" },
        timeoutMs: 100_000
      })
      expect([0, 1, 3], result.stderr).toContain(result.code)
      targets = (JSON.parse(readFileSync(json, "utf8")) as FleetReport).targets
      expect(targets).toHaveLength(1000)
    } finally {
      await big.close()
    }
    const bytes = statSync(path).size
    expect(bytes, `${bytes} bytes`).toBeLessThan(3_000_000)
    const { page, complaints } = await open(js, path)
    try {
      expect(await page.locator("#matrix tbody tr").count()).toBe(1000)
      const output = page.locator(".filter output")
      expect(await output.innerText()).toBe("1000 of 1000 targets")
      await page.locator(".filter select[name=tag]").selectOption("region-3")
      expect(await output.innerText()).toBe("200 of 1000 targets")
      await page.goto(`${pathToFileURL(path).href}#t999`)
      expect(await page.locator("section.target:visible h2").first().innerText()).toContain(targets[999]!.name)
      expect(complaints).toEqual([])
    } finally {
      await page.close()
    }
  })
})

describe("the README's screenshots", () => {
  it("the audit's: what needs attention, its fix and the timeline in one view (docs/ with pnpm screenshots)", async () => {
    const { page } = await open(js, audits.get("demo-umbrella")!.path)
    try {
      await page.setViewportSize({ width: 1280, height: 1240 })
      await page.locator(".filter select[name=show]").selectOption("problems")
      expect(await page.locator("article.finding.f").isVisible()).toBe(true)
      await page.screenshot({ path: shotPath("readme-audit") })
      if (docsScreenshots) await page.screenshot({ path: join(docsDir, "report-audit.png") })
    } finally {
      await page.close()
    }
  })
})
