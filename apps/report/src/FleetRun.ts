/**
 * `arlo-ready-report --fleet FILE`: reads the fleet file, takes the shard (`--shard i/n`) and the named
 * targets (`--target`), audits them with the core's `runFleet` over the apps' HTTP client (the same
 * proxy and CA settings as a single audit, per platform), and writes the fleet report in every format
 * asked for. With `--format ndjson` each target's line goes to stdout as it finishes, and the reports
 * are not kept unless another output needs them, so memory stays flat however large the fleet. The
 * progress goes to stderr. The exit code is the worst target's; 130 on Ctrl+C, with the reports so far
 * still written.
 */
import { appendFileSync, readFileSync, statSync } from "node:fs"
import {
  Cli,
  detectStyle,
  didYouMean,
  ExitCode,
  exitCodeFor,
  type FailOn,
  flagGiven,
  fleetCommandRunner,
  fleetNetworks,
  fleetSecretVariables,
  fleetTargetFlags,
  inCi,
  invokedAs,
  loadEnvFile,
  type NetworkSettings,
  parseCount,
  parseDuration,
  parseOptional,
  refusedWithFleet,
  shellWord,
  UsageError,
  withNetwork
} from "@arlo-ready/cli-kit"
import {
  checkFleetWaivers,
  defaults,
  type Fleet,
  type FleetReport,
  type FleetTarget,
  type FleetTargetResult,
  fleetLimits,
  fleetLiving,
  fleetReport,
  newFindings,
  parseFleet,
  parseFleetBaseline,
  parseShard,
  platformKey,
  runFleet,
  type Shard,
  shardFleet,
  waiverWarnings
} from "@arlo-ready/core"
import { Effect, Either, Option, Redacted, Stream } from "effect"
import { fleetFinishedLine, fleetTargetLine, fleetVerdictLine, renderFleet, targetLine } from "./FleetFormat.js"
import { fleetAnnotations } from "./FleetGithub.js"
import { fleetMarkdown } from "./FleetMarkdown.js"
import type { Format } from "./Format.js"
import { maskCommands } from "./Github.js"
import { fleetLivingText } from "./internal/fleetLiving.js"
import { fleetHttpClient } from "./internal/fleetNetwork.js"
import { fleetProgress } from "./internal/fleetProgress.js"
import { binName } from "./internal/version.js"
import type { Living } from "./Living.js"
import type { ReportFlags } from "./Main.js"
import { checkWritable, type Output, writeOutput } from "./Outputs.js"

type Env = Readonly<Record<string, string | undefined>>

/** The flags a fleet run does not take, with what to do instead. */
const notWithFleet = (flags: ReportFlags): UsageError | undefined => {
  const given = (k: keyof ReportFlags) => flagGiven(flags[k])
  const target = refusedWithFleet(flags, fleetTargetFlags)
  if (target) return target
  if (given("concurrency")) {
    return new UsageError({ message: "--concurrency does not go with --fleet: use --fleet-concurrency N" })
  }
  for (const [key, flag] of [
    ["only", "--only"],
    ["skip", "--skip"],
    ["assume", "--assume"],
    ["listChecks", "--list-checks"]
  ] as const) {
    if (given(key))
      return new UsageError({ message: `${flag} does not go with --fleet: a fleet run audits every check` })
  }
  return undefined
}

/** Reads and parses the fleet file; a file that cannot be read or used is one line. */
const readFleet = (path: string): Either.Either<Fleet, UsageError> => {
  let text: string
  try {
    // A regular file too large for a fleet is refused unread (a pipe, `<(…)`, is read and then judged).
    const st = statSync(path)
    if (st.isFile() && st.size > fleetLimits.maxBytes) {
      return Either.left(
        new UsageError({ message: `${path}: the fleet file is over 5 MiB: split it into several fleets.` })
      )
    }
    text = readFileSync(path, "utf8")
  } catch (e) {
    const code = (e as { code?: string }).code ?? "unreadable"
    const why = code === "ENOENT" ? "it does not exist" : code === "EISDIR" ? "it is a directory" : `${code}`
    return Either.left(new UsageError({ message: `--fleet ${path}: cannot read it (${why})` }))
  }
  return Either.mapLeft(parseFleet(text, path), (e) => new UsageError({ message: e.message }))
}

