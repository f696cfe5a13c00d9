/**
 * The audit configuration: one place turns environment variables, flags and library options into an
 * {@link AuditConfig}. Secrets become `Redacted` the moment they are read, and each credential's
 * source is recorded for the report's masked hints. The rules live in `internal/config/`: the inputs
 * (`input.ts`), the target (`target.ts`), the credentials (`credentials.ts`), the settings and limits
 * (`numbers.ts`) and the selection (`selection.ts`).
 */
import { Either, type Redacted } from "effect"
import type { CheckId } from "./Catalogue.js"
import {
  maskedHint,
  recommendedScopes,
  resolveBasic,
  resolveOAuth,
  splitScopes
} from "./internal/config/credentials.js"
import { ConfigError, envVars, inputsOf } from "./internal/config/input.js"
import { checkKeys, checkObject, configInputKeys, credentialKeys, resolveConfigKeys } from "./internal/config/keys.js"
import { defaults, resolveLimits, resolveSettings } from "./internal/config/numbers.js"
import { resolveSelection } from "./internal/config/selection.js"
import {
  isLoopbackHost,
  resolveTarget,
  resourcesPath,
  type Target,
  targetFromBaseUrl,
  targetFromPlatform,
  validateBaseUrl
} from "./internal/config/target.js"
import { reportedChecks } from "./internal/engine/plan.js"
import type { SignInRecord } from "./internal/signin/types.js"
import type { AuthMethod, CredentialSource } from "./Report.js"

export {
  ConfigError,
  defaults,
  envVars,
  isLoopbackHost,
  maskedHint,
  recommendedScopes,
  reportedChecks,
  resourcesPath,
  splitScopes,
  type Target,
  targetFromBaseUrl,
  targetFromPlatform,
  validateBaseUrl
}

/** Where a credential came from. */
export type CredentialSourceName = typeof CredentialSource.Type

/** The platform's MFA setting, which the API cannot reveal. `unknown` when not supplied. */
export type MfaSetting = "optional" | "required" | "unknown"

/** The access the integration needs: `full` (API User + Administrator) or `presenter` (limited). */
export type ExpectAccess = "full" | "presenter"

/** The names of the credentials a config can carry. */
export type CredentialName = "username" | "password" | "clientId" | "clientSecret" | "accessToken" | "refreshToken"

/** What an audit needs, validated. Build it with {@link resolveConfig} or {@link fromOptions}. */
export interface AuditConfig {
  /** Normalised: absolute, no trailing slash, no Auth API path suffix. */
  readonly baseUrl: string
  /** The platform name when the target was given as one or is `{name}.arlo.co` / `api.arlo.co/{name}`. */
  readonly platform: string | null
  readonly basic: BasicCredentials | null
  readonly oauth: OAuthClient | null
  readonly mfaSetting: MfaSetting
  readonly expectAccess: ExpectAccess
  readonly timeoutMs: number
  readonly deadlineMs: number
  readonly concurrency: number
  readonly maxRequests: number
  readonly retries: number
  readonly maxBodyBytes: number
  /** When set, only these checks are reported (their prerequisites still run, unreported). */
  readonly only: ReadonlyArray<CheckId> | null
  /** These checks do not run; dependents that need them are skipped (and the verdict is incomplete). */
  readonly skip: ReadonlyArray<CheckId>
  /** These checks do not run and are taken to hold: dependents run as if they had passed. */
  readonly assume: ReadonlyArray<CheckId>
  /** Each credential's source and masked hint, for the report. */
  readonly credentials: ReadonlyArray<CredentialInfo>
}

export interface BasicCredentials {
  readonly username: string
  readonly password: Redacted.Redacted<string>
}

export interface OAuthClient {
  /** Null when only an access token was given: the token is tested, the client checks do not apply. */
  readonly clientId: string | null
  readonly clientSecret: Redacted.Redacted<string> | null
  readonly redirectUri: string | null
  /** The scopes given, or {@link recommendedScopes} when `scopesGiven` is false. */
  readonly scopes: ReadonlyArray<string>
  readonly scopesGiven: boolean
  readonly accessToken: Redacted.Redacted<string> | null
  readonly refreshToken: Redacted.Redacted<string> | null
  /** Redeem the refresh token to get an access token. Redeeming can rotate it: opt-in only. */
  readonly allowRefresh: boolean
  /** A person's sign-in before the audit (see `SignIn`): its checks read what it proved. */
  readonly signIn?: SignInRecord | undefined
}

export interface CredentialInfo {
  readonly name: CredentialName
  readonly source: CredentialSourceName
  readonly hint: string
}

