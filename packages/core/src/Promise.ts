/**
 * The Promise API, for users who do not use Effect: `runAudit`, `auditEvents`, and for fleets
 * `loadFleet` and `auditFleet`. Requests go through
 * the platform's `fetch` (`FetchHttpClient`): no native dependency, and the same code runs on Node,
 * Deno and Bun. Nothing here exits the process or writes to the console.
 */
import { FetchHttpClient } from "@effect/platform"
import { Effect, Either, Redacted, Stream } from "effect"
import { audit, auditStream, runChecks } from "./Audit.js"
import { type CheckId, isCheckId } from "./Catalogue.js"
import {
  type AuditConfig,
  ConfigError,
  type ConfigInput,
  type CredentialName,
  type CredentialSourceName,
  type ExpectAccess,
  fromOptions,
  type MfaSetting
} from "./Config.js"
import { type Fleet, type FleetRunOptions, parseFleet, runFleet } from "./Fleet.js"
import type { FleetTarget, FleetTargetResult } from "./FleetTypes.js"
import { checkKeys, configInputKeys, credentialKeys, keySet } from "./internal/config/keys.js"
import { echo } from "./internal/echo.js"
import type { AuditEvent, CheckResult, Report } from "./Report.js"

/**
 * Plain options. Secrets may be strings or `Redacted`; they become `Redacted` inside either way. An option
 * set to `undefined` is as good as absent (`username: process.env.ARLO_USERNAME`).
 */
export interface AuditOptions {
  /** A platform name: `acme` audits `https://acme.arlo.co`. */
  readonly platform?: string | undefined
  /** Or a base URL (https; http only on loopback), e.g. for the legacy `https://api.arlo.co/acme` layout. */
  readonly baseUrl?: string | undefined
  readonly username?: string | undefined
  readonly password?: string | Redacted.Redacted<string> | undefined
  readonly clientId?: string | undefined
  readonly clientSecret?: string | Redacted.Redacted<string> | undefined
  readonly redirectUri?: string | undefined
  /** A list, or a space- or comma-separated string. */
  readonly scopes?: string | ReadonlyArray<string> | undefined
  readonly accessToken?: string | Redacted.Redacted<string> | undefined
  /** Never redeemed unless `allowRefresh` is true (redeeming can rotate it). */
  readonly refreshToken?: string | Redacted.Redacted<string> | undefined
  readonly allowRefresh?: boolean | undefined
  readonly mfaSetting?: MfaSetting | undefined
  readonly expectAccess?: ExpectAccess | undefined
  readonly timeoutMs?: number | undefined
  readonly deadlineMs?: number | undefined
  readonly concurrency?: number | undefined
  readonly maxRequests?: number | undefined
  /** Retries per request after the first attempt (5xx, resets and timeouts only). */
  readonly retries?: number | undefined
  /** Check ids or group names. */
  readonly only?: ReadonlyArray<CheckId | string> | undefined
  readonly skip?: ReadonlyArray<CheckId | string> | undefined
  /** Checks not run but taken to hold, so that the checks that need them run. */
  readonly assume?: ReadonlyArray<CheckId | string> | undefined
  /** Aborting stops the audit; the report is still produced, with `interrupted: true`. */
  readonly signal?: AbortSignal | undefined
  /** Where credentials came from, for the report's hints (default `option`). */
  readonly credentialSources?: Partial<Record<CredentialName, CredentialSourceName>> | undefined
  /**
   * The command that re-checks one check, for the remediations that name none; by default
   * `rerunChecks(options, ["ID"])`.
   */
  readonly recheck?: ((id: CheckId) => string) | undefined
}

/** The config's options, and the three only the Promise API takes. */
const auditOptionKeys: ReadonlySet<string> = new Set([
  ...configInputKeys,
  ...keySet<Exclude<keyof AuditOptions, keyof ConfigInput>>({ signal: true, credentialSources: true, recheck: true })
])

/**
 * Validates options into a config; throws the `ConfigError` (one line saying what to fix). A key it does
 * not know, here or in `credentialSources`, is refused with the nearest known one.
 */
export const configFromOptions = (options: AuditOptions): AuditConfig => {
  const keys = Either.flatMap(checkKeys(options, auditOptionKeys, "", false), () =>
    checkKeys(options.credentialSources, credentialKeys, "credentialSources")
  )
  if (Either.isLeft(keys)) throw keys.left
  const { signal: _signal, recheck: _recheck, credentialSources, ...rest } = options
  const r = fromOptions(rest, credentialSources)
  if (Either.isLeft(r)) throw r.left
  return r.right
}

