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
import { type Audit, builtInNames, load, ScenarioError, scenariosDir } from "./Scenario.js"
import { isLoopback, make, SimulatorError } from "./Simulator.js"

/** The port the bin listens on unless `--port` says otherwise. */
const DEFAULT_PORT = 4010

const usage = `Usage: arlo-simulator [--scenario NAME|FILE] [--port N] [--host 127.0.0.1] [--list-scenarios] [--help]

Serves simulated Arlo platforms on loopback until interrupted (Ctrl+C).

  --scenario NAME|FILE  a built-in scenario (see --list-scenarios) or a scenario JSON file (default: demo)
  --port N              the port to listen on (default: ${DEFAULT_PORT}; 0 picks a free port)
  --host HOST           a loopback address: 127.0.0.1 (default), ::1 or localhost
  --list-scenarios      list the built-in scenarios and exit
  --help                show this help and exit
`

class UsageError extends Error {}

const parse = (argv: ReadonlyArray<string>) => {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        scenario: { type: "string" },
        port: { type: "string" },
        host: { type: "string" },
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
  const scenario = yield* Effect.suspend(() => {
    const r = load(args.scenario ?? "demo")
    return r._tag === "Left" ? Effect.fail(r.left) : Effect.succeed(r.right)
  })
  const sim = yield* make({ scenario, port, host: args.host })
  const rows = scenario.platforms.map((p) => ({
    name: p.name,
    baseUrl: sim.platforms[p.name]!.baseUrl,
    mfaSetting: p.mfaSetting,
    audit: p.audit
  }))
  process.stdout.write(`${describe(sim.url, scenario.name, scenario.description, rows)}\n`)
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
      if (d instanceof UsageError) {
        process.stderr.write(`arlo-simulator: ${d.message}\n`)
        return 2
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
