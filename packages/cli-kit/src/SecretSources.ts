/**
 * Secrets from where teams keep them: a file named by `ARLO_PASSWORD_FILE` (the `_FILE` convention of
 * container secrets), a command (`--password-command` / `ARLO_PASSWORD_COMMAND`, run without a shell,
 * its trimmed stdout the secret, as AWS `credential_process` and `op read` work), and a dotenv file
 * (`--env-file`, read with Node's own parser, the real environment winning). The same holds for the
 * client secret and the access token. Each secret is `Redacted` the moment it is read, and none is
 * ever shown, logged or handed to a child (a command runs with the `ARLO_` secret variables removed
 * from its environment).
 *
 * Precedence, per secret: the explicit sources (the flag, its `-stdin` form, its `-command` form)
 * exclude each other and win over the environment (which is then neither read nor run); in the
 * environment the variable, its `_FILE` and its `_COMMAND` form exclude each other (each conflict is
 * a usage error naming both).
 */
import { closeSync, openSync, readFileSync, readSync } from "node:fs"
import { parseEnv } from "node:util"
import { envVars } from "@arlo-ready/core"
import { Effect, Either, Option, Redacted } from "effect"
import type { SharedFlags } from "./Flags.js"
import { parseCommandLine } from "./internal/commandLine.js"
import { runSecretCommand } from "./internal/secretCommand.js"
import { oneLine } from "./internal/text.js"
import { UsageError } from "./UsageError.js"

/**
 * The runner of one secret command (a fleet's `{command}` references use it too): no shell, the
 * trimmed stdout `Redacted`, a one-line failure that shows its stderr and never its stdout.
 */
export {
  runSecretCommand,
  type SecretCommandFailure,
  type SecretCommandOptions
} from "./internal/secretCommand.js"

type Env = Readonly<Record<string, string | undefined>>

/** The secrets a file or a command may give. */
export type SecretKey = "password" | "clientSecret" | "accessToken"

/** One such secret: its flags, its variables and the method it belongs to. */
export interface SecretSpec {
  readonly key: SecretKey
  readonly method: "basic" | "oauth"
  /** What a message calls it. */
  readonly what: string
  readonly flag: string
  readonly stdinFlag: string | undefined
  readonly commandFlag: string
  readonly envVar: string
  readonly fileVar: string
  readonly commandVar: string
}

const spec = (key: SecretKey, method: "basic" | "oauth", what: string, flag: string, stdin: boolean): SecretSpec => ({
  key,
  method,
  what,
  flag: `--${flag}`,
  stdinFlag: stdin ? `--${flag}-stdin` : undefined,
  commandFlag: `--${flag}-command`,
  envVar: envVars[key],
  fileVar: `${envVars[key]}_FILE`,
  commandVar: `${envVars[key]}_COMMAND`
})

/** The secrets with a file and a command form, in the order they are read. */
export const secretSpecs: ReadonlyArray<SecretSpec> = [
  spec("password", "basic", "the password", "password", true),
  spec("clientSecret", "oauth", "the client secret", "client-secret", true),
  spec("accessToken", "oauth", "the access token", "access-token", false)
]

/** The largest secret file, and the most a secret command may print, in bytes. */
export const secretMaxBytes = 64 * 1024

/** How long a secret command may run (less when the audit's deadline is shorter). */
export const secretCommandTimeoutMs = 30_000

/** The variables that carry a secret itself: a secret command's environment never has them. */
export const secretEnvVars: ReadonlyArray<string> = [
  envVars.password,
  envVars.clientSecret,
  envVars.accessToken,
  envVars.refreshToken
]

const commandFlagOf = (flags: SharedFlags, key: SecretKey): Option.Option<string> =>
  key === "password"
    ? flags.passwordCommand
    : key === "clientSecret"
      ? flags.clientSecretCommand
      : flags.accessTokenCommand

/** The explicit sources given for a secret, by flag name. */
const explicitGiven = (flags: SharedFlags, s: SecretSpec): Array<string> => {
  const plain =
    s.key === "password" ? flags.password : s.key === "clientSecret" ? flags.clientSecret : flags.accessToken
  const stdin = s.key === "password" ? flags.passwordStdin : s.key === "clientSecret" && flags.clientSecretStdin
  return [
    ...(Option.isSome(plain) ? [s.flag] : []),
    ...(stdin && s.stdinFlag ? [s.stdinFlag] : []),
    ...(Option.isSome(commandFlagOf(flags, s.key)) ? [s.commandFlag] : [])
  ]
}

/** A secret given by more than one of its flags (`--password` with `--password-command`, say). */
export const explicitSecretConflict = (flags: SharedFlags): UsageError | undefined => {
  for (const s of secretSpecs) {
    const given = explicitGiven(flags, s)
    if (given.length === 2) return new UsageError({ message: `Give ${given[0]} or ${given[1]}, not both` })
    if (given.length > 2) {
      return new UsageError({ message: `Give only one of ${given.slice(0, -1).join(", ")} or ${given.at(-1)}` })
    }
  }
  return undefined
}

