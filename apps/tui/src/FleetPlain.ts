/**
 * A fleet without a terminal (stdout not a terminal, CI, or --no-interactive): a plain line per target
 * as it finishes, then the fleet's totals. The first SIGINT stops the runs; the lines so far stand.
 */
import { Cli, ExitCode, exitCodeFor, type FailOn, type TextStyle, verdictGlyph, verdictWord } from "@arlo-ready/cli-kit"
import { type Fleet, fleetCounts, fleetVerdict, type Report, type Verdict } from "@arlo-ready/core"
import { Effect, Stream } from "effect"
import type { FleetRunner } from "./FleetRun.js"
import { clean } from "./internal/Text.js"

/** How one target's run ended. */
export interface TargetOutcome {
  readonly name: string
  readonly tags: ReadonlyArray<string>
  readonly verdict: Verdict
  readonly report: Report | null
  readonly error: string | null
}

/** Runs one target to its end. */
const outcomeOf = (fleet: Fleet, runner: FleetRunner, index: number): Effect.Effect<TargetOutcome> => {
  const t = fleet.targets[index]!
  const base = { name: t.name, tags: t.tags ?? [] }
  return runner.events(index, { ids: null, previous: [], prior: null }).pipe(
    Stream.runFold(null as Report | null, (report, e) => (e._tag === "audit_finished" ? e.report : report)),
    Effect.map(
      (report): TargetOutcome =>
        report === null
          ? { ...base, verdict: "incomplete", report: null, error: "the audit ended without its report." }
          : { ...base, verdict: report.verdict, report, error: null }
    ),
    Effect.catchAll((error) => Effect.succeed<TargetOutcome>({ ...base, verdict: "incomplete", report: null, error })),
    Effect.catchAllDefect(() =>
      Effect.succeed<TargetOutcome>({
        ...base,
        verdict: "incomplete",
        report: null,
        error: "the audit failed unexpectedly: run this target alone to see why."
      })
    )
  )
}

const counted = (s: Report["summary"]): string =>
  (
    [
      ["fail", "failed"],
      ["error", "undecided"],
      ["warn", "warning"],
      ["pass", "passed"]
    ] as const
  )
    .filter(([k]) => s[k] > 0 || k === "pass")
    .map(([k, w]) => `${s[k]} ${w}`)
    .join(", ")

/** `✘ acme-prod  NOT READY  [prod]  1 failed, 12 passed`: one target's line. */
export const outcomeLine = (o: TargetOutcome, style: Pick<TextStyle, "unicode">): string => {
  const tags = o.tags.length > 0 ? `  [${clean(o.tags.join(", "), 120)}]` : ""
  const why = o.error !== null ? clean(o.error, 300) : o.report ? counted(o.report.summary) : ""
  return `${verdictGlyph(o.verdict, style)} ${o.name}  ${verdictWord(o.verdict)}${tags}  ${why}`.trimEnd()
}

/** The fleet's closing line: its verdict and the targets per verdict. */
export const totalsLine = (
  fleet: Fleet,
  outcomes: ReadonlyArray<Pick<TargetOutcome, "verdict">>,
  style: Pick<TextStyle, "unicode">
): string => {
  const v = fleetVerdict(outcomes)
  const c = fleetCounts(outcomes)
  const missing = fleet.targets.length - outcomes.length
  const parts = [
    `${c.ready} ready`,
    `${c.ready_with_warnings} ready with warnings`,
    `${c.not_ready} not ready`,
    `${c.incomplete} incomplete`,
    ...(missing > 0 ? [`${missing} not run`] : [])
  ]
  return `${verdictGlyph(v, style)} Fleet ${clean(fleet.name ?? fleet.fileName, 120)}: ${verdictWord(v)} · ${fleet.targets.length} targets: ${parts.join(", ")}`
}

/** Audits every target, a line as each finishes; returns the exit code (the worst target's). */
export const fleetPlain = (
  fleet: Fleet,
  runner: FleetRunner,
  options: { readonly failOn: FailOn; readonly style: TextStyle; readonly concurrency: number }
) =>
  Effect.gen(function* () {
    const cli = yield* Cli
    const outcomes: Array<TargetOutcome> = []
    yield* cli.stoppable(
      Stream.fromIterable(fleet.targets.map((_, i) => i)).pipe(
        Stream.mapEffect((i) => outcomeOf(fleet, runner, i), { concurrency: options.concurrency, unordered: true }),
        Stream.runForEach((o) =>
          Effect.sync(() => {
            outcomes.push({ ...o, report: null })
            process.stdout.write(`${outcomeLine(o, options.style)}\n`)
          })
        )
      )
    )
    process.stdout.write(`${totalsLine(fleet, outcomes, options.style)}\n`)
    if (cli.interrupted()) return ExitCode.Interrupted
    const code = exitCodeFor({ verdict: fleetVerdict(outcomes) }, options.failOn)
    return outcomes.length < fleet.targets.length && code === ExitCode.Ready ? ExitCode.Incomplete : code
  })
