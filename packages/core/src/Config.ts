/**
 * The audit configuration: one place turns environment variables, flags and library options into an
 * {@link AuditConfig}. Secrets become `Redacted` the moment they are read, and each credential's
 * source is recorded for the report's masked hints.
 */
import { Data, Either, Redacted } from "effect"
import { type CheckId, catalogue, checkGroups, defersTo, definition, isCheckId } from "./Catalogue.js"
import { echo, withoutUserinfo } from "./internal/echo.js"
import type { AuthMethod, CredentialSource } from "./Report.js"

/** Where a credential came from. */
export type CredentialSourceName = typeof CredentialSource.Type

/** The platform's MFA setting, which the API cannot reveal. `unknown` when not supplied. */
export type MfaSetting = "optional" | "required" | "unknown"

/** The access the integration needs: `full` (API User + Administrator) or `presenter` (limited). */
export type ExpectAccess = "full" | "presenter"

/** The names of the credentials a config can carry. */
export type CredentialName = "username" | "password" | "clientId" | "clientSecret" | "accessToken" | "refreshToken"

/** Defaults, documented in the README. */
export const defaults = {
  /** Per attempt: connect, headers and body. */
  timeoutMs: 10_000,
  /** The whole audit, retries and `Retry-After` waits included. */
  deadlineMs: 60_000,
  /** Requests in flight at once. */
  concurrency: 4,
  /**
   * Every attempt counts, retries and redirect hops included. A full audit makes 7 (everything passes)
   * to about 25 requests (both methods, a limited identity); 60 leaves room for retries and stays well
   * inside Arlo's 300 requests a minute, which the audited integrations share.
   */
  maxRequests: 60,
  /** Retries per request after the first attempt (5xx, resets and timeouts only). */
  retries: 2,
  /** Response bodies larger than this are not read. */
  maxBodyBytes: 1024 * 1024
} as const

/** The OAuth scopes audited when none are given. */
export const recommendedScopes = ["openid", "profile", "offline_access", "all_claims"] as const

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

/** A bad input, with a one-line message that says what to fix. */
export class ConfigError extends Data.TaggedError("ConfigError")<{
  /** The option or variable at fault (e.g. `ARLO_BASE_URL` / `baseUrl`). */
  readonly field: string
  readonly message: string
}> {}

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

type Field = keyof typeof envVars

const nonEmpty = (s: string | undefined): string | undefined => {
  if (s === undefined) return undefined
  const t = s.trim()
  return t === "" ? undefined : t
}

const secretValue = (s: string | Redacted.Redacted<string> | undefined): Redacted.Redacted<string> | undefined => {
  if (s === undefined) return undefined
  if (Redacted.isRedacted(s)) return Redacted.value(s) === "" ? undefined : s
  return s === "" ? undefined : Redacted.make(s)
}

/**
 * Resolves env and explicit options into an {@link AuditConfig}, or a {@link ConfigError} whose message
 * names what to fix. Explicit options win field by field; a target given explicitly (platform or base
 * URL) replaces any target in the environment.
 */
