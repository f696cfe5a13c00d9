/** The flags of `arlo-ready`: the shared ones, then the TUI's own. */
import type { FlagSpec } from "@arlo-ready/cli-kit/Args"
import { failOnFlag, sharedFlags } from "@arlo-ready/cli-kit/Flags"

/** The TUI's own flags. */
export const tuiFlags: ReadonlyArray<FlagSpec> = [
  {
    key: "demo",
    name: "demo",
    kind: "value",
    group: "target",
    value: "SCENARIO",
    bareValue: "demo",
    description:
      "Audit the embedded Arlo platform simulator with a built-in scenario (default demo), no Arlo account needed."
  },
  {
    key: "fleet",
    name: "fleet",
    kind: "value",
    group: "target",
    value: "FILE",
    description:
      "Audit every target of a fleet file (JSON or YAML): a table with each target's status per check group; Enter opens a target, r re-runs it."
  },
  failOnFlag,
  {
    key: "signIn",
    name: "sign-in",
    kind: "switch",
    group: "oauth",
    description:
      "Sign in through a browser with the OAuth client (PKCE): proves the client's approval, the token and the signed-in user's roles, then revokes the tokens."
  },
  {
    key: "keepToken",
    name: "keep-token",
    kind: "switch",
    group: "oauth",
    description:
      "With --sign-in: keep the access token and print it (alone) on stdout, for ARLO_ACCESS_TOKEN in a later audit; the report goes to stderr."
  },
  {
    key: "noInteractive",
    name: "no-interactive",
    kind: "switch",
    group: "output",
    description:
      "Print plain lines as checks finish, without the interactive screen (also when stdout is not a terminal or CI is set)."
  }
]

/** Every flag of the command. */
export const allFlags: ReadonlyArray<FlagSpec> = [...sharedFlags, ...tuiFlags]
