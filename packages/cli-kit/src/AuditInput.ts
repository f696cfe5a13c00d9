/**
 * Turns the shared flags, the environment and stdin into the core's `AuditConfig`, recording where each
 * credential came from. Every bad input becomes a `UsageError` whose one-line message names the flag
 * (or environment variable) and what it accepts.
 */
import {
  type AuditConfig,
  type ConfigError,
  type ConfigInput,
  catalogue,
  checkGroups,
  checkIds,
  defaults,
  envVars,
  resolveConfig
} from "@arlo-ready/core"
import { Effect, Either, Option, Redacted } from "effect"
import type { SharedFlags } from "./Flags.js"
import { UsageError } from "./UsageError.js"

type Env = Readonly<Record<string, string | undefined>>

/** The audit to run, with what the app must know about its inputs. */
export interface ResolvedAudit {
  readonly config: AuditConfig
  /** Every secret the config carries, whatever its source (for `::add-mask::` and leak checks). */
  readonly secrets: ReadonlyArray<Redacted.Redacted<string>>
  /** Warnings for stderr (e.g. a secret given as a plain flag). */
  readonly warnings: ReadonlyArray<string>
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

/** The longest secret a line of stdin may carry, in bytes (its line ending aside); longer is a usage error. */
export const stdinLineMaxBytes = 4096

const usage = (message: string) => Either.left(new UsageError({ message }))

/**
 * A duration flag: `1500ms`, `10s`, `2m`, or a bare number of seconds. Returns milliseconds.
 */
export const parseDuration = (flag: string, text: string): Either.Either<number, UsageError> => {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/i.exec(text.trim())
  if (!m) return usage(`${flag} must be a duration such as 10s, 1500ms or 2m (got '${text}')`)
  const n = Number(m[1])
  const unit = (m[2] ?? "s").toLowerCase()
  const ms = Math.round(unit === "ms" ? n : unit === "s" ? n * 1000 : n * 60_000)
  if (ms <= 0) return usage(`${flag} must be longer than 0 (got '${text}')`)
  return Either.right(ms)
}

/** A whole number above zero. */
export const parseCount = (flag: string, text: string): Either.Either<number, UsageError> => {
  const t = text.trim()
  if (!/^\d+$/.test(t) || Number(t) < 1) return usage(`${flag} must be a whole number above 0 (got '${text}')`)
  return Either.right(Number(t))
}

/** One of a few words, case-insensitive. */
export const parseChoice = <const A extends string>(
  flag: string,
  text: string,
  choices: ReadonlyArray<A>
): Either.Either<A, UsageError> => {
  const t = text.trim().toLowerCase()
  const found = choices.find((c) => c === t)
  if (found !== undefined) return Either.right(found)
  const list = choices.length === 2 ? `${choices[0]} or ${choices[1]}` : choices.join(", ")
  return usage(`${flag} must be ${list} (got '${text}')`)
}

/**
 * Check ids (or group names) given repeatedly or comma-separated. An unknown one is a usage error that
 * names the valid ids.
 */
export const parseCheckList = (
  flag: string,
  values: ReadonlyArray<string>
): Either.Either<Array<string>, UsageError> => {
  const out: Array<string> = []
  for (const raw of values.flatMap((v) => v.split(",")).map((s) => s.trim())) {
    if (raw === "") continue
    const group = raw.endsWith(".*") ? raw.slice(0, -2) : raw
    if (!(checkIds as ReadonlyArray<string>).includes(raw) && !(checkGroups as ReadonlyArray<string>).includes(group)) {
      return usage(
        `${flag}: unknown check '${raw}'; valid ids: ${checkIds.join(", ")} (or a group: ${checkGroups.join(", ")})`
      )
    }
    out.push(raw)
  }
  if (out.length === 0) return usage(`${flag} needs at least one check id, e.g. ${flag} ${catalogue[2]!.id}`)
  return Either.right(out)
}

const flagNames: Record<string, string> = {
  platform: "--platform",
  baseUrl: "--base-url",
  username: "--username",
  password: "--password",
  clientId: "--client-id",
  clientSecret: "--client-secret",
  redirectUri: "--redirect-uri",
  scopes: "--scopes",
  accessToken: "--access-token",
  mfaSetting: "--mfa-setting",
  expectAccess: "--expect-access",
  timeoutMs: "--timeout (in ms)",
  deadlineMs: "--deadline (in ms)",
  concurrency: "--concurrency",
  maxRequests: "--max-requests",
  only: "--only",
  skip: "--skip",
  assume: "--assume"
}

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
  message = message
    .replace(/^Give platform or baseUrl/, "Give --platform or --base-url")
    .replace(
      /\b(baseUrl|clientId|clientSecret|redirectUri|accessToken|mfaSetting|expectAccess|timeoutMs|deadlineMs|maxRequests)\b/g,
      (m) => flag(m)
    )
  return message.replace(/\.$/, "")
}