export const resolveConfig = (input: ResolveConfigInput): Either.Either<AuditConfig, ConfigError> => {
  const env = input.env ?? {}
  const opts = input.options ?? {}
  const optionSource = input.optionSource ?? "option"
  const credentials: Array<CredentialInfo> = []
  const fieldName = (f: Field, fromEnv: boolean) => (fromEnv ? envVars[f] : f)

  const plain = (f: Field, explicit: string | undefined): { value: string; fromEnv: boolean } | undefined => {
    const e = nonEmpty(explicit)
    if (e !== undefined) return { value: e, fromEnv: false }
    const v = nonEmpty(env[envVars[f]])
    return v === undefined ? undefined : { value: v, fromEnv: true }
  }
  const secret = (
    f: Field,
    explicit: string | Redacted.Redacted<string> | undefined
  ): { value: Redacted.Redacted<string>; fromEnv: boolean } | undefined => {
    const e = secretValue(explicit)
    if (e !== undefined) return { value: e, fromEnv: false }
    const raw = env[envVars[f]]
    const v = raw === undefined || raw === "" ? undefined : Redacted.make(raw)
    return v === undefined ? undefined : { value: v, fromEnv: true }
  }
  const record = (name: CredentialName, fromEnv: boolean, hint: string) =>
    credentials.push({
      name,
      source: fromEnv ? "env" : (input.sources?.[name] ?? optionSource),
      hint
    })

  return Either.gen(function* () {
    // Target: explicit beats env as a pair, so a --base-url flag is not in conflict with ARLO_PLATFORM.
    const explicitTarget = nonEmpty(opts.platform) !== undefined || nonEmpty(opts.baseUrl) !== undefined
    const platformIn = explicitTarget ? nonEmpty(opts.platform) : nonEmpty(env[envVars.platform])
    const baseUrlIn = explicitTarget ? nonEmpty(opts.baseUrl) : nonEmpty(env[envVars.baseUrl])
    const pName = explicitTarget ? "platform" : envVars.platform
    const bName = explicitTarget ? "baseUrl" : envVars.baseUrl
    if (platformIn !== undefined && baseUrlIn !== undefined) {
      return yield* Either.left(new ConfigError({ field: pName, message: `Give ${pName} or ${bName}, not both.` }))
    }
    if (platformIn === undefined && baseUrlIn === undefined) {
      return yield* Either.left(
        new ConfigError({
          field: envVars.platform,
          message: `No target: set ${envVars.platform} (e.g. acme for https://acme.arlo.co) or ${envVars.baseUrl}.`
        })
      )
    }
    const target =
      platformIn !== undefined
        ? yield* targetFromPlatform(platformIn, pName)
        : yield* targetFromBaseUrl(baseUrlIn!, bName)

    // Basic credentials.
    const username = plain("username", opts.username)
    const password = secret("password", opts.password)
    if (username && !password) {
      return yield* Either.left(
        new ConfigError({
          field: envVars.password,
          message: `A username was given without a password: set ${envVars.password} (or give neither to skip Basic auth).`
        })
      )
    }
    if (password && !username) {
      return yield* Either.left(
        new ConfigError({
          field: envVars.username,
          message: `A password was given without a username: set ${envVars.username}.`
        })
      )
    }
    let basic: BasicCredentials | null = null
    if (username && password) {
      basic = { username: username.value, password: password.value }
      record("username", username.fromEnv, maskedHint(username.value, "identifier"))
      record("password", password.fromEnv, maskedHint(password.value))
    }

    // OAuth client.
    const clientId = plain("clientId", opts.clientId)
    const clientSecret = secret("clientSecret", opts.clientSecret)
    const redirectUri = plain("redirectUri", opts.redirectUri)
    const scopesExplicit = opts.scopes
    const scopesRaw =
      scopesExplicit !== undefined
        ? typeof scopesExplicit === "string"
          ? scopesExplicit
          : scopesExplicit.join(" ")
        : env[envVars.scopes]
    const scopes = splitScopes(scopesRaw)
    const accessToken = secret("accessToken", opts.accessToken)
    const refreshToken = secret("refreshToken", opts.refreshToken)
    const oauthOnly: Array<[Field, unknown]> = [
      ["clientSecret", clientSecret],
      ["redirectUri", redirectUri],
      ["accessToken", accessToken],
      ["refreshToken", refreshToken]
    ]
    let oauth: OAuthClient | null = null
    if (!clientId && accessToken && !clientSecret && !refreshToken) {
      // A token an integration already holds is tested by using it: no client is needed for that.
      oauth = {
        clientId: null,
        clientSecret: null,
        redirectUri: null,
        scopes: [],
        scopesGiven: false,
        accessToken: accessToken.value,
        refreshToken: null,
        allowRefresh: false
      }
      record("accessToken", accessToken.fromEnv, maskedHint(accessToken.value))
      if (redirectUri)
        return yield* Either.left(
          new ConfigError({
            field: fieldName("redirectUri", redirectUri.fromEnv),
            message: `${fieldName("redirectUri", redirectUri.fromEnv)} was given without a client id: set ${envVars.clientId}.`
          })
        )
    } else if (clientId) {
      oauth = {
        clientId: clientId.value,
        clientSecret: clientSecret?.value ?? null,
        redirectUri: redirectUri?.value ?? null,
        scopes: scopes.length > 0 ? scopes : [...recommendedScopes],
        scopesGiven: scopes.length > 0,
        accessToken: accessToken?.value ?? null,
        refreshToken: refreshToken?.value ?? null,
        allowRefresh: opts.allowRefresh === true
      }
      record("clientId", clientId.fromEnv, maskedHint(clientId.value, "identifier"))
      if (clientSecret) record("clientSecret", clientSecret.fromEnv, maskedHint(clientSecret.value))
      if (accessToken) record("accessToken", accessToken.fromEnv, maskedHint(accessToken.value))
      if (refreshToken) record("refreshToken", refreshToken.fromEnv, maskedHint(refreshToken.value))
    } else {
      const stray = oauthOnly.find(([, v]) => v !== undefined)
      if (stray) {
        const [f, v] = stray
        const fromEnv = (v as { fromEnv: boolean }).fromEnv
        return yield* Either.left(
          new ConfigError({
            field: fieldName(f, fromEnv),
            message: `${fieldName(f, fromEnv)} was given without a client id: set ${envVars.clientId}.`
          })
        )
      }
    }
    if (!basic && !oauth) {
      return yield* Either.left(
        new ConfigError({
          field: envVars.username,
          message: `No credentials: set ${envVars.username} and ${envVars.password} (Basic auth), ${envVars.clientId} (OAuth 2), or both.`
        })
      )
    }

    const mfaIn = plain("mfaSetting", opts.mfaSetting)
    const mfaSetting = mfaIn
      ? yield* oneOf(mfaIn, ["optional", "required", "unknown"] as const, "mfaSetting")
      : "unknown"
    const accessIn = plain("expectAccess", opts.expectAccess)
    const expectAccess = accessIn ? yield* oneOf(accessIn, ["full", "presenter"] as const, "expectAccess") : "full"

    const timeoutMs = yield* positiveInt("timeoutMs", opts.timeoutMs, defaults.timeoutMs, 100, 600_000)
    const deadlineMs = yield* positiveInt("deadlineMs", opts.deadlineMs, defaults.deadlineMs, 100, 3_600_000)
    const concurrency = yield* positiveInt("concurrency", opts.concurrency, defaults.concurrency, 1, 64)
    const maxRequests = yield* positiveInt("maxRequests", opts.maxRequests, defaults.maxRequests, 1, 10_000)
    const retries = yield* positiveInt("retries", opts.retries, defaults.retries, 0, 10)

    const only = opts.only === undefined ? null : yield* checkList("only", opts.only)
    const skip = opts.skip === undefined ? [] : yield* checkList("skip", opts.skip)
    const assume = opts.assume === undefined ? [] : yield* checkList("assume", opts.assume)
    yield* checkSelection(only, skip, assume)

    return {
      baseUrl: target.baseUrl,
      platform: target.platform,
      basic,
      oauth,
      mfaSetting,
      expectAccess,
      timeoutMs,
      deadlineMs,
      concurrency,
      maxRequests,
      retries,
      maxBodyBytes: defaults.maxBodyBytes,
      only,
      skip,
      assume,
      credentials
    } satisfies AuditConfig
  })

  function oneOf<const L extends ReadonlyArray<string>>(
    v: { value: string; fromEnv: boolean },
    allowed: L,
    f: "mfaSetting" | "expectAccess"
  ): Either.Either<L[number], ConfigError> {
    const lower = v.value.toLowerCase()
    if ((allowed as ReadonlyArray<string>).includes(lower)) return Either.right(lower as L[number])
    const name = fieldName(f, v.fromEnv)
    return Either.left(
      new ConfigError({ field: name, message: `${name} must be one of ${allowed.join(", ")} (got ${echo(v.value)}).` })
    )
  }
}