const setIn = (env: Env, name: string, trim: boolean) => {
  const v = env[name]
  return v !== undefined && (trim ? v.trim() : v) !== ""
}

/** The environment variables that give a secret (the variable, its `_FILE`, its `_COMMAND`) that are set. */
const envGiven = (env: Env, s: SecretSpec): Array<string> =>
  [s.envVar, s.fileVar, s.commandVar].filter((name) => setIn(env, name, name !== s.envVar))

/**
 * Whether a secret is given at all, by a flag or by the environment in any form (used to tell whether
 * a method's credentials are there without reading a file or running a command).
 */
export const secretGiven = (flags: SharedFlags, env: Env, key: SecretKey): boolean => {
  const s = secretSpecs.find((x) => x.key === key)!
  return explicitGiven(flags, s).length > 0 || envGiven(env, s).length > 0
}

/** A secret to read from a file or get from a command. */
export interface SecretSource {
  readonly key: SecretKey
  readonly kind: "file" | "command"
  /** The flag or variable that named it. */
  readonly from: string
  /** The path, or the command line. */
  readonly value: string
}

/**
 * The secrets to read from a file or get from a command: a `-command` flag, or (when no flag gives
 * the secret) its `_FILE` or `_COMMAND` variable. Two forms of a secret set in the environment are a
 * usage error naming both.
 */
export const secretSourcesOf = (flags: SharedFlags, env: Env): Either.Either<Array<SecretSource>, UsageError> =>
  Either.gen(function* () {
    const out: Array<SecretSource> = []
    for (const s of secretSpecs) {
      const command = commandFlagOf(flags, s.key)
      if (Option.isSome(command)) {
        out.push({ key: s.key, kind: "command", from: s.commandFlag, value: command.value })
        continue
      }
      if (explicitGiven(flags, s).length > 0) continue
      const given = envGiven(env, s)
      if (given.length > 1) {
        const [a, b] = given
        return yield* Either.left(new UsageError({ message: `Both ${a} and ${b} are set: unset one of them` }))
      }
      if (given[0] === s.fileVar) out.push({ key: s.key, kind: "file", from: s.fileVar, value: env[s.fileVar]!.trim() })
      if (given[0] === s.commandVar) {
        out.push({ key: s.key, kind: "command", from: s.commandVar, value: env[s.commandVar]! })
      }
    }
    return out
  })

const kib = (bytes: number) => `${bytes / 1024} KiB`

/**
 * Reads a secret file: its content without trailing whitespace (and without a byte-order mark), at
 * most {@link secretMaxBytes}. A missing, unreadable, empty or larger file is a usage error naming the
 * variable and the path.
 */
export const readSecretFile = (
  variable: string,
  path: string,
  what = "the secret"
): Either.Either<Redacted.Redacted<string>, UsageError> => {
  const named = `${variable} names ${oneLine(path)}`
  const bad = (why: string) => Either.left(new UsageError({ message: `${named}, ${why}` }))
  const buffer = Buffer.alloc(secretMaxBytes + 1)
  let length = 0
  try {
    const fd = openSync(path, "r")
    try {
      // Read to the end or one byte past the cap: a pipe (`<(op read …)`) has no size to ask first.
      for (let n = 1; n > 0 && length < buffer.length; length += n) {
        n = readSync(fd, buffer, length, buffer.length - length, null)
      }
    } finally {
      closeSync(fd)
    }
  } catch (e) {
    buffer.fill(0)
    const code = (e as { code?: string }).code
    if (code === "ENOENT") return bad(`which does not exist: fix the path or unset ${variable}`)
    if (code === "EISDIR") return bad(`which is a directory: name the file that holds ${what}`)
    if (code === "EACCES" || code === "EPERM") {
      return bad(`which cannot be read (${code}): let the user running the audit read it`)
    }
    return bad(`which cannot be read (${code ?? "unreadable"}): fix the path or unset ${variable}`)
  }
  if (length > secretMaxBytes) {
    buffer.fill(0)
    return bad(`which is larger than ${kib(secretMaxBytes)}: it must hold ${what} alone`)
  }
  const value = buffer
    .subarray(0, length)
    .toString("utf8")
    .replace(/^\uFEFF/, "")
    .replace(/\s+$/, "")
  buffer.fill(0)
  if (value === "") return bad(`which is empty: put ${what} in it`)
  return Either.right(Redacted.make(value))
}

/** The environment of a secret command: the app's, without the variables that carry a secret. */
export const childEnv = (env: Env): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !secretEnvVars.includes(k)) out[k] = v
  return out
}

/** How {@link loadSecrets} runs commands. */
export interface LoadSecretsOptions {
  /** The environment the commands get (see {@link childEnv}). */
  readonly env: Readonly<Record<string, string>>
  /** How long each command may run. */
  readonly timeoutMs: number
  /** The commands' stdin: `ignore` when the app reads a secret from its own stdin, else `inherit`. */
  readonly stdin: "inherit" | "ignore"
}

