/**
 * `@arlo-ready/simulator`: a simulator of Arlo platforms on loopback (Basic auth, RBAC, MFA, OAuth 2,
 * XML resources, rate limit, faults, journal) for tests, the demo and benchmarks.
 *
 * @example
 * ```ts
 * import { startSimulator } from "@arlo-ready/simulator"
 *
 * const sim = await startSimulator({ scenario: "ready" })
 * const { baseUrl, audit } = sim.platforms.acme!
 * await fetch(`${baseUrl}/api/2012-02-01/auth/resources/`, {
 *   headers: { authorization: `Basic ${btoa(`${audit.username}:${audit.password}`)}` }
 * })
 * await sim.close()
 * ```
 */

export type {
  FleetEnvRef,
  FleetFileOptions,
  SimulatedFleet,
  SimulatedFleetFile,
  SimulatedFleetTarget
} from "./FleetFile.js"
export { dotenvOf, fleetFileOf } from "./FleetFile.js"
export * as Scenario from "./Scenario.js"
export { ScenarioError } from "./Scenario.js"
export type {
  ClientPatch,
  JournalEntry,
  PlatformInfo,
  PlatformPatch,
  SimulatorHandle,
  StartOptions,
  UserPatch
} from "./Simulator.js"
export { Simulator, SimulatorError, SimulatorLive, startSimulator } from "./Simulator.js"
