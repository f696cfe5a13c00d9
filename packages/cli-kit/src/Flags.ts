/**
 * The flags both apps share, as one table (`Args.ts` parses argv against it and draws the help from
 * it). Values are parsed loosely here (text, switches, repeated lists) and validated in one place,
 * `resolveAudit`, so every bad value gets a one-line message that names the flag and what it accepts.
 * A leaf (types only from elsewhere), so the help loads nothing else.
 */
import type { Option, Redacted } from "effect"
import type { FlagSpec } from "./Args.js"

/** Where to audit, who as, what, and how. */
export const sharedFlags: ReadonlyArray<FlagSpec> = [
  {
    key: "platform",
    name: "platform",
    kind: "value",
    group: "target",
    value: "NAME",
    env: "ARLO_PLATFORM",
    description: "The Arlo platform name: acme audits https://acme.arlo.co."
  },
  {
    key: "baseUrl",
    name: "base-url",
    kind: "value",
    group: "target",
    value: "URL",
    env: "ARLO_BASE_URL",
    description:
      "The platform's base URL, for the legacy https://api.arlo.co/NAME layout, a proxy or a simulator. http:// only on loopback."
  },
  {
    key: "username",
    name: "username",
    kind: "value",
    group: "credentials",
    value: "USER",
    env: "ARLO_USERNAME",
    description: "The Basic auth username."
  },
  {
    key: "password",
    name: "password",
    kind: "secret",
    group: "credentials",
    value: "PASSWORD",
    env: "ARLO_PASSWORD",
    description: "The Basic auth password. Visible in the process list: prefer the variable or --password-stdin."
  },
  {
    key: "passwordStdin",
    name: "password-stdin",
    kind: "switch",
    group: "credentials",
    description: "Read the Basic auth password from the first line of stdin."
  },
  {
    key: "passwordCommand",
    name: "password-command",
    kind: "value",
    group: "credentials",
    value: "COMMAND",
    env: "ARLO_PASSWORD_COMMAND",
    description:
      "Run COMMAND (split into words, no shell) and take its trimmed stdout as the password, e.g. op read op://vault/arlo/password. ARLO_PASSWORD_FILE names a file instead."
  },
  {
    key: "clientId",
    name: "client-id",
    kind: "value",
    group: "oauth",
    value: "ID",
    env: "ARLO_CLIENT_ID",
    description: "The OAuth 2 client id."
  },
  {
    key: "clientSecret",
    name: "client-secret",
    kind: "secret",
    group: "oauth",
    value: "SECRET",
    env: "ARLO_CLIENT_SECRET",
    description: "The OAuth 2 client secret. Visible in the process list: prefer the variable or --client-secret-stdin."
  },
  {
    key: "clientSecretStdin",
    name: "client-secret-stdin",
    kind: "switch",
    group: "oauth",
    description: "Read the OAuth 2 client secret from stdin (the line after the password when both are read)."
  },
  {
    key: "clientSecretCommand",
    name: "client-secret-command",
    kind: "value",
    group: "oauth",
    value: "COMMAND",
    env: "ARLO_CLIENT_SECRET_COMMAND",
    description:
      "Run COMMAND (no shell) and take its trimmed stdout as the client secret. ARLO_CLIENT_SECRET_FILE names a file instead."
  },
  {
    key: "redirectUri",
    name: "redirect-uri",
    kind: "value",
    group: "oauth",
    value: "URI",
    env: "ARLO_REDIRECT_URI",
    description: "The redirect URI registered for the OAuth 2 client."
  },
  {
    key: "scopes",
    name: "scopes",
    kind: "value",
    group: "oauth",
    value: "SCOPES",
    env: "ARLO_SCOPES",
    description: "The OAuth 2 scopes the integration requests, space- or comma-separated."
  },
  {
    key: "accessToken",
    name: "access-token",
    kind: "secret",
    group: "oauth",
    value: "TOKEN",
    env: "ARLO_ACCESS_TOKEN",
    description: "An existing OAuth 2 access token to test. Visible in the process list: prefer the variable."
  },
  {
    key: "accessTokenCommand",
    name: "access-token-command",
    kind: "value",
    group: "oauth",
    value: "COMMAND",
    env: "ARLO_ACCESS_TOKEN_COMMAND",
    description:
      "Run COMMAND (no shell) and take its trimmed stdout as the access token. ARLO_ACCESS_TOKEN_FILE names a file instead."
  },
  {
    key: "auth",
    name: "auth",
    kind: "value",
    group: "selection",
    value: "basic|oauth|both",
    description: "Which methods to audit (default: those whose credentials are present)."
  },
  {
    key: "only",
    name: "only",
    kind: "list",
    group: "selection",
    value: "ID[,ID...]",
    description: "Run only these checks (ids or groups); the checks they need run too and are reported."
  },
  {
    key: "skip",
    name: "skip",
    kind: "list",
    group: "selection",
    value: "ID[,ID...]",
    description:
      "Do not run these checks. A skipped check that another needs leaves that one unrun: the verdict is incomplete (exit 3)."
  },
  {
    key: "assume",
    name: "assume",
    kind: "list",
    group: "selection",
    value: "ID[,ID...]",
    description:
      "Do not run these checks but take them to hold, so the checks that need them run (reported as assumed)."
  },
  {
    key: "mfaSetting",
    name: "mfa-setting",
    kind: "value",
    group: "run",
    value: "optional|required",
    env: "ARLO_MFA_SETTING",
    description: "The platform's MFA setting, which the API cannot reveal."
  },
  {
    key: "expectAccess",
    name: "expect-access",
    kind: "value",
    group: "run",
    value: "full|presenter",
    env: "ARLO_EXPECT_ACCESS",
    description: "The access the integration needs (default full)."
  },
  {
    key: "timeout",
    name: "timeout",
    kind: "value",
    group: "run",
    value: "DURATION",
    description: "Per-request timeout, e.g. 10s or 1500ms."
  },
  {
    key: "deadline",
    name: "deadline",
    kind: "value",
    group: "run",
    value: "DURATION",
    description: "Whole-audit deadline, e.g. 60s or 2m."
  },
  {
    key: "concurrency",
    name: "concurrency",
    kind: "value",
    group: "run",
    value: "N",
    description: "At most N requests in flight."
  },
  {
    key: "maxRequests",
    name: "max-requests",
    kind: "value",
    group: "run",
    value: "N",
    description: "At most N requests in all."
  },
  {
    key: "proxy",
    name: "proxy",
    kind: "value",
    group: "network",
    value: "URL",
    description:
      "Send every request through this HTTP(S) proxy, NO_PROXY ignored (default: https_proxy, HTTPS_PROXY, http_proxy, HTTP_PROXY with NO_PROXY, lowercase first)."
  },
  {
    key: "caFile",
    name: "ca-file",
    kind: "value",
    group: "network",
    value: "PATH",
    env: "ARLO_CA_FILE",
    description:
      "Trust the CA certificates in this PEM file besides the system's (a TLS-inspecting proxy, a private CA). NODE_EXTRA_CA_CERTS works too."
  },
  {
    key: "envFile",
    name: "env-file",
    kind: "value",
    group: "network",
    value: "PATH",
    description: "Load variables from a dotenv file (Node's parser); a variable already in the environment wins."
  }
]

