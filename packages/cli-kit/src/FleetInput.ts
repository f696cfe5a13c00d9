/**
 * What both apps' fleet runs share: the flags a fleet file replaces (each target names its own
 * platform, credentials and settings), the network settings of each platform, and the runner for a
 * target's `{command}` references, whose environment holds none of the fleet's secret variables.
 */
import { type FleetTarget, platformKey } from "@arlo-ready/core"
import { type Effect, Either, Option, type Redacted } from "effect"
import type { SharedFlags } from "./Flags.js"
import { runSecretCommand } from "./internal/secretCommand.js"
import { type NetworkSettings, resolveNetwork } from "./Network.js"
import { childEnv, secretCommandTimeoutMs, secretMaxBytes } from "./SecretSources.js"
import { UsageError } from "./UsageError.js"

type Env = Readonly<Record<string, string | undefined>>

/** The shared flags that name one target, its credentials or its settings: a fleet file says those per target. */
export const fleetTargetFlags: ReadonlyArray<readonly [keyof SharedFlags, string]> = [
  ["platform", "--platform"],
  ["baseUrl", "--base-url"],
  ["username", "--username"],
  ["password", "--password"],
  ["passwordStdin", "--password-stdin"],
  ["passwordCommand", "--password-command"],
  ["clientId", "--client-id"],
  ["clientSecret", "--client-secret"],
  ["clientSecretStdin", "--client-secret-stdin"],
  ["clientSecretCommand", "--client-secret-command"],
  ["redirectUri", "--redirect-uri"],
  ["scopes", "--scopes"],
  ["accessToken", "--access-token"],
  ["accessTokenCommand", "--access-token-command"],
  ["auth", "--auth"],
  ["mfaSetting", "--mfa-setting"],
  ["expectAccess", "--expect-access"]
]

/** Whether a parsed flag was given (a switch on, a value, a non-empty list). */
export const flagGiven = (value: unknown): boolean =>
  value === true || (Option.isOption(value) && Option.isSome(value)) || (Array.isArray(value) && value.length > 0)

/** The first of `pairs` given with `--fleet`, as a usage error; undefined when none is. */
export const refusedWithFleet = <F>(
  flags: F,
  pairs: ReadonlyArray<readonly [keyof F, string]>
): UsageError | undefined => {
  for (const [key, flag] of pairs) {
    if (flagGiven(flags[key])) {
      return new UsageError({
        message: `${flag} does not go with --fleet: each target's platform, credentials and settings are in the fleet file`
      })
    }
  }
  return undefined
}

/** The network settings (proxy, CA files) of each platform of the targets, by platform key, as for a single audit. */
export const fleetNetworks = (
  flags: Pick<SharedFlags, "proxy" | "caFile">,
  env: Env,
  targets: ReadonlyArray<FleetTarget>
): Either.Either<Map<string, NetworkSettings>, UsageError> =>
  Either.gen(function* () {
    const out = new Map<string, NetworkSettings>()
    for (const t of targets) {
      const key = platformKey(t)
      if (out.has(key)) continue
      let url: URL
      try {
        url = new URL(key)
      } catch {
        continue
      }
      out.set(key, yield* resolveNetwork(flags, env, url))
    }
    return out
  })

/** The variables a fleet names for a secret. */
export const fleetSecretVariables = (targets: ReadonlyArray<FleetTarget>): Set<string> => {
  const out = new Set<string>()
  for (const t of targets) {
    for (const ref of [t.password, t.clientSecret, t.accessToken]) if (ref && "env" in ref) out.add(ref.env)
  }
  return out
}

/**
 * The runner of the targets' `{command}` references: no shell, stdin closed, and an environment
 * without the ARLO_ secrets and without any variable the fleet names for a secret.
 */
export const fleetCommandRunner = (
  env: Env,
  targets: ReadonlyArray<FleetTarget>
): ((argv: ReadonlyArray<string>) => Effect.Effect<Redacted.Redacted<string>, string>) => {
  const hidden = fleetSecretVariables(targets)
  const commandEnv = Object.fromEntries(Object.entries(childEnv(env)).filter(([k]) => !hidden.has(k)))
  return (argv) =>
    runSecretCommand({
      argv,
      env: commandEnv,
      timeoutMs: secretCommandTimeoutMs,
      maxBytes: secretMaxBytes,
      stdin: "ignore"
    })
}

/** A word as a POSIX shell reads it back: as is when it is plain, else in single quotes (for re-check hints). */
export const shellWord = (word: string): string =>
  /^[\w./:@%+=,-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`
