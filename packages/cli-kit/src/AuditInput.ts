/**
 * Turns the shared flags, the environment and stdin into the core's `AuditConfig`, recording where each
 * credential came from. Every bad input becomes a `UsageError` whose one-line message names the flag
 * (or environment variable) and what it accepts.
 */
import {
  type AuditConfig,
  type ConfigError,
  type ConfigInput,
  type CredentialName,
  defaults,
  envVars,
  resolveConfig
} from "@arlo-ready/core"
import { Effect, Either, Option, type Redacted } from "effect"
import { type SharedFlags, sharedFlags } from "./Flags.js"
import { parseCheckList, parseChoice, parseCount, parseDuration, parseOptional } from "./FlagValues.js"
import { type NetworkSettings, resolveNetwork } from "./Network.js"
import {
  childEnv,
  explicitSecretConflict,
  loadEnvFile,
  loadSecrets,
  secretCommandTimeoutMs,
  secretGiven,
  secretSourcesOf,
  secretSpecs
} from "./SecretSources.js"
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

/**
 * The core speaks of its option names (`baseUrl`); a CLI user knows flags (`--base-url`). `given`
 * names the options that came from elsewhere: a set of those read from stdin, or a map from each
 * option to the flag or variable that gave it (`ARLO_PASSWORD_FILE`).
 */
export const configErrorMessage = (
  error: ConfigError,
  given: ReadonlySet<string> | ReadonlyMap<string, string> = new Set()
): string => {
  const flag = (name: string) =>
    ("get" in given ? given.get(name) : given.has(name) ? `${flagNames[name]}-stdin` : undefined) ??
    flagNames[name] ??
    name
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

/** A method's secrets in their `_FILE` and `_COMMAND` forms. */
const secretForms = (method: "basic" | "oauth") =>
  secretSpecs.filter((s) => s.method === method).flatMap((s) => [s.fileVar, s.commandVar])

const basicEnv: ReadonlyArray<string> = [envVars.username, envVars.password, ...secretForms("basic")]
const oauthEnv: ReadonlyArray<string> = [
  envVars.clientId,
  envVars.clientSecret,
  envVars.redirectUri,
  envVars.scopes,
  envVars.accessToken,
  envVars.refreshToken,
  ...secretForms("oauth")
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

/** A warning per secret given as a plain flag (a `-command` flag holds a command line, not a secret). */
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
  flags: SharedFlags,
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
            ["--access-token", explicit.accessToken],
            ["--client-secret-command", orUndefined(flags.clientSecretCommand)],
            ["--access-token-command", orUndefined(flags.accessTokenCommand)]
          ]
        : [
            ["--username", explicit.username],
            ["--password", explicit.password],
            ["--password-command", orUndefined(flags.passwordCommand)]
          ]
    const clash = otherFlags.find(([, v]) => v !== undefined)
    if (clash) return Either.left(new UsageError({ message: `${clash[0]} contradicts --auth ${auth}` }))
    const other = auth === "basic" ? oauthEnv : basicEnv
    narrowed = Object.fromEntries(Object.entries(env).filter(([k]) => !other.includes(k)))
  }
  const present = (flag: unknown, name: string) => flag !== undefined || (narrowed[name] ?? "") !== ""
  // A password in a file or from a command counts: it is read only once the methods are known.
  const hasBasic = present(explicit.username, envVars.username) && secretGiven(flags, narrowed, "password")
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

/** Credentials the core read from a variable that `--env-file` gave are reported as from the file. */
const withEnvFileSources = (config: AuditConfig, fromFile: ReadonlySet<string>): AuditConfig =>
  fromFile.size === 0
    ? config
    : {
        ...config,
        credentials: config.credentials.map((c) =>
          c.source === "env" && fromFile.has(envVars[c.name]) ? { ...c, source: "env-file" as const } : c
        )
      }

/**
 * Resolves the shared flags, the environment (with `--env-file`'s variables under it) and stdin into
 * an audit config. `--auth` narrows the methods to those named and requires their credentials; only
 * then are secret files read and secret commands run, one after the other, each within 30 s (less when
 * the deadline is shorter). A command's stdin is the app's, unless the app reads a secret from its
 * stdin (then it has none). Secrets given as plain flags add a warning.
 */
export const resolveAudit = (
  flags: SharedFlags,
  sources: AuditInputSources
): Effect.Effect<ResolvedAudit, UsageError> =>
  Effect.gen(function* () {
    const values = yield* parseAuditValues(flags)
    const twice = explicitSecretConflict(flags)
    if (twice) return yield* twice
    const warnings = plainSecretWarnings(flags)
    const withFile = yield* loadEnvFile(orUndefined(flags.envFile), sources.env)
    const stdin = yield* readStdinSecrets(flags, values.deadlineMs, sources.readStdin)
    const explicit = explicitInput(flags, values, stdin)
    const env = yield* narrowByAuth(values.auth, explicit, flags, withFile.env)
    const loaded = yield* loadSecrets(yield* secretSourcesOf(flags, env), {
      env: childEnv(withFile.env),
      timeoutMs: Math.min(secretCommandTimeoutMs, values.deadlineMs ?? defaults.deadlineMs),
      stdin: flags.passwordStdin || flags.clientSecretStdin ? "ignore" : "inherit"
    })
    const stdinSources: Partial<Record<CredentialName, "stdin">> = {
      ...(stdin.password ? { password: "stdin" } : {}),
      ...(stdin.clientSecret ? { clientSecret: "stdin" } : {})
    }
    const given = new Map<string, string>([
      ...Object.keys(stdinSources).map((name): [string, string] => [name, `${flagNames[name]}-stdin`]),
      ...Object.entries(loaded.names)
    ])
    const resolved = yield* resolveConfig({
      env,
      options: { ...explicit, ...loaded.values },
      optionSource: "flag",
      sources: { ...stdinSources, ...loaded.sources }
    }).pipe(Either.mapLeft((e) => new UsageError({ message: configErrorMessage(e, given) })))
    const config = withEnvFileSources(resolved, withFile.fromFile)
    const network = yield* resolveNetwork(flags, withFile.env, new URL(config.baseUrl))
    const proxySecret = network.proxy?.authorization
    return { config, secrets: [...secretsOf(config), ...(proxySecret ? [proxySecret] : [])], warnings, network }
  })
