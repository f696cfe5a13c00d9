import { type AuditEvent, type CheckId, type CheckResult, checkIds, groupTitles, type Report } from "@arlo-ready/core"
import { describe, expect, it } from "vitest"
import {
  checkLine,
  colorEnabled,
  detectStyle,
  hasEscapes,
  headerLine,
  inCi,
  plainStyle,
  rootCauseSection,
  rootCauses,
  stripAnsi,
  textClosing,
  textPrinter,
  textReport,
  unicodeEnabled,
  verdictLine
} from "../src/index.js"
import { report, result } from "./fixtures.js"

describe("checkLine", () => {
  it("prints glyph, status, id, title and summary on one line", () => {
    expect(checkLine(result("basic.credentials", "pass"), plainStyle)).toBe(
      "✔ PASS  basic.credentials  Basic credentials — Basic credentials is pass."
    )
    expect(checkLine(result("basic.mfa", "error"), plainStyle)).toBe(
      "‼ ERROR basic.mfa  MFA and API sign-in — MFA and API sign-in is error."
    )
  })

  it("falls back to ASCII glyphs", () => {
    const ascii = { ...plainStyle, unicode: false }
    const glyphs = (["pass", "warn", "fail", "error", "skipped", "not_applicable"] as const).map(
      (s) => checkLine(result("target.url", s), ascii)[0]
    )
    expect(glyphs).toEqual(["+", "!", "x", "?", "-", "."])
    for (const s of ["pass", "warn", "fail", "error", "skipped", "not_applicable"] as const) {
      expect(checkLine(result("target.url", s), ascii)).toMatch(/^[\x20-\x7e]+$/)
    }
  })

  it("names what blocks a skipped check", () => {
    const line = checkLine(
      result("roles.api-user", "skipped", { summary: "Not run.", blockedBy: ["basic.credentials"] }),
      plainStyle
    )
    expect(line).toContain("(blocked by basic.credentials)")
  })

  it("strips escape sequences and control characters from platform text", () => {
    const line = checkLine(
      result("target.url", "fail", { summary: "evil\u001b[2J\u001b]0;title\u0007 text\r\n\u009b1m \u202eeru" }),
      plainStyle
    )
    expect(hasEscapes(line)).toBe(false)
    expect(line).not.toContain("\u202e")
    expect(line).toContain("evil text")
  })

  it("wraps at 60 columns with continuation lines under the id", () => {
    const style = { ...plainStyle, width: 60 }
    const line = checkLine(
      result("oauth.client.approved", "fail", {
        summary: "The client is registered but Arlo has not approved it yet, so no token can be issued."
      }),
      style
    )
    const lines = line.split("\n")
    expect(lines.length).toBeGreaterThan(1)
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(60)
    expect(lines[0]).toMatch(/^✘ FAIL {2}oauth\.client\.approved/)
    for (const l of lines.slice(1)) expect(l.startsWith("        ")).toBe(true)
    expect(lines.map((l) => l.trim()).join(" ")).toContain("so no token can be issued.")
  })

  it("colours only the status, and only when the style has colour", () => {
    const coloured = checkLine(result("basic.credentials", "fail"), { ...plainStyle, color: true })
    expect(coloured.startsWith("\u001b[31m✘ FAIL\u001b[39m")).toBe(true)
    expect(stripAnsi(coloured)).toBe(checkLine(result("basic.credentials", "fail"), plainStyle))
  })
})

