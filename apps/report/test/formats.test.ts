import { hasEscapes } from "@arlo-ready/cli-kit"
import { type CheckStatus, catalogue, groupTitles, Report, reportJsonSchema } from "@arlo-ready/core"
import { Ajv } from "ajv"
import { Redacted, Schema } from "effect"
import { describe, expect, it } from "vitest"
import {
  annotations,
  escapeData,
  escapeProperty,
  github,
  json,
  junit,
  markdown,
  maskCommands,
  mdText,
  ndjsonLine,
  render
} from "../src/index.js"
import { allPass, notReady, report, result } from "./fixtures.js"
import { childrenNamed, parseXml, textOf } from "./xml.js"

const nasty = `a <b> & "c" 'd' %25 100% \r\n:, x\u0000y\u0007z\u001b[31mred\u001b[0m \u0085 \ud800 ]]> end`

const nastyReport = () =>
  allPass(
    { "basic.credentials": "fail", "oauth.scopes": "warn", "policy.rate-limit": "error" },
    {
      "basic.credentials": {
        summary: nasty,
        cause: { code: `bad${nasty}`, message: nasty, possibilities: [nasty] },
        remediation: { steps: [nasty], who: "you", recheck: `arlo-ready-report --only ${nasty}` },
        evidence: [{ method: "GET", path: `/x?q=${nasty}`, status: null, durationMs: 3, error: nasty, note: nasty }]
      },
      "oauth.scopes": { summary: nasty, title: nasty }
    }
  )

/** Characters a terminal or an editor acts on or hides: C1 controls and DEL, separators, bidi controls. */
const invisible =
  "\u007f\u0080\u0085\u009f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
const terminalUnsafe = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/

const invisibleReport = () =>
  allPass(
    { "basic.credentials": "fail" },
    {
      "basic.credentials": {
        title: `Basic ${invisible} credentials`,
        summary: `user\u202eexe.txt said ${invisible}`,
        cause: { code: `c${invisible}`, message: `m${invisible}`, possibilities: [invisible] },
        evidence: [
          { method: "GET", path: `/x${invisible}`, status: 401, durationMs: 3, note: `WWW-Authenticate: ${invisible}` }
        ]
      }
    }
  )

const validate = new Ajv({ strict: false, allErrors: true }).compile(reportJsonSchema())

describe("json", () => {
  it("round-trips through the Report schema and validates against the JSON Schema", () => {
    for (const r of [allPass(), notReady(), nastyReport(), report([], { interrupted: true })]) {
      const text = json(r)
      expect(text.endsWith("\n")).toBe(true)
      const parsed = JSON.parse(text)
      expect(validate(parsed), JSON.stringify(validate.errors)).toBe(true)
      expect(Schema.decodeUnknownSync(Report)(parsed)).toEqual(r)
    }
  })

  it("writes C1 controls, DEL, line separators and bidi controls as \\uXXXX: the same value, safe to cat", () => {
    const r = invisibleReport()
    const text = json(r)
    expect(text).not.toMatch(terminalUnsafe)
    for (const c of invisible) expect(text).toContain(`\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`)
    expect(Schema.decodeUnknownSync(Report)(JSON.parse(text))).toEqual(r)
  })
})

describe("junit", () => {
  it("has one testsuite per group present and one testcase per check, counted per status", () => {
    const r = notReady()
    const root = parseXml(junit(r))
    expect(root.name).toBe("testsuites")
    const suites = childrenNamed(root, "testsuite")
    const groups = [...new Set(r.checks.map((c) => c.group))]
    expect(suites.map((s) => s.attrs.id)).toEqual(groups)
    expect(suites.map((s) => s.attrs.name)).toEqual(groups.map((g) => groupTitles[g]))
    const cases = suites.flatMap((s) => childrenNamed(s, "testcase"))
    expect(cases.map((c) => c.attrs.name)).toEqual(r.checks.map((c) => c.id))
    const count = (tag: string) => cases.filter((c) => childrenNamed(c, tag).length > 0).length
    expect(count("failure")).toBe(r.summary.fail)
    expect(count("error")).toBe(r.summary.error)
    expect(count("skipped")).toBe(r.summary.skipped + r.summary.not_applicable)
    expect(root.attrs).toMatchObject({
      tests: String(r.checks.length),
      failures: String(r.summary.fail),
      errors: String(r.summary.error),
      skipped: String(r.summary.skipped + r.summary.not_applicable)
    })
    for (const s of suites) {
      const mine = childrenNamed(s, "testcase")
      expect(s.attrs.tests).toBe(String(mine.length))
    }
    const blocked = cases.find((c) => c.attrs.name === "roles.api-user")!
    expect(childrenNamed(blocked, "skipped")[0]!.attrs.message).toContain("Blocked by basic.credentials")
  })

  it("escapes markup, quotes, newlines and characters XML forbids", () => {
    const r = nastyReport()
    const doc = junit(r)
    const root = parseXml(doc)
    const cases = childrenNamed(root, "testsuite").flatMap((s) => childrenNamed(s, "testcase"))
    const failed = cases.find((c) => c.attrs.name === "basic.credentials")!
    const failure = childrenNamed(failed, "failure")[0]!
    expect(failure.attrs.message).toContain("a <b> & \"c\" 'd' %25 100%")
    expect(failure.attrs.type).toContain("bad")
    expect(textOf(failure)).toContain("Cause: a <b> &")
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting that none got through
    expect(doc).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/)
    const errored = cases.find((c) => c.attrs.name === "policy.rate-limit")!
    expect(childrenNamed(errored, "error")).toHaveLength(1)
  })

  it("makes a warning a failure with failOn warn, so the file agrees with the exit code", () => {
    const r = allPass({ "oauth.scopes": "warn" })
    const count = (doc: string) =>
      childrenNamed(parseXml(doc), "testsuite")
        .flatMap((s) => childrenNamed(s, "testcase"))
        .filter((c) => childrenNamed(c, "failure").length > 0).length
    expect(count(junit(r))).toBe(0)
    expect(count(junit(r, { failOn: "warn" }))).toBe(1)
  })

  it("is a valid document with no checks at all", () => {
    const root = parseXml(junit(report([])))
    expect(root.attrs.tests).toBe("0")
    expect(childrenNamed(root, "testsuite")).toHaveLength(0)
  })
})