/** The secrets read from files and commands, with their report source and the name messages use. */
export interface LoadedSecrets {
  readonly values: Partial<Record<SecretKey, Redacted.Redacted<string>>>
  readonly sources: Partial<Record<SecretKey, "file" | "command">>
  readonly names: Partial<Record<SecretKey, string>>
}

/**
 * Reads the files and runs the commands, one after the other. A command's failure is a usage error
 * that names the flag or variable and the program, with its stderr (never its stdout).
 */
export const loadSecrets = (
  list: ReadonlyArray<SecretSource>,
  options: LoadSecretsOptions
): Effect.Effect<LoadedSecrets, UsageError> =>
  Effect.gen(function* () {
    const values: Partial<Record<SecretKey, Redacted.Redacted<string>>> = {}
    const sources: Partial<Record<SecretKey, "file" | "command">> = {}
    const names: Partial<Record<SecretKey, string>> = {}
    for (const source of list) {
      const what = secretSpecs.find((s) => s.key === source.key)!.what
      if (source.kind === "file") {
        values[source.key] = yield* readSecretFile(source.from, source.value, what)
      } else {
        const argv = yield* Either.mapLeft(
          parseCommandLine(source.value),
          (why) => new UsageError({ message: `${source.from}: ${why}` })
        )
        values[source.key] = yield* runSecretCommand({
          argv,
          env: options.env,
          timeoutMs: options.timeoutMs,
          maxBytes: secretMaxBytes,
          stdin: options.stdin
        }).pipe(Effect.mapError((why) => new UsageError({ message: `${source.from}: ${why}` })))
      }
      sources[source.key] = source.kind
      names[source.key] = source.from
    }
    return { values, sources, names }
  })

/** The environment after `--env-file`, and the variables the file gave. */
export interface EnvWithFile {
  readonly env: Env
  readonly fromFile: ReadonlySet<string>
}

// An assignment line (`NAME=value`, `export NAME=value`); a value may open a quote closed on a later line.
const assignment = /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*=\s*(.*)$/

/** The number of the first line that is neither blank, a comment, an assignment, nor inside a quoted value. */
const badLine = (text: string): number | undefined => {
  const lines = text.split(/\r?\n/)
  let open: string | undefined
  for (const [i, line] of lines.entries()) {
    if (open !== undefined) {
      if (line.includes(open)) open = undefined
      continue
    }
    if (/^\s*(#.*)?$/.test(line)) continue
    const m = assignment.exec(line)
    if (!m) return i + 1
    const quote = /^["'`]/.exec(m[1] ?? "")?.[0]
    if (quote !== undefined && !(m[1] ?? "").slice(1).includes(quote)) open = quote
  }
  return undefined
}

/**
 * Variables that give one thing in different forms: a secret (the variable, `_FILE`, `_COMMAND`) and
 * the target (platform or base URL). The environment giving one of them overrides the file's others.
 */
const envFileGroups: ReadonlyArray<ReadonlyArray<string>> = [
  ...secretSpecs.map((s) => [s.envVar, s.fileVar, s.commandVar]),
  [envVars.platform, envVars.baseUrl]
]

/**
 * The environment with a dotenv file's variables merged under it (a variable already set wins, and
 * so does another form of the same thing: `ARLO_PASSWORD_FILE` set overrides the file's
 * `ARLO_PASSWORD`; the process's own environment is not touched). The file is parsed by Node (`util.parseEnv`); a file
 * that cannot be read, or a line that is no `NAME=value`, is a usage error naming it (by number: a
 * line may hold a secret).
 */
export const loadEnvFile = (path: string | undefined, env: Env): Either.Either<EnvWithFile, UsageError> => {
  if (path === undefined) return Either.right({ env, fromFile: new Set() })
  const named = `--env-file ${oneLine(path)}`
  let text: string
  try {
    text = readFileSync(path, "utf8")
  } catch (e) {
    const code = (e as { code?: string }).code ?? "unreadable"
    const fix = code === "ENOENT" ? "fix the path" : "give a readable file"
    return Either.left(new UsageError({ message: `${named}: cannot read it (${code}): ${fix}` }))
  }
  if (text.includes("\u0000")) {
    return Either.left(new UsageError({ message: `${named}: not a text file: give a dotenv file of NAME=value lines` }))
  }
  const line = badLine(text.replace(/^\uFEFF/, ""))
  if (line !== undefined) {
    return Either.left(
      new UsageError({ message: `${named}: line ${line} is not NAME=value: fix it or make it a # comment` })
    )
  }
  const parsed = parseEnv(text.replace(/^\uFEFF/, ""))
  const merged: Record<string, string | undefined> = { ...env }
  const fromFile = new Set<string>()
  const setInEnv = (k: string) =>
    (envFileGroups.find((g) => g.includes(k)) ?? [k]).some((name) => env[name] !== undefined)
  for (const [k, v] of Object.entries(parsed)) {
    if (v === undefined || setInEnv(k)) continue
    merged[k] = v
    fromFile.add(k)
  }
  return Either.right({ env: merged, fromFile })
}
