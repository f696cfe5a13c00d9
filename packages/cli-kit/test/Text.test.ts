import { describe, expect, it } from "vitest"
import { hasEscapes, oneLine, wrap } from "../src/internal/text.js"

const cols = (s: string) => [...s].length

/** The wrap this one replaced, for words no longer than the width (where both must agree). */
const reference = (text: string, width: number, indent: string): Array<string> => {
  if (cols(text) <= width) return [text]
  const lines: Array<string> = []
  const [first, ...words] = text.split(" ")
  let line = first ?? ""
  for (const word of words) {
    const candidate = `${line} ${word}`
    if (word !== "" && cols(candidate) > width && line.trim() !== "") {
      lines.push(line.trimEnd())
      line = `${indent}${word}`
    } else {
      line = candidate
    }
  }
  if (line.trim() !== "") lines.push(line.trimEnd())
  return lines
}

/** A small seeded generator, so a failure can be replayed. */
const random = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31
  return seed / 2 ** 31
}

describe("oneLine", () => {
  it("neutralises escape sequences, controls, separators and every bidi character", () => {
    const hostile =
      "a\u001b]0;title\u0007b \u001b[38;5;201mc\u001b[0m \u001b]8;;https://evil.example/\u0007d\u001b]8;;\u0007 " +
      "\u009b2J\u007f e\u202ef\u202c \u2066g\u2069 \u200eh\u200f \u061ci \u2028j\u2029k\r\nl\tm"
    const safe = oneLine(hostile)
    expect(hasEscapes(safe)).toBe(false)
    expect(safe).not.toMatch(/[\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/)
    expect(safe).toBe("ab c d e f g h i j k l m")
  })
})

describe("wrap", () => {
  it("wraps on spaces, indents continuation lines, and leaves short text or no width alone", () => {
    expect(wrap("Open your own Contact record, Security tab", 20, "  ")).toEqual([
      "Open your own",
      "  Contact record,",
      "  Security tab"
    ])
    expect(wrap("short", 20, "  ")).toEqual(["short"])
    expect(wrap("no width at all, however long the text is", undefined, "  ")).toEqual([
      "no width at all, however long the text is"
    ])
    // Leading spaces (an indent the caller put in) stay; trailing spaces go.
    expect(wrap("    Cause: the platform answered an opaque 401   ", 24, "      ")).toEqual([
      "    Cause: the platform",
      "      answered an opaque",
      "      401"
    ])
  })

  it("agrees with the previous wrap whenever no word is longer than the width", () => {
    const next = random(42)
    for (let n = 0; n < 500; n++) {
      const width = 10 + Math.floor(next() * 60)
      const words = Array.from({ length: Math.floor(next() * 40) }, () =>
        next() < 0.1 ? "" : "wörd✔".repeat(1 + Math.floor(next() * 3)).slice(0, 1 + Math.floor(next() * (width - 4)))
      )
      const text = `${next() < 0.2 ? "  " : ""}${words.join(" ")}`
      expect(wrap(text, width, "  "), JSON.stringify({ text, width })).toEqual(reference(text, width, "  "))
    }
  })

  it("breaks a word longer than a line at the width, losing nothing and never splitting a surrogate pair", () => {
    const url = "https://support.arlo.co/hc/en-gb/articles/900003410306-Multi-factor-Authentication-MFA"
    const lines = wrap(`Docs: ${url}`, 40, "  ")
    expect(lines[0]).toBe("Docs:")
    expect(
      lines
        .slice(1)
        .map((l) => l.slice(2))
        .join("")
    ).toBe(url)
    for (const l of lines) expect(cols(l)).toBeLessThanOrEqual(40)
    for (const l of lines.slice(1)) expect(l.startsWith("  ")).toBe(true)

    const emoji = "😀".repeat(25)
    const broken = wrap(emoji, 10, "")
    expect(broken).toEqual(["😀".repeat(10), "😀".repeat(10), "😀".repeat(5)])
  })

  it("wraps a 1 MB word in one pass: fast, every line at the width, nothing lost", () => {
    const word = "x".repeat(1024 * 1024)
    const started = performance.now()
    const lines = wrap(`Cause: ${word} (end)`, 80, "    ")
    const ms = performance.now() - started
    expect(lines[0]).toBe("Cause:")
    expect(lines.at(-1)).toMatch(/^ {4}x* \(end\)$/)
    const body = lines.slice(1, -1)
    for (const l of body) expect(l).toBe(`    ${"x".repeat(76)}`)
    expect(lines.slice(1).join("").replace(/ /g, "").replace("(end)", "")).toBe(word)
    // The quadratic wrap took minutes on such a word; a linear one takes well under a second.
    expect(ms).toBeLessThan(5000)
  })

  it("wraps a megabyte of spaces and of short words in one pass", () => {
    const spaces = `a${" ".repeat(1024 * 1024)}b`
    expect(wrap(spaces, 80, "  ")).toEqual(["a", "  b"])
    const words = "lorem ipsum dolor ".repeat(60_000)
    const started = performance.now()
    const lines = wrap(words, 80, "  ")
    expect(performance.now() - started).toBeLessThan(5000)
    for (const l of lines) expect(cols(l)).toBeLessThanOrEqual(80)
    expect(lines.map((l) => l.trim()).join(" ")).toBe(words.trim())
  })
})
