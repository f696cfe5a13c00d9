/**
 * The `arlo-ready-report` command: the shared flags of cli-kit plus the report's own, and the program
 * that resolves the inputs, checks the output paths, runs the audit (streaming ndjson and text to stdout
 * as it goes) and writes every format. stdout carries the chosen format and nothing else. A write that
 * fails (stdout, or an --output file) does not stop the others, and the run exits 4.
 */
import { appendFileSync } from "node:fs"
import {
  Cli,
  commandLine,
  detectStyle,
  ExitCode,
  failOnFrom,
  listValue,
  parseChoice,
  resolveAudit,
  type SharedFlags,
  sharedFrom,
  textPrinter,
  textValue,
  UsageError
} from "@arlo-ready/cli-kit"
import { type AuditEvent, waiverWarnings } from "@arlo-ready/core"
import { Effect, Either, Option } from "effect"
import { loadConfigFile, printConfig, withConfig } from "./ConfigFile.js"
import { allFlags } from "./Flags.js"
import type { fleetProgram as FleetProgramFn } from "./FleetRun.js"
import { formats, ndjsonLine, render } from "./Format.js"
import { annotations, maskCommands } from "./Github.js"
import { runAudit } from "./internal/audit.js"
import { driftText, waiverText as livingWaiverText } from "./internal/living.js"
import { binName, version } from "./internal/version.js"
import { listChecksJson, listChecksText } from "./ListChecks.js"
import { checkBaseline, live, livingEvents, livingExitCode, loadLiving } from "./Living.js"
import { markdown } from "./Markdown.js"
import { checkWritable, type Output, parseOutputs, writeOutput } from "./Outputs.js"

/** The flags of the report app. */
export interface ReportFlags extends SharedFlags {
  /** Absent: text when stdout is a terminal, json otherwise. */
  readonly format: Option.Option<string>
  readonly output: ReadonlyArray<string>
  readonly failOn: Option.Option<string>
  readonly listChecks: boolean
  /** `--fleet FILE` and the flags that go with it. */
  readonly fleet: Option.Option<string>
  readonly shard: Option.Option<string>
  readonly fleetTarget: ReadonlyArray<string>
  readonly fleetConcurrency: Option.Option<string>
  /** `--waivers FILE`, `--baseline FILE`, `--write-baseline PATH` (see Living.ts). */
  readonly waivers: Option.Option<string>
  readonly baseline: Option.Option<string>
  readonly writeBaseline: Option.Option<string>
  /** `--config PATH` and `--print-config` (see ConfigFile.ts). */
  readonly config: Option.Option<string>
  readonly printConfig: boolean
}

/** The fleet flags given without `--fleet`. */
const fleetOnly = (flags: ReportFlags): string | undefined =>
  Option.isSome(flags.shard)
    ? "--shard"
    : flags.fleetTarget.length > 0
      ? "--target"
      : Option.isSome(flags.fleetConcurrency)
        ? "--fleet-concurrency"
        : undefined

const out = (text: string) =>
  Effect.sync(() => {
    process.stdout.write(text)
  })
const err = (text: string) =>
  Effect.sync(() => {
    process.stderr.write(text.endsWith("\n") ? text : `${text}\n`)
  })

type FleetProgram = typeof FleetProgramFn

/** `--fleet FILE`, loaded only then: the fleet file's parser (YAML) stays out of a single audit's start-up. */
const fleetRun = (
  flags: ReportFlags,
  fleetFile: string,
  how: Pick<Parameters<FleetProgram>[1], "format" | "failOn" | "outputs" | "living">
) =>
  Effect.gen(function* () {
    const { fleetProgram } = yield* Effect.promise(() => import("./FleetRun.js"))
    const { shard, fleetTarget: targets, fleetConcurrency } = flags
    return yield* fleetProgram(flags, { fleetFile, shard, targets, fleetConcurrency, ...how })
  })

/** `--list-checks`: the catalogue as json or text on stdout. */
const listChecks = (format: string, outputs: ReadonlyArray<Output>) =>
  Effect.gen(function* () {
    if (format !== "json" && format !== "text") {
      return yield* new UsageError({ message: "--list-checks prints json or text: use --format json or --format text" })
    }
    if (outputs.length > 0) return yield* new UsageError({ message: "--list-checks prints to stdout: drop --output" })
    yield* out(format === "json" ? listChecksJson({ name: binName, version }) : listChecksText())
  })

