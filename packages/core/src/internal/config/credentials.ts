/**
 * The credentials of a config: Basic (a username and its password) and an OAuth client (or just an
 * access token to test), each recorded with its source and a masked hint.
 */
import { Either, Redacted } from "effect"
import type { BasicCredentials, OAuthClient } from "../../Config.js"
import { ConfigError, envVars, type Field, type Inputs } from "./input.js"

/** The OAuth scopes audited when none are given. */
export const recommendedScopes = ["openid", "profile", "offline_access", "all_claims"] as const

/** Splits a scope list given as a space- or comma-separated string. */
export const splitScopes = (raw: string | undefined): Array<string> =>
  raw === undefined ? [] : [...new Set(raw.split(/[\s,]+/).filter((s) => s !== ""))]

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

/** The Basic credentials: a username and a password, or neither. */
export const resolveBasic = (inputs: Inputs): Either.Either<BasicCredentials | null, ConfigError> => {
  const username = inputs.plain("username", inputs.opts.username)
  const password = inputs.secret("password", inputs.opts.password)
  if (username && !password) {
    return Either.left(
      new ConfigError({
        field: inputs.ask("password"),
        message: `A username was given without a password: set ${inputs.ask("password")} (or give neither to skip Basic auth).`
      })
    )
  }
  if (password && !username) {
    return Either.left(
      new ConfigError({
        field: inputs.ask("username"),
        message: `A password was given without a username: set ${inputs.ask("username")}.`
      })
    )
  }
  if (!username || !password) return Either.right(null)
  inputs.record("username", username.fromEnv, maskedHint(username.value, "identifier"))
  inputs.record("password", password.fromEnv, maskedHint(password.value))
  return Either.right({ username: username.value, password: password.value })
}

const withoutClientId = (inputs: Inputs, f: Field, fromEnv: boolean) =>
  Either.left(
    new ConfigError({
      field: inputs.fieldName(f, fromEnv),
      message: `${inputs.fieldName(f, fromEnv)} was given without a client id: set ${inputs.ask("clientId")}.`
    })
  )

/**
 * The OAuth client: a client id with what goes with it, or an access token alone (tested by using it:
 * no client is needed for that), or nothing. A field that needs a client id is refused without one.
 */
export const resolveOAuth = (inputs: Inputs): Either.Either<OAuthClient | null, ConfigError> => {
  const { opts } = inputs
  const clientId = inputs.plain("clientId", opts.clientId)
  const clientSecret = inputs.secret("clientSecret", opts.clientSecret)
  const redirectUri = inputs.plain("redirectUri", opts.redirectUri)
  const scopesRaw =
    opts.scopes !== undefined
      ? typeof opts.scopes === "string"
        ? opts.scopes
        : opts.scopes.join(" ")
      : inputs.env[envVars.scopes]
  const scopes = splitScopes(scopesRaw)
  const accessToken = inputs.secret("accessToken", opts.accessToken)
  const refreshToken = inputs.secret("refreshToken", opts.refreshToken)
  if (!clientId && accessToken && !clientSecret && !refreshToken) {
    inputs.record("accessToken", accessToken.fromEnv, maskedHint(accessToken.value))
    if (redirectUri) return withoutClientId(inputs, "redirectUri", redirectUri.fromEnv)
    return Either.right({
      clientId: null,
      clientSecret: null,
      redirectUri: null,
      scopes: [],
      scopesGiven: false,
      accessToken: accessToken.value,
      refreshToken: null,
      allowRefresh: false
    })
  }
  if (!clientId) {
    const stray = (
      [
        ["clientSecret", clientSecret],
        ["redirectUri", redirectUri],
        ["accessToken", accessToken],
        ["refreshToken", refreshToken]
      ] as const
    ).find(([, v]) => v !== undefined)
    return stray ? withoutClientId(inputs, stray[0], stray[1]!.fromEnv) : Either.right(null)
  }
  inputs.record("clientId", clientId.fromEnv, maskedHint(clientId.value, "identifier"))
  if (clientSecret) inputs.record("clientSecret", clientSecret.fromEnv, maskedHint(clientSecret.value))
  if (accessToken) inputs.record("accessToken", accessToken.fromEnv, maskedHint(accessToken.value))
  if (refreshToken) inputs.record("refreshToken", refreshToken.fromEnv, maskedHint(refreshToken.value))
  return Either.right({
    clientId: clientId.value,
    clientSecret: clientSecret?.value ?? null,
    redirectUri: redirectUri?.value ?? null,
    scopes: scopes.length > 0 ? scopes : [...recommendedScopes],
    scopesGiven: scopes.length > 0,
    accessToken: accessToken?.value ?? null,
    refreshToken: refreshToken?.value ?? null,
    allowRefresh: opts.allowRefresh === true
  })
}