const basicEnv = [envVars.username, envVars.password] as const
const oauthEnv = [
  envVars.clientId,
  envVars.clientSecret,
  envVars.redirectUri,
  envVars.scopes,
  envVars.accessToken,
  envVars.refreshToken
] as const

/** What `readProcessStdin` needs to know. */
export interface ReadStdinOptions {
  /** The flag each line is for, in order: one line per flag is read. */
  readonly flags: ReadonlyArray<string>
  /** How long to wait for the lines (the audit's deadline); then a usage error naming the missing line. */
  readonly timeoutMs?: number
  /** How the timeout is shown (`60s`). */
  readonly timeoutText?: string
}

/**
 * Reads the first `flags.length` lines of stdin as UTF-8, then stops reading (stdin is paused, so a
 * pipe that stays open or carries much more holds neither the audit nor the memory). A line is kept up
 * to {@link stdinLineMaxBytes} bytes and a little more, so that a longer one is still seen as too long;
 * the last line may end at the end of input without a newline. A terminal on stdin is a usage error
 * (nothing was piped), and so are lines that do not come within the timeout.
 */
export const readProcessStdin = (options: ReadStdinOptions): Effect.Effect<string, UsageError> =>
  Effect.async<string, UsageError>((resume) => {
    const stdin = process.stdin
    const wanted = options.flags.length
    const all = options.flags.join(" and ")
    if (stdin.isTTY) {
      resume(
        Effect.fail(
          new UsageError({
            message: `${all} ${wanted > 1 ? "read" : "reads"} stdin, but stdin is a terminal: pipe the value in, e.g. printf '%s\\n' "$SECRET" | ...`
          })
        )
      )
      return
    }
    // A value, its CR, and one byte more: enough to tell that a line is too long.
    const keep = stdinLineMaxBytes + 2
    const parts: Array<Buffer> = []
    let lines = 0
    let lineBytes = 0
    let settled = false
    const finish = (result: Effect.Effect<string, UsageError>) => {
      if (settled) return
      settled = true
      cleanup()
      resume(result)
    }
    const text = () => Effect.succeed(Buffer.concat(parts).toString("utf8"))
    const onData = (chunk: Buffer) => {
      let start = 0
      while (lines < wanted && start <= chunk.length) {
        const nl = chunk.indexOf(0x0a, start)
        const end = nl < 0 ? chunk.length : nl
        const room = Math.max(0, keep - lineBytes)
        parts.push(chunk.subarray(start, Math.min(end, start + room)))
        lineBytes += end - start
        // Too long: what was kept shows it, and nothing more is read.
        if (lineBytes > keep) return finish(text())
        if (nl < 0) return
        parts.push(chunk.subarray(nl, nl + 1))
        lines++
        lineBytes = 0
        start = nl + 1
      }
      finish(text())
    }
    const onEnd = () => finish(text())
    const onError = (e: Error) =>
      finish(Effect.fail(new UsageError({ message: `${all}: could not read stdin (${e.message})` })))
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            const flag = options.flags[lines] ?? all
            const what =
              wanted > 1
                ? "the password, then the client secret, one per line"
                : `the value, e.g. printf '%s\\n' "$SECRET" | ...`
            finish(
              Effect.fail(
                new UsageError({
                  message: `${flag}: stdin gave no line ${lines + 1} within the deadline (${options.timeoutText ?? `${options.timeoutMs}ms`}): pipe ${what}`
                })
              )
            )
          }, options.timeoutMs)
    const cleanup = () => {
      if (timer !== undefined) clearTimeout(timer)
      stdin.off("data", onData)
      stdin.off("end", onEnd)
      stdin.off("error", onError)
      stdin.pause()
    }
    stdin.on("data", onData)
    stdin.once("end", onEnd)
    stdin.once("error", onError)
    stdin.resume()
    return Effect.sync(cleanup)
  })

