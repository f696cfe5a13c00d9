/**
 * The exit-code contract shared by both apps: the same code whatever the output format.
 */
import type { Report } from "@arlo-ready/core"

/** Every exit code the apps use. */
export const ExitCode = {
  /** ready, or ready_with_warnings unless `--fail-on warn`. */
  Ready: 0,
  /** not_ready (or ready_with_warnings with `--fail-on warn`). */
  NotReady: 1,
  /** A usage or configuration error: bad flag, missing target, malformed URL, unreadable file. */
  Usage: 2,
  /** The audit could not decide every check (error status, deadline reached). */
  Incomplete: 3,
  /**
   * The report could not be written in full: a write to stdout failed (a full disk, a reader that went
   * away) or an `--output` file could not be written (that file is left as it was). Whatever else could
   * be written was.
   */
  WriteFailed: 4,
  /** Interrupted by SIGINT or SIGTERM; what was done so far is still emitted. */
  Interrupted: 130
} as const

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

/** What makes the run fail: only failed checks (the default), or warnings too. */
export type FailOn = "fail" | "warn"

/** The values `--fail-on` accepts. */
export const failOnValues: ReadonlyArray<FailOn> = ["fail", "warn"]

/**
 * The exit code for a finished report. An interrupted run (SIGINT) exits 130 whatever the report
 * says, and one whose report could not be written in full exits 4; those are decided by the caller,
 * which knows whether a signal arrived and what the writes did.
 */
export const exitCodeFor = (report: Pick<Report, "verdict">, failOn: FailOn = "fail"): ExitCode => {
  switch (report.verdict) {
    case "ready":
      return ExitCode.Ready
    case "ready_with_warnings":
      return failOn === "warn" ? ExitCode.NotReady : ExitCode.Ready
    case "not_ready":
      return ExitCode.NotReady
    case "incomplete":
      return ExitCode.Incomplete
  }
}
