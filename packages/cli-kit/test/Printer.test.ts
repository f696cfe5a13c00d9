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
  textOfEvent,
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

describe("the streaming printer", () => {
  it("prints, event by event, exactly the text report of the finished audit", () => {
    const r = report([
      result("target.url", "pass"),
      result("basic.credentials", "fail"),
      result("roles.api-user", "skipped", { blockedBy: ["basic.credentials"] })
    ])
    const at = r.startedAt
    const streamed = [
      textOfEvent({ _tag: "audit_started", at, target: r.target, checks: r.checks.map((c) => c.id) }, plainStyle),
      ...r.checks.flatMap((c) => [
        textOfEvent({ _tag: "check_started", at, id: c.id }, plainStyle),
        textOfEvent({ _tag: "check_finished", at, result: c }, plainStyle)
      ]),
      textOfEvent({ _tag: "audit_finished", at, report: r }, plainStyle),
      textClosing(r, plainStyle)
    ]
    expect(streamed.join("")).toBe(textReport(r, plainStyle))
    expect(streamed.filter((s) => s === "")).toHaveLength(4)
    expect(textClosing(r, plainStyle)).toMatch(
      /^\nWhat to fix:\n[\s\S]*\n\n✘ NOT READY {2}1 pass, 1 fail, 1 skipped in 1\.5s\n$/
    )
  })
})