const positiveInt = (
  name: string,
  v: number | undefined,
  dflt: number,
  min: number,
  max: number
): Either.Either<number, ConfigError> => {
  if (v === undefined) return Either.right(dflt)
  if (!Number.isInteger(v) || v < min || v > max) {
    return Either.left(
      new ConfigError({ field: name, message: `${name} must be a whole number from ${min} to ${max} (got ${v}).` })
    )
  }
  return Either.right(v)
}

/** Expands group names (`oauth`) and validates check ids. */
const checkList = (name: string, list: ReadonlyArray<string>): Either.Either<Array<CheckId>, ConfigError> => {
  const out = new Set<CheckId>()
  for (const raw of list.flatMap((s) => s.split(",")).map((s) => s.trim())) {
    if (raw === "") continue
    const group = raw.endsWith(".*") ? raw.slice(0, -2) : raw
    if ((checkGroups as ReadonlyArray<string>).includes(group)) {
      for (const d of catalogue) if (d.group === group) out.add(d.id)
    } else if (isCheckId(raw)) {
      out.add(raw)
    } else {
      return Either.left(
        new ConfigError({
          field: name,
          message: `Unknown check ${echo(raw)} in ${name}: use a check id such as basic.mfa or a group (${checkGroups.join(", ")}).`
        })
      )
    }
  }
  return Either.right(catalogue.map((d) => d.id).filter((id) => out.has(id)))
}