/** Runs an audit. Rejects only on bad options (a `ConfigError`); everything else is in the report. */
export const runAudit = async (options: AuditOptions): Promise<Report> => {
  const config = configFromOptions(options)
  return Effect.runPromise(
    audit(config, { signal: options.signal, recheck: options.recheck }).pipe(Effect.provide(FetchHttpClient.layer))
  )
}

/**
 * The audit's events as an async iterable, ending with `audit_finished` (which carries the report).
 * Throws the `ConfigError` at once on bad options. Leaving the loop early stops the audit.
 */
export const auditEvents = (options: AuditOptions): AsyncIterable<AuditEvent> => {
  const config = configFromOptions(options)
  return Stream.toAsyncIterable(
    auditStream(config, { signal: options.signal, recheck: options.recheck }).pipe(
      Stream.provideLayer(FetchHttpClient.layer)
    )
  )
}

/**
 * Re-runs some checks of a previous report (and their dependents), keeping the other results. `previous`
 * is the previous report (its figures are then carried into the new one) or its results. Rejects with a
 * `ConfigError` on bad options or an unknown check id.
 */
export const rerunChecks = async (
  options: AuditOptions,
  ids: ReadonlyArray<CheckId | string>,
  previous: ReadonlyArray<CheckResult> | Report
): Promise<Report> => {
  const config = configFromOptions(options)
  const unknown = ids.filter((id) => !isCheckId(id))
  if (unknown.length > 0)
    throw new ConfigError({
      field: "ids",
      message: `Unknown check ${unknown.map((u) => echo(String(u))).join(", ")}: use check ids such as basic.mfa.`
    })
  if (ids.length === 0) throw new ConfigError({ field: "ids", message: "Give at least one check id to re-run." })
  const results = isReport(previous) ? previous.checks : previous
  if (!Array.isArray(results))
    throw new ConfigError({ field: "previous", message: "previous must be a report or its checks (an array)." })
  return Effect.runPromise(
    runChecks(config, ids as ReadonlyArray<CheckId>, results, {
      signal: options.signal,
      recheck: options.recheck,
      ...(isReport(previous) ? { prior: previous } : {})
    }).pipe(Effect.provide(FetchHttpClient.layer))
  )
}

const isReport = (v: unknown): v is Report =>
  typeof v === "object" && v !== null && !Array.isArray(v) && Array.isArray((v as Report).checks)

/** Parses a fleet file (JSON or YAML); throws the `FleetError` (one line naming `FILE:LINE` and the key). */
export const loadFleet = (text: string, fileName: string): Fleet => {
  const r = parseFleet(text, fileName)
  if (Either.isLeft(r)) throw r.left
  return r.right
}

/** {@link FleetRunOptions} with a Promise-returning command runner. */
export interface AuditFleetOptions extends Omit<FleetRunOptions, "runCommand"> {
  /** Runs a `{command}` reference and resolves to what it printed; a rejection is a target error (not shown). */
  readonly runCommand?: (argv: ReadonlyArray<string>) => Promise<string | Redacted.Redacted<string>>
}

/**
 * The Promise counterpart of `runFleet`: audits `targets` (the whole fleet by default) and yields each
 * target's result as it finishes, over `fetch`. Never throws for a target: its problem is its result.
 * Leaving the loop early stops the run.
 */
export const auditFleet = (
  fleet: Fleet,
  targets: ReadonlyArray<FleetTarget> = fleet.targets,
  options: AuditFleetOptions = {}
): AsyncIterable<FleetTargetResult> => {
  const { runCommand, ...rest } = options
  const run: FleetRunOptions = {
    ...rest,
    ...(runCommand !== undefined
      ? {
          runCommand: (argv: ReadonlyArray<string>) =>
            Effect.tryPromise({
              try: async () => {
                const out = await runCommand(argv)
                return Redacted.isRedacted(out) ? out : Redacted.make(out)
              },
              catch: () => `the command ${echo(argv[0] ?? "")} failed.`
            })
        }
      : {})
  }
  return Stream.toAsyncIterable(runFleet(fleet, targets, run).pipe(Stream.provideLayer(FetchHttpClient.layer)))
}
