#!/usr/bin/env node
/**
 * `arlo-simulator`: serves a scenario's Arlo platforms on loopback until interrupted.
 * Exit codes: 0 on a clean stop (SIGINT/SIGTERM) or after --help/--list-scenarios, 1 when the server
 * cannot listen, 2 for bad usage or a bad scenario.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { parseArgs } from "node:util"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Cause, Effect, Exit } from "effect"
import { dotenvOf, fleetFileOf } from "./FleetFile.js"
import { isFleetSpec } from "./internal/Fleet.js"
import { type Audit, builtInNames, ScenarioError, scenariosDir } from "./Scenario.js"
import { isLoopback, make, SimulatorError, type SimulatorHandle } from "./Simulator.js"

/** The port the bin listens on unless `--port` says otherwise. */
const DEFAULT_PORT = 4010

const usage = `Usage: arlo-simulator [--scenario NAME|FILE] [--port N] [--host 127.0.0.1] [--write-fleet PATH]
                      [--write-fleet-env PATH] [--list-scenarios] [--help]

Serves simulated Arlo platforms on loopback until interrupted (Ctrl+C).

  --scenario NAME|FILE    a built-in scenario (see --list-scenarios), a scenario JSON file, or a fleet:
                          fleet:N (N platforms, a seeded mix of the built-in stories), fleet:N:SEED,
                          fleet:all (every built-in scenario in one server) (default: demo)
  --port N                the port to listen on (default: ${DEFAULT_PORT}; 0 picks a free port)
  --host HOST             a loopback address: 127.0.0.1 (default), ::1 or localhost
  --write-fleet PATH      once listening, write a fleet file auditing every platform (credentials as
                          environment variable references)
  --write-fleet-env PATH  where their values go, in dotenv form (default: PATH with .env for .json;
                          "-" prints them on stdout)
  --list-scenarios        list the built-in scenarios and exit
  --help                  show this help and exit
`

class UsageError extends Error {}
/** A file the bin was asked to write could not be written. */
class WriteError extends Error {}

