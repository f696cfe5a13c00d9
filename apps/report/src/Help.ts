/** The help of `arlo-ready-report`, drawn from its flag table, with examples, the checks and exit codes. */
import { type HelpDoc, renderHelp } from "@arlo-ready/cli-kit/Args"
import { checksSection, exitCodesSection } from "@arlo-ready/cli-kit/Flags"
import { catalogue } from "@arlo-ready/core"
import { allFlags } from "./Flags.js"
import { binName, version } from "./internal/version.js"

/** What the help shows. */
export const helpDoc = (): HelpDoc => ({
  name: binName,
  version,
  summary:
    "Audit an Arlo platform account against the preconditions of Arlo's REST API, for CI: a report on stdout (text at a terminal, JSON when piped) and an exit code.",
  flags: allFlags,
  examples: [
    [
      `ARLO_PASSWORD=… ${binName} --platform acme --username api@acme.example`,
      "Audit Basic auth on https://acme.arlo.co, the password from the environment"
    ],
    [
      `${binName} --platform acme --format json --output junit=arlo-ready.xml`,
      "JSON on stdout and a JUnit file for the CI's test view (credentials from ARLO_* variables)"
    ],
    [
      `${binName} --platform acme --output html=arlo-ready.html`,
      "Also write one self-contained HTML file, to open in a browser or attach to a ticket"
    ],
    [`${binName} --platform acme --only oauth.token`, "Re-check one check (the checks it needs run too)"],
    [`${binName} --list-checks --format text`, "List the checks and their prerequisites"],
    [
      `${binName} --fleet fleet.yml --shard 2/3 --output json=shard-2.json`,
      "Audit shard 2 of 3 of a fleet file (each target's credentials by reference), the JSON for merge"
    ],
    [`${binName} merge shards/ --format markdown`, "Merge the shards' JSON reports into one fleet report"]
  ],
  sections: [
    {
      heading: "Commands",
      rows: [
        ["merge DIR|FILE...", "Merge the JSON fleet reports of --shard runs into one fleet report (see merge --help)."]
      ]
    },
    checksSection(catalogue),
    exitCodesSection()
  ]
})

/** The help text. */
export const help = (): string =>
  renderHelp(helpDoc()).replace(
    `Usage: ${binName} [flags]\n`,
    `Usage: ${binName} [flags]\n       ${binName} merge [flags] DIR|FILE...\n`
  )
