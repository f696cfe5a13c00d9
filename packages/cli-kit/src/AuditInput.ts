/**
 * Turns the shared flags, the environment and stdin into the core's `AuditConfig`, recording where each
 * credential came from. Every bad input becomes a `UsageError` whose one-line message names the flag
 * (or environment variable) and what it accepts.
 */
import { type AuditConfig, type ConfigError, type ConfigInput, envVars, resolveConfig } from "@arlo-ready/core"
import { Effect, Either, Option, type Redacted } from "effect"
import { type SharedFlags, sharedFlags } from "./Flags.js"
import { parseCheckList, parseChoice, parseCount, parseDuration, parseOptional } from "./FlagValues.js"
import { type NetworkSettings, resolveNetwork } from "./Network.js"
import { readStdinSecrets, type StdinSecrets } from "./Stdin.js"
import { UsageError } from "./UsageError.js"

type Env = Readonly<Record<string, string | undefined>>

/** The audit to run, with what the app must know about its inputs. */
export interface ResolvedAudit {
  readonly config: AuditConfig
  /** Every secret the config carries, whatever its source (for `::add-mask::` and leak checks). */
  readonly secrets: ReadonlyArray<Redacted.Redacted<string>>
  /** Warnings for stderr (e.g. a secret given as a plain flag). */
  readonly warnings: ReadonlyArray<string>
  /** How the requests reach the platform: proxy, extra CA certificates. */
  readonly network: NetworkSettings
}

/** Where `resolveAudit` gets what is not in the flags. */
export interface AuditInputSources {
  /** Environment variables (process.env). */
  readonly env: Env
  /**
   * Reads the first `lines` lines of stdin and no more of it (see {@link readProcessStdin}); called only
   * for `--password-stdin` / `--client-secret-stdin`. Defaults to process.stdin.
   */
  readonly readStdin?: (lines: number) => Effect.Effect<string, UsageError>
}

/**
 * The flag behind each option of the core's config: the value-taking shared flag of the same name,
 * and the durations, which the core counts in ms.
 */
const flagNames: Record<string, string> = {
  ...Object.fromEntries(sharedFlags.filter((f) => f.kind !== "switch").map((f) => [f.key, `--${f.name}`])),
  timeoutMs: "--timeout (in ms)",
  deadlineMs: "--deadline (in ms)"
}

/** The option names of more than one word, which a message from the core may use in a sentence. */
const optionNames = new RegExp(
  `\\b(${Object.keys(flagNames)
    .filter((k) => /[A-Z]/.test(k))
    .join("|")})\\b`,
  "g"
)

/** The core speaks of its option names (`baseUrl`); a CLI user knows flags (`--base-url`). */
export const configErrorMessage = (error: ConfigError, stdin: ReadonlySet<string> = new Set()): string => {
  const flag = (name: string) => (stdin.has(name) ? `${flagNames[name]}-stdin` : (flagNames[name] ?? name))
  if (error.message.startsWith("No target")) {
    return `No target: give --platform NAME (acme for https://acme.arlo.co) or --base-url URL, or set ${envVars.platform} or ${envVars.baseUrl}`
  }
  let message = error.message
  if (error.field in flagNames && message.startsWith(`${error.field} `)) {
    message = `${flag(error.field)}${message.slice(error.field.length)}`
  }
  message = message.replace(/^Give platform or baseUrl/, "Give --platform or --base-url").replace(optionNames, flag)
  return message.replace(/\.$/, "")
}

const basicEnv: ReadonlyArray<string> = [envVars.username, envVars.password]
const oauthEnv: ReadonlyArray<string> = [
  envVars.clientId,
  envVars.clientSecret,
  envVars.redirectUri,
  envVars.scopes,
  envVars.accessToken,
  envVars.refreshToken
]

const listed = (flag: string, values: ReadonlyArray<string>) =>
  values.length > 0 ? parseCheckList(flag, values) : Either.right(undefined)

/** The values of the audit flags, each checked, in the order the flags are listed. */
const parseAuditValues = (flags: SharedFlags) =>
  Effect.all({
    auth: parseOptional(flags.auth, (t) => parseChoice("--auth", t, ["basic", "oauth", "both"] as const)),
    mfaSetting: parseOptional(flags.mfaSetting, (t) =>
      parseChoice("--mfa-setting", t, ["optional", "required"] as const)
    ),
    expectAccess: parseOptional(flags.expectAccess, (t) =>
      parseChoice("--expect-access", t, ["full", "presenter"] as const)
    ),
    timeoutMs: parseOptional(flags.timeout, (t) => parseDuration("--timeout", t)),
    deadlineMs: parseOptional(flags.deadline, (t) => parseDuration("--deadline", t)),
    concurrency: parseOptional(flags.concurrency, (t) => parseCount("--concurrency", t)),
    maxRequests: parseOptional(flags.maxRequests, (t) => parseCount("--max-requests", t)),
    only: listed("--only", flags.only),
    skip: listed("--skip", flags.skip),
    assume: listed("--assume", flags.assume)
  })

/** A secret given both as a flag and on stdin. */
const secretTwice = (flags: SharedFlags): UsageError | undefined => {
  if (Option.isSome(flags.password) && flags.passwordStdin) {
    return new UsageError({ message: "Give --password or --password-stdin, not both" })
  }
  if (Option.isSome(flags.clientSecret) && flags.clientSecretStdin) {
    return new UsageError({ message: "Give --client-secret or --client-secret-stdin, not both" })
  }
  return undefined
}