/** The program behind the command. */
export const program = (given: ReportFlags) =>
  Effect.gen(function* () {
    const cli = yield* Cli
    const loaded = yield* loadConfigFile(given.config)
    const { flags, env, waivers: fileWaivers, warnDays, settings } = withConfig(given, loaded, process.env)
    if (given.printConfig) return yield* out(printConfig(loaded, settings))
    const format = Option.isSome(flags.format)
      ? yield* parseChoice("--format", flags.format.value, formats)
      : process.stdout.isTTY === true
        ? "text"
        : "json"
    const failOn = yield* failOnFrom(Option.filter(flags.failOn, (f) => f !== "new"))
    const outputs = yield* parseOutputs(flags.output)
    const living = yield* loadLiving(flags, env, fileWaivers, warnDays)
    const baselineOut = Option.map(flags.writeBaseline, (path): Output => ({ format: "json", path }))

    if (Option.isSome(flags.fleet))
      return yield* fleetRun(flags, flags.fleet.value, { format, failOn, outputs, living })
    const stray = fleetOnly(flags)
    if (stray) return yield* new UsageError({ message: `${stray} goes with --fleet FILE: give the fleet file` })

    if (flags.listChecks) return yield* listChecks(format, outputs)

    const resolved = yield* resolveAudit(flags, { env })
    yield* checkWritable([...outputs, ...Option.toArray(baselineOut)])
    yield* checkBaseline(living, resolved.config.baseUrl)

    const actions = env.GITHUB_ACTIONS === "true"
    // The runner must learn the masks before anything else could print a secret.
    if (actions) {
      const masks = maskCommands(resolved.secrets)
      if (masks.length > 0) yield* (format === "github" ? out : err)(`${masks.join("\n")}\n`)
    }
    for (const warning of resolved.warnings) yield* cli.warn(warning)

    yield* cli.stoppable(
      Effect.gen(function* () {
        const style = detectStyle(process.stdout, env)
        // Text streams in catalogue order: a check's line once it and every check before it are done.
        const printer = textPrinter(style)
        // Every event, for the ndjson --output files: written whole at the end, like the other files.
        const events: Array<AuditEvent> = []
        const waive = livingEvents(living)
        // With a baseline the text leads with what changed, so its check lines wait for the end.
        let held = living.baseline ? "" : undefined
        const onEvent = (raw: AuditEvent) => {
          const event = waive(raw)
          events.push(event)
          if (format === "ndjson") process.stdout.write(ndjsonLine(event))
          const text = format === "text" ? printer.event(event) : ""
          if (text !== "" && held !== undefined) held += text
          else if (text !== "") process.stdout.write(text)
        }
        const report = live(yield* runAudit(resolved.config, resolved.network, cli.signal, onEvent), living)
        for (const warning of waiverWarnings(report)) yield* cli.warn(warning)

        if (format === "text") {
          yield* out(`${driftText(report)}${held ?? ""}${livingWaiverText(report)}${printer.closing(report)}`)
        } else if (format !== "ndjson") {
          yield* out(render(format, report, { failOn }))
        }

        if (actions) {
          if (format !== "github") {
            const lines = annotations(report)
            if (lines.length > 0) yield* err(lines.join("\n"))
          }
          const summary = env.GITHUB_STEP_SUMMARY
          if (summary) {
            try {
              appendFileSync(summary, `${markdown(report)}\n`)
            } catch (e) {
              yield* cli.warn(`could not append to GITHUB_STEP_SUMMARY (${(e as Error).message})`)
            }
          }
        }

        let failed = false
        for (const o of [...outputs, ...Option.toArray(baselineOut)]) {
          const written = writeOutput(o, render(o.format, report, { failOn, events }))
          if (Either.isLeft(written)) {
            failed = true
            yield* cli.warn(written.left.message)
          }
        }
        // A failed write to stdout makes this a 4 as well (cli-kit's runtime sees those).
        yield* cli.setExitCode(
          cli.interrupted()
            ? ExitCode.Interrupted
            : failed
              ? ExitCode.WriteFailed
              : livingExitCode(report, failOn, living)
        )
      })
    )
  })

/** Runs the command line (the full argv: node, script, args…). */
export const main = (argv: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    if (argv[2] === "merge") {
      const { mergeMain } = yield* Effect.promise(() => import("./Merge.js"))
      return yield* mergeMain(argv.slice(3))
    }
    const values = yield* commandLine(argv, {
      flags: allFlags,
      version,
      help: () => import("./Help.js").then((h) => h.help())
    })
    if (Option.isNone(values)) return
    const v = values.value
    yield* program({
      ...sharedFrom(v),
      format: textValue(v, "format"),
      output: listValue(v, "output"),
      failOn: textValue(v, "failOn"),
      listChecks: v.listChecks === true,
      fleet: textValue(v, "fleet"),
      shard: textValue(v, "shard"),
      fleetTarget: listValue(v, "fleetTarget"),
      fleetConcurrency: textValue(v, "fleetConcurrency"),
      waivers: textValue(v, "waivers"),
      baseline: textValue(v, "baseline"),
      writeBaseline: textValue(v, "writeBaseline"),
      config: textValue(v, "config"),
      printConfig: v.printConfig === true
    })
  })
