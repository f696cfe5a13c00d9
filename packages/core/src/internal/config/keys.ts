/**
 * The names an options object may carry: a key the library does not know is refused with the nearest
 * known name (`unknown option `usernme`: did you mean `username`?`), so that a slip is not silently
 * ignored. A key is checked by name whatever its value, `undefined` included.
 */
import { Either } from "effect"
import type { ConfigInput, CredentialName, ResolveConfigInput } from "../../Config.js"
import { nearest } from "../../suggest.js"
import { echo } from "../echo.js"
import { ConfigError } from "./input.js"

/** The names of a record type, listed once (the compiler checks the list is complete). */
export const keySet = <K extends string>(names: Record<K, true>): ReadonlySet<string> => new Set(Object.keys(names))

/** The keys of {@link ConfigInput}. */
export const configInputKeys = keySet<keyof ConfigInput>({
  platform: true,
  baseUrl: true,
  username: true,
  password: true,
  clientId: true,
  clientSecret: true,
  redirectUri: true,
  scopes: true,
  accessToken: true,
  refreshToken: true,
  allowRefresh: true,
  mfaSetting: true,
  expectAccess: true,
  timeoutMs: true,
  deadlineMs: true,
  concurrency: true,
  maxRequests: true,
  retries: true,
  only: true,
  skip: true,
  assume: true
})

/** The keys of {@link ResolveConfigInput}. */
export const resolveConfigKeys = keySet<keyof ResolveConfigInput>({
  env: true,
  options: true,
  optionSource: true,
  sources: true
})

/** The credential names, the keys of a per-credential sources object. */
export const credentialKeys = keySet<CredentialName>({
  username: true,
  password: true,
  clientId: true,
  clientSecret: true,
  accessToken: true,
  refreshToken: true
})

const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === "object" && v !== null && !Array.isArray(v)

const kind = (v: unknown): string =>
  v === null || v === undefined ? String(v) : Array.isArray(v) ? "an array" : `a ${typeof v}`

/** A name as the user gave it, in backticks, escaped and shortened so that the message stays one line. */
const quoted = (name: string): string => `\`${echo(name).slice(1, -1)}\``

/** Checks that `value` is an object (or absent, when `optional`); `name` names it in the message. */
export const checkObject = (value: unknown, name: string, optional = true): Either.Either<void, ConfigError> =>
  (value === undefined && optional) || isRecord(value)
    ? Either.right(undefined)
    : Either.left(new ConfigError({ field: name, message: `${name} must be an object (got ${kind(value)}).` }))

/**
 * Checks an options object: an object (or absent, when `optional`) whose keys are all `known`. `path`
 * names a nested object (`credentialSources`) and prefixes its keys in the message; empty at the top.
 */
export const checkKeys = (
  value: unknown,
  known: ReadonlySet<string>,
  path: string,
  optional = true
): Either.Either<void, ConfigError> => {
  const isObject = checkObject(value, path === "" ? "options" : path, optional)
  if (Either.isLeft(isObject) || !isRecord(value)) return isObject
  const prefix = path === "" ? "" : `${path}.`
  for (const key in value) {
    if (!Object.hasOwn(value, key) || known.has(key)) continue
    const near = nearest(key, known)
    return Either.left(
      new ConfigError({
        field: `${prefix}${key}`,
        message: `unknown option ${quoted(`${prefix}${key}`)}${near === undefined ? "" : `: did you mean ${quoted(`${prefix}${near}`)}?`}`
      })
    )
  }
  return Either.right(undefined)
}
