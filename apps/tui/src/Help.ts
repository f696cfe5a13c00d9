/**
 * The help of `arlo-ready`, drawn from its flag table, with examples, the demo's identities, the checks
 * and the exit codes.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { type HelpDoc, renderHelp } from "@arlo-ready/cli-kit/Args"
import { checksSection, exitCodesSection } from "@arlo-ready/cli-kit/Flags"
import { catalogue } from "@arlo-ready/core"
import { allFlags } from "./Flags.js"
import { binName, version } from "./internal/version.js"

/** The built-in scenarios' folder: inside the package when installed, the simulator's in the repository. */
const scenariosDir = (): URL | undefined =>
  [new URL("../scenarios/", import.meta.url), new URL("../../../packages/simulator/scenarios/", import.meta.url)].find(
    (u) => existsSync(u)
  )

interface DemoPlatform {
  readonly name: string
  readonly mfaSetting?: string
  readonly audit?: { readonly username?: string; readonly clientId?: string; readonly expect?: string }
}

/** The identities `--demo` audits first, one per platform, with what each is meant to show. */
export const demoIdentities = (): Array<readonly [string, string]> => {
  const dir = scenariosDir()
  if (!dir) return []
  try {
    const scenario = JSON.parse(readFileSync(new URL("demo.json", dir), "utf8")) as { platforms?: Array<DemoPlatform> }
    return (scenario.platforms ?? []).map((p) => [
      `${p.name} · ${p.audit?.username ?? "(no user)"}`,
      `${p.audit?.expect ?? ""}${p.audit?.clientId ? ` OAuth client ${p.audit.clientId}.` : ""} MFA setting ${p.mfaSetting ?? "optional"}.`.trim()
    ])
  } catch {
    return []
  }
}

/** The built-in scenarios' names. */
export const scenarioNames = (): Array<string> => {
  const dir = scenariosDir()
  if (!dir) return []
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -5))
    .sort()
}

/** What the help shows. */
export const helpDoc = (): HelpDoc => ({
  name: binName,
  version,
  summary:
    "Check, interactively, whether an Arlo account is ready for the REST API; fix what is not and re-check in place. Without a terminal (or with CI set) it prints plain lines instead.",
  flags: allFlags,
  examples: [
    [`${binName} --demo`, "Try it on the embedded simulator: four platforms, each with its own story (p switches)"],
    [`${binName} --platform acme`, "Audit https://acme.arlo.co, asking at the prompt for what is missing"],
    [
      `ARLO_PASSWORD=… ${binName} --platform acme --username api@acme.example --no-interactive`,
      "Plain lines, the password from the environment"
    ],
    [`${binName} --platform acme --only roles`, "Re-check one group of checks (the checks they need run too)"],
    [
      `${binName} --platform acme --client-id ID --redirect-uri URI --sign-in`,
      "Sign in through a browser: proves approval, the token and the user's roles"
    ],
    [
      `${binName} --fleet fleet.yaml --env-file fleet.env`,
      "Audit every target of a fleet file: a table, Enter opens one"
    ]
  ],
  sections: [
    {
      heading: "Demo identities (--demo demo; p in the demo shows the platforms' other users too)",
      rows: demoIdentities()
    },
    { heading: "Demo scenarios (--demo NAME)", rows: [["", scenarioNames().join(", ")]] },
    checksSection(catalogue),
    exitCodesSection("; quitting the demo")
  ]
})

/** The help text. */
export const help = (): string => renderHelp(helpDoc())
