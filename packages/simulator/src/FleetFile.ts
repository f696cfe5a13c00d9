/**
 * A fleet file for a running simulator: every platform's audit as a target, its secrets by reference
 * (environment variable names) and their values apart, so tests and the demo audit a simulated fleet
 * without writing one. The shape is the core's fleet file contract, as plain JSON.
 */
import type { PlatformInfo, SimulatorHandle } from "./Simulator.js"

/** A secret by reference: the environment variable that holds it. */
export interface FleetEnvRef {
  readonly env: string
}

/** One target of the fleet file: a platform's audit (keys as the core's `FleetTarget`). */
export interface SimulatedFleetTarget {
  readonly name: string
  readonly baseUrl: string
  readonly auth?: "basic" | "oauth" | "both"
  readonly expectAccess?: "full" | "presenter"
  readonly mfaSetting?: "optional" | "required"
  readonly tags: ReadonlyArray<string>
  readonly username?: string
  readonly password?: FleetEnvRef
  readonly clientId?: string
  readonly clientSecret?: FleetEnvRef
  readonly redirectUri?: string
  readonly scopes?: ReadonlyArray<string>
}

/** The fleet file (keys as the core's `FleetFile`). */
export interface SimulatedFleetFile {
  readonly name: string
  readonly targets: ReadonlyArray<SimulatedFleetTarget>
}

export interface FleetFileOptions {
  /** The fleet's name; the scenario's by default. */
  readonly name?: string | undefined
  /** The prefix of every variable name (default `ARLO_FLEET_`): `ARLO_FLEET_P0001_PASSWORD`. */
  readonly envPrefix?: string | undefined
  /** Only these platforms, in this order; every platform by default. */
  readonly platforms?: ReadonlyArray<string> | undefined
  /** Tags added to every target's (each target has its story's name already). */
  readonly tags?: ReadonlyArray<string> | undefined
}

/** The fleet file and the values of the variables it names. */
export interface SimulatedFleet {
  readonly file: SimulatedFleetFile
  readonly env: Readonly<Record<string, string>>
}

/** `ready-acme` → `READY_ACME`: a platform name is lower-case letters, digits and hyphens. */
const envName = (prefix: string, platform: string, what: string) =>
  `${prefix}${platform.toUpperCase().replace(/-/g, "_")}_${what}`

const target = (
  p: PlatformInfo,
  prefix: string,
  tags: ReadonlyArray<string>,
  env: Record<string, string>
): SimulatedFleetTarget => {
  const a = p.audit
  const secret = (value: string | undefined, what: string): { readonly ref?: FleetEnvRef } => {
    if (value === undefined) return {}
    const name = envName(prefix, p.name, what)
    env[name] = value
    return { ref: { env: name } }
  }
  const password = secret(a.password, "PASSWORD").ref
  const clientSecret = secret(a.clientSecret, "CLIENT_SECRET").ref
  const basic = a.username !== undefined
  const oauth = a.clientId !== undefined
  return {
    name: p.name,
    baseUrl: p.baseUrl,
    ...(basic || oauth ? { auth: basic && oauth ? "both" : basic ? "basic" : "oauth" } : {}),
    // The scenario's `expectAccess` is the outcome; the fleet's is the access the integration needs.
    ...(a.expectAccess === undefined ? {} : { expectAccess: a.expectAccess === "limited" ? "presenter" : "full" }),
    ...(a.mfaSetting === undefined ? {} : { mfaSetting: a.mfaSetting }),
    tags: [...new Set([p.story, ...tags])],
    ...(a.username === undefined ? {} : { username: a.username }),
    ...(password === undefined ? {} : { password }),
    ...(a.clientId === undefined ? {} : { clientId: a.clientId }),
    ...(clientSecret === undefined ? {} : { clientSecret }),
    ...(a.redirectUri === undefined ? {} : { redirectUri: a.redirectUri }),
    ...(a.scopes === undefined ? {} : { scopes: [...a.scopes] })
  }
}

/**
 * The fleet file for a running simulator: one target per platform (named after it, tagged with its
 * story), credentials as `{ "env": NAME }` references only, and `env` holding their values.
 *
 * @example
 * ```ts
 * const sim = await startSimulator({ scenario: "fleet:200" })
 * const { file, env } = fleetFileOf(sim)
 * fs.writeFileSync("fleet.json", JSON.stringify(file, null, 2))
 * // audit with { ...process.env, ...env }
 * ```
 */
export const fleetFileOf = (
  handle: Pick<SimulatorHandle, "platforms" | "scenario">,
  options: FleetFileOptions = {}
): SimulatedFleet => {
  const prefix = options.envPrefix ?? "ARLO_FLEET_"
  if (!/^[A-Z_][A-Z0-9_]*$/.test(prefix)) {
    throw new TypeError(`envPrefix must be upper-case letters, digits and underscores, got "${prefix}"`)
  }
  const names = options.platforms ?? Object.keys(handle.platforms)
  const env: Record<string, string> = {}
  const targets = names.map((name) => {
    const p = handle.platforms[name]
    if (p === undefined) throw new TypeError(`no platform "${name}" in scenario "${handle.scenario.name}"`)
    return target(p, prefix, options.tags ?? [], env)
  })
  return { file: { name: options.name ?? handle.scenario.name, targets }, env }
}

const quoted = (name: string, value: string): string => {
  if (/^[\w.,:/@+%=-]*$/.test(value)) return `${name}=${value}`
  if (!/[\n\r']/.test(value)) return `${name}='${value}'`
  if (!/[\n\r"\\$`]/.test(value)) return `${name}="${value}"`
  throw new TypeError(`${name}: the value cannot be written in a dotenv file`)
}

/** The variables in dotenv form (`NAME=value` a line), for `node --env-file` or `set -a; . ./fleet.env`. */
export const dotenvOf = (env: Readonly<Record<string, string>>): string =>
  Object.entries(env)
    .map(([name, value]) => `${quoted(name, value)}\n`)
    .join("")