/** `--fail-on`: what makes the run fail (both apps take it; `failOnFrom` reads it). */
export const failOnFlag: FlagSpec = {
  key: "failOn",
  name: "fail-on",
  kind: "value",
  group: "output",
  value: "fail|warn",
  description: "Exit 1 on failed checks only (fail, the default) or on warnings too (warn)."
}

/** The parsed shared flags. */
export interface SharedFlags {
  readonly platform: Option.Option<string>
  readonly baseUrl: Option.Option<string>
  readonly username: Option.Option<string>
  readonly password: Option.Option<Redacted.Redacted>
  readonly passwordStdin: boolean
  readonly passwordCommand: Option.Option<string>
  readonly clientId: Option.Option<string>
  readonly clientSecret: Option.Option<Redacted.Redacted>
  readonly clientSecretStdin: boolean
  readonly clientSecretCommand: Option.Option<string>
  readonly redirectUri: Option.Option<string>
  readonly scopes: Option.Option<string>
  readonly accessToken: Option.Option<Redacted.Redacted>
  readonly accessTokenCommand: Option.Option<string>
  readonly auth: Option.Option<string>
  readonly mfaSetting: Option.Option<string>
  readonly expectAccess: Option.Option<string>
  readonly timeout: Option.Option<string>
  readonly deadline: Option.Option<string>
  readonly concurrency: Option.Option<string>
  readonly maxRequests: Option.Option<string>
  readonly proxy: Option.Option<string>
  readonly caFile: Option.Option<string>
  readonly envFile: Option.Option<string>
  readonly only: ReadonlyArray<string>
  readonly skip: ReadonlyArray<string>
  readonly assume: ReadonlyArray<string>
}

/** The help's section of exit codes, the same for both apps; `ready` may say more (the TUI's demo). */
export const exitCodesSection = (readyAlso = "") => ({
  heading: "Exit codes",
  rows: [
    ["0", `ready (or ready with warnings, unless --fail-on warn)${readyAlso}`],
    ["1", "not ready"],
    ["2", "usage error"],
    ["3", "incomplete: a check that decides the verdict did not run"],
    ["4", "the report could not be written in full"],
    ["130", "interrupted"]
  ] as const
})

/** The help's section of check ids for --only, --skip and --assume, from the core's catalogue. */
export const checksSection = (checks: ReadonlyArray<{ readonly id: string; readonly title: string }>) => ({
  heading: "Checks (ids for --only, --skip, --assume; a group name such as oauth means all of it)",
  rows: checks.map((d) => [d.id, d.title] as const)
})
