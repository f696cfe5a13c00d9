import { formatDuration as duration } from "@arlo-ready/cli-kit"
import { describe, expect, it } from "vitest"
import { displayPath, exportDirectory, reportFileName, reportJson } from "../src/Export.js"
import { shown } from "../src/internal/Shown.js"
import { clean, SHOWN_MAX, truncate, width, wrap } from "../src/internal/Text.js"
import { report, result } from "./fixtures.js"

const ESC = "\u001b"
/** Server text that acts on a terminal written raw: a title, colours, a hyperlink, a C1 CSI, bidi characters. */
const hostile =
  `MFA ${ESC}]0;PWNED${"\u0007"}${ESC}[38;5;201mtinted${ESC}[0m ${ESC}]8;;https://evil.example/${"\u0007"}linked${ESC}]8;;${"\u0007"} ` +
  "\u009b2J\u007f \u202egnirts-desrever\u202c \u2066isolated\u2069 \u200emarks\u200f \u061cend\r\nnext\u2028line"
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point
const unsafe = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/

describe("Text", () => {
  it("truncates to a width with an ellipsis, and leaves short text alone", () => {
    expect(truncate("MFA blocks API sign-in for this account.", 12)).toBe("MFA blocks…")
    expect(width(truncate("MFA blocks API sign-in for this account.", 12))).toBeLessThanOrEqual(12)
    expect(truncate("short", 12)).toBe("short")
    expect(truncate("two\nlines", 20)).toBe("two lines")
    expect(truncate("anything", 0)).toBe("")
  })

  it("wraps at word boundaries, indents continuation lines and breaks a word longer than a line", () => {
    expect(wrap("Open your own Contact record, Security tab", 20, "  ")).toEqual([
      "Open your own",
      "  Contact record,",
      "  Security tab"
    ])
    const url = "https://support.arlo.co/hc/en-gb/articles/900003410306-Multi-factor-Authentication-MFA"
    const lines = wrap(url, 40)
    expect(lines.join("")).toBe(url)
    for (const l of lines) expect(width(l)).toBeLessThanOrEqual(40)
    expect(wrap("", 10)).toEqual([""])
  })

  it("wraps a 1 MB word in one pass: fast, at the width, nothing lost", () => {
    const word = "x".repeat(1024 * 1024)
    const started = performance.now()
    const lines = wrap(`Cause: ${word} (end)`, 80, "  ")
    const ms = performance.now() - started
    expect(lines[0]).toBe("Cause:")
    for (const l of lines.slice(1, -2)) expect(l).toBe(`  ${"x".repeat(78)}`)
    expect(lines.at(-1)).toMatch(/^ {2}x* \(end\)$|^ {2}\(end\)$/)
    expect(
      lines
        .slice(1)
        .map((l) => l.slice(2))
        .join("")
        .replace(" (end)", "")
        .replace("(end)", "")
    ).toBe(word)
    // The wrap this replaced re-sliced the rest of the word for every line: minutes for this one.
    expect(ms).toBeLessThan(5000)
  })

  it("counts and cuts graphemes as Intl.Segmenter does over the whole string, across its reading windows", () => {
    const segmenter = new Intl.Segmenter()
    const parts = [
      "a",
      " ",
      "\r\n",
      "é",
      "e\u0301",
      "😀",
      "👩‍👩‍👧",
      "🇬🇧",
      "🇫🇷",
      "\u0301",
      "x\u200d",
      "ก",
      "ำ",
      "\u1100\u1161\u11a8",
      "\ud83d",
      "…"
    ]
    let seed = 7
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed / 2 ** 31
    }
    for (let n = 0; n < 300; n++) {
      let s = ""
      for (let i = Math.floor(next() * 700); i > 0; i--) s += parts[Math.floor(next() * parts.length)]
      const g = Array.from(segmenter.segment(s), (x) => x.segment)
      expect(width(s), JSON.stringify(s)).toBe(g.length)
      const max = 1 + Math.floor(next() * g.length)
      const flat = Array.from(segmenter.segment(s.replace(/[\r\n\t]+/g, " ")), (x) => x.segment)
      const want =
        flat.length <= max
          ? flat.join("")
          : `${flat
              .slice(0, max - 1)
              .join("")
              .trimEnd()}…`
      expect(truncate(s, max), JSON.stringify({ s, max })).toBe(want)
    }
  })

  it("truncates a 1 MB string reading only what it keeps", () => {
    const long = "y".repeat(1024 * 1024)
    const started = performance.now()
    for (let i = 0; i < 100; i++) expect(truncate(long, 40)).toBe(`${"y".repeat(39)}…`)
    expect(performance.now() - started).toBeLessThan(5000)
  })

  it("shows durations for people", () => {
    expect(duration(0)).toBe("0ms")
    expect(duration(850)).toBe("850ms")
    expect(duration(1234)).toBe("1.2s")
    expect(duration(65_000)).toBe("1m05s")
  })
})

