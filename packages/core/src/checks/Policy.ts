/**
 * Policy checks: Arlo wants OAuth 2 for production integrations, and the audit observes the rate limit.
 */
import { Effect } from "effect"
import { type CheckSpec, type Outcome, pass, recheck } from "../internal/check.js"

export const policyBasicAuth: CheckSpec = {
  id: "policy.basic-auth",
  notApplicable: (c) => (c.basic ? undefined : "Basic auth is not used."),
  run: (ctx) =>
    Effect.sync(() => {
      if (ctx.config.oauth) {
        return pass("An OAuth 2 client is configured as well: use it for production, as Arlo recommends.")
      }
      return {
        status: "warn",
        summary:
          "The integration relies on Basic auth alone; Arlo recommends OAuth 2 for production and Basic for exploration and testing.",
        cause: {
          code: "basic_only",
          message: "Arlo has said it will restrict long-running integrations that rely on Basic auth"
        },
        remediation: {
          steps: [
            "Register an OAuth client in the OAuth clients section of Arlo's developer portal (developer.arlo.co).",
            "Email apisupport@arlo.co to request its approval.",
            "Move the integration to the authorization-code flow, then audit it with the client id, secret and redirect URI."
          ],
          who: "developer",
          recheck: recheck("policy.basic-auth")
        }
      } satisfies Outcome
    })
}

export const policyRateLimit: CheckSpec = {
  id: "policy.rate-limit",
  run: (ctx) =>
    Effect.gen(function* () {
      // The rate limit is judged on every response of the audit, so this check settles last.
      yield* ctx.awaitOthers
      const s = yield* ctx.http.stats
      const r = s.rateLimit
      const headroom =
        r.lowestRemaining !== null
          ? `; the platform reported ${r.lowestRemaining}${r.limit !== null ? ` of ${r.limit}` : ""} requests left at the lowest`
          : ""
      const facts = {
        requests: ctx.priorRequests + s.requests,
        ...(ctx.priorRequests > 0 ? { rerunRequests: s.requests } : {}),
        met429: r.met,
        honoured: r.honoured,
        lowestRemaining: r.lowestRemaining,
        limit: r.limit
      }
      const remediation = {
        steps: [
          "Arlo allows 300 requests a minute per platform, shared by every integration: spread the integrations' load (Arlo suggests 200-500 ms between paged requests) and honour Retry-After.",
          "Re-run the audit when the platform is quieter."
        ],
        who: "developer" as const,
        recheck: recheck("policy.rate-limit")
      }
      if (r.beyondDeadline > 0) {
        return {
          status: "error",
          summary: `The platform's rate limit was reached (429) and its Retry-After reached beyond the audit deadline: the audit is incomplete.`,
          cause: {
            code: "rate_limited",
            message: `${r.beyondDeadline} request(s) met a 429 that could not be waited out`
          },
          facts,
          evidence: r.exchanges,
          remediation
        } satisfies Outcome
      }
      if (r.met > 0) {
        return {
          status: "warn",
          summary: `The audit met the rate limit (429) ${r.met} time(s) and waited as Retry-After asked: the platform is near its limit${headroom}.`,
          cause: { code: "rate_limit_met", message: `${r.met} 429 answer(s), Retry-After honoured` },
          facts,
          evidence: r.exchanges,
          remediation
        } satisfies Outcome
      }
      return pass(
        `No 429 in the ${ctx.priorRequests > 0 ? `re-run's ${s.requests} request(s) (the audit's ${ctx.priorRequests + s.requests} in all)` : `audit's ${s.requests} request(s)`}${headroom || "; the platform reported no remaining-quota figures"}.`,
        {
          facts
        }
      )
    })
}
