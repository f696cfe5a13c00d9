/**
 * Fleets: many platforms and accounts audited in one run. `parseFleet` reads a fleet file (JSON or
 * YAML, credentials by reference only), `shardFleet` takes a stable slice of it for one CI machine,
 * `runFleet` audits targets under one concurrency limit and a per-platform request budget, emitting
 * each target's result as it finishes, and `fleetReport` / `mergeFleetReports` build the fleet report.
 */
import { JSONSchema } from "effect"
import { FleetFile, FleetReport } from "./FleetTypes.js"
import { fleetReportSchemaUrl } from "./internal/fleet/report.js"
import { version } from "./internal/version.js"

export { makePlatformBudget, type PlatformBudget, type Reservation } from "./internal/fleet/budget.js"
export { type Fleet, FleetError, fleetLimits } from "./internal/fleet/model.js"
export { parseFleet, targetNamePattern } from "./internal/fleet/parse.js"
/** A target's config input from its references: for front ends that run each target's audit themselves. */
export { type RefContext, resolveTargetInput } from "./internal/fleet/refs.js"
export { fleetReport, fleetReportSchemaUrl, mergeFleetReports } from "./internal/fleet/report.js"
export { type FleetRunOptions, runFleet } from "./internal/fleet/run.js"
export { maxShards, parseShard, platformKey, shardFleet } from "./internal/fleet/shard.js"

/** Where the fleet file's JSON Schema is published: a fleet file's `$schema`. */
export const fleetSchemaUrl: string = `https://unpkg.com/@arlo-ready/core@${version}/fleet.schema.json`

/** The fleet file's JSON Schema (shipped as `@arlo-ready/core/fleet.schema.json`). */
export const fleetJsonSchema = (): object => ({ $id: fleetSchemaUrl, ...JSONSchema.make(FleetFile) })

/** The fleet report's JSON Schema (shipped as `@arlo-ready/core/fleet-report.schema.json`). */
export const fleetReportJsonSchema = (): object => ({ $id: fleetReportSchemaUrl, ...JSONSchema.make(FleetReport) })
