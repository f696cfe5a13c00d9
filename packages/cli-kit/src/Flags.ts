/**
 * The flags both apps share, as @effect/cli `Options`. Values are parsed loosely here (text, booleans,
 * repeated lists) and validated in one place, `resolveAudit`, so every bad value gets a one-line
 * message that names the flag and what it accepts.
 */
import { Options } from "@effect/cli"
import { Option, type Redacted } from "effect"

const text = (name: string, pseudo: string, description: string) =>
  Options.text(name).pipe(Options.withPseudoName(pseudo), Options.withDescription(description), Options.optional)

const secret = (name: string, pseudo: string, description: string) =>
  Options.redacted(name).pipe(Options.withPseudoName(pseudo), Options.withDescription(description), Options.optional)

const flag = (name: string, description: string) => Options.boolean(name).pipe(Options.withDescription(description))

const list = (name: string, description: string) =>
  Options.text(name).pipe(Options.withPseudoName("ID[,ID...]"), Options.withDescription(description), Options.repeated)

/** Where to audit. */
export const targetFlags = {
  platform: text("platform", "NAME", "The Arlo platform name: acme audits https://acme.arlo.co (env ARLO_PLATFORM)."),
  baseUrl: text(
    "base-url",
    "URL",
    "The platform's base URL, for the legacy https://api.arlo.co/NAME layout, a proxy or a simulator (env ARLO_BASE_URL). http:// only on loopback."
  )
}

/** Who to audit as. Secrets given as plain flags are accepted with a warning: they show in the process list. */
export const credentialFlags = {
  username: text("username", "USER", "The Basic auth username (env ARLO_USERNAME)."),
  password: secret(
    "password",
    "PASSWORD",
    "The Basic auth password. Visible in the process list: prefer ARLO_PASSWORD or --password-stdin."
  ),
  passwordStdin: flag("password-stdin", "Read the Basic auth password from the first line of stdin."),
  clientId: text("client-id", "ID", "The OAuth 2 client id (env ARLO_CLIENT_ID)."),
  clientSecret: secret(
    "client-secret",
    "SECRET",
    "The OAuth 2 client secret. Visible in the process list: prefer ARLO_CLIENT_SECRET or --client-secret-stdin."
  ),
  clientSecretStdin: flag(
    "client-secret-stdin",
    "Read the OAuth 2 client secret from stdin (the line after the password when both are read)."
  ),
  redirectUri: text(
    "redirect-uri",
    "URI",
    "The redirect URI registered for the OAuth 2 client (env ARLO_REDIRECT_URI)."
  ),
  scopes: text(
    "scopes",
    "SCOPES",
    "The OAuth 2 scopes the integration requests, space- or comma-separated (env ARLO_SCOPES)."
  ),
  accessToken: secret(
    "access-token",
    "TOKEN",
    "An existing OAuth 2 access token to test. Visible in the process list: prefer ARLO_ACCESS_TOKEN."
  )
}

/** What the audit may not learn from the API, and how it runs. */
export const auditFlags = {
  auth: text("auth", "basic|oauth|both", "Which methods to audit (default: those whose credentials are present)."),
  mfaSetting: text(
    "mfa-setting",
    "optional|required",
    "The platform's MFA setting, which the API cannot reveal (env ARLO_MFA_SETTING)."
  ),
  expectAccess: text(
    "expect-access",
    "full|presenter",
    "The access the integration needs (default full) (env ARLO_EXPECT_ACCESS)."
  ),
  timeout: text("timeout", "DURATION", "Per-request timeout, e.g. 10s or 1500ms."),
  deadline: text("deadline", "DURATION", "Whole-audit deadline, e.g. 60s or 2m."),
  concurrency: text("concurrency", "N", "At most N requests in flight."),
  maxRequests: text("max-requests", "N", "At most N requests in all."),
  only: list(
    "only",
    "Run only these checks; the checks they need run too and are reported. Repeatable or comma-separated."
  ),
  skip: list(
    "skip",
    "Do not run these checks. A skipped check that another needs leaves that one unrun: the verdict is incomplete (exit 3)."
  ),
  assume: list(
    "assume",
    "Do not run these checks but take them to hold, so the checks that need them run (reported as assumed)."
  )
}

/** Every shared flag, to spread into a `Command.make` config. */
export const sharedFlags = { ...targetFlags, ...credentialFlags, ...auditFlags }

/** The parsed shared flags. */
export interface SharedFlags {
  readonly platform: Option.Option<string>
  readonly baseUrl: Option.Option<string>
  readonly username: Option.Option<string>
  readonly password: Option.Option<Redacted.Redacted>
  readonly passwordStdin: boolean
  readonly clientId: Option.Option<string>
  readonly clientSecret: Option.Option<Redacted.Redacted>
  readonly clientSecretStdin: boolean
  readonly redirectUri: Option.Option<string>
  readonly scopes: Option.Option<string>
  readonly accessToken: Option.Option<Redacted.Redacted>
  readonly auth: Option.Option<string>
  readonly mfaSetting: Option.Option<string>
  readonly expectAccess: Option.Option<string>
  readonly timeout: Option.Option<string>
  readonly deadline: Option.Option<string>
  readonly concurrency: Option.Option<string>
  readonly maxRequests: Option.Option<string>
  readonly only: ReadonlyArray<string>
  readonly skip: ReadonlyArray<string>
  readonly assume: ReadonlyArray<string>
}

/** `--fail-on`: what makes the run fail (both apps take it; `failOnFrom` reads it). */
export const failOnFlag = {
  failOn: text("fail-on", "fail|warn", "Exit 1 on failed checks only (fail, the default) or on warnings too (warn).")
}

/**
 * The long names of the flags that take a value, read from the flags themselves: the one table of them
 * (for the missing-value check in `runCli`, and for naming a flag in a message).
 */
export const valueFlagsOf = (flags: Readonly<Record<string, Options.Options<unknown>>>): Array<string> =>
  Object.values(flags)
    .filter((o) => !Options.isBool(o))
    .flatMap((o) => Option.toArray(Options.getIdentifier(o)))
