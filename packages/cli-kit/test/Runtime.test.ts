import { describe, expect, it } from "vitest"
import { ExitCode } from "../src/ExitCode.js"
import { exitCodeAfterWrites, stdoutFailureLine } from "../src/Runtime.js"

const errno = (code: string, message: string): NodeJS.ErrnoException => Object.assign(new Error(message), { code })

describe("a failed write to stdout", () => {
  it("is one line saying what failed and what to do, and none for a reader that went away", () => {
    expect(stdoutFailureLine("tool", errno("ENOSPC", "ENOSPC: no space left on device, write"))).toBe(
      "tool: could not write to stdout (ENOSPC: no space left on device), so what it shows is incomplete: free some space, or send stdout to another file"
    )
    expect(stdoutFailureLine("tool", errno("EIO", "EIO: i/o error,\nwrite"))).toMatch(
      /^tool: could not write to stdout \(EIO: i\/o error\), .*: send stdout to another file or pipe$/
    )
    expect(stdoutFailureLine("tool", errno("EPIPE", "write EPIPE"))).toBeUndefined()
  })

  it("makes every exit code a 4 but 130: a signal still says the run was interrupted", () => {
    for (const code of [ExitCode.Ready, ExitCode.NotReady, ExitCode.Usage, ExitCode.Incomplete]) {
      expect(exitCodeAfterWrites(code, true)).toBe(ExitCode.WriteFailed)
      expect(exitCodeAfterWrites(code, false)).toBe(code)
    }
    expect(exitCodeAfterWrites(ExitCode.Interrupted, true)).toBe(ExitCode.Interrupted)
  })
})