const parse = (argv: ReadonlyArray<string>) => {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        scenario: { type: "string" },
        port: { type: "string" },
        host: { type: "string" },
        "write-fleet": { type: "string" },
        "write-fleet-env": { type: "string" },
        "list-scenarios": { type: "boolean" },
        help: { type: "boolean", short: "h" }
      },
      strict: true,
      allowPositionals: false
    })
    return values
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split("\n")[0]} (see --help)`)
  }
}

const parsePort = (raw: string | undefined): number => {
  if (raw === undefined) return DEFAULT_PORT
  if (!/^\d+$/.test(raw) || Number(raw) > 65535) {
    throw new UsageError(`--port must be an integer from 0 to 65535, got "${raw}"`)
  }
  return Number(raw)
}

const listScenarios = (): string => {
  const names = builtInNames()
  const width = Math.max(...names.map((n) => n.length))
  return names
    .map((name) => {
      let description = ""
      try {
        description =
          (
            JSON.parse(fs.readFileSync(path.join(scenariosDir(), `${name}.json`), "utf8")) as {
              description?: string
            }
          ).description ?? ""
      } catch {
        // a broken built-in file shows without a description; loading it reports the error
      }
      return `${name.padEnd(width)}  ${description}`
    })
    .join("\n")
}

interface Row {
  readonly name: string
  readonly baseUrl: string
  readonly mfaSetting: string
  readonly audit: Audit
}

const describe = (url: string, scenarioName: string, description: string, rows: ReadonlyArray<Row>) => {
  const lines = [`Arlo simulator: scenario "${scenarioName}" on ${url}`, `  ${description}`, ""]
  const width = Math.max(...rows.map((r) => r.name.length))
  for (const r of rows) {
    const pad = " ".repeat(width + 4)
    lines.push(`  ${r.name.padEnd(width)}  ${r.baseUrl}   (MFA setting: ${r.mfaSetting})`)
    const a = r.audit
    if (a.username !== undefined) lines.push(`${pad}basic   ${a.username} / ${a.password ?? ""}`)
    if (a.clientId !== undefined) {
      lines.push(`${pad}oauth   client ${a.clientId} / ${a.clientSecret ?? ""}`)
      if (a.redirectUri !== undefined) lines.push(`${pad}        redirect ${a.redirectUri}`)
      if (a.scopes !== undefined) lines.push(`${pad}        scopes ${a.scopes.join(" ")}`)
    }
    if (a.expect !== undefined || a.expectAccess !== undefined) {
      lines.push(`${pad}expect  ${[a.expectAccess, a.expect].filter((x) => x !== undefined).join(": ")}`)
    }
  }
  lines.push("", `Journal: ${url}/__admin/journal   Platforms: ${url}/__admin/platforms`, "Press Ctrl+C to stop.")
  return lines.join("\n")
}

/** A fleet's summary: how many platforms of each story, where they are; no credentials (they are many). */
const summarize = (sim: Omit<SimulatorHandle, "close">) => {
  const names = Object.keys(sim.platforms)
  const stories = new Map<string, number>()
  for (const p of Object.values(sim.platforms)) stories.set(p.story, (stories.get(p.story) ?? 0) + 1)
  const width = Math.max(...[...stories.keys()].map((n) => n.length))
  return [
    `Arlo simulator: scenario "${sim.scenario.name}" on ${sim.url}`,
    `  ${names.length} platform${names.length === 1 ? "" : "s"}, ${names[0]} … ${names.at(-1)}, each at ${sim.url}/{name}`,
    "",
    ...[...stories]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([story, n]) => `  ${story.padEnd(width)}  ${String(n).padStart(5)}`),
    "",
    "Credentials: --write-fleet PATH writes a fleet file for them, or see /__admin/platforms.",
    `Journal: ${sim.url}/__admin/journal   Platforms: ${sim.url}/__admin/platforms`,
    "Press Ctrl+C to stop."
  ].join("\n")
}

/** `fleet.json` → `fleet.env`; any other name gets `.env` added. */
const envPathFor = (fleetPath: string) =>
  fleetPath.endsWith(".json") ? `${fleetPath.slice(0, -".json".length)}.env` : `${fleetPath}.env`

/** The fleet file as JSON, a target a line: readable, and small enough for a fleet of 10,000. */
const fleetJson = (file: ReturnType<typeof fleetFileOf>["file"]) =>
  `{\n  "name": ${JSON.stringify(file.name)},\n  "targets": [\n${file.targets.map((t) => `    ${JSON.stringify(t)}`).join(",\n")}\n  ]\n}\n`

/** Writes the fleet file and its variables; what it wrote, in one line for stdout (never a secret). */
const writeFleet = (sim: Omit<SimulatorHandle, "close">, fleetPath: string, envPath: string) => {
  const { file, env } = fleetFileOf(sim)
  try {
    fs.writeFileSync(fleetPath, fleetJson(file))
    if (envPath !== "-") fs.writeFileSync(envPath, dotenvOf(env), { mode: 0o600 })
  } catch (e) {
    throw new WriteError(
      `cannot write ${(e as { path?: string }).path ?? fleetPath} (${(e as NodeJS.ErrnoException).code ?? "error"})`
    )
  }
  if (envPath === "-") return dotenvOf(env)
  return `Fleet file: ${fleetPath} (${file.targets.length} targets); its credentials: ${envPath} (load them with: set -a; . ${envPath}; set +a)\n`
}

const main = Effect.gen(function* () {
  const args = parse(process.argv.slice(2))
  if (args.help) {
    process.stdout.write(usage)
    return 0
  }
  if (args["list-scenarios"]) {
    process.stdout.write(`${listScenarios()}\n`)
    return 0
  }
  const port = parsePort(args.port)
  if (args.host !== undefined && !isLoopback(args.host)) {
    throw new UsageError(`--host must be a loopback address (127.0.0.1, ::1 or localhost), got "${args.host}"`)
  }
  const fleetPath = args["write-fleet"]
  if (fleetPath === "" || args["write-fleet-env"] === "") throw new UsageError("--write-fleet needs a file path")
  if (args["write-fleet-env"] !== undefined && fleetPath === undefined) {
    throw new UsageError("--write-fleet-env needs --write-fleet PATH")
  }
  const spec = args.scenario ?? "demo"
  const sim = yield* make({ scenario: spec, port, host: args.host })
  const scenario = sim.scenario
  if (isFleetSpec(spec)) {
    process.stdout.write(`${summarize(sim)}\n`)
  } else {
    const rows = scenario.platforms.map((p) => ({
      name: p.name,
      baseUrl: sim.platforms[p.name]!.baseUrl,
      mfaSetting: p.mfaSetting,
      audit: p.audit
    }))
    process.stdout.write(`${describe(sim.url, scenario.name, scenario.description, rows)}\n`)
  }
  if (fleetPath !== undefined) {
    process.stdout.write(writeFleet(sim, fleetPath, args["write-fleet-env"] ?? envPathFor(fleetPath)))
  }
  return yield* Effect.never
}).pipe(
  Effect.scoped,
  Effect.catchIf(
    (e): e is ScenarioError | SimulatorError => e instanceof ScenarioError || e instanceof SimulatorError,
    (e) =>
      Effect.sync(() => {
        process.stderr.write(`arlo-simulator: ${e.message}\n`)
        return e instanceof ScenarioError ? 2 : 1
      })
  ),
  Effect.catchAllDefect((d) =>
    Effect.sync(() => {
      if (d instanceof UsageError || d instanceof WriteError) {
        process.stderr.write(`arlo-simulator: ${d.message}\n`)
        return d instanceof UsageError ? 2 : 1
      }
      process.stderr.write(`arlo-simulator: unexpected error: ${d instanceof Error ? d.message : String(d)}\n`)
      return 1
    })
  )
)

NodeRuntime.runMain(main, {
  disableErrorReporting: true,
  teardown: (exit, onExit) =>
    onExit(Exit.isSuccess(exit) ? Number(exit.value) : Cause.isInterruptedOnly(exit.cause) ? 0 : 1)
})