const orUndefined = <A>(o: Option.Option<A>): A | undefined => Option.getOrUndefined(o)

/**
 * Resolves the shared flags, the environment and stdin into an audit config. `--auth` narrows the
 * methods to those named and requires their credentials; secrets given as plain flags add a warning.
 */
export const resolveAudit = (
  flags: SharedFlags,
  sources: AuditInputSources
): Effect.Effect<ResolvedAudit, UsageError> =>
  Effect.gen(function* () {
    const warnings: Array<string> = []
    const env = sources.env

    const auth = Option.isSome(flags.auth)
      ? yield* parseChoice("--auth", flags.auth.value, ["basic", "oauth", "both"] as const)
      : undefined
    const mfaSetting = Option.isSome(flags.mfaSetting)
      ? yield* parseChoice("--mfa-setting", flags.mfaSetting.value, ["optional", "required"] as const)
      : undefined
    const expectAccess = Option.isSome(flags.expectAccess)
      ? yield* parseChoice("--expect-access", flags.expectAccess.value, ["full", "presenter"] as const)
      : undefined
    const timeoutMs = Option.isSome(flags.timeout) ? yield* parseDuration("--timeout", flags.timeout.value) : undefined
    const deadlineMs = Option.isSome(flags.deadline)
      ? yield* parseDuration("--deadline", flags.deadline.value)
      : undefined
    const concurrency = Option.isSome(flags.concurrency)
      ? yield* parseCount("--concurrency", flags.concurrency.value)
      : undefined
    const maxRequests = Option.isSome(flags.maxRequests)
      ? yield* parseCount("--max-requests", flags.maxRequests.value)
      : undefined
    const only = flags.only.length > 0 ? yield* parseCheckList("--only", flags.only) : undefined
    const skip = flags.skip.length > 0 ? yield* parseCheckList("--skip", flags.skip) : undefined
    const assume = flags.assume.length > 0 ? yield* parseCheckList("--assume", flags.assume) : undefined

    if (Option.isSome(flags.password) && flags.passwordStdin) {
      return yield* new UsageError({ message: "Give --password or --password-stdin, not both" })
    }
    if (Option.isSome(flags.clientSecret) && flags.clientSecretStdin) {
      return yield* new UsageError({ message: "Give --client-secret or --client-secret-stdin, not both" })
    }
    for (const [name, value, env] of [
      ["--password", flags.password, `${envVars.password} or --password-stdin`],
      ["--client-secret", flags.clientSecret, `${envVars.clientSecret} or --client-secret-stdin`],
      ["--access-token", flags.accessToken, envVars.accessToken]
    ] as const) {
      if (Option.isSome(value)) warnings.push(`${name} is visible in the process list and shell history: prefer ${env}`)
    }

    // Secrets from stdin: one line each, the password first when both are read.
    let stdinPassword: Redacted.Redacted<string> | undefined
    let stdinSecret: Redacted.Redacted<string> | undefined
    if (flags.passwordStdin || flags.clientSecretStdin) {
      const both = flags.passwordStdin && flags.clientSecretStdin
      const wanted = [
        ...(flags.passwordStdin ? ["--password-stdin"] : []),
        ...(flags.clientSecretStdin ? ["--client-secret-stdin"] : [])
      ]
      // stdin must give its lines within the audit's deadline: a pipe that never does cannot hold the run.
      const deadlineText = Option.isSome(flags.deadline)
        ? flags.deadline.value.trim()
        : `${defaults.deadlineMs / 1000}s`
      const read =
        sources.readStdin ??
        (() =>
          readProcessStdin({
            flags: wanted,
            timeoutMs: deadlineMs ?? defaults.deadlineMs,
            timeoutText: deadlineText
          }))
      const lines = (yield* read(wanted.length)).split(/\r?\n/)
      const take = (index: number, which: string) => {
        const value = lines[index] ?? ""
        if (Buffer.byteLength(value) > stdinLineMaxBytes) {
          return Either.left(
            new UsageError({
              message: `${which}: line ${index + 1} of stdin is longer than ${stdinLineMaxBytes} bytes: pipe the secret alone on its line`
            })
          )
        }
        return value === ""
          ? Either.left(
              new UsageError({
                message: both
                  ? `${which} needs line ${index + 1} of stdin, which is empty: pipe the password, then the client secret, one per line`
                  : `${which}: stdin is empty: pipe a non-empty value, e.g. printf '%s' "$SECRET" | ...`
              })
            )
          : Either.right(Redacted.make(value))
      }
      if (flags.passwordStdin) stdinPassword = yield* take(0, "--password-stdin")
      if (flags.clientSecretStdin) stdinSecret = yield* take(flags.passwordStdin ? 1 : 0, "--client-secret-stdin")
    }

    const explicit: ConfigInput = {
      platform: orUndefined(flags.platform),
      baseUrl: orUndefined(flags.baseUrl),
      username: orUndefined(flags.username),
      password: stdinPassword ?? (orUndefined(flags.password) as Redacted.Redacted<string> | undefined),
      clientId: orUndefined(flags.clientId),
      clientSecret: stdinSecret ?? (orUndefined(flags.clientSecret) as Redacted.Redacted<string> | undefined),
      redirectUri: orUndefined(flags.redirectUri),
      scopes: orUndefined(flags.scopes),
      accessToken: orUndefined(flags.accessToken) as Redacted.Redacted<string> | undefined,
      mfaSetting,
      expectAccess,
      timeoutMs,
      deadlineMs,
      concurrency,
      maxRequests,
      only,
      skip,
      assume
    }

    // --auth: drop the other method's environment; its flags would contradict it.
    let narrowedEnv: Env = env
    if (auth === "basic" || auth === "oauth") {
      const other = auth === "basic" ? oauthEnv : basicEnv
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
      if (clash) return yield* new UsageError({ message: `${clash[0]} contradicts --auth ${auth}` })
      narrowedEnv = Object.fromEntries(
        Object.entries(env).filter(([k]) => !(other as ReadonlyArray<string>).includes(k))
      )
    }
    const present = (flag: unknown, name: string) => flag !== undefined || (narrowedEnv[name] ?? "") !== ""
    const hasBasic = present(explicit.username, envVars.username) && present(explicit.password, envVars.password)
    const hasOAuth = present(explicit.clientId, envVars.clientId)
    const needBasic = `Basic credentials (${envVars.username} and ${envVars.password}, or --username with --password-stdin)`
    const needOAuth = `an OAuth client (${envVars.clientId} and ${envVars.clientSecret}, or --client-id with --client-secret-stdin)`
    if ((auth === "basic" || auth === "both") && !hasBasic) {
      return yield* new UsageError({ message: `--auth ${auth} needs ${needBasic}` })
    }
    if ((auth === "oauth" || auth === "both") && !hasOAuth) {
      return yield* new UsageError({ message: `--auth ${auth} needs ${needOAuth}` })
    }

    const stdinNames = new Set([...(stdinPassword ? ["password"] : []), ...(stdinSecret ? ["clientSecret"] : [])])
    const config = yield* resolveConfig({
      env: narrowedEnv,
      options: explicit,
      optionSource: "flag",
      sources: {
        ...(stdinPassword ? { password: "stdin" as const } : {}),
        ...(stdinSecret ? { clientSecret: "stdin" as const } : {})
      }
    }).pipe(Either.mapLeft((e) => new UsageError({ message: configErrorMessage(e, stdinNames) })))

    const secrets = [
      config.basic?.password,
      config.oauth?.clientSecret,
      config.oauth?.accessToken,
      config.oauth?.refreshToken
    ].filter((s): s is Redacted.Redacted<string> => s !== undefined && s !== null)
    return { config, secrets, warnings }
  })
