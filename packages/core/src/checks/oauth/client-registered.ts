/** oauth.client.registered: the client id is known to the platform. */
import { defineCheck, fail, fromFailure, type Outcome, pass, undecided } from "../../internal/check.js"
import { docs } from "../../internal/docs.js"
import {
  type AuthorizeView,
  developerPortal,
  ex,
  pageNamesClient,
  quote,
  type TokenView,
  tokenAuthenticated
} from "./classify.js"
import { type Client, fromBothProbes, noOAuth, tokenPrefetch } from "./probes.js"

/** What says the platform knows the client, when something does. */
const knownBy = (a: AuthorizeView, t: TokenView): string | null => {
  if (tokenAuthenticated(t)) return ": the token endpoint authenticated it"
  if (a._tag === "signin") return ": the authorize endpoint moved on to sign-in"
  if (a._tag === "redirect_error") return ": the authorize endpoint answered on the redirect URI"
  if (a._tag === "error_page" && a.aboutApproval) return " (the authorize endpoint says it is not approved)"
  if (a._tag === "error_page" && a.aboutRedirect)
    return ": the authorize endpoint checked the redirect URI against its registration"
  return null
}

/** oauth.client.registered */
export const diagnoseRegistered = (a: AuthorizeView, t: TokenView, o: Client): Outcome => {
  const evidence = [...ex(a), ...ex(t)]
  const known = knownBy(a, t)
  if (known !== null) return pass(`The platform knows the client ${o.clientId}${known}.`, { evidence })
  if (a._tag === "error_page" && t._tag !== "invalid_client" && !pageNamesClient(a)) {
    // RFC 6749 §4.1.2.1: a page without a redirect means the client id or the redirect URI was not
    // trusted; without the token endpoint's word on the client, the two cannot be told apart.
    return fail(`The authorize endpoint refused the client ${o.clientId} or its redirect URI with an error page.`, {
      cause: {
        code: "client_or_redirect_refused",
        message: `the authorize endpoint answered ${a.res.status} without redirecting${a.words ? `: ${quote(a.words)}` : ""}`,
        possibilities: [
          "the client id is wrong, or the client is registered for another platform",
          "the redirect URI is not registered for the client",
          "the client is registered but Arlo has not approved it yet"
        ]
      },
      basis: "inferred",
      evidence,
      remediation: {
        steps: [
          `Check the client id and its registered redirect URIs in ${developerPortal}.`,
          "Give the client secret too (ARLO_CLIENT_SECRET): the token endpoint then tells an unknown client from a wrong redirect URI."
        ],
        who: "developer"
      }
    })
  }
  if (a._tag === "error_page" && (t._tag === "invalid_client" || t._tag === "not_sent" || t._tag === "failed")) {
    return fail(`The platform does not recognise the client ${o.clientId}${a.error ? ` (${a.error})` : ""}.`, {
      cause: {
        code: "client_not_recognised",
        message: `the authorize endpoint showed an error page${a.words ? ` (${quote(a.words)})` : ""}${t._tag === "invalid_client" ? " and the token endpoint refused the client" : ""}; the platform does not say whether the client is unknown or not yet approved`,
        possibilities: [
          "the client id is wrong, or the client is registered for another platform",
          "the client is registered but Arlo has not approved it yet (this platform answers the same way)",
          "the client was revoked"
        ]
      },
      evidence,
      remediation: {
        steps: [
          `Check the client id against ${developerPortal}.`,
          `If the client is registered there, email apisupport@arlo.co to request its approval (or ask why it was revoked).`
        ],
        who: "developer"
      }
    })
  }
  if (a._tag === "failed" && t._tag === "failed") return fromFailure(t.failure, "reach the OAuth endpoints")
  return undecided("Could not tell whether the platform knows the client: the OAuth endpoints answered unexpectedly.", {
    cause: {
      code: "oauth_unreadable",
      message: `authorize: ${a._tag === "unexpected" ? a.why : a._tag}; token: ${t._tag === "other" ? (t.error ?? `status ${t.res.status}`) : t._tag}`
    },
    evidence,
    remediation: {
      steps: ["Re-run the check; if it persists, compare the base URL with the platform's OAuth server."],
      who: "you"
    }
  })
}

export const oauthRegistered = defineCheck({
  id: "oauth.client.registered",
  title: "OAuth client registered",
  decides: "The client id is known to the platform.",
  needs: ["oauth.server"],
  docs: [docs.oauth, docs.requests],
  notApplicable: noOAuth,
  prefetch: [tokenPrefetch],
  run: fromBothProbes(diagnoseRegistered)
})
