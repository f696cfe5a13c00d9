/** What a session audits and how it ends: shared by the interactive and the plain front ends. */
import {
  auditHttpClient,
  ExitCode,
  exitCodeFor,
  type FailOn,
  invokedAs,
  type NetworkSettings,
  withNetworkEvents
} from "@arlo-ready/cli-kit"
import {
  type AuditConfig,
  type AuditEvent,
  auditStream,
  type CheckId,
  type CheckResult,
  type Report
} from "@arlo-ready/core"
import { Stream } from "effect"
import type { Outcome } from "./App.js"

/** One audit target, resolved. */
export interface Audit {
  readonly label: string
  readonly config: AuditConfig
  /** How its requests reach the platform. */
  readonly network: NetworkSettings
}

/** The command that re-checks one check from a shell (in the app, `r` on its row). */
export const recheck = (id: CheckId): string => `${invokedAs("arlo-ready")} --only ${id}`

/** The events of a run: the whole audit, or a re-run of some checks in place keeping the other results. */
export const runEvents = (
  { config, network }: Pick<Audit, "config" | "network">,
  options: {
    readonly ids?: ReadonlyArray<CheckId> | null
    readonly previous?: ReadonlyArray<CheckResult>
    /** The report so far: a re-run's report adds its time and requests. */
    readonly prior?: Report | null
    readonly signal?: AbortSignal
  } = {}
): Stream.Stream<AuditEvent> => {
  const events = auditStream(config, {
    recheck,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.ids
      ? {
          rerun: {
            ids: options.ids,
            previous: options.previous ?? [],
            ...(options.prior ? { prior: options.prior } : {})
          }
        }
      : {})
  })
  return withNetworkEvents(events, network, config, options.signal).pipe(Stream.provideLayer(auditHttpClient(network)))
}

/** The exit code of an interactive session, by the report app's contract. */
export const exitCodeOf = (outcome: Outcome, failOn: FailOn): number => {
  if (outcome.kind === "interrupted" || !outcome.finished) return ExitCode.Interrupted
  if (outcome.report === null) return ExitCode.Incomplete
  return exitCodeFor(outcome.report, failOn)
}

/** `acme · user@acme.example`: what the screen calls a target. */
export const labelOf = (config: AuditConfig): string => {
  const where = config.platform ?? new URL(config.baseUrl).host
  const who = config.basic?.username ?? config.oauth?.clientId
  return who ? `${where} · ${who}` : where
}

/** Marks the credentials that were typed at a prompt. */
export const withPromptSources = (config: AuditConfig, prompted: ReadonlySet<string>): AuditConfig =>
  prompted.size === 0
    ? config
    : {
        ...config,
        credentials: config.credentials.map((c) => (prompted.has(c.name) ? { ...c, source: "prompt" as const } : c))
      }
