/** The fleet as parsed, and its one error type. */
import { Data } from "effect"
import type { FleetTarget } from "../../FleetTypes.js"

/** A fleet file that cannot be used, or shards that cannot be merged: one line, naming `FILE:LINE` and the key path where it can. */
export class FleetError extends Data.TaggedError("FleetError")<{ readonly message: string }> {}

/** A fleet file, parsed and checked. */
export interface Fleet {
  readonly fileName: string
  readonly name: string | null
  /** sha256 hex of the parsed file as canonical JSON (sorted keys, `$schema` left out): equal for equal fleets. */
  readonly digest: string
  /** In file order, the defaults applied (a target's own setting wins; tags are the union). */
  readonly targets: ReadonlyArray<FleetTarget>
}

/** The most a fleet file may hold. */
export const fleetLimits = { maxBytes: 5 * 1024 * 1024, maxTargets: 10_000 } as const
