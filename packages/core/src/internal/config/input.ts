/**
 * The inputs of a config: the error that names what to fix, the environment variables, and one
 * resolution's reading of each field (explicit value first, then its environment variable), with the
 * credentials it records on the way.
 */
import { Data, Redacted } from "effect"
import type {
  ConfigInput,
  CredentialInfo,
  CredentialName,
  CredentialSourceName,
  ResolveConfigInput
} from "../../Config.js"

/** A bad input, with a one-line message that says what to fix. */
export class ConfigError extends Data.TaggedError("ConfigError")<{
  /** The option or variable at fault (e.g. `ARLO_BASE_URL` / `baseUrl`). */
  readonly field: string
  readonly message: string
}> {}

/** The environment variables {@link resolveConfig} reads. */
export const envVars = {
  platform: "ARLO_PLATFORM",
  baseUrl: "ARLO_BASE_URL",
  username: "ARLO_USERNAME",
  password: "ARLO_PASSWORD",
  clientId: "ARLO_CLIENT_ID",
  clientSecret: "ARLO_CLIENT_SECRET",
  redirectUri: "ARLO_REDIRECT_URI",
  scopes: "ARLO_SCOPES",
  accessToken: "ARLO_ACCESS_TOKEN",
  refreshToken: "ARLO_REFRESH_TOKEN",
  mfaSetting: "ARLO_MFA_SETTING",
  expectAccess: "ARLO_EXPECT_ACCESS"
} as const

export type Field = keyof typeof envVars

/** A value read, and whether it came from the environment (error messages name the variable then). */
export interface Read<A> {
  readonly value: A
  readonly fromEnv: boolean
}

/** Trimmed; undefined when empty. */
export const nonEmpty = (s: string | undefined): string | undefined => {
  if (s === undefined) return undefined
  const t = s.trim()
  return t === "" ? undefined : t
}

const secretValue = (s: string | Redacted.Redacted<string> | undefined): Redacted.Redacted<string> | undefined => {
  if (s === undefined) return undefined
  if (Redacted.isRedacted(s)) return Redacted.value(s) === "" ? undefined : s
  return s === "" ? undefined : Redacted.make(s)
}

/** One resolution's reading of its inputs. */
export interface Inputs {
  readonly env: Readonly<Record<string, string | undefined>>
  readonly opts: ConfigInput
  /** A plain field: the explicit value, else its environment variable; trimmed, undefined when empty. */
  readonly plain: (f: Field, explicit: string | undefined) => Read<string> | undefined
  /** A secret field, `Redacted` from the moment it is read; never trimmed. */
  readonly secret: (
    f: Field,
    explicit: string | Redacted.Redacted<string> | undefined
  ) => Read<Redacted.Redacted<string>> | undefined
  /** The name of a field as the user gave it: the variable when it came from the environment. */
  readonly fieldName: (f: Field, fromEnv: boolean) => string
  /**
   * The name of a field a message asks the user to give: its environment variable when the config is
   * read from an environment (the apps), the option when it is built from options alone (the library).
   */
  readonly ask: (f: Field) => string
  /** Records a credential's source and masked hint, for the report. */
  readonly record: (name: CredentialName, fromEnv: boolean, hint: string) => void
  /** The credentials recorded so far, in the order they were. */
  readonly credentials: ReadonlyArray<CredentialInfo>
}

export const inputsOf = (input: ResolveConfigInput): Inputs => {
  const env = input.env ?? {}
  const optionSource: CredentialSourceName = input.optionSource ?? "option"
  const credentials: Array<CredentialInfo> = []
  return {
    env,
    opts: input.options ?? {},
    plain: (f, explicit) => {
      const e = nonEmpty(explicit)
      if (e !== undefined) return { value: e, fromEnv: false }
      const v = nonEmpty(env[envVars[f]])
      return v === undefined ? undefined : { value: v, fromEnv: true }
    },
    secret: (f, explicit) => {
      const e = secretValue(explicit)
      if (e !== undefined) return { value: e, fromEnv: false }
      const raw = env[envVars[f]]
      const v = raw === undefined || raw === "" ? undefined : Redacted.make(raw)
      return v === undefined ? undefined : { value: v, fromEnv: true }
    },
    fieldName: (f, fromEnv) => (fromEnv ? envVars[f] : f),
    ask: (f) => (input.env === undefined ? f : envVars[f]),
    record: (name, fromEnv, hint) =>
      credentials.push({ name, source: fromEnv ? "env" : (input.sources?.[name] ?? optionSource), hint }),
    credentials
  }
}
