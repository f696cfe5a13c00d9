import { describe, expect, it } from "vitest"
import { displayPath, reportFileName } from "../src/Export.js"
import { duration, truncate, width, wrap } from "../src/internal/Text.js"

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

  it("shows durations for people", () => {
    expect(duration(0)).toBe("0ms")
    expect(duration(850)).toBe("850ms")
    expect(duration(1234)).toBe("1.2s")
    expect(duration(65_000)).toBe("1m05s")
  })
})

describe("Export", () => {
  it("names the report file after the moment, safe on every file system", () => {
    const at = new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 678))
    expect(reportFileName(at)).toBe("arlo-ready-report-20250102T030405Z.json")
    expect(reportFileName(at, 1)).toBe("arlo-ready-report-20250102T030405Z-2.json")
  })

  it("shows a path under the working directory relative to it", () => {
    expect(displayPath("/home/u/project/r.json", "/home/u/project")).toBe("./r.json")
    expect(displayPath("/elsewhere/r.json", "/home/u/project")).toBe("/elsewhere/r.json")
  })
})
