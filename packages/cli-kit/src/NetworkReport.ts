/**
 * The report's `network` field: how the requests reached the platform (the proxy, the NO_PROXY entry
 * that sent them past it, the extra CA files), and, when the platform could not be reached, what the
 * network doctor found on the way (DNS, TCP, TLS, the proxy), so a person can tell their network from
 * Arlo's. The doctor runs within what is left of the deadline, and Ctrl+C stops it.
 */
import type { AuditConfig, AuditEvent, Report } from "@arlo-ready/core"
import { Effect, Stream } from "effect"
import { type NetworkSettings, networkInfo } from "./Network.js"

/** The causes of `target.reachable` that are the network's: the doctor looks at those. */
const networkCauses = new Set([
  "dns_not_found",
  "dns_unavailable",
  "connection_refused",
  "connection_reset",
  "tls",
  "timeout",
  "network",
  "proxy"
])

/** Whether the report failed to reach the platform on the network. */
export const unreachable = (report: Report): boolean => {
  const reachable = report.checks.find((c) => c.id === "target.reachable")
  return reachable !== undefined && reachable.status !== "pass" && networkCauses.has(reachable.cause?.code ?? "")
}

/** At most this long for the doctor, within the deadline. */
const doctorBudgetMs = 5000

/** The report with its `network` field, the doctor's steps in it when the platform was unreachable. */
export const withNetwork = (
  report: Report,
  settings: NetworkSettings,
  config: Pick<AuditConfig, "baseUrl" | "deadlineMs">,
  signal: AbortSignal | undefined
): Effect.Effect<Report> =>
  Effect.gen(function* () {
    const info = networkInfo(settings)
    const left = Date.parse(report.startedAt) + config.deadlineMs - Date.now()
    const budgetMs = Math.min(doctorBudgetMs, left)
    if (!unreachable(report) || budgetMs < 100 || signal?.aborted === true || report.interrupted) {
      return { ...report, network: info }
    }
    const { diagnoseNetwork } = yield* Effect.promise(() => import("./Doctor.js"))
    const doctor = yield* Effect.promise(() =>
      diagnoseNetwork({
        url: new URL(config.baseUrl),
        proxy: settings.proxy?.url ?? null,
        noProxyMatch: settings.noProxyMatch,
        ca: settings.ca,
        budgetMs,
        signal: signal ?? new AbortController().signal
      })
    )
    return { ...report, network: { ...info, doctor: [...doctor] } }
  })

/** The audit's events, the finished report carrying its `network` field. */
export const withNetworkEvents = <E, R>(
  events: Stream.Stream<AuditEvent, E, R>,
  settings: NetworkSettings,
  config: Pick<AuditConfig, "baseUrl" | "deadlineMs">,
  signal: AbortSignal | undefined
): Stream.Stream<AuditEvent, E, R> =>
  Stream.mapEffect(
    events,
    (event): Effect.Effect<AuditEvent> =>
      event._tag === "audit_finished"
        ? Effect.map(withNetwork(event.report, settings, config, signal), (report) => ({ ...event, report }))
        : Effect.succeed(event)
  )