/** Splits a scope list given as a space- or comma-separated string. */
export const splitScopes = (raw: string | undefined): Array<string> =>
  raw === undefined ? [] : [...new Set(raw.split(/[\s,]+/).filter((s) => s !== ""))]

// ---------------------------------------------------------------------------------------------------
// The target rule

/** The Auth API root, relative to a base URL. */
export const resourcesPath = "/api/2012-02-01/auth/resources/"

const dnsLabel = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/

/** Whether a host name is loopback: `localhost`, 127.0.0.0/8 or ::1. */
export const isLoopbackHost = (hostname: string): boolean => {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, "")
  if (h === "localhost" || h.endsWith(".localhost")) return true
  if (h === "::1" || h === "0:0:0:0:0:0:0:1") return true
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h)
  return m?.slice(1).every((o) => Number(o) <= 255) ?? false
}

export interface Target {
  readonly baseUrl: string
  readonly platform: string | null
}

/** `acme` → `https://acme.arlo.co`. The name must be a DNS label. */
export const targetFromPlatform = (raw: string, field = "platform"): Either.Either<Target, ConfigError> => {
  const name = raw.trim().toLowerCase()
  if (!dnsLabel.test(name)) {
    const hint = /^[a-z0-9-]+\.arlo\.co$/.test(name)
      ? ` use '${name.slice(0, name.indexOf("."))}'`
      : " use letters, digits and hyphens only (e.g. acme for https://acme.arlo.co)"
    return Either.left(
      new ConfigError({
        field,
        message: `${field} ${echo(raw)} is not a platform name:${hint}, or give a full URL as the base URL.`
      })
    )
  }
  return Either.right({ baseUrl: `https://${name}.arlo.co`, platform: name })
}

/**
 * A base URL: absolute; https, or http only for a loopback host (credentials never travel in clear text);
 * no credentials, query or fragment; a trailing slash or an Auth API path suffix is dropped.
 */
export const targetFromBaseUrl = (raw: string, field = "baseUrl"): Either.Either<Target, ConfigError> => {
  const fail = (why: string) => Either.left(new ConfigError({ field, message: `${field} ${why}` }))
  let url: URL
  try {
    url = new URL(raw.trim())
  } catch {
    return fail(`${echo(withoutUserinfo(raw.trim()))} is not an absolute URL: give one such as https://acme.arlo.co.`)
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return fail(`must be an https URL (got ${url.protocol.replace(/:$/, "")}).`)
  }
  if (url.username !== "" || url.password !== "") {
    return fail("must not carry credentials: remove the user:password@ part and set the credentials separately.")
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    return fail(
      `uses plain http for ${url.hostname}: credentials never travel in clear text, use https://${url.host}${url.pathname === "/" ? "" : url.pathname} (http is allowed only on loopback).`
    )
  }
  if (url.search !== "" || url.hash !== "") {
    return fail("must not have a query or fragment.")
  }
  let path = url.pathname.replace(/\/+$/, "")
  for (const suffix of ["/api/2012-02-01/auth/resources", "/api/2012-02-01/auth", "/api/2012-02-01"]) {
    if (path.toLowerCase().endsWith(suffix)) {
      path = path.slice(0, -suffix.length)
      break
    }
  }
  const baseUrl = `${url.protocol}//${url.host}${path}`
  const host = url.hostname.toLowerCase()
  let platform: string | null = null
  const sub = /^([a-z0-9-]+)\.arlo\.co$/.exec(host)
  if (sub && sub[1] !== "api" && sub[1] !== "www") platform = sub[1]!
  else if (host === "api.arlo.co" || host === "api.test.arlo.co") {
    const seg = path.split("/").filter((s) => s !== "")[0]
    if (seg && dnsLabel.test(seg.toLowerCase())) platform = seg.toLowerCase()
  }
  return Either.right({ baseUrl, platform })
}

/** Validates a target URL again (the `target.url` check): the same rule as {@link targetFromBaseUrl}. */
export const validateBaseUrl = (baseUrl: string): Either.Either<Target, ConfigError> =>
  targetFromBaseUrl(baseUrl, "baseUrl")

// ---------------------------------------------------------------------------------------------------
// Masked hints