/** The targets this run audits: the shard's, then those `--target` names. */
const selectTargets = (
  fleet: Fleet,
  shard: Shard | null,
  names: ReadonlyArray<string>
): Either.Either<ReadonlyArray<FleetTarget>, UsageError> => {
  const inShard = shard === null ? fleet.targets : shardFleet(fleet, shard)
  const wanted = names.flatMap((n) => n.split(",")).map((n) => n.trim())
  if (wanted.length === 0) return Either.right(inShard)
  const all = fleet.targets.map((t) => t.name)
  for (const name of wanted) {
    if (!all.includes(name)) {
      const near = didYouMean(name, all)
      return Either.left(
        new UsageError({
          message: `--target ${name}: no such target in the fleet${near ? `: did you mean ${near}?` : ""}`
        })
      )
    }
  }
  return Either.right(inShard.filter((t) => wanted.includes(t.name)))
}

/** The secrets the environment holds for the targets (for `::add-mask::`, before anything prints). */
const envSecrets = (targets: ReadonlyArray<FleetTarget>, env: Env): Array<Redacted.Redacted<string>> =>
  [...fleetSecretVariables(targets)]
    .map((name) => env[name])
    .filter((v): v is string => v !== undefined && v !== "")
    .map((v) => Redacted.make(v))

/**
 * Waits while stdout's buffer is full (a slow reader of the NDJSON stream), so lines do not pile up in
 * memory; a stdout that fails or closes ends the wait (the runtime reports the failure).
 */
const stdoutDrained: Effect.Effect<void> = Effect.suspend(() =>
  process.stdout.writableNeedDrain !== true
    ? Effect.void
    : Effect.async<void>((resume) => {
        const done = () => {
          cleanup()
          resume(Effect.void)
        }
        const cleanup = () => {
          process.stdout.off("drain", done)
          process.stdout.off("error", done)
          process.stdout.off("close", done)
        }
        process.stdout.once("drain", done)
        process.stdout.once("error", done)
        process.stdout.once("close", done)
        return Effect.sync(cleanup)
      })
)

/** A finished target's report with its `network` field (and the doctor's findings when unreachable). */
const withNetworkOf =
  (networks: ReadonlyMap<string, NetworkSettings>, deadlineMs: number, signal: AbortSignal) =>
  (result: FleetTargetResult): Effect.Effect<FleetTargetResult> => {
    const settings = networks.get(platformKey({ baseUrl: result.baseUrl }))
    if (result.report === null || settings === undefined) return Effect.succeed(result)
    return Effect.map(
      withNetwork(result.report, settings, { baseUrl: result.baseUrl, deadlineMs }, signal),
      (report) => ({
        ...result,
        report
      })
    )
  }

const baselineOutput = (path: string): Output => ({ format: "json", path })

/** The waivers checked against the fleet file and the baseline read as a fleet report, before any audit. */
const livingOf = (request: FleetRequest, fleet: Fleet, sharded: boolean, targets: ReadonlyArray<FleetTarget>) => {
  const { living } = request
  const wrong = checkFleetWaivers(living.waivers, fleet)
  if (wrong) return Either.left(new UsageError({ message: `waivers: ${wrong}` }))
  let baseline: Parameters<typeof fleetLiving>[1]
  if (living.baseline) {
    const parsed = parseFleetBaseline(living.baseline.report)
    if ("error" in parsed)
      return Either.left(new UsageError({ message: `--baseline ${living.baseline.path}: ${parsed.error}` }))
    baseline = parsed.baseline
  }
  return Either.right(
    fleetLiving(living.waivers, baseline, {
      now: living.now,
      ...(living.warnDays !== undefined ? { warnDays: living.warnDays } : {}),
      fleetTargets: fleet.targets.map((t) => t.name),
      runTargets: targets.map((t) => t.name),
      sharded
    })
  )
}

