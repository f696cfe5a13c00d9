/** oauth.server: the OAuth endpoints answer (the authorize endpoint; the discovery document is optional). */
import { Effect } from "effect"
import { defineCheck, fail, fromFailure, pass, undecided, unexpectedCause } from "../../internal/check.js"
import { docs } from "../../internal/docs.js"
import { exchangesOf } from "../../internal/probes.js"
import { type AuthorizeView, type DiscoveryView, ex, readDiscovery } from "./classify.js"
import { authorizePrefetch, authorizeProbe, discoveryPrefetch, discoveryProbe, noOAuth } from "./probes.js"

/** How the authorize endpoint answered, as the passing summary says it. */
const howItAnswered = (a: AuthorizeView): string =>
  a._tag !== "signin"
    ? ""
    : a.how === "redirect"
      ? ` (it moved on to sign-in: ${a.res.status} to ${a.where})`
      : a.how === "page"
        ? " (with a sign-in page)"
        : " (it sent a code to the redirect URI without sign-in)"

/** What the discovery document said, as the passing summary says it. */
const aboutDiscovery = (d: DiscoveryView): string =>
  d._tag === "published"
    ? "; the discovery document is published"
    : d._tag === "absent"
      ? " (no discovery document, which is optional)"
      : `; the discovery document could not be read (${d.why}), which is optional and decides nothing here`

export const oauthServer = defineCheck({
  id: "oauth.server",
  title: "OAuth server",
  decides: "The OAuth endpoints answer.",
  needs: ["target.reachable"],
  docs: [docs.oauth, docs.oauthUsage],
  notApplicable: noOAuth,
  prefetch: [authorizePrefetch, discoveryPrefetch],
  run: (ctx) =>
    Effect.gen(function* () {
      const [discovery, a] = yield* Effect.all([discoveryProbe(ctx), authorizeProbe(ctx)], {
        concurrency: "unbounded"
      })
      const d = readDiscovery(discovery)
      const dEvidence = exchangesOf(discovery)
      const evidence = [...dEvidence, ...ex(a)]
      const facts = {
        ...(d._tag === "unreadable"
          ? { discovery: false, discoveryUnread: true }
          : { discovery: d._tag === "published" }),
        ...(a._tag === "signin" ? { signIn: a.how, signInAt: a.where } : {})
      }
      switch (a._tag) {
        case "signin":
        case "redirect_error":
        case "error_page":
          return pass(`The OAuth authorize endpoint answers${howItAnswered(a)}${aboutDiscovery(d)}.`, {
            evidence,
            facts
          })
        case "not_found":
          return fail("The OAuth authorize endpoint does not answer (404).", {
            cause: { code: "oauth_not_found", message: "404 at /oauth/connect/authorize" },
            evidence,
            facts,
            remediation: {
              steps: ["Check the base URL: Arlo serves OAuth at BASE/oauth/connect/authorize."],
              who: "you"
            }
          })
        case "failed":
          return fromFailure(a.failure, "reach the OAuth authorize endpoint", dEvidence)
        case "unexpected":
          return undecided(`Could not tell whether the OAuth endpoints work: ${a.why}.`, {
            cause: unexpectedCause(a.res.status, "authorize_unexpected", a.why),
            evidence,
            facts
          })
      }
    })
})
