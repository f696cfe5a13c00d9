/**
 * `arlo-ready --fleet FILE`: reads the fleet file (as the report app does), resolves each platform's
 * network settings, and audits every target: the fleet table at a terminal, plain lines without one.
 * The exit code is the worst target's, by --fail-on.
 */
import { readFileSync } from "node:fs"
import {
  Cli,
  detectStyle,
  type FailOn,
  fleetNetworks,
  fleetTargetFlags,
  loadEnvFile,
  parseCount,
  parseDuration,
  parseOptional,
  refusedWithFleet,
  UsageError
} from "@arlo-ready/cli-kit"
import { type Fleet, parseFleet } from "@arlo-ready/core"
import { Effect, Either, Option } from "effect"
import { makeFleetRunner } from "./FleetRun.js"
import type { TuiFlags } from "./Main.js"

/** The flags a fleet run does not take: the fleet file says them per target. */
const notWithFleet: ReadonlyArray<readonly [keyof TuiFlags, string]> = [
  ["demo", "--demo"],
  ...fleetTargetFlags,
  ["only", "--only"],
  ["skip", "--skip"],
  ["assume", "--assume"],
  ["concurrency", "--concurrency"]
]

const refused = (flags: TuiFlags): UsageError | undefined => refusedWithFleet(flags, notWithFleet)

/** Reads and parses the fleet file; one line when it cannot be read or used. */
export const readFleet = (path: string): Either.Either<Fleet, UsageError> => {
  let text: string
  try {
    text = readFileSync(path, "utf8")
  } catch (e) {
    const code = (e as { code?: string }).code ?? "unreadable"
    const why = code === "ENOENT" ? "it does not exist" : code === "EISDIR" ? "it is a directory" : code
    return Either.left(new UsageError({ message: `--fleet ${path}: cannot read it (${why})` }))
  }
  return Either.mapLeft(parseFleet(text, path), (e) => new UsageError({ message: e.message }))
}

/** The fleet run; returns the exit code. */
export const fleetProgram = (
  flags: TuiFlags,
  fleetFile: string,
  options: { readonly failOn: FailOn; readonly keyboard: NodeJS.ReadStream | null; readonly exportDir: string }
) =>
  Effect.gen(function* () {
    const cli = yield* Cli
    const no = refused(flags)
    if (no) return yield* no
    const env = (yield* loadEnvFile(Option.getOrUndefined(flags.envFile), process.env)).env
    const fleet = yield* readFleet(fleetFile)
    const limits = yield* Effect.all({
      timeoutMs: parseOptional(flags.timeout, (t) => parseDuration("--timeout", t)),
      deadlineMs: parseOptional(flags.deadline, (t) => parseDuration("--deadline", t)),
      maxRequests: parseOptional(flags.maxRequests, (t) => parseCount("--max-requests", t))
    })
    const networks = yield* fleetNetworks(flags, env, fleet.targets)
    const defined = Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined))
    const runnerOptions = { fleetFile, concurrency: 8, limits: defined }
    if (options.keyboard) {
      const runner = yield* makeFleetRunner(fleet, networks, env, runnerOptions)
      const { fleetInteractive } = yield* Effect.promise(() => import("./FleetInteractive.js"))
      return yield* fleetInteractive(fleet, runner, {
        failOn: options.failOn,
        exportDir: options.exportDir,
        keyboard: options.keyboard
      })
    }
    const runner = yield* makeFleetRunner(fleet, networks, env, { ...runnerOptions, signal: cli.signal })
    const { fleetPlain } = yield* Effect.promise(() => import("./FleetPlain.js"))
    return yield* fleetPlain(fleet, runner, {
      failOn: options.failOn,
      style: detectStyle(process.stdout, env),
      concurrency: runnerOptions.concurrency
    })
  })