describe("clean: the one sanitiser for text the screen did not write", () => {
  it("removes escape sequences and neutralises controls and bidi characters, keeping the words", () => {
    const safe = clean(hostile)
    expect(safe).not.toMatch(unsafe)
    expect(safe).toBe("MFA tinted linked gnirts-desrever isolated marks end next line")
  })

  it("shows at most SHOWN_MAX characters of any string, ending in an ellipsis", () => {
    const started = performance.now()
    const long = clean(`redirect_uri-${"x".repeat(300 * 1024)}`)
    expect(width(long)).toBe(SHOWN_MAX)
    expect(long.endsWith("x…")).toBe(true)
    // Escape sequences beyond what is shown are never read; a cut sequence leaves no ESC behind.
    const escapes = clean(`${ESC}]0;`.repeat(300_000))
    expect(escapes).not.toMatch(unsafe)
    // One grapheme of a million combining marks is cut too.
    expect(clean(`e${"\u0301".repeat(1024 * 1024)}`).length).toBeLessThanOrEqual(4 * SHOWN_MAX + 1)
    // Never half a surrogate pair.
    const emoji = clean("😀".repeat(SHOWN_MAX * 3))
    expect(emoji).toBe(`${"😀".repeat(SHOWN_MAX - 1)}…`)
    expect(performance.now() - started).toBeLessThan(5000)
    expect(clean("short")).toBe("short")
  })

  it("reaches every string of a check result the screen shows", () => {
    const r = shown(
      result("basic.mfa", "fail", {
        title: hostile,
        summary: hostile,
        cause: { code: hostile, message: hostile, possibilities: [hostile] },
        evidence: [{ method: hostile, path: hostile, status: 401, durationMs: 1, error: hostile, note: hostile }],
        facts: { [hostile]: hostile, list: [hostile, { deep: [hostile] }], n: 3, yes: true, none: null },
        remediation: { steps: [hostile, hostile], who: "you", recheck: hostile },
        docs: [{ title: hostile, url: hostile }]
      })
    )
    const strings: Array<string> = []
    const walk = (v: unknown): void => {
      if (typeof v === "string") strings.push(v)
      else if (Array.isArray(v)) v.forEach(walk)
      else if (v !== null && typeof v === "object") {
        for (const [k, x] of Object.entries(v)) {
          strings.push(k)
          walk(x)
        }
      }
    }
    walk(r)
    for (const s of strings) expect(s, JSON.stringify(s)).not.toMatch(unsafe)
    expect(strings.filter((s) => s.includes("gnirts-desrever")).length).toBe(18)
    expect(r.facts).toMatchObject({ n: 3, yes: true, none: null })
  })
})

describe("Export", () => {
  it("writes the report as JSON with every C1 control, DEL, separator and bidi character escaped", () => {
    const r = report([
      result("basic.mfa", "fail", {
        summary: hostile,
        cause: { code: "mfa_enabled", message: hostile },
        facts: { [hostile]: [hostile] }
      })
    ])
    const body = reportJson(r)
    expect(body.endsWith("}\n")).toBe(true)
    expect(body.replace(/\n/g, "")).not.toMatch(unsafe)
    for (const c of ["\\u001b", "\\u009b", "\\u007f", "\\u202e", "\\u2066", "\\u200e", "\\u061c", "\\u2028"]) {
      expect(body).toContain(c)
    }
    // The same report, character for character.
    expect(JSON.parse(body)).toEqual(JSON.parse(JSON.stringify(r)))
    expect(reportJson(report([result("target.url", "pass")]))).toBe(
      `${JSON.stringify(report([result("target.url", "pass")]), null, 2)}\n`
    )
  })

  it("names the report file after the moment, safe on every file system", () => {
    const at = new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 678))
    expect(reportFileName(at)).toBe("arlo-ready-report-20250102T030405Z.json")
    expect(reportFileName(at, 1)).toBe("arlo-ready-report-20250102T030405Z-2.json")
  })

  it("exports into arlo-ready-reports/ under INIT_CWD when set, else under the working directory", () => {
    expect(exportDirectory({}, "/home/u/project")).toBe("/home/u/project/arlo-ready-reports")
    expect(exportDirectory({ INIT_CWD: undefined }, "/home/u/project")).toBe("/home/u/project/arlo-ready-reports")
    expect(exportDirectory({ INIT_CWD: "" }, "/home/u/project")).toBe("/home/u/project/arlo-ready-reports")
    expect(exportDirectory({ INIT_CWD: "/home/u/repo" }, "/home/u/repo/apps/tui")).toBe(
      "/home/u/repo/arlo-ready-reports"
    )
    expect(exportDirectory({ INIT_CWD: "/home/u/repo/" }, "/tmp")).toBe("/home/u/repo/arlo-ready-reports")
    expect(exportDirectory({ INIT_CWD: "sub" }, "/home/u")).toBe("/home/u/sub/arlo-ready-reports")
    // Only INIT_CWD counts.
    expect(exportDirectory({ PWD: "/elsewhere", OLDPWD: "/other" }, "/home/u")).toBe("/home/u/arlo-ready-reports")
  })

  it("shows a path under the working directory relative to it", () => {
    expect(displayPath("/home/u/project/r.json", "/home/u/project")).toBe("./r.json")
    expect(displayPath("/elsewhere/r.json", "/home/u/project")).toBe("/elsewhere/r.json")
  })
})
