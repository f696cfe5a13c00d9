/** The settings and limits of a config: the MFA setting, the access expected, and the numbers with their defaults and bounds. */
import { Either } from "effect"
import type { ExpectAccess, MfaSetting } from "../../Config.js"
import { echo } from "../echo.js"
import { ConfigError, type Inputs, type Read } from "./input.js"

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

const oneOf = <const L extends ReadonlyArray<string>>(
  inputs: Inputs,
  v: Read<string>,
  allowed: L,
  f: "mfaSetting" | "expectAccess"
): Either.Either<L[number], ConfigError> => {
  const lower = v.value.toLowerCase()
  if ((allowed as ReadonlyArray<string>).includes(lower)) return Either.right(lower as L[number])
  const name = inputs.fieldName(f, v.fromEnv)
  return Either.left(
    new ConfigError({ field: name, message: `${name} must be one of ${allowed.join(", ")} (got ${echo(v.value)}).` })
  )
}

/** The MFA setting (`unknown` unless given) and the access the integration needs (`full` unless given). */
export const resolveSettings = (
  inputs: Inputs
): Either.Either<{ readonly mfaSetting: MfaSetting; readonly expectAccess: ExpectAccess }, ConfigError> =>
  Either.gen(function* () {
    const mfaIn = inputs.plain("mfaSetting", inputs.opts.mfaSetting)
    const mfaSetting = mfaIn
      ? yield* oneOf(inputs, mfaIn, ["optional", "required", "unknown"] as const, "mfaSetting")
      : "unknown"
    const accessIn = inputs.plain("expectAccess", inputs.opts.expectAccess)
    const expectAccess = accessIn
      ? yield* oneOf(inputs, accessIn, ["full", "presenter"] as const, "expectAccess")
      : "full"
    return { mfaSetting, expectAccess }
  })

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

/** The limits of an audit, each a whole number within its bounds, or its default. */
export const resolveLimits = ({ opts }: Inputs) =>
  Either.gen(function* () {
    return {
      timeoutMs: yield* positiveInt("timeoutMs", opts.timeoutMs, defaults.timeoutMs, 100, 600_000),
      deadlineMs: yield* positiveInt("deadlineMs", opts.deadlineMs, defaults.deadlineMs, 100, 3_600_000),
      concurrency: yield* positiveInt("concurrency", opts.concurrency, defaults.concurrency, 1, 64),
      maxRequests: yield* positiveInt("maxRequests", opts.maxRequests, defaults.maxRequests, 1, 10_000),
      retries: yield* positiveInt("retries", opts.retries, defaults.retries, 0, 10)
    }
  })