/** The authentication methods a config exercises. */
export const authMethods = (config: AuditConfig): Array<AuthMethod> => [
  ...(config.basic ? (["basic"] as const) : []),
  ...(config.oauth ? (["oauth"] as const) : [])
]

/** Plain options, as the library and the apps' flags give them. Secrets may already be `Redacted`. */
export interface ConfigInput {
  readonly platform?: string | undefined
  readonly baseUrl?: string | undefined
  readonly username?: string | undefined
  readonly password?: string | Redacted.Redacted<string> | undefined
  readonly clientId?: string | undefined
  readonly clientSecret?: string | Redacted.Redacted<string> | undefined
  readonly redirectUri?: string | undefined
  /** Space- or comma-separated, or a list. */
  readonly scopes?: string | ReadonlyArray<string> | undefined
  readonly accessToken?: string | Redacted.Redacted<string> | undefined
  readonly refreshToken?: string | Redacted.Redacted<string> | undefined
  readonly allowRefresh?: boolean | undefined
  readonly mfaSetting?: string | undefined
  readonly expectAccess?: string | undefined
  readonly timeoutMs?: number | undefined
  readonly deadlineMs?: number | undefined
  readonly concurrency?: number | undefined
  readonly maxRequests?: number | undefined
  readonly retries?: number | undefined
  /** Check ids or group names (`oauth`). */
  readonly only?: ReadonlyArray<string> | undefined
  readonly skip?: ReadonlyArray<string> | undefined
  /** Checks not run but taken to hold, so that the checks that need them run (`--assume`). */
  readonly assume?: ReadonlyArray<string> | undefined
}

export interface ResolveConfigInput {
  /** Environment variables (e.g. `process.env`); only the `ARLO_*` names of {@link envVars} are read. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined
  /** Explicit values (flags, library options); each wins over its environment variable. */
  readonly options?: ConfigInput | undefined
  /** The source of explicit values: `flag` for the apps, `option` (default) for the library. */
  readonly optionSource?: CredentialSourceName | undefined
  /** Per-credential sources for explicit values that came from elsewhere (e.g. `{ password: "stdin" }`). */
  readonly sources?: Partial<Record<CredentialName, CredentialSourceName>> | undefined
}

/**
 * Resolves env and explicit options into an {@link AuditConfig}, or a {@link ConfigError} whose message
 * names what to fix. Explicit options win field by field; a target given explicitly (platform or base
 * URL) replaces any target in the environment. A key it does not know, at the top or in `options` or
 * `sources`, is refused with the nearest known one. Without `env`, messages name options; with it, the
 * environment variables to set.
 */
export const resolveConfig = (input: ResolveConfigInput): Either.Either<AuditConfig, ConfigError> =>
  Either.gen(function* () {
    yield* checkKeys(input, resolveConfigKeys, "", false)
    yield* checkObject(input.env, "env")
    yield* checkKeys(input.options, configInputKeys, "options")
    yield* checkKeys(input.sources, credentialKeys, "sources")
    return yield* resolve(input)
  })

/** The config the Promise API and the apps build from plain options (no environment). */
export const fromOptions = (
  options: ConfigInput,
  sources?: Partial<Record<CredentialName, CredentialSourceName>>
): Either.Either<AuditConfig, ConfigError> =>
  Either.gen(function* () {
    yield* checkKeys(options, configInputKeys, "", false)
    yield* checkKeys(sources, credentialKeys, "sources")
    return yield* resolve({ options, optionSource: "option", sources })
  })

/** {@link resolveConfig} once its keys are checked. */
const resolve = (input: ResolveConfigInput): Either.Either<AuditConfig, ConfigError> => {
  const inputs = inputsOf(input)
  return Either.gen(function* () {
    const target = yield* resolveTarget(inputs)
    const basic = yield* resolveBasic(inputs)
    const oauth = yield* resolveOAuth(inputs)
    if (!basic && !oauth) {
      const { ask } = inputs
      return yield* Either.left(
        new ConfigError({
          field: ask("username"),
          message: `No credentials: set ${ask("username")} and ${ask("password")} (Basic auth), ${ask("clientId")} (OAuth 2), or both.`
        })
      )
    }
    const { mfaSetting, expectAccess } = yield* resolveSettings(inputs)
    const limits = yield* resolveLimits(inputs)
    const { only, skip, assume } = yield* resolveSelection(inputs)
    return {
      baseUrl: target.baseUrl,
      platform: target.platform,
      basic,
      oauth,
      mfaSetting,
      expectAccess,
      ...limits,
      maxBodyBytes: defaults.maxBodyBytes,
      only,
      skip,
      assume,
      credentials: [...inputs.credentials]
    } satisfies AuditConfig
  })
}
