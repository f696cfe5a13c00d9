/** policy.basic-auth: an integration relying on Basic auth alone is warned that Arlo wants OAuth 2 for production. */
import { Effect } from "effect"
import { defineCheck, pass, warn } from "../../internal/check.js"
import { docs } from "../../internal/docs.js"

export const policyBasicAuth = defineCheck({
  id: "policy.basic-auth",
  title: "Basic auth in production",
  decides: "An integration relying on Basic auth alone is warned that Arlo wants OAuth 2 for production.",
  needs: ["basic.credentials"],
  docs: [docs.requests],
  notApplicable: (c) => (c.basic ? undefined : "Basic auth is not used."),
  run: (ctx) =>
    Effect.sync(() => {
      if (ctx.config.oauth) {
        return pass("An OAuth 2 client is configured as well: use it for production, as Arlo recommends.")
      }
      return warn(
        "The integration relies on Basic auth alone; Arlo recommends OAuth 2 for production and Basic for exploration and testing.",
        {
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
            who: "developer"
          }
        }
      )
    })
})
