/** The flags of `arlo-ready-report`: the shared ones, then the report's own. */
import type { FlagSpec } from "@arlo-ready/cli-kit/Args"
import { sharedFlags } from "@arlo-ready/cli-kit/Flags"
import { configFlags } from "./ConfigFile.js"
import { failOnNewFlag, livingFlags } from "./Living.js"

/** The formats, in the order the help lists them (`Format.ts` keeps its list equal to this one). */
export const formatNames = ["json", "junit", "markdown", "github", "ndjson", "text", "html"] as const

/** The fleet's flags: many targets from a fleet file instead of one from the target flags. */
export const fleetFlags: ReadonlyArray<FlagSpec> = [
  {
    key: "fleet",
    name: "fleet",
    kind: "value",
    group: "target",
    value: "FILE",
    description:
      "Audit every target of a fleet file (JSON or YAML, credentials by reference) instead of one platform: the target and credential flags then stay unset."
  },
  {
    key: "shard",
    name: "shard",
    kind: "value",
    group: "target",
    value: "I/N",
    description:
      "With --fleet: audit shard I of N only (a stable slice by platform: one platform's targets stay in one shard); merge the shards' JSON with `merge`."
  },
  {
    key: "fleetTarget",
    name: "target",
    kind: "list",
    group: "target",
    value: "NAME[,NAME...]",
    description: "With --fleet: audit only these targets of the fleet."
  },
  {
    key: "fleetConcurrency",
    name: "fleet-concurrency",
    kind: "value",
    group: "run",
    value: "N",
    description: "With --fleet: at most N targets audited at once (each platform keeps its own request budget)."
  }
]

/** The report's own flags. */
export const reportFlags: ReadonlyArray<FlagSpec> = [
  ...fleetFlags,
  {
    key: "format",
    name: "format",
    kind: "value",
    group: "output",
    value: "FORMAT",
    description: `The format written to stdout: ${formatNames.join(", ")} (default: text at a terminal, json otherwise).`
  },
  {
    key: "output",
    name: "output",
    kind: "list",
    group: "output",
    value: "FORMAT=PATH",
    description: "Also write FORMAT to PATH, e.g. --output junit=arlo-ready.xml."
  },
  failOnNewFlag,
  ...livingFlags,
  ...configFlags,
  {
    key: "listChecks",
    name: "list-checks",
    kind: "switch",
    group: "selection",
    description: "List the checks (ids, titles, prerequisites) as json or text, and exit."
  }
]

/** Every flag of the command. */
export const allFlags: ReadonlyArray<FlagSpec> = [...sharedFlags, ...reportFlags]
