/**
 * A command line read against the flag table: `--help` and `--version` answered on stdout, a mistake a
 * `UsageError` of one line, otherwise the parsed values for the program.
 */
import { Effect, Option, Redacted } from "effect"
import { type ArgValues, type FlagSpec, parseArgs } from "./Args.js"
import type { SharedFlags } from "./Flags.js"
import { oneLine } from "./internal/text.js"
import { UsageError } from "./UsageError.js"

/** What a command needs to read its command line. */
export interface CommandLine {
  readonly flags: ReadonlyArray<FlagSpec>
  readonly version: string
  /** The help text (loaded on demand: it may read the catalogue). */
  readonly help: () => Promise<string>
}

const write = (text: string) =>
  Effect.sync(() => {
    process.stdout.write(text)
  })

/**
 * Reads the full argv (node, script, args…). None once the help or the version has been printed.
 */
export const commandLine = (
  argv: ReadonlyArray<string>,
  line: CommandLine
): Effect.Effect<Option.Option<ArgValues>, UsageError> =>
  Effect.gen(function* () {
    const parsed = parseArgs(argv.slice(2), line.flags)
    switch (parsed._tag) {
      case "error":
        return yield* new UsageError({ message: parsed.message })
      case "version":
        yield* write(`${line.version}\n`)
        return Option.none()
      case "help":
        yield* write(yield* Effect.promise(line.help))
        return Option.none()
      case "run":
        return Option.some(parsed.values)
    }
  })

/** A value flag's value, or none. */
export const textValue = (values: ArgValues, key: string): Option.Option<string> => {
  const v = values[key]
  return typeof v === "string" ? Option.some(v) : Option.none()
}

/** A secret flag's value, redacted from the moment it is read. */
export const secretValue = (values: ArgValues, key: string): Option.Option<Redacted.Redacted> =>
  Option.map(textValue(values, key), (v) => Redacted.make(v))

/** A repeatable flag's values. */
export const listValue = (values: ArgValues, key: string): ReadonlyArray<string> => {
  const v = values[key]
  return Array.isArray(v) ? v : []
}

/** The shared flags from the parsed values. */
export const sharedFrom = (values: ArgValues): SharedFlags => ({
  platform: textValue(values, "platform"),
  baseUrl: textValue(values, "baseUrl"),
  username: textValue(values, "username"),
  password: secretValue(values, "password"),
  passwordStdin: values.passwordStdin === true,
  passwordCommand: textValue(values, "passwordCommand"),
  clientId: textValue(values, "clientId"),
  clientSecret: secretValue(values, "clientSecret"),
  clientSecretStdin: values.clientSecretStdin === true,
  clientSecretCommand: textValue(values, "clientSecretCommand"),
  redirectUri: textValue(values, "redirectUri"),
  scopes: textValue(values, "scopes"),
  accessToken: secretValue(values, "accessToken"),
  accessTokenCommand: textValue(values, "accessTokenCommand"),
  auth: textValue(values, "auth"),
  mfaSetting: textValue(values, "mfaSetting"),
  expectAccess: textValue(values, "expectAccess"),
  timeout: textValue(values, "timeout"),
  deadline: textValue(values, "deadline"),
  concurrency: textValue(values, "concurrency"),
  maxRequests: textValue(values, "maxRequests"),
  proxy: textValue(values, "proxy"),
  caFile: textValue(values, "caFile"),
  envFile: textValue(values, "envFile"),
  only: listValue(values, "only"),
  skip: listValue(values, "skip"),
  assume: listValue(values, "assume")
})

/**
 * The command a re-check hint names: the one the user ran. Inside the repository the root scripts set
 * ARLO_READY_INVOKED_AS (`pnpm report`); an installed bin is on PATH under its own name.
 */
export const invokedAs = (bin: string, env: Readonly<Record<string, string | undefined>> = process.env): string => {
  const given = oneLine(env.ARLO_READY_INVOKED_AS ?? "")
  return given !== "" && given.length <= 80 ? given : bin
}