describe("verdictLine and textReport", () => {
  it("counts by status and says when the run was interrupted", () => {
    const r = report([
      result("target.url", "pass"),
      result("target.reachable", "pass"),
      result("basic.credentials", "not_applicable")
    ])
    expect(verdictLine(r, plainStyle)).toBe("✔ READY  2 pass, 1 n/a in 1.5s")
    const i = report([result("target.url", "pass")], true)
    expect(verdictLine(i, plainStyle)).toBe("‼ INCOMPLETE  1 pass in 1.5s (interrupted)")
  })

  it("lists root causes worst first with their remediation, and what they block", () => {
    const r = report([
      result("target.url", "pass"),
      result("basic.credentials", "warn"),
      result("basic.mfa", "fail"),
      result("roles.api-user", "skipped", { blockedBy: ["basic.mfa"] }),
      result("oauth.server", "error")
    ])
    expect(rootCauses(r).map((c) => c.id)).toEqual(["basic.mfa", "oauth.server", "basic.credentials"])
    const section = rootCauseSection(r, plainStyle).join("\n")
    expect(section).toContain("What to fix:")
    expect(section).toContain("  1. Fix basic.mfa.")
    expect(section).toContain("  Who can fix it: a platform administrator")
    expect(section).toContain("  Re-check: arlo-ready-report --only basic.mfa")
    expect(section).toContain("  Blocks: roles.api-user")
  })

  it("reads well at 60 columns and has no escape codes in plain style", () => {
    const r = report([
      result("target.url", "pass"),
      result("basic.mfa", "fail", {
        cause: {
          code: "mfa",
          message: "Arlo refused API sign-in because the user has multi-factor authentication turned on.",
          possibilities: ["The account may be locked as well."]
        }
      })
    ])
    const text = textReport(r, { ...plainStyle, width: 60 })
    // A URL cannot be broken and stay clickable: it gets a line of its own instead.
    for (const line of text.split("\n")) {
      if (/^\s*https:\/\/\S+$/.test(line)) continue
      expect([...line].length).toBeLessThanOrEqual(60)
    }
    expect(hasEscapes(text.replace(/\n/g, ""))).toBe(false)
    expect(text.trimEnd().split("\n").at(-1)).toMatch(/^✘ NOT READY/)
    expect(headerLine(r.target, plainStyle)).toBe("arlo-ready: auditing acme (https://acme.arlo.co) with basic")
  })
})

describe("style detection", () => {
  it("follows NO_COLOR, then FORCE_COLOR, then the TTY", () => {
    expect(colorEnabled({ isTTY: true }, {})).toBe(true)
    expect(colorEnabled({ isTTY: false }, {})).toBe(false)
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: "1" })).toBe(false)
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: "" })).toBe(true)
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: "1" })).toBe(true)
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: "" })).toBe(true)
    expect(colorEnabled({ isTTY: true }, { FORCE_COLOR: "0" })).toBe(false)
    expect(colorEnabled({ isTTY: true }, { TERM: "dumb" })).toBe(false)
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: "1", FORCE_COLOR: "3" })).toBe(false)
    expect(inCi({ CI: "true" })).toBe(true)
    expect(inCi({ CI: "0" })).toBe(false)
    expect(inCi({})).toBe(false)
  })

  it("uses ASCII on a dumb terminal or a non-UTF-8 locale", () => {
    expect(unicodeEnabled({})).toBe(true)
    expect(unicodeEnabled({ LANG: "en_GB.UTF-8" })).toBe(true)
    expect(unicodeEnabled({ LC_ALL: "C" })).toBe(false)
    expect(unicodeEnabled({ TERM: "dumb" })).toBe(false)
  })

  it("wraps only on a TTY", () => {
    expect(detectStyle({ isTTY: true, columns: 60 }, {}).width).toBe(60)
    expect(detectStyle({ isTTY: false, columns: 60 }, {}).width).toBeUndefined()
  })
})

const at = "2025-01-01T00:00:00.000Z"
const started = (r: Report, checks: ReadonlyArray<CheckId> = r.checks.map((c) => c.id)): AuditEvent => ({
  _tag: "audit_started",
  at,
  target: r.target,
  checks
})
const finished = (result: CheckResult): AuditEvent => ({ _tag: "check_finished", at, result })
const begun = (id: CheckId): AuditEvent => ({ _tag: "check_started", at, id })
const done = (r: Report): AuditEvent => ({ _tag: "audit_finished", at, report: r })

/** The check ids of a text, in the order its lines name them. */
const idsIn = (text: string): Array<string> =>
  text
    .split("\n")
    .map((l) => /^\S \S+ +(\S+) {2}/.exec(l)?.[1])
    .filter((id): id is string => id !== undefined && (checkIds as ReadonlyArray<string>).includes(id))

/** The checks of a full audit, all passing but the OAuth ones that do not apply (Basic auth only). */
const basicOnly = (): Array<CheckResult> =>
  checkIds.map((id) => result(id, id.startsWith("oauth.") ? "not_applicable" : "pass"))