/** What the fleet run was asked, checked before it starts. */
export interface FleetRequest {
  readonly fleetFile: string
  readonly shard: Option.Option<string>
  readonly targets: ReadonlyArray<string>
  readonly fleetConcurrency: Option.Option<string>
  readonly format: Format
  readonly failOn: FailOn
  readonly outputs: ReadonlyArray<Output>
  /** The waivers, the clock and the baseline (a fleet report), as loaded for any run. */
  readonly living: Living
}

/** Everything a fleet run needs, resolved from the flags, the environment and the fleet file. */
const prepare = (flags: ReportFlags, request: FleetRequest) =>
  Effect.gen(function* () {
    const refused = notWithFleet(flags)
    if (refused) return yield* refused
    const withFile = yield* loadEnvFile(Option.getOrUndefined(flags.envFile), process.env)
    const env = withFile.env
    const fleet = yield* readFleet(request.fleetFile)
    const shard = Option.isSome(request.shard)
      ? yield* Either.mapLeft(
          parseShard(request.shard.value),
          (e) => new UsageError({ message: `--shard: ${e.message}` })
        )
      : null
    const targets = yield* selectTargets(fleet, shard, request.targets)
    const values = yield* Effect.all({
      concurrency: parseOptional(request.fleetConcurrency, (t) => parseCount("--fleet-concurrency", t)),
      timeoutMs: parseOptional(flags.timeout, (t) => parseDuration("--timeout", t)),
      deadlineMs: parseOptional(flags.deadline, (t) => parseDuration("--deadline", t)),
      maxRequests: parseOptional(flags.maxRequests, (t) => parseCount("--max-requests", t))
    })
    const networks = yield* fleetNetworks(flags, env, targets)
    const lives = yield* livingOf(request, fleet, shard !== null, targets)
    yield* checkWritable([...request.outputs, ...Option.toArray(flags.writeBaseline).map(baselineOutput)])
    return { env, fleet, shard, targets, values, networks, lives }
  })

/** Writes the formats of the finished report (stdout unless it streamed, the files, the step summary). */
export const writeAll = (
  report: FleetReport,
  request: Pick<FleetRequest, "format" | "failOn" | "outputs">,
  streamed: boolean,
  writeBaseline: Option.Option<string> = Option.none()
) =>
  Effect.gen(function* () {
    const cli = yield* Cli
    const env = process.env
    if (!streamed) process.stdout.write(renderFleet(request.format, report, { failOn: request.failOn }))
    if (env.GITHUB_ACTIONS === "true") {
      if (request.format !== "github") {
        const lines = fleetAnnotations(report)
        if (lines.length > 0) process.stderr.write(`${lines.join("\n")}\n`)
      }
      if (env.GITHUB_STEP_SUMMARY) {
        try {
          appendFileSync(env.GITHUB_STEP_SUMMARY, `${fleetMarkdown(report)}\n`)
        } catch (e) {
          yield* cli.warn(`could not append to GITHUB_STEP_SUMMARY (${(e as Error).message})`)
        }
      }
    }
    let failed = false
    for (const o of [...request.outputs, ...Option.toArray(writeBaseline).map(baselineOutput)]) {
      const written = writeOutput(o, renderFleet(o.format, report, { failOn: request.failOn }))
      if (Either.isLeft(written)) {
        failed = true
        yield* cli.warn(written.left.message)
      }
    }
    return failed
  })

/** The exit code of a finished fleet: the worst target's, 3 when it stopped early, 4 or 130 as ever. */
export const fleetExitCode = (
  report: Pick<FleetReport, "verdict" | "interrupted" | "targets"> & { readonly newFindings?: boolean },
  failOn: FailOn | "new",
  signalled: boolean,
  writeFailed: boolean
): number => {
  if (signalled) return ExitCode.Interrupted
  if (writeFailed) return ExitCode.WriteFailed
  if (failOn === "new") {
    // Only findings the baseline did not have fail the run; a target that could not be decided is still 3.
    const fresh = report.targets.some((t) => t.report !== null && newFindings(t.report).length > 0)
    if (fresh || report.newFindings) return ExitCode.NotReady
    return report.interrupted || report.verdict === "incomplete" ? ExitCode.Incomplete : ExitCode.Ready
  }
  const code = exitCodeFor(report, failOn)
  return report.interrupted && code === ExitCode.Ready ? ExitCode.Incomplete : code
}