describe("markdown", () => {
  it("shows the verdict, a row per check and the remediation of each root cause", () => {
    const r = notReady()
    const md = markdown(r)
    expect(md).toContain("## arlo-ready: ❌ Not ready")
    for (const c of r.checks) expect(md).toContain(`\`${c.id}\``)
    expect(md).toContain("### What to fix")
    expect(md).toContain("1. Fix basic.credentials.")
    expect(md).toContain("**Blocks:** `roles.api-user`")
    expect(md.match(/^#### /gm)).toHaveLength(1)
  })

  it("escapes what the platform said: no HTML, no table breaks, no control characters", () => {
    const md = markdown(nastyReport())
    // Code spans show their content literally; outside them no tag may survive.
    expect(md.replace(/(`+)[^`]*?\1/g, "")).not.toContain("<b>")
    expect(md).toContain("&lt;b&gt;")
    expect(hasEscapes(md.replace(/\n/g, ""))).toBe(false)
    const rows = md.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| ---"))
    for (const row of rows) expect(row.split(/(?<!\\)\|/).length).toBe(6)
    expect(mdText("[x](javascript:alert(1))")).toBe("\\[x\\]\\(javascript:alert\\(1\\)\\)")
  })

  it("turns no server text into a mention, a team mention, an issue reference or a link", () => {
    const said =
      "ask @octocat or @acme/security (cc: me@example.com), see #12, https://evil.example/a?b=c, http://x.example and www.evil.example."
    const text = mdText(said)
    // What GitHub would act on, outside code spans: @name, #123, a scheme's ://, www.
    const outside = text.replace(/(`+)[^`]*?\1/g, "")
    expect(outside).not.toMatch(/@[A-Za-z0-9]/)
    expect(outside).not.toMatch(/(?<!&)#\d/)
    expect(outside).not.toMatch(/:\/\//)
    expect(outside).not.toMatch(/\bwww\./i)
    // Still readable: the URLs whole, in code spans, the names with a zero-width space after the @.
    expect(text).toContain("`https://evil.example/a?b=c`")
    expect(text).toContain("`http://x.example`")
    expect(text).toContain("`www.evil.example`")
    expect(text).toContain("@&#8203;octocat")
    expect(text).toContain("@&#8203;acme/security")
    expect(text).toContain("me@&#8203;example.com")
    const md = markdown(
      allPass(
        { "basic.credentials": "fail" },
        {
          "basic.credentials": {
            summary: said,
            cause: { code: "c", message: said, possibilities: [said] },
            remediation: { steps: [said], who: "you" },
            evidence: [{ method: "GET", path: "/x", status: 401, durationMs: 3, note: said }]
          }
        }
      )
    )
    const prose = md.replace(/(`+)[^`]*?\1/g, "").replace(/\]\(https:\/\/[^)]*\)/g, "]")
    expect(prose).not.toMatch(/@[A-Za-z0-9]/)
    expect(prose).not.toMatch(/:\/\/|\bwww\./)
    // A URL in a table cell stays one cell.
    const rows = md.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| ---"))
    for (const row of rows) expect(row.split(/(?<!\\)\|/).length).toBe(6)
  })

  it("stays under 1 MiB however much the platform said", () => {
    const huge = "x".repeat(300_000)
    const r = allPass(
      { "basic.credentials": "fail", "basic.mfa": "fail", "roles.api-user": "error", "oauth.server": "warn" },
      Object.fromEntries(
        ["basic.credentials", "basic.mfa", "roles.api-user", "oauth.server", "target.url"].map((id) => [
          id,
          {
            summary: huge,
            cause: { code: "c", message: huge },
            evidence: Array(50).fill({ method: "GET", path: huge, status: 500, durationMs: 1 })
          }
        ])
      )
    )
    const md = markdown(r)
    expect(Buffer.byteLength(md)).toBeLessThan(1024 * 1024)
    expect(md).toContain("## arlo-ready:")
    const tiny = markdown(r, 2000)
    expect(Buffer.byteLength(tiny)).toBeLessThanOrEqual(2000)
    expect(tiny).toContain("truncated")
  })
})

describe("github", () => {
  it("escapes data and properties by GitHub's rules", () => {
    expect(escapeData("100%\r\n:,")).toBe("100%25%0D%0A:,")
    expect(escapeProperty("100%\r\n:,")).toBe("100%25%0D%0A%3A%2C")
  })

  it("annotates each root cause once: error for fail, warning for warn and error", () => {
    const r = nastyReport()
    const lines = annotations(r)
    expect(lines).toHaveLength(3)
    expect(lines[0]).toMatch(/^::error title=arlo-ready basic\.credentials%3A Basic credentials::/)
    expect(lines[1]).toMatch(/^::warning title=arlo-ready policy\.rate-limit/)
    expect(lines[2]).toMatch(/^::warning title=arlo-ready oauth\.scopes%3A /)
    const unescapeCommand = (s: string) =>
      s.replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%3A/g, ":").replace(/%2C/g, ",").replace(/%25/g, "%")
    for (const line of lines) {
      expect(line).not.toMatch(/[\r\n]/)
      const [, props, data] = /^::\w+ ([^:]*)::(.*)$/.exec(line)!
      expect(props).not.toMatch(/[,:]/)
      expect(unescapeCommand(props!)).toMatch(/^title=arlo-ready /)
      expect(unescapeCommand(data!).split("\n").length).toBeGreaterThan(1)
    }
    const message = unescapeCommand(/::(.*)$/.exec(lines[0]!.slice(2))![1]!)
    expect(message.split("\n")[0]).toBe(
      "a <b> & \"c\" 'd' %25 100% :, x y zred \u0085 \ud800 ]]> end".replace(/ \u0085 /, " ")
    )
    expect(message).toContain("\nCause: ")
  })

  it("does not annotate a ready report, and skipped checks are never annotated", () => {
    expect(annotations(allPass())).toEqual([])
    expect(annotations(notReady())).toHaveLength(1)
    const out = github(notReady())
    expect(out.split("\n").filter((l) => l.startsWith("::error"))).toHaveLength(1)
    expect(out).toContain("::group::")
    expect(out).toContain("::endgroup::")
  })

  it("masks every line of every secret, escaped", () => {
    expect(maskCommands([Redacted.make("p%ss"), Redacted.make("two\nlines")])).toEqual([
      "::add-mask::p%25ss",
      "::add-mask::two",
      "::add-mask::lines"
    ])
  })
})

describe("text and ndjson", () => {
  it("text has no escape codes, a line per check and the verdict last", () => {
    const r = nastyReport()
    const text = render("text", r)
    expect(hasEscapes(text.replace(/\n/g, ""))).toBe(false)
    const lines = text.trimEnd().split("\n")
    expect(lines.at(-1)).toMatch(/^✘ NOT READY/)
    for (const c of catalogue) expect(text).toContain(c.id)
  })

  it("ndjson escapes what json escapes, line by line, and parses to the same events", () => {
    const r = invisibleReport()
    const event = { _tag: "audit_finished", at: "2025-01-01T00:00:00.000Z", report: r } as const
    const line = ndjsonLine(event)
    expect(line).not.toMatch(terminalUnsafe)
    expect(line.slice(0, -1)).not.toContain("\n")
    expect(JSON.parse(line)).toEqual(JSON.parse(JSON.stringify(event)))
    const all = render("ndjson", r)
    expect(all).not.toMatch(terminalUnsafe)
    expect(JSON.parse(all).report.checks[2].summary).toBe(r.checks[2]!.summary)
  })

  it("ndjson lines each parse to one event", () => {
    const r = allPass()
    const line = ndjsonLine({ _tag: "audit_finished", at: "2025-01-01T00:00:00.000Z", report: r })
    expect(line.endsWith("\n")).toBe(true)
    expect(line.slice(0, -1)).not.toContain("\n")
    expect(JSON.parse(line).report.verdict).toBe("ready")
  })

  it("renders every status", () => {
    const statuses: Array<CheckStatus> = ["pass", "warn", "fail", "error", "skipped", "not_applicable"]
    const r = report(statuses.map((s, i) => result(catalogue[i]!.id, s)))
    for (const f of ["json", "junit", "markdown", "github", "ndjson", "text", "html"] as const) {
      expect(render(f, r).length).toBeGreaterThan(0)
    }
  })
})
