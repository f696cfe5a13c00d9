/** The fleet report: the envelope around the targets' results, and the merge of shard reports. */
import { Either } from "effect"
import { mergeFleetLiving } from "../../FleetLiving.js"
import {
  type FleetReport,
  type FleetTargetResult,
  fleetCounts,
  fleetSchemaVersion,
  fleetVerdict,
  type Shard
} from "../../FleetTypes.js"
import { echo } from "../echo.js"
import { toolName, version } from "../version.js"
import { type Fleet, FleetError } from "./model.js"

/** Where the fleet report's JSON Schema is published: a fleet report's `$schema`. */
export const fleetReportSchemaUrl: string = `https://unpkg.com/@arlo-ready/core@${version}/fleet-report.schema.json`

/** The fleet report of a run (or a shard's run): `results` in any order, put back in fleet-file order. */
export const fleetReport = (
  fleet: Fleet,
  results: ReadonlyArray<FleetTargetResult>,
  meta: {
    readonly startedAt: string
    readonly durationMs: number
    readonly interrupted: boolean
    readonly shard: Shard | null
  }
): FleetReport => {
  const order = new Map(fleet.targets.map((t, i) => [t.name, i]))
  // By name (an index from another fleet file would mislead), unknown names last.
  const rank = (r: FleetTargetResult) => order.get(r.name) ?? Number.MAX_SAFE_INTEGER
  const targets = [...results].sort((a, b) => rank(a) - rank(b))
  return {
    $schema: fleetReportSchemaUrl,
    kind: "fleet",
    schemaVersion: fleetSchemaVersion,
    tool: { name: toolName, version },
    fleet: { name: fleet.name, digest: fleet.digest, targets: fleet.targets.length },
    shards: meta.shard === null ? [] : [meta.shard],
    startedAt: meta.startedAt,
    durationMs: meta.durationMs,
    verdict: fleetVerdict(targets),
    counts: fleetCounts(targets),
    interrupted: meta.interrupted,
    targets
  }
}

const refuse = (message: string) => Either.left(new FleetError({ message }))

/**
 * Combines the reports of every shard of one fleet into one, the targets in fleet-file order (by each
 * result's `index`). Refuses, in one line, reports of different fleets, tool versions or shard counts,
 * an unsharded report among shards, a shard missing or given twice, and a target in two reports.
 */
export const mergeFleetReports = (reports: ReadonlyArray<FleetReport>): Either.Either<FleetReport, FleetError> => {
  const [first] = reports
  if (first === undefined) return refuse("there are no fleet reports to merge: give the reports of every shard.")
  for (const r of reports) {
    if (r.fleet.digest !== first.fleet.digest) {
      return refuse(
        `the reports are of different fleets (digest ${echo(first.fleet.digest.slice(0, 12))} and ${echo(r.fleet.digest.slice(0, 12))}): merge the shards of one fleet file.`
      )
    }
    if (r.tool.version !== first.tool.version || r.tool.name !== first.tool.name) {
      return refuse(
        `the reports come from different tool versions (${echo(first.tool.version)} and ${echo(r.tool.version)}): run every shard with one version.`
      )
    }
    if (r.shards.length === 0 && reports.length > 1) {
      return refuse("an unsharded report is mixed with shards: merge only the reports of --shard runs.")
    }
  }
  const counts = new Set(reports.flatMap((r) => r.shards.map((s) => s.count)))
  if (counts.size > 1) {
    return refuse(
      `the reports are of different shard counts (${[...counts].sort((a, b) => a - b).join(" and ")}): merge the shards of one run.`
    )
  }
  const [count] = [...counts]
  const seenShards = new Set<number>()
  for (const s of reports.flatMap((r) => r.shards)) {
    if (!Number.isInteger(s.index) || !Number.isInteger(s.count) || s.index < 1 || s.index > s.count) {
      return refuse(`shard ${s.index}/${s.count} is not a shard: a report's shards run from 1 to their count.`)
    }
    if (seenShards.has(s.index))
      return refuse(`shard ${s.index}/${s.count} is given twice: give each shard's report once.`)
    seenShards.add(s.index)
  }
  if (count !== undefined) {
    for (let i = 1; i <= count; i++) {
      if (!seenShards.has(i)) return refuse(`shard ${i}/${count} is missing: give the reports of every shard.`)
    }
  }
  const owner = new Map<string, number>()
  const targets: Array<FleetTargetResult> = []
  for (const [i, r] of reports.entries()) {
    for (const t of r.targets) {
      if (owner.has(t.name)) return refuse(`target ${echo(t.name)} is in two reports: give each shard's report once.`)
      owner.set(t.name, i)
      targets.push(t)
    }
  }
  if (targets.every((t) => t.index !== undefined)) targets.sort((a, b) => (a.index ?? 0) - (b.index ?? 0))
  const living = mergeFleetLiving(reports)
  if ("error" in living) return refuse(living.error)
  const startedAt = reports.map((r) => r.startedAt).sort()[0] ?? first.startedAt
  const end = Math.max(...reports.map((r) => Date.parse(r.startedAt) + r.durationMs))
  const durationMs = Number.isNaN(end) ? Math.max(...reports.map((r) => r.durationMs)) : end - Date.parse(startedAt)
  return Either.right({
    ...first,
    shards: count === undefined ? [] : Array.from({ length: count }, (_, i) => ({ index: i + 1, count })),
    startedAt,
    durationMs,
    verdict: fleetVerdict(targets),
    counts: fleetCounts(targets),
    interrupted: reports.some((r) => r.interrupted),
    targets,
    ...living
  })
}
