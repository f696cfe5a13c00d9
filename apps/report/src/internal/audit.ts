/**
 * Runs the core's audit stream over the apps' HTTP client (direct or through the proxy), handing each
 * event to a callback as it comes; the finished report carries how the requests went (`network`).
 */
import { auditHttpClient, invokedAs, type NetworkSettings, withNetworkEvents } from "@arlo-ready/cli-kit"
import { type AuditConfig, type AuditEvent, auditStream, type CheckId, type Report } from "@arlo-ready/core"
import { Effect, Stream } from "effect"

/** The command that re-checks one check, as this app was run (`pnpm report` inside the repository). */
export const recheck = (id: CheckId): string => `${invokedAs("arlo-ready-report")} --only ${id}`

/**
 * Runs the audit; `signal` stops it early, and the report of what was done so far still comes back
 * (`interrupted: true`). Never fails: every problem is a check result.
 */
export const runAudit = (
  config: AuditConfig,
  network: NetworkSettings,
  signal: AbortSignal,
  onEvent: (event: AuditEvent) => void
): Effect.Effect<Report> =>
  Effect.gen(function* () {
    let report: Report | undefined
    yield* withNetworkEvents(auditStream(config, { signal, recheck }), network, config, signal).pipe(
      Stream.runForEach((event) =>
        Effect.sync(() => {
          if (event._tag === "audit_finished") report = event.report
          onEvent(event)
        })
      )
    )
    if (report === undefined) return yield* Effect.dieMessage("the audit ended without a report")
    return report
  }).pipe(Effect.provide(auditHttpClient(network)))
