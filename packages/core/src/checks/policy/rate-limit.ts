/** policy.rate-limit: the audit met no 429; the headroom the platform reported. */
import { Effect } from "effect"
import { defineCheck, type OutcomeRemediation, pass, undecided, warn } from "../../internal/check.js"
import { docs } from "../../internal/docs.js"

const spreadTheLoad = (): OutcomeRemediation => ({
  steps: [
    "Arlo allows 300 requests a minute per platform, shared by every integration: spread the integrations' load (Arlo suggests 200-500 ms between paged requests) and honour Retry-After.",
    "Re-run the audit when the platform is quieter."
  ],
  who: "developer"
})

export const policyRateLimit = defineCheck({
  id: "policy.rate-limit",
  title: "Rate limit",
  decides: "The audit met no 429; headroom observed.",
  needs: ["target.reachable"],
  docs: [docs.rateLimiting],
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
      if (r.beyondDeadline > 0) {
        return undecided(
          `The platform's rate limit was reached (429) and its Retry-After reached beyond the audit deadline: the audit is incomplete.`,
          {
            cause: {
              code: "rate_limited",
              message: `${r.beyondDeadline} request(s) met a 429 that could not be waited out`
            },
            facts,
            evidence: r.exchanges,
            remediation: spreadTheLoad()
          }
        )
      }
      if (r.met > 0) {
        return warn(
          `The audit met the rate limit (429) ${r.met} time(s) and waited as Retry-After asked: the platform is near its limit${headroom}.`,
          {
            cause: { code: "rate_limit_met", message: `${r.met} 429 answer(s), Retry-After honoured` },
            facts,
            evidence: r.exchanges,
            remediation: spreadTheLoad()
          }
        )
      }
      return pass(
        `No 429 in the ${ctx.priorRequests > 0 ? `re-run's ${s.requests} request(s) (the audit's ${ctx.priorRequests + s.requests} in all)` : `audit's ${s.requests} request(s)`}${headroom || "; the platform reported no remaining-quota figures"}.`,
        { facts }
      )
    })
})
