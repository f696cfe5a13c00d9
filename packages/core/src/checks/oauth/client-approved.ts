/** oauth.client.approved: Arlo has approved the client (proven by a sign-in when one ran). */
import { Effect } from "effect"
import {
  defineCheck,
  fail,
  fromFailure,
  type Outcome,
  type OutcomeRemediation,
  pass,
  skippedBy
} from "../../internal/check.js"
import { docs } from "../../internal/docs.js"
import { type AuthorizeView, ex, type TokenView } from "./classify.js"
import { type Client, fromBothProbes, noOAuth, oauthOf, tokenPrefetch, undecidedToken } from "./probes.js"
import { approvedBySignIn } from "./signin.js"

const approvalRequest = (clientId: string): OutcomeRemediation => ({
  steps: [
    `Email apisupport@arlo.co to request approval of the OAuth client ${clientId} (give its name and the platform).`,
    "Nothing authenticates with the client until Arlo approves it; re-run once they confirm."
  ],
  who: "arlo-support"
})

/** oauth.client.approved (runs once the client is known). */
export const diagnoseApproved = (a: AuthorizeView, t: TokenView, o: Client): Outcome => {
  const evidence = [...ex(a), ...ex(t)]
  if (t._tag === "invalid_grant") {
    return pass("Arlo has approved the client: the token endpoint accepted it and refused only the (invalid) code.", {
      evidence
    })
  }
  if (t._tag === "unauthorized_client" || (a._tag === "error_page" && a.aboutApproval)) {
    return fail(`The client ${o.clientId} is registered but Arlo has not approved it.`, {
      cause: {
        code: "client_not_approved",
        message:
          t._tag === "unauthorized_client"
            ? `the token endpoint answered unauthorized_client${t.description ? `: ${t.description}` : ""}`
            : `the authorize endpoint says the client is not approved${a._tag === "error_page" && a.description ? `: ${a.description}` : ""}`
      },
      evidence,
      remediation: approvalRequest(o.clientId)
    })
  }
  if (t._tag === "invalid_client" || t._tag === "not_sent") {
    return skippedBy(
      ["oauth.client.secret"],
      t._tag === "not_sent"
        ? "Approval could not be tested without the client secret."
        : "Approval could not be tested while the client secret is rejected.",
      {
        cause: {
          code: "blocked_by_secret",
          message: "only an authenticated token request shows whether Arlo approved the client"
        },
        evidence
      }
    )
  }
  if (t._tag === "failed") return fromFailure(t.failure, "test the client's approval", ex(a))
  return undecidedToken("Arlo approved the client", t, evidence)
}

export const oauthApproved = defineCheck({
  id: "oauth.client.approved",
  title: "OAuth client approved",
  decides: "Arlo has approved the client.",
  needs: ["oauth.client.registered"],
  docs: [docs.requests],
  notApplicable: noOAuth,
  prefetch: [tokenPrefetch],
  run: (ctx) => {
    const o = oauthOf(ctx)
    const proven = o.signIn ? approvedBySignIn(o.signIn, o.clientId) : null
    return proven ? Effect.succeed(proven) : fromBothProbes(diagnoseApproved)(ctx)
  }
})