/** A warning per secret given as a plain flag. */
const plainSecretWarnings = (flags: SharedFlags): Array<string> =>
  (
    [
      ["--password", flags.password, `${envVars.password} or --password-stdin`],
      ["--client-secret", flags.clientSecret, `${envVars.clientSecret} or --client-secret-stdin`],
      ["--access-token", flags.accessToken, envVars.accessToken]
    ] as const
  )
    .filter(([, value]) => Option.isSome(value))
    .map(([name, , env]) => `${name} is visible in the process list and shell history: prefer ${env}`)

const orUndefined = <A>(o: Option.Option<A>): A | undefined => Option.getOrUndefined(o)

const secretOf = (o: Option.Option<Redacted.Redacted>) => orUndefined(o) as Redacted.Redacted<string> | undefined

type AuditValues = Effect.Effect.Success<ReturnType<typeof parseAuditValues>>

/** The config options the flags give. */
const explicitInput = (flags: SharedFlags, values: AuditValues, stdin: StdinSecrets): ConfigInput => ({
  platform: orUndefined(flags.platform),
  baseUrl: orUndefined(flags.baseUrl),
  username: orUndefined(flags.username),
  password: stdin.password ?? secretOf(flags.password),
  clientId: orUndefined(flags.clientId),
  clientSecret: stdin.clientSecret ?? secretOf(flags.clientSecret),
  redirectUri: orUndefined(flags.redirectUri),
  scopes: orUndefined(flags.scopes),
  accessToken: secretOf(flags.accessToken),
  mfaSetting: values.mfaSetting,
  expectAccess: values.expectAccess,
  timeoutMs: values.timeoutMs,
  deadlineMs: values.deadlineMs,
  concurrency: values.concurrency,
  maxRequests: values.maxRequests,
  only: values.only,
  skip: values.skip,
  assume: values.assume
})

/**
 * `--auth basic` or `--auth oauth`: the environment without the other method's variables (a flag of
 * the other method contradicts it); then the credentials `--auth` names must be there.
 */
const narrowByAuth = (
  auth: "basic" | "oauth" | "both" | undefined,
  explicit: ConfigInput,
  env: Env
): Either.Either<Env, UsageError> => {
  let narrowed = env
  if (auth === "basic" || auth === "oauth") {
    const otherFlags: ReadonlyArray<[string, unknown]> =
      auth === "basic"
        ? [
            ["--client-id", explicit.clientId],
            ["--client-secret", explicit.clientSecret],
            ["--redirect-uri", explicit.redirectUri],
            ["--scopes", explicit.scopes],
            ["--access-token", explicit.accessToken]
          ]
        : [
            ["--username", explicit.username],
            ["--password", explicit.password]
          ]
    const clash = otherFlags.find(([, v]) => v !== undefined)
    if (clash) return Either.left(new UsageError({ message: `${clash[0]} contradicts --auth ${auth}` }))
    const other = auth === "basic" ? oauthEnv : basicEnv
    narrowed = Object.fromEntries(Object.entries(env).filter(([k]) => !other.includes(k)))
  }
  const present = (flag: unknown, name: string) => flag !== undefined || (narrowed[name] ?? "") !== ""
  const hasBasic = present(explicit.username, envVars.username) && present(explicit.password, envVars.password)
  const hasOAuth = present(explicit.clientId, envVars.clientId)
  const needBasic = `Basic credentials (${envVars.username} and ${envVars.password}, or --username with --password-stdin)`
  const needOAuth = `an OAuth client (${envVars.clientId} and ${envVars.clientSecret}, or --client-id with --client-secret-stdin)`
  if ((auth === "basic" || auth === "both") && !hasBasic) {
    return Either.left(new UsageError({ message: `--auth ${auth} needs ${needBasic}` }))
  }
  if ((auth === "oauth" || auth === "both") && !hasOAuth) {
    return Either.left(new UsageError({ message: `--auth ${auth} needs ${needOAuth}` }))
  }
  return Either.right(narrowed)
}

/** Every secret a config carries. */
const secretsOf = (config: AuditConfig): Array<Redacted.Redacted<string>> =>
  [config.basic?.password, config.oauth?.clientSecret, config.oauth?.accessToken, config.oauth?.refreshToken].filter(
    (s): s is Redacted.Redacted<string> => s !== undefined && s !== null
  )

/**
 * Resolves the shared flags, the environment and stdin into an audit config. `--auth` narrows the
 * methods to those named and requires their credentials; secrets given as plain flags add a warning.
 */
export const resolveAudit = (
  flags: SharedFlags,
  sources: AuditInputSources
): Effect.Effect<ResolvedAudit, UsageError> =>
  Effect.gen(function* () {
    const values = yield* parseAuditValues(flags)
    const twice = secretTwice(flags)
    if (twice) return yield* twice
    const warnings = plainSecretWarnings(flags)
    const stdin = yield* readStdinSecrets(flags, values.deadlineMs, sources.readStdin)
    const explicit = explicitInput(flags, values, stdin)
    const env = yield* narrowByAuth(values.auth, explicit, sources.env)
    const stdinNames = new Set([
      ...(stdin.password ? ["password"] : []),
      ...(stdin.clientSecret ? ["clientSecret"] : [])
    ])
    const config = yield* resolveConfig({
      env,
      options: explicit,
      optionSource: "flag",
      sources: {
        ...(stdin.password ? { password: "stdin" as const } : {}),
        ...(stdin.clientSecret ? { clientSecret: "stdin" as const } : {})
      }
    }).pipe(Either.mapLeft((e) => new UsageError({ message: configErrorMessage(e, stdinNames) })))
    const network = yield* resolveNetwork(flags, sources.env, new URL(config.baseUrl))
    const proxySecret = network.proxy?.authorization
    return { config, secrets: [...secretsOf(config), ...(proxySecret ? [proxySecret] : [])], warnings, network }
  })