/** The fleet run. */
export const fleetProgram = (flags: ReportFlags, request: FleetRequest) =>
  Effect.gen(function* () {
    const cli = yield* Cli
    const { env, fleet, shard, targets, values, networks, lives } = yield* prepare(flags, request)
    if (process.env.GITHUB_ACTIONS === "true") {
      const masks = maskCommands(envSecrets(targets, env))
      if (masks.length > 0)
        (request.format === "github" ? process.stdout : process.stderr).write(`${masks.join("\n")}\n`)
    }
    // With a baseline the text leads with what changed: its lines are written at the end.
    const streamText = request.format === "text" && !request.living.baseline
    const streamNdjson = request.format === "ndjson"
    // The reports are kept only when something written at the end needs them.
    const keep =
      !streamNdjson || request.outputs.length > 0 || (env.GITHUB_ACTIONS === "true" && !!env.GITHUB_STEP_SUMMARY)
    const style = detectStyle(process.stdout, env)
    const progress = fleetProgress(targets, {
      live: process.stderr.isTTY === true && !inCi(env),
      write: (text) => process.stderr.write(text),
      columns: process.stderr.columns
    })
    const results: Array<FleetTargetResult> = []
    // Whether a finished target had findings the baseline did not have (its report may not be kept).
    let fresh = false
    const startedAt = new Date()
    const t0 = Date.now()
    const bin = invokedAs(binName)
    yield* cli.stoppable(
      runFleet(fleet, targets, {
        ...(values.concurrency !== undefined ? { concurrency: values.concurrency } : {}),
        ...(values.timeoutMs !== undefined ? { timeoutMs: values.timeoutMs } : {}),
        ...(values.deadlineMs !== undefined ? { deadlineMs: values.deadlineMs } : {}),
        ...(values.maxRequests !== undefined ? { maxRequests: values.maxRequests } : {}),
        env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
        runCommand: fleetCommandRunner(env, fleet.targets),
        signal: cli.signal,
        recheck: (target) => `${bin} --fleet ${shellWord(request.fleetFile)} --target ${target.name}`
      }).pipe(
        // Each report says how its requests went (the proxy, NO_PROXY, extra CAs), as a single audit's does,
        // and the network doctor looks at a platform that could not be reached.
        Stream.mapEffect(withNetworkOf(networks, values.deadlineMs ?? defaults.deadlineMs, cli.signal), {
          concurrency: 4,
          unordered: true
        }),
        Stream.map(lives.target),
        Stream.runForEach((result) =>
          Effect.sync(() => {
            if (result.report !== null && newFindings(result.report).length > 0) fresh = true
            progress.finished(result, () => {
              if (streamNdjson) process.stdout.write(fleetTargetLine(result))
              if (streamText) process.stdout.write(`${targetLine(result, style)}\n`)
            })
            results.push(keep ? result : { ...result, report: null })
          }).pipe(Effect.zipRight(stdoutDrained))
        ),
        Effect.provide(fleetHttpClient(networks, progress.request)),
        Effect.ensuring(Effect.sync(() => progress.close()))
      )
    )
    const signalled = cli.interrupted()
    const report = {
      ...fleetReport(fleet, results, {
        startedAt: startedAt.toISOString(),
        durationMs: Date.now() - t0,
        interrupted: signalled || results.length < targets.length,
        shard
      }),
      ...lives.outcome()
    }
    for (const warning of waiverWarnings(report)) yield* cli.warn(warning)
    if (streamNdjson) process.stdout.write(fleetFinishedLine(report))
    if (streamText)
      process.stdout.write(`${[...fleetLivingText(report), fleetVerdictLine(report, style)].join("\n")}\n`)
    const failed = yield* writeAll(report, request, streamNdjson || streamText, flags.writeBaseline)
    const failOn = request.living.failOnNew ? "new" : request.failOn
    yield* cli.setExitCode(fleetExitCode({ ...report, newFindings: fresh }, failOn, signalled, failed))
  })