describe("the streaming printer", () => {
  it("prints, event by event, exactly the text report of the finished audit", () => {
    const r = report([
      result("target.url", "pass"),
      result("basic.credentials", "fail"),
      result("roles.api-user", "skipped", { blockedBy: ["basic.credentials"] })
    ])
    const printer = textPrinter(plainStyle)
    const streamed = [
      printer.event(started(r)),
      ...r.checks.flatMap((c) => [printer.event(begun(c.id)), printer.event(finished(c))]),
      printer.event(done(r)),
      printer.closing(r)
    ]
    expect(streamed.join("")).toBe(textReport(r, plainStyle))
    expect(textReport(r, plainStyle)).toBe(
      [
        "arlo-ready: auditing acme (https://acme.arlo.co) with basic",
        "",
        "Target",
        checkLine(r.checks[0]!, plainStyle),
        "",
        "Basic auth",
        checkLine(r.checks[1]!, plainStyle),
        "",
        "Roles",
        checkLine(r.checks[2]!, plainStyle),
        textClosing(r, plainStyle)
      ].join("\n")
    )
    expect(textClosing(r, plainStyle)).toMatch(
      /^\nWhat to fix:\n[\s\S]*\n\n✘ NOT READY {2}1 pass, 1 fail, 1 skipped in 1\.5s\n$/
    )
  })

  it("lists the checks in catalogue order however they finish, the verdict last", () => {
    const checks = basicOnly()
    const r = report(checks)
    // The OAuth checks settle first (nothing to ask), the probes of the target last.
    const arrival = [
      ...checks.filter((c) => c.group === "oauth"),
      ...checks.filter((c) => c.group !== "oauth").reverse()
    ]
    expect(arrival[0]!.id).toBe("oauth.server")
    const printer = textPrinter(plainStyle)
    let text = printer.event(started(r, checkIds))
    for (const c of arrival) text += printer.event(begun(c.id)) + printer.event(finished(c))
    text += printer.event(done(r)) + printer.closing(r)
    expect(idsIn(text)).toEqual([...checkIds])
    expect(text).toBe(textReport(r, plainStyle))
    const lines = text.trimEnd().split("\n")
    expect(lines.at(-1)).toMatch(/^✔ READY {2}9 pass, 7 n\/a in 1\.5s$/)
    expect(lines.indexOf(checkLine(r.checks[1]!, plainStyle))).toBeLessThan(
      lines.indexOf(checkLine(r.checks.find((c) => c.id === "oauth.server")!, plainStyle))
    )
  })

  it("releases a line as soon as it and every planned check before it have finished", () => {
    const checks = new Map(basicOnly().map((c) => [c.id, c]))
    const line = (id: CheckId) => `${checkLine(checks.get(id)!, plainStyle)}\n`
    const printer = textPrinter(plainStyle)
    printer.event(started(report([...checks.values()]), checkIds))
    // Held: target.url has not finished.
    expect(printer.event(finished(checks.get("target.reachable")!))).toBe("")
    expect(printer.event(finished(checks.get("basic.mfa")!))).toBe("")
    expect(printer.event(begun("target.url"))).toBe("")
    // target.url releases itself and target.reachable, not basic.mfa (basic.credentials is still out).
    expect(printer.event(finished(checks.get("target.url")!))).toBe(
      `\n${groupTitles.target}\n${line("target.url")}${line("target.reachable")}`
    )
    expect(printer.event(finished(checks.get("basic.credentials")!))).toBe(
      `\n${groupTitles.basic}\n${line("basic.credentials")}${line("basic.mfa")}`
    )
    // The next in line prints at once, under its group's heading.
    expect(printer.event(finished(checks.get("roles.api-user")!))).toBe(`\nRoles\n${line("roles.api-user")}`)
    expect(printer.event(finished(checks.get("roles.administrator")!))).toBe(line("roles.administrator"))
  })

  it("puts one heading before each group, bold only with colour", () => {
    const r = report(basicOnly())
    const text = textReport(r, plainStyle)
    const headings = text.split("\n").filter((l) => (Object.values(groupTitles) as Array<string>).includes(l))
    expect(headings).toEqual(["Target", "Basic auth", "Roles", "OAuth", "Policy"])
    for (const h of headings) expect(text.split("\n")[text.split("\n").indexOf(h) - 1]).toBe("")
    const coloured = textReport(r, { ...plainStyle, color: true })
    expect(coloured).toContain("\n\u001b[1mBasic auth\u001b[22m\n")
    expect(stripAnsi(coloured)).toBe(text)
  })

  it("prints what an interrupted audit has, in order, when no report comes", () => {
    const all = new Map(basicOnly().map((c) => [c.id, c]))
    const printer = textPrinter(plainStyle)
    let text = printer.event(started(report([...all.values()]), checkIds))
    // basic.credentials never finishes; what comes after it is held until the flush.
    for (const id of ["policy.rate-limit", "target.reachable", "target.url", "roles.api-user", "basic.mfa"] as const) {
      text += printer.event(finished(all.get(id)!))
    }
    expect(idsIn(text)).toEqual(["target.url", "target.reachable"])
    text += printer.flush()
    expect(idsIn(text)).toEqual(["target.url", "target.reachable", "basic.mfa", "roles.api-user", "policy.rate-limit"])
    expect(text.split("\n").filter((l) => l === "Basic auth" || l === "Roles" || l === "Policy")).toHaveLength(3)
    expect(printer.flush()).toBe("")
  })

  it("places the checks that were not run where the catalogue puts them when the audit finishes", () => {
    // An interrupted run: the engine settles what did not finish, the report carries them all.
    const r = report(
      [
        result("target.url", "pass"),
        result("target.reachable", "pass"),
        result("basic.credentials", "error"),
        result("basic.mfa", "skipped", { summary: "Not run: interrupted." }),
        result("roles.api-user", "skipped", { blockedBy: ["basic.credentials"] }),
        result("policy.rate-limit", "pass")
      ],
      true
    )
    const get = (id: CheckId) => r.checks.find((c) => c.id === id)!
    const printer = textPrinter(plainStyle)
    let text = printer.event(started(r))
    for (const id of ["policy.rate-limit", "target.url", "target.reachable"] as const)
      text += printer.event(finished(get(id)))
    expect(idsIn(text)).toEqual(["target.url", "target.reachable"])
    // The audit ends without check_finished for the rest: the report places them.
    text += printer.event(done(r))
    expect(idsIn(text)).toEqual(r.checks.map((c) => c.id))
    text += printer.closing(r)
    expect(idsIn(text.slice(0, text.indexOf("What to fix:")))).toEqual(r.checks.map((c) => c.id))
    expect(text.trimEnd().split("\n").at(-1)).toMatch(/^‼ INCOMPLETE .*\(interrupted\)$/)
  })

  it("places a report's checks outside the plan (a re-run's earlier results) in catalogue order", () => {
    const r = report([
      result("target.url", "pass"),
      result("target.reachable", "pass"),
      result("basic.credentials", "pass"),
      result("basic.mfa", "pass"),
      result("roles.api-user", "pass")
    ])
    const get = (id: CheckId) => r.checks.find((c) => c.id === id)!
    const printer = textPrinter(plainStyle)
    let text = printer.event(started(r, ["basic.mfa"]))
    text += printer.event(finished(get("basic.mfa")))
    expect(idsIn(text)).toEqual(["basic.mfa"])
    const rest = printer.closing(r)
    expect(idsIn(rest)).toEqual(["target.url", "target.reachable", "basic.credentials", "roles.api-user"])
    // Every check once, each under its group's heading.
    expect(idsIn(text + rest).sort()).toEqual(r.checks.map((c) => c.id).sort())
    expect(rest.startsWith("\nTarget\n")).toBe(true)
    expect(rest).toContain("\nBasic auth\n")
  })

  it("follows the catalogue when no audit_started came, and prints a check once", () => {
    const printer = textPrinter(plainStyle)
    const reachable = result("target.reachable", "pass")
    expect(printer.event(finished(reachable))).toBe("")
    const url = result("target.url", "pass")
    const out = printer.event(finished(url))
    expect(idsIn(out)).toEqual(["target.url", "target.reachable"])
    expect(printer.event(finished(url))).toBe("")
    const r = report([url, reachable])
    expect(idsIn(printer.closing(r))).toEqual([])
  })

  it("keeps the platform's text sanitised, headings and all", () => {
    const evil = "evil\u001b[2J\u001b]0;title\u0007 text\r\n\u009b1m \u202eeru"
    const r = report([result("target.url", "fail", { summary: evil, title: evil }), result("target.reachable", "pass")])
    const printer = textPrinter(plainStyle)
    const text =
      printer.event(started(r)) +
      printer.event(finished(r.checks[1]!)) +
      printer.event(finished(r.checks[0]!)) +
      printer.closing(r)
    expect(hasEscapes(text.replace(/\n/g, ""))).toBe(false)
    expect(text).not.toContain("\u202e")
    expect(idsIn(text).slice(0, 2)).toEqual(["target.url", "target.reachable"])
  })
})
