/** The flags of `arlo-ready-report`: the shared ones, then the report's own. */
import type { FlagSpec } from "@arlo-ready/cli-kit/Args"
import { failOnFlag, sharedFlags } from "@arlo-ready/cli-kit/Flags"

/** The formats, in the order the help lists them (`Format.ts` keeps its list equal to this one). */
export const formatNames = ["json", "junit", "markdown", "github", "ndjson", "text"] as const

/** The report's own flags. */
export const reportFlags: ReadonlyArray<FlagSpec> = [
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
  failOnFlag,
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
