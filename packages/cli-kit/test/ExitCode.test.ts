import { Cause } from "effect"
import { describe, expect, it } from "vitest"
import { ExitCode, exitCodeFor, failureMessage, UsageError } from "../src/index.js"

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

describe("failureMessage", () => {
  it("is one line for usage errors and defects", () => {
    expect(failureMessage(Cause.fail(new UsageError({ message: "--format must be json\nor text" })))).toBe(
      "--format must be json or text"
    )
    const defect = failureMessage(Cause.die(new TypeError("x is not a function\n    at foo (bar.js:1:1)")))
    expect(defect).toBe("unexpected error: x is not a function at foo (bar.js:1:1)")
  })
})
