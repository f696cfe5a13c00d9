import { mkdtemp, readdir, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { stripVTControlCharacters } from "node:util"
import { type AuditEvent, catalogue, type Report } from "@arlo-ready/core"
import { cleanup, render } from "ink-testing-library"
import { afterEach, describe, expect, it } from "vitest"
import { App, type Outcome, type RunAudit, type RunHandlers, type RunSpec } from "../src/App.js"
import { checkStarted, mfaResults, result, runEvents, started } from "./fixtures.js"

const keys = { up: "\x1b[A", down: "\x1b[B", enter: "\r", escape: "\x1b", backspace: "\x7f", ctrlC: "\x03" }

/** A runner the test drives: it records every run asked of it and lets the test emit its events. */
const runner = () => {
  const runs: Array<{ spec: RunSpec; handlers: RunHandlers; cancelled: boolean }> = []
  const run: RunAudit = (spec, handlers) => {
    const entry = { spec, handlers, cancelled: false }
    runs.push(entry)
    return () => {
      entry.cancelled = true
    }
  }
  const emit = (events: ReadonlyArray<AuditEvent>) => {
    const current = runs.at(-1)
    if (!current) throw new Error("no run was started")
    for (const e of events) current.handlers.event(e)
  }
  return { run, runs, emit }
}

const mount = (
  options: { columns?: number; rows?: number; targets?: Array<string>; exportDir?: string; intro?: string } = {}
) => {
  const r = runner()
  const exits: Array<Outcome> = []
  const app = render(
    <App
      targets={options.targets ?? ["acme"]}
      run={r.run}
      onExit={(o) => exits.push(o)}
      tickMs={20}
      {...(options.columns ? { columns: options.columns } : {})}
      {...(options.rows ? { rows: options.rows } : {})}
      {...(options.exportDir ? { exportDir: options.exportDir } : {})}
      {...(options.intro ? { intro: options.intro } : {})}
    />
  )
  const frame = () => stripVTControlCharacters(app.lastFrame() ?? "")
  /** Waits until the screen satisfies `check`; fails with the last screen otherwise. */
  const waitFor = async (check: (screen: string) => boolean, what = "the expected screen"): Promise<string> => {
    const until = Date.now() + 3000
    for (;;) {
      const screen = frame()
      if (check(screen)) return screen
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last screen:\n${screen}`)
      await new Promise((res) => setTimeout(res, 10))
    }
  }
  /** Waits until a condition on anything the test can see holds. */
  const until = async (check: () => boolean, what: string) => {
    await waitFor(() => check(), what)
  }
  const waitText = (text: string | RegExp) =>
    waitFor((s) => (typeof text === "string" ? s.includes(text) : text.test(s)), String(text))
  const press = async (key: string) => {
    app.stdin.write(key)
    await new Promise((res) => setTimeout(res, 30))
  }
  return { ...r, app, exits, frame, waitFor, waitText, press, until }
}

const selectedLine = (screen: string) => screen.split("\n").find((l) => l.startsWith("›")) ?? ""

afterEach(() => {
  cleanup()
})

describe("App: the checklist", () => {
  it("asks for a full run of the first target on mount", async () => {
    const t = mount()
    await t.waitText("Checking")
    expect(t.runs).toHaveLength(1)
    expect(t.runs[0]?.spec).toEqual({ target: 0, ids: null, previous: [], prior: null })
  })

  it("shows a pending check as waiting and a running one with a spinner and its elapsed time", async () => {
    const t = mount()
    t.emit([started(), { ...checkStarted("target.url"), at: new Date(Date.now() - 1500).toISOString() }])
    const screen = await t.waitText(/Target URL\s+1\.\ds/)
    const line = screen.split("\n").find((l) => l.includes("Target URL")) ?? ""
    expect(line).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Target URL\s+1\.\ds/)
    expect(screen).toMatch(/· Platform reachable\s+waiting/)
    expect(screen).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Target\s+0\/2/)
    expect(screen).toContain(`Checking… 0/${catalogue.length} checks done`)
    // the elapsed time moves on without any event
    await t.waitText(/Target URL\s+(1\.[5-9]|2\.\d)s/)
  })

  it("shows every status with its glyph and summary, and rolls groups up to their worst", async () => {
    const t = mount()
    t.emit(runEvents(mfaResults()))
    const screen = await t.waitText("Verdict")
    expect(screen).toMatch(/✔ Target URL\s+Target URL: pass/)
    expect(screen).toMatch(/✖ MFA and API sign-in\s+MFA is on for this user/)
    expect(screen).toMatch(/▲ Basic auth in production\s+Arlo wants OAuth 2/)
    expect(screen).toMatch(/! Rate limit\s+The platform answered 503 twice\./)
    expect(screen).toMatch(/– OAuth server\s+No OAuth client was given\./)
    expect(screen).toMatch(/○ API User role\s+blocked by basic\.mfa/)
    expect(screen).toMatch(/✔ Target\s+2 passed\n/)
    expect(screen).toMatch(/✖ Basic auth\s+1 failed, 1 passed\n/)
    expect(screen).toMatch(/○ Roles\s+3 blocked\n/)
    expect(screen).toMatch(/– OAuth\s+7 n\/a\n/)
    expect(screen).toMatch(/! Policy\s+1 undecided, 1 warning\n/)
    expect(screen).toContain("✖ Verdict: NOT READY  1 failed, 1 undecided, 1 warning, 3 blocked, 3 passed, 7 n/a")
  })

  it("shows the other verdicts", async () => {
    const t = mount()
    t.emit(runEvents([result("target.url", "pass"), result("policy.basic-auth", "warn")]))
    await t.waitText("▲ Verdict: READY WITH WARNINGS")
    const u = mount()
    u.emit(runEvents([result("target.url", "pass"), result("target.reachable", "error")]))
    await u.waitText("! Verdict: INCOMPLETE")
    const v = mount()
    v.emit(runEvents([result("target.url", "pass")]))
    await v.waitText("✔ Verdict: READY")
  })

  it("moves the selection with the arrow keys and j/k", async () => {
    const t = mount()
    t.emit(runEvents(mfaResults()))
    await t.waitText("Verdict")
    expect(selectedLine(t.frame())).toContain("Target URL")
    await t.press(keys.down)
    await t.waitFor((s) => selectedLine(s).includes("Platform reachable"), "selection on Platform reachable")
    await t.press("j")
    await t.press("j")
    await t.waitFor((s) => selectedLine(s).includes("MFA and API sign-in"), "selection on MFA")
    await t.press(keys.up)
    await t.waitFor((s) => selectedLine(s).includes("Basic credentials"), "selection on Basic credentials")
    await t.press("k")
    await t.waitFor((s) => selectedLine(s).includes("Platform reachable"), "selection back up")
  })

  it("takes keys that arrive in one read one by one", async () => {
    const t = mount()
    t.emit(runEvents(mfaResults()))
    await t.waitText("Verdict")
    await t.press("jjj\r")
    await t.waitText("How to fix it")
  })

  it("separates the header, the list and the verdict with blank lines", async () => {
    const t = mount()
    t.emit(runEvents(mfaResults()))
    const lines = (await t.waitText("Verdict")).split("\n")
    expect(lines[2]).toBe("")
    expect(lines.at(-3)).toBe("")
    expect(lines.at(-2)).toMatch(/^✖ Verdict/)
  })

  it("keeps the selection in view on a short terminal", async () => {
    const t = mount({ rows: 14 })
    t.emit(runEvents(mfaResults()))
    await t.waitText("Verdict")
    expect(t.frame().split("\n").length).toBeLessThanOrEqual(14)
    for (let i = 0; i < 15; i++) await t.press("j")
    const screen = await t.waitFor((s) => selectedLine(s).includes("Rate limit"), "the last check selected")
    expect(screen.split("\n").length).toBeLessThanOrEqual(14)
    expect(screen).not.toContain("Target URL")
  })
})

describe("App: the details view", () => {
  it("opens on Enter with cause, evidence, remediation, who, recheck and docs; Esc and Backspace go back", async () => {
    const t = mount()
    t.emit(runEvents(mfaResults()))
    await t.waitText("Verdict")
    for (let i = 0; i < 3; i++) await t.press(keys.down)
    await t.waitFor((s) => selectedLine(s).includes("MFA and API sign-in"))
    await t.press(keys.enter)
    const screen = await t.waitText("How to fix it")
    expect(screen).toContain("✖ MFA and API sign-in")
    expect(screen).toContain("basic.mfa · fail · 12ms")
    expect(screen).toContain("Cause")
    expect(screen).toContain(
      "  Arlo answered 401 MfaEnabled: users with MFA enabled cannot authenticate using the API."
    )
    expect(screen).toContain("(mfa_enabled)")
    expect(screen).toContain("• The account is locked.")
    expect(screen).toContain("  GET /acme/api/2012-02-01/auth/resources/ → 401 in 14ms: ApiException MfaEnabled")
    expect(screen).toContain("1. Sign in to Arlo as the API user.")
    expect(screen).toContain("2. Open your own Contact record, Security tab, and turn off multi-factor")
    expect(screen).toContain("Who can fix it: you")
    expect(screen).toContain("Re-check: arlo-ready --only basic.mfa")
    expect(screen).toContain("https://support.arlo.co/hc/en-gb/articles/900003410306-Multi-factor-Authentication-MFA")
    expect(screen).not.toContain("Verdict")
    await t.press(keys.escape)
    await t.waitText("Verdict")
    await t.press(keys.enter)
    await t.waitText("How to fix it")
    await t.press(keys.backspace)
    await t.waitText("Verdict")
  })

  it("says what blocks a blocked check", async () => {
    const t = mount()
    t.emit(runEvents(mfaResults()))
    await t.waitText("Verdict")
    for (let i = 0; i < 4; i++) await t.press("j")
    await t.press(keys.enter)
    const screen = await t.waitText("Blocked by")
    expect(screen).toContain("• basic.mfa: fix it and this check runs.")
    expect(screen).toContain("roles.api-user · blocked")
  })

  it("scrolls a details view taller than the terminal", async () => {
    const t = mount({ rows: 12 })
    t.emit(runEvents(mfaResults()))
    await t.waitText("Verdict")
    for (let i = 0; i < 3; i++) await t.press("j")
    await t.press(keys.enter)
    const first = await t.waitText("more ↓")
    expect(first.split("\n").length).toBeLessThanOrEqual(12)
    expect(first).toContain("MFA and API sign-in")
    for (let i = 0; i < 30; i++) await t.press(keys.down)
    const last = await t.waitText("Multi-factor-Authentication-MFA")
    expect(last).not.toContain("more ↓")
    expect(last).not.toContain("✖ MFA and API sign-in")
  })
})

describe("App: keys", () => {
  it("r re-runs the selected check and its dependents in place, passing the results so far", async () => {
    const t = mount()
    t.emit(runEvents(mfaResults()))
    await t.waitText("Verdict")
    for (let i = 0; i < 3; i++) await t.press("j")
    await t.press("r")
    // The fixture's results, less the four re-run.
    const all = mfaResults().length
    await t.waitText(`Re-checking… ${all - 4}/${all} checks done`)
    await t.until(() => t.runs.length === 2, "the re-run")
    expect(t.runs[1]?.spec.ids).toEqual([
      "basic.mfa",
      "roles.api-user",
      "roles.administrator",
      "roles.presenter-limits"
    ])
    expect(t.runs[1]?.spec.previous).toHaveLength(all)
    expect(t.frame()).toMatch(/· MFA and API sign-in\s+waiting/)
    expect(t.frame()).toMatch(/✔ Target URL/)
    t.emit(
      runEvents([
        result("basic.mfa", "pass", { summary: "MFA does not block API sign-in." }),
        result("roles.api-user", "pass"),
        result("roles.administrator", "pass"),
        result("roles.presenter-limits", "not_applicable")
      ])
    )
    const screen = await t.waitText("Verdict: INCOMPLETE")
    expect(screen).toMatch(/✔ MFA and API sign-in\s+MFA does not block API sign-in\./)
    expect(screen).toMatch(/✔ Basic auth\s+2 passed\n/)
    expect(screen).toMatch(/✔ Roles\s+2 passed, 1 n\/a\n/)
  })

  it("R re-runs everything that is not passing", async () => {
    const t = mount()
    t.emit(runEvents(mfaResults()))
    await t.waitText("Verdict")
    await t.press("R")
    await t.waitText("Re-checking")
    await t.until(() => t.runs.length === 2, "the re-run")
    expect(t.runs[1]?.spec.ids).toEqual([
      "basic.mfa",
      "roles.api-user",
      "roles.administrator",
      "roles.presenter-limits",
      "policy.basic-auth",
      "policy.rate-limit"
    ])
  })

  it("says so when r is pressed while a run is in flight", async () => {
    const t = mount()
    t.emit([started()])
    await t.waitText("Checking")
    await t.press("r")
    await t.waitText("A run is in progress")
    expect(t.runs).toHaveLength(1)
  })

  it("e writes the JSON report to a file and says where", async () => {
    const dir = await mkdtemp(join(tmpdir(), "arlo-ready-tui-"))
    try {
      const t = mount({ exportDir: dir })
      t.emit([started()])
      await t.press("e")
      await t.waitText("No report yet")
      t.emit(runEvents(mfaResults()).slice(1))
      await t.waitText("Verdict")
      await t.press("e")
      const screen = await t.waitText("Report written to")
      const files = await readdir(dir)
      expect(files).toHaveLength(1)
      expect(files[0]).toMatch(/^arlo-ready-report-\d{8}T\d{6}Z\.json$/)
      expect(screen.replace(/\s+/g, "")).toContain(join(dir, files[0]!).replace(/\s+/g, ""))
      const written = JSON.parse(await readFile(join(dir, files[0]!), "utf8")) as Report
      expect(written.verdict).toBe("not_ready")
      expect(written.checks).toHaveLength(mfaResults().length)
      await t.press("e")
      await t.waitFor(() => true)
      await new Promise((res) => setTimeout(res, 100))
      expect(await readdir(dir)).toHaveLength(2)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it("q quits once with the report", async () => {
    const t = mount()
    t.emit(runEvents(mfaResults()))
    await t.waitText("Verdict")
    await t.press("q")
    await t.press("q")
    expect(t.exits).toHaveLength(1)
    expect(t.exits[0]).toMatchObject({ kind: "quit", finished: true })
    expect(t.exits[0]?.report?.verdict).toBe("not_ready")
  })

  it("Ctrl+C ends the session as interrupted and stops the run in flight", async () => {
    const t = mount()
    t.emit([started(), checkStarted("target.url")])
    await t.waitText("Checking")
    await t.press(keys.ctrlC)
    expect(t.exits).toEqual([{ kind: "interrupted", report: null, finished: false, target: 0 }])
    t.app.unmount()
    expect(t.runs[0]?.cancelled).toBe(true)
  })

  it("Ctrl+C counts even among other keys of one read", async () => {
    const t = mount()
    t.emit([started()])
    await t.waitText("Checking")
    await t.press(`jj${keys.ctrlC}`)
    expect(t.exits.map((e) => e.kind)).toEqual(["interrupted"])
  })

  it("p switches to the next target and starts a fresh run", async () => {
    const t = mount({ targets: ["acme", "globex"] })
    t.emit(runEvents(mfaResults()))
    const first = await t.waitText("Verdict")
    expect(first).toContain("arlo-ready · acme  [1/2] p: next")
    await t.press("p")
    const second = await t.waitText("arlo-ready · globex  [2/2]")
    expect(second).toContain("Checking")
    await t.until(() => t.runs.length === 2, "the second target's run")
    expect(t.runs.map((r) => r.spec.target)).toEqual([0, 1])
    expect(t.runs[0]?.cancelled).toBe(true)
    await t.press("p")
    await t.waitText("arlo-ready · acme  [1/2]")
  })

  it("shows an introduction until the target changes", async () => {
    const t = mount({ targets: ["acme", "globex"], intro: "Demo: p shows the next identity." })
    t.emit(runEvents(mfaResults()))
    await t.waitText("Demo: p shows the next identity.")
    await t.press("p")
    await t.waitFor((s) => s.includes("globex") && !s.includes("Demo:"), "the introduction gone")
  })

  it("shows why a run failed", async () => {
    const t = mount()
    t.runs[0]?.handlers.fail("Cannot reach http://127.0.0.1:9/: connection refused.")
    await t.waitText("Cannot reach http://127.0.0.1:9/: connection refused.")
  })
})

describe("App: 60 columns", () => {
  it("fits every line in 60 columns, truncating summaries with an ellipsis", async () => {
    const t = mount({ columns: 60 })
    const long = mfaResults().map((r) =>
      r.id === "basic.mfa" ? { ...r, summary: `${r.summary} ${"And a long tail of explanation. ".repeat(4)}` } : r
    )
    t.emit(runEvents(long))
    const screen = await t.waitText("Verdict")
    for (const l of screen.split("\n")) expect(l.length).toBeLessThanOrEqual(60)
    expect(screen).toMatch(/MFA and API sign-in {2}MFA is on.*…/)
    expect(screen).toContain("○ API User role  blocked by basic.mfa")
  })

  it("wraps the details to 60 columns", async () => {
    const t = mount({ columns: 60 })
    t.emit(runEvents(mfaResults()))
    await t.waitText("Verdict")
    for (let i = 0; i < 3; i++) await t.press("j")
    await t.press(keys.enter)
    const screen = await t.waitText("How to fix it")
    for (const l of screen.split("\n")) expect(l.length).toBeLessThanOrEqual(60)
    expect(screen).toContain("  2. Open your own Contact record, Security tab, and turn")
    expect(screen).toContain("     off multi-factor authentication.")
  })
})

/** Server text that acts on a terminal written raw: a title, a colour Ink never emits, a hyperlink, C1, bidi. */
const hostile = (word: string) =>
  `${word} \u001b]0;PWNED\u0007\u001b[38;5;201mtinted\u001b[0m \u001b]8;;https://evil.example/\u0007linked\u001b]8;;\u0007 ` +
  "\u009b2J\u007f \u202egnirts-desrever\u202c \u2066isolated\u2069 \u200emarks\u200f \u061cend"

/** The hostile text in every string of a result the screen shows. */
const hostileMfa = (text: (field: string) => string) =>
  mfaResults().map((r) =>
    r.id === "basic.mfa"
      ? {
          ...r,
          summary: text("summary"),
          cause: { code: "mfa_enabled", message: text("cause"), possibilities: [text("possibly")] },
          evidence: [
            {
              method: "GET",
              path: `/acme/api/2012-02-01/auth/resources/?${text("path")}`,
              status: 401,
              durationMs: 3,
              error: text("error"),
              note: text("note")
            }
          ],
          facts: { realm: text("fact"), roles: [text("role")] },
          remediation: { steps: [text("step")], who: "you" as const, recheck: "arlo-ready --only basic.mfa" }
        }
      : r
  )

// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point
const unsafe = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/

describe("App: text from a hostile server", () => {
  it("renders no escape sequence, control or bidi character from a result, in the list or the details", async () => {
    const t = mount({ columns: 100, rows: 60 })
    t.emit(runEvents(hostileMfa(hostile)))
    await t.waitText("Verdict")
    for (let i = 0; i < 3; i++) await t.press("j")
    await t.press(keys.enter)
    const details = await t.waitText("How to fix it")
    for (const field of ["summary", "cause", "possibly", "path", "error", "note", "fact", "role", "step"]) {
      expect(details.replace(/\s+/g, " ")).toContain(`${field} tinted linked gnirts-desrever isolated marks end`)
    }
    // Every frame Ink wrote (no colours without a terminal: any control character came from the result).
    for (const frame of t.app.frames) expect(frame).not.toMatch(unsafe)
  })

  it("opens the details of 300 KB single-word strings at once, showing a capped head of each", async () => {
    const t = mount({ columns: 60, rows: 40 })
    const started = Date.now()
    t.emit(runEvents(hostileMfa((field) => `${field}-${"x".repeat(300 * 1024)}`)))
    const list = await t.waitText("Verdict")
    expect(list).toMatch(/MFA and API sign-in {2}summary-x+…/)
    for (let i = 0; i < 3; i++) await t.press("j")
    await t.press(keys.enter)
    const details = await t.waitText("Cause")
    for (const l of details.split("\n")) expect(l.length).toBeLessThanOrEqual(60)
    expect(details).toMatch(/x…/)
    await t.press("j")
    await t.press(keys.escape)
    await t.waitText("Verdict")
    // Generous: the wrap this replaced had not drawn the details after minutes.
    expect(Date.now() - started).toBeLessThan(20_000)
  })
})

describe("App: the terminal", () => {
  it("listens for resizes once, not again on every tick of the clock", async () => {
    const t = mount()
    const stdout = t.app.stdout
    const on = stdout.on.bind(stdout)
    let subscribed = 0
    stdout.on = ((event: string, listener: (...args: Array<unknown>) => void) => {
      if (event === "resize") subscribed++
      return on(event, listener)
    }) as typeof stdout.on
    t.emit([started(), checkStarted("target.url")])
    await t.waitText("Checking")
    // The clock ticks every 20 ms while the check runs: the screen is drawn again and again.
    const frames = t.app.frames.length
    await new Promise((res) => setTimeout(res, 200))
    expect(t.app.frames.length).toBeGreaterThan(frames + 3)
    expect(subscribed).toBe(0)
  })
})
