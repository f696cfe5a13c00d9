import { HelpDoc, ValidationError } from "@effect/cli"
import { Cause } from "effect"
import { describe, expect, it } from "vitest"
import { ExitCode, exitCodeFor, failureMessage, missingValue, UsageError } from "../src/index.js"

describe("exitCodeFor", () => {
  it("maps each verdict, and warnings only with --fail-on warn", () => {
    expect(exitCodeFor({ verdict: "ready" })).toBe(0)
    expect(exitCodeFor({ verdict: "ready_with_warnings" })).toBe(0)
    expect(exitCodeFor({ verdict: "ready_with_warnings" }, "warn")).toBe(1)
    expect(exitCodeFor({ verdict: "ready" }, "warn")).toBe(0)
    expect(exitCodeFor({ verdict: "not_ready" })).toBe(1)
    expect(exitCodeFor({ verdict: "incomplete" })).toBe(3)
    expect(exitCodeFor({ verdict: "incomplete" }, "warn")).toBe(3)
    expect(ExitCode.Usage).toBe(2)
    expect(ExitCode.WriteFailed).toBe(4)
    expect(ExitCode.Interrupted).toBe(130)
  })
})

describe("missingValue", () => {
  const flags = ["--base-url", "--only"]
  it("finds a value flag given last or followed by another flag", () => {
    expect(missingValue(["--base-url"], flags)?.message).toBe("--base-url needs a value, e.g. --base-url=VALUE")
    expect(missingValue(["--only", "--base-url", "x"], flags)?.message).toContain("--only needs a value")
    expect(missingValue(["--base-url", "x", "--only", "a"], flags)).toBeUndefined()
    expect(missingValue(["--base-url=x"], flags)).toBeUndefined()
  })
})

describe("failureMessage", () => {
  it("is one line for usage errors, parse errors and defects", () => {
    expect(failureMessage(Cause.fail(new UsageError({ message: "--format must be json\nor text" })))).toBe(
      "--format must be json or text"
    )
    const parse = ValidationError.invalidValue(HelpDoc.p("Received unknown argument: '--bogus'"))
    expect(failureMessage(Cause.fail(parse))).toBe("Received unknown argument: '--bogus'. Run with --help for usage.")
    const defect = failureMessage(Cause.die(new TypeError("x is not a function\n    at foo (bar.js:1:1)")))
    expect(defect).toBe("unexpected error: x is not a function at foo (bar.js:1:1)")
  })
})
