/**
 * Living with findings, as the report app does it: `--waivers FILE` (accepted findings that expire
 * loudly), `--baseline PREVIOUS.json` (drift since an earlier report), `--write-baseline PATH` (this
 * run's JSON report as the next baseline) and `--fail-on new`. The run's date comes from the clock,
 * or from `ARLO_READY_NOW` (for tests: a fixed date decides which waivers have expired).
 */
import { readFileSync } from "node:fs"
import { ExitCode, exitCodeFor, type FailOn, UsageError } from "@arlo-ready/cli-kit"
import type { FlagSpec } from "@arlo-ready/cli-kit/Args"
import {
  type AuditEvent,
  applyWaivers,
  dayOf,
  diffBaseline,
  newFindings,
  parseWaiversText,
  type Report,
  type Target,
  type WaiverEntry,
  waiveResult
} from "@arlo-ready/core"
import { Either, Option } from "effect"

/** `--fail-on` of the report app: the shared values plus `new`. */
export const failOnNewFlag: FlagSpec = {
  key: "failOn",
  name: "fail-on",
  kind: "value",
  group: "output",
  value: "fail|warn|new",
  description:
    "Exit 1 on failed checks only (fail, the default), on warnings too (warn), or, with --baseline, only on findings the baseline did not have (new)."
}

/** The flags of waivers and baselines. */
export const livingFlags: ReadonlyArray<FlagSpec> = [
  {
    key: "waivers",
    name: "waivers",
    kind: "value",
    group: "output",
    value: "FILE",
    description:
      "Accepted findings (JSON or YAML: check, target, reason, owner, expires): a waived check does not count against the verdict until its date."
  },
  {
    key: "baseline",
    name: "baseline",
    kind: "value",
    group: "output",
    value: "FILE",
    description: "Compare with an earlier JSON report of the same target: each check new, fixed, changed or unchanged."
  },
  {
    key: "writeBaseline",
    name: "write-baseline",
    kind: "value",
    group: "output",
    value: "PATH",
    description: "Also write this run's JSON report to PATH, as the next run's --baseline."
  }
]

/** What a run lives with: its waivers and clock, and the baseline it is compared with. */
export interface Living {
  readonly waivers: ReadonlyArray<WaiverEntry>
  /** Warn this many days before a waiver expires (the config file's `waiverWarnDays`, else 14). */
  readonly warnDays: number | undefined
  readonly now: Date
  readonly baseline: { readonly path: string; readonly report: unknown } | undefined
  readonly failOnNew: boolean
}

const usage = (message: string) => Either.left(new UsageError({ message }))

const readText = (flag: string, path: string): Either.Either<string, UsageError> => {
  try {
    return Either.right(readFileSync(path, "utf8"))
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    return usage(`${flag} ${path}: ${code === "ENOENT" ? "no such file" : `cannot read it (${code ?? "error"})`}`)
  }
}

/** The run's clock: `ARLO_READY_NOW` (YYYY-MM-DD or an RFC 3339 time, for tests), else now. */
export const clockFrom = (env: NodeJS.ProcessEnv): Either.Either<Date, UsageError> => {
  const fixed = env.ARLO_READY_NOW
  if (fixed === undefined || fixed === "") return Either.right(new Date())
  const day = dayOf(fixed)
  const at = day !== undefined ? new Date(day * 86_400_000) : new Date(fixed)
  if (Number.isNaN(at.getTime())) return usage(`ARLO_READY_NOW=${fixed} is not a date: write YYYY-MM-DD`)
  return Either.right(at)
}

/** Reads the waivers file, the clock and the baseline before the audit runs, so a bad one costs no run. */
export const loadLiving = (
  options: {
    readonly waivers: Option.Option<string>
    readonly baseline: Option.Option<string>
    readonly failOn: Option.Option<string>
  },
  env: NodeJS.ProcessEnv,
  fromFile: ReadonlyArray<WaiverEntry> = [],
  warnDays?: number
): Either.Either<Living, UsageError> =>
  Either.gen(function* () {
    const now = yield* clockFrom(env)
    let waivers: ReadonlyArray<WaiverEntry> = fromFile
    if (Option.isSome(options.waivers)) {
      const path = options.waivers.value
      const parsed = parseWaiversText(yield* readText("--waivers", path), path)
      if ("error" in parsed) return yield* usage(`--waivers ${path}: ${parsed.error}`)
      waivers = parsed.waivers
    }
    const failOnNew = Option.getOrUndefined(options.failOn) === "new"
    let baseline: Living["baseline"]
    if (Option.isSome(options.baseline)) {
      const path = options.baseline.value
      const text = yield* readText("--baseline", path)
      try {
        baseline = { path, report: JSON.parse(text) }
      } catch {
        return yield* usage(`--baseline ${path}: not JSON: give the JSON report of an earlier run`)
      }
    } else if (failOnNew) {
      return yield* usage("--fail-on new compares with a baseline: give --baseline PREVIOUS.json")
    }
    return { waivers, warnDays, now, baseline, failOnNew }
  })

/**
 * The events as the run lives with them: each finished check under the waivers (so the text format
 * streams `WAIVED`), the final report with the waivers applied and the drift.
 */
export const livingEvents = (living: Living): ((event: AuditEvent) => AuditEvent) => {
  if (living.waivers.length === 0 && !living.baseline) return (event) => event
  let target: Target | undefined
  return (event) => {
    switch (event._tag) {
      case "audit_started":
        target = event.target
        return event
      case "check_finished":
        return target
          ? { ...event, result: waiveResult(event.result, living.waivers, target, { now: living.now }).result }
          : event
      case "audit_finished":
        return { ...event, report: live(event.report, living) }
      default:
        return event
    }
  }
}

/** The baseline's target and version, checked against this run's target before the audit runs. */
export const checkBaseline = (living: Living, baseUrl: string): Either.Either<void, UsageError> => {
  if (!living.baseline) return Either.void
  const probe = { target: { baseUrl }, checks: [] } as unknown as Report
  const diff = diffBaseline(probe, living.baseline.report)
  return "error" in diff ? usage(`--baseline ${living.baseline.path}: ${diff.error}`) : Either.void
}

/** The report with the waivers applied and the drift against the baseline. */
export const live = (report: Report, living: Living): Report => {
  const waived = applyWaivers(report, living.waivers, {
    now: living.now,
    ...(living.warnDays !== undefined ? { warnDays: living.warnDays } : {})
  })
  if (!living.baseline) return waived
  const diff = diffBaseline(waived, living.baseline.report)
  return "drift" in diff ? { ...waived, drift: diff.drift } : waived
}

/**
 * The exit code: with `--fail-on new`, 1 only for findings the baseline did not have; a run that
 * could not decide every check is still incomplete (3), since a check that did not run is no evidence.
 */
export const livingExitCode = (report: Report, failOn: FailOn, living: Living): ExitCode => {
  if (!living.failOnNew) return exitCodeFor(report, failOn)
  if (newFindings(report).length > 0) return ExitCode.NotReady
  return report.verdict === "incomplete" ? ExitCode.Incomplete : ExitCode.Ready
}