/**
 * A masked hint for a credential. An identifier (username, client id) keeps its first characters
 * (`ap…@acme.test`, `arlo…`); a secret shows only its length (`•••• (12 chars)`).
 */
export const maskedHint = (
  value: string | Redacted.Redacted<string>,
  kind: "identifier" | "secret" = "secret"
): string => {
  if (kind === "secret" || Redacted.isRedacted(value)) {
    const n = Redacted.isRedacted(value) ? Redacted.value(value).length : value.length
    return `•••• (${n} char${n === 1 ? "" : "s"})`
  }
  const at = value.lastIndexOf("@")
  if (at > 0) {
    const local = value.slice(0, at)
    return `${local.slice(0, Math.min(2, Math.max(1, local.length - 1)))}…${value.slice(at)}`
  }
  const keep = value.length <= 4 ? 1 : Math.min(4, Math.floor(value.length / 3))
  return `${value.slice(0, keep)}…`
}

/** The config the Promise API and the apps build from plain options (no environment). */
export const fromOptions = (
  options: ConfigInput,
  sources?: Partial<Record<CredentialName, CredentialSourceName>>
): Either.Either<AuditConfig, ConfigError> => resolveConfig({ options, optionSource: "option", sources })

/**
 * The selection rule. `only` selects checks; their prerequisites run too and are reported (marked as
 * prerequisites). `skip` removes checks; a skipped check that a reported check needs leaves that check
 * not run, so the verdict is incomplete. `assume` removes checks too but takes them to hold, so their
 * dependents run. An empty selection, or a check both selected and skipped (or assumed), is refused.
 */
const checkSelection = (
  only: ReadonlyArray<CheckId> | null,
  skip: ReadonlyArray<CheckId>,
  assume: ReadonlyArray<CheckId>
): Either.Either<void, ConfigError> => {
  if (only !== null && only.length === 0)
    return Either.left(
      new ConfigError({ field: "only", message: "only selects no check: give at least one check id." })
    )
  const both = only?.filter((id) => skip.includes(id)) ?? []
  if (both.length > 0)
    return Either.left(
      new ConfigError({
        field: "only",
        message: `${both.join(", ")} ${both.length === 1 ? "is" : "are"} both selected (only) and skipped (skip): give each check in one of them.`
      })
    )
  const assumedSelected = only?.filter((id) => assume.includes(id)) ?? []
  if (assumedSelected.length > 0)
    return Either.left(
      new ConfigError({
        field: "assume",
        message: `${assumedSelected.join(", ")} ${assumedSelected.length === 1 ? "is" : "are"} both selected (only) and assumed (assume): an assumed check does not run.`
      })
    )
  if (reportedChecks({ only, skip, assume }).length === 0)
    return Either.left(
      new ConfigError({ field: "skip", message: "The selection leaves no check to run: skip fewer checks." })
    )
  return Either.right(undefined)
}

/** What a check needs (`needs`, `needsAny`) and the checks its result may name as blockers ({@link defersTo}). */
const neighbours = (id: CheckId): ReadonlyArray<CheckId> => {
  const d = definition(id)
  return [...d.needs, ...d.needsAny, ...(defersTo[id] ?? [])]
}

/**
 * Every check id the config will report, in catalogue order: the selection (all checks without
 * `only`) and, with `only`, the prerequisites that run for it; never a skipped check. An assumed check
 * is reported (as assumed) where a reported check needs it, or when nothing was selected.
 */
export const reportedChecks = (config: Pick<AuditConfig, "only" | "skip" | "assume">): Array<CheckId> => {
  const assume = config.assume ?? []
  const selected = catalogue
    .map((d) => d.id)
    .filter((id) => (config.only ? config.only.includes(id) : true) && !config.skip.includes(id))
  const reported = new Set<CheckId>(selected.filter((id) => !assume.includes(id)))
  if (config.only) {
    // What the selection needs, through assumed checks (reported) but not past them, nor past skipped
    // ones (a skipped check leaves its dependents unrun).
    const visit = (id: CheckId) => {
      for (const p of neighbours(id)) {
        if (reported.has(p) || config.skip.includes(p)) continue
        reported.add(p)
        if (!assume.includes(p)) visit(p)
      }
    }
    for (const id of selected) visit(id)
  } else {
    for (const id of assume) reported.add(id)
  }
  return catalogue.map((d) => d.id).filter((id) => reported.has(id))
}
