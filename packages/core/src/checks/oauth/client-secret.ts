/** oauth.client.secret: the client secret authenticates the client. */
import { Effect } from "effect"
import { defineCheck, fail, fromFailure, type Outcome, pass } from "../../internal/check.js"
import { docs } from "../../internal/docs.js"
import { developerPortal, ex, type TokenView } from "./classify.js"
import { type Client, noOAuth, oauthOf, tokenPrefetch, tokenProbe, undecidedToken } from "./probes.js"

/** oauth.client.secret (runs once the client is known). */
export const diagnoseSecret = (t: TokenView, o: Client): Outcome => {
  const evidence = ex(t)
  switch (t._tag) {
    case "not_sent":
      return fail("No client secret was given: the integration cannot exchange codes for tokens without it.", {
        cause: { code: "secret_missing", message: "no client secret was given" },
        evidence,
        remediation: {
          steps: [`Copy the client secret from ${developerPortal} and give it (ARLO_CLIENT_SECRET).`],
          who: "developer"
        }
      })
    case "invalid_grant":
      return pass(
        "The client secret authenticates the client (the token endpoint answered invalid_grant to the probe code).",
        { evidence }
      )
    case "unauthorized_client":
      return pass("The client secret authenticates the client: the token endpoint got past client authentication.", {
        evidence
      })
    case "invalid_client":
      return fail(`The client secret is wrong: the token endpoint refused the client ${o.clientId} (invalid_client).`, {
        cause: {
          code: "secret_rejected",
          message:
            "the client is known (the authorize endpoint accepted it) but the token endpoint answered invalid_client"
        },
        evidence,
        remediation: {
          steps: [
            `Copy the client secret again from ${developerPortal}; if it is lost, generate a new one there.`,
            "Update every place the integration keeps it."
          ],
          who: "developer"
        }
      })
    case "failed":
      return fromFailure(t.failure, "test the client secret")
    case "other":
      return undecidedToken("the secret is right", t, evidence)
  }
}

export const oauthSecret = defineCheck({
  id: "oauth.client.secret",
  title: "OAuth client secret",
  decides: "The client secret authenticates the client.",
  needs: ["oauth.client.registered"],
  docs: [docs.oauthUsage],
  notApplicable: noOAuth,
  prefetch: [tokenPrefetch],
  run: (ctx) => Effect.map(tokenProbe(ctx), (t) => diagnoseSecret(t, oauthOf(ctx)))
})
