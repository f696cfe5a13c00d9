/**
 * `arlo-ready-report merge DIR|FILE…`: the JSON fleet reports of `--shard i/n` runs, combined by the
 * core's `mergeFleetReports` into one fleet report, written in the chosen `--format` and `--output`
 * formats; the exit code is the worst target's. A directory means its `*.json` files. Anything that
 * cannot make one report (a missing shard, a target twice, shards of different fleet files or tool
 * versions, a file that is not a fleet report, a path that cannot be read) is one line and exit 2.
 */
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import { Cli, failOnFrom, listValue, oneLine, parseChoice, textValue, UsageError } from "@arlo-ready/cli-kit"
import { type ArgValues, type FlagSpec, parseArgs, renderHelp } from "@arlo-ready/cli-kit/Args"
import { FleetReport, mergeFleetReports } from "@arlo-ready/core"
import { Effect, Either, Option, ParseResult, Schema } from "effect"
import { reportFlags } from "./Flags.js"
import { fleetExitCode, writeAll } from "./FleetRun.js"
import { formats } from "./Format.js"
import { binName, version } from "./internal/version.js"
import { checkWritable, parseOutputs } from "./Outputs.js"

/** The flags `merge` takes: the output flags. */
export const mergeFlags: ReadonlyArray<FlagSpec> = reportFlags.filter(
  (f) => f.key === "format" || f.key === "output" || f.key === "failOn"
)

/** The help of `merge`. */
export const mergeHelp = (): string =>
  renderHelp({
    name: `${binName} merge`,
    version,
    summary:
      "Merge the JSON fleet reports of --shard runs (every shard of one fleet file, from one version) into one fleet report, and exit with its worst target's code.",
    flags: mergeFlags,
    examples: [
      [
        `${binName} merge shards/ --format markdown`,
        "Merge every *.json file of shards/ and print the Markdown matrix"
      ],
      [
        `${binName} merge shard-1.json shard-2.json shard-3.json --output json=fleet.json`,
        "Merge three shards, the merged JSON to a file"
      ]
    ],
    sections: [
      {
        heading: "Refused (exit 2)",
        rows: [
          [
            "",
            `A missing shard, a target in two shards, shards of different fleet files or different ${binName} versions, a file that is not the JSON fleet report of a --fleet run, a path that cannot be read.`
          ]
        ]
      }
    ]
  }).replace(`Usage: ${binName} merge [flags]`, `Usage: ${binName} merge [flags] DIR|FILE...`)

/** The arguments split into flags (with their values) and paths. */
const splitPaths = (args: ReadonlyArray<string>): { flags: Array<string>; paths: Array<string> } => {
  const takesValue = new Set(mergeFlags.filter((f) => f.kind !== "switch").map((f) => `--${f.name}`))
  const flags: Array<string> = []
  const paths: Array<string> = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === "--") {
      paths.push(...args.slice(i + 1))
      break
    }
    if (arg.startsWith("-") && arg !== "-") {
      flags.push(arg)
      if (takesValue.has(arg) && i + 1 < args.length) flags.push(args[++i]!)
      continue
    }
    paths.push(arg)
  }
  return { flags, paths }
}

const codeOf = (e: unknown): string => (e as { code?: string }).code ?? "unreadable"

/** The files the paths name: a file itself, a directory's `*.json` files in name order. */
const collect = (paths: ReadonlyArray<string>): Either.Either<Array<string>, UsageError> => {
  const out: Array<string> = []
  const bad = (message: string) => Either.left(new UsageError({ message: `merge: ${message}` }))
  for (const path of paths) {
    try {
      if (statSync(path).isDirectory()) {
        const files = readdirSync(path)
          .filter((f) => f.endsWith(".json"))
          .sort()
        if (files.length === 0) return bad(`${oneLine(path)} holds no .json files: give the shards' JSON reports`)
        out.push(...files.map((f) => join(path, f)))
      } else out.push(path)
    } catch (e) {
      const code = codeOf(e)
      return bad(`cannot read ${oneLine(path)} (${code === "ENOENT" ? "it does not exist" : code})`)
    }
  }
  return Either.right(out)
}

const decode = Schema.decodeUnknownEither(FleetReport)

/** One shard's report, read and checked against the fleet report's schema. */
const readReport = (file: string): Either.Either<FleetReport, UsageError> => {
  const name = oneLine(file)
  const notFleet = (why: string) =>
    Either.left(
      new UsageError({
        message: `merge: ${name} is not a fleet report (${why}): give the JSON of a --fleet run (--format json or --output json=FILE)`
      })
    )
  let text: string
  try {
    text = readFileSync(file, "utf8")
  } catch (e) {
    return Either.left(new UsageError({ message: `merge: cannot read ${name} (${codeOf(e)})` }))
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return notFleet("not JSON")
  }
  const kind = (value as { kind?: unknown } | null)?.kind
  if (kind !== "fleet") return notFleet(kind === undefined ? "no kind: fleet" : `kind ${oneLine(String(kind))}`)
  const decoded = decode(value)
  if (Either.isLeft(decoded)) {
    const first = ParseResult.ArrayFormatter.formatErrorSync(decoded.left)[0]
    return notFleet(first ? `${first.path.join(".") || "the report"}: ${oneLine(first.message)}` : "it does not decode")
  }
  return Either.right(decoded.right)
}

/** `merge`'s program: the arguments after `merge`. */
export const mergeMain = (args: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const { flags, paths } = splitPaths(args)
    const parsed = parseArgs(flags, mergeFlags)
    if (parsed._tag === "error") return yield* new UsageError({ message: parsed.message })
    if (parsed._tag === "help" || parsed._tag === "version") {
      process.stdout.write(parsed._tag === "help" ? mergeHelp() : `${version}\n`)
      return
    }
    const v: ArgValues = parsed.values
    const format = Option.isSome(textValue(v, "format"))
      ? yield* parseChoice("--format", Option.getOrThrow(textValue(v, "format")), formats)
      : process.stdout.isTTY === true
        ? "text"
        : "json"
    const failOnNew = Option.getOrUndefined(textValue(v, "failOn")) === "new"
    const failOn = yield* failOnFrom(Option.filter(textValue(v, "failOn"), (f) => f !== "new"))
    const outputs = yield* parseOutputs(listValue(v, "output"))
    if (paths.length === 0) {
      return yield* new UsageError({
        message: "merge needs the shards' JSON reports: give a directory of them or the files, e.g. merge shards/"
      })
    }
    const files = yield* collect(paths)
    const reports: Array<FleetReport> = []
    for (const file of files) reports.push(yield* readReport(file))
    const merged = yield* Either.mapLeft(
      mergeFleetReports(reports),
      (e) => new UsageError({ message: `merge: ${e.message}` })
    )
    if (failOnNew && merged.drift === undefined) {
      return yield* new UsageError({
        message: "merge --fail-on new needs shard reports made with --baseline: run the shards with --baseline"
      })
    }
    yield* checkWritable(outputs)
    const failed = yield* writeAll(merged, { format, failOn, outputs }, false)
    const cli = yield* Cli
    yield* cli.setExitCode(fleetExitCode(merged, failOnNew ? "new" : failOn, false, failed))
  })
