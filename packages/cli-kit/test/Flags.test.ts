import { Either, Option } from "effect"
import { describe, expect, it } from "vitest"
import { failOnFrom, formatDuration } from "../src/index.js"

describe("failOnFrom", () => {
  it("is fail unless --fail-on says warn, and names the flag when it says something else", () => {
    expect(Either.getOrThrow(failOnFrom(Option.none()))).toBe("fail")
    expect(Either.getOrThrow(failOnFrom(Option.some("WARN")))).toBe("warn")
    const bad = failOnFrom(Option.some("always"))
    expect(bad._tag === "Left" && bad.left.message).toBe("--fail-on must be fail or warn (got 'always')")
  })
})

describe("formatDuration", () => {
  it("says milliseconds, tenths of seconds, then minutes and two-digit seconds", () => {
    expect(formatDuration(850)).toBe("850ms")
    expect(formatDuration(1234)).toBe("1.2s")
    expect(formatDuration(125_400)).toBe("2m05s")
    expect(formatDuration(-1)).toBe("0ms")
    expect(formatDuration(Number.NaN)).toBe("0ms")
  })
})
