/** oauth.redirect-uri: the redirect URI is absolute, https and registered for the client. */

import {
  defineCheck,
  fail,
  fromFailure,
  type Outcome,
  pass,
  skippedBy,
  undecided,
  unexpectedCause
} from "../../internal/check.js"
import { isLoopbackHost } from "../../internal/config/target.js"
import { docs } from "../../internal/docs.js"
import { echo, withoutUserinfo } from "../../internal/echo.js"
import { redirectCodes } from "../../internal/protocol.js"
import type { Exchange } from "../../Report.js"
import { type AuthorizeView, developerPortal, type ErrorPage, ex, quote, type TokenView } from "./classify.js"
import { type Client, fromBothProbes, noOAuth, tokenPrefetch } from "./probes.js"

/** The static part of oauth.redirect-uri: absolute https (http only on a loopback host, for development). */
export const redirectUriProblem = (redirectUri: string | null): { code: string; message: string } | null => {
  if (redirectUri === null) return { code: "redirect_uri_missing", message: "no redirect URI was given" }
  let u: URL
  try {
    u = new URL(redirectUri)
  } catch {
    return {
      code: "redirect_uri_not_absolute",
      message: `${echo(withoutUserinfo(redirectUri))} is not an absolute URI`
    }
  }
  if (u.hash !== "") return { code: "redirect_uri_fragment", message: "a redirect URI must not have a fragment" }
  if (u.protocol === "https:") return null
  if (u.protocol === "http:" && isLoopbackHost(u.hostname)) return null
  return {
    code: "redirect_uri_not_https",
    message: `Arlo requires an https redirect URI (got ${u.protocol.replace(/:$/, "")}; http is accepted only on loopback, for development)`
  }
}

const notRegistered = (
  o: Client,
  basis: "confirmed" | "inferred",
  message: string,
  evidence: ReadonlyArray<Exchange>
): Outcome =>
  fail("The redirect URI is not registered for the client.", {
    cause: { code: "redirect_uri_not_registered", message },
    basis,
    evidence,
    remediation: {
      steps: [
        `Add ${echo(withoutUserinfo(o.redirectUri ?? ""))} to the client's redirect URIs in ${developerPortal}, or give the one registered there.`,
        "Redirect URIs must match exactly (scheme, host, port, path)."
      ],
      who: "developer"
    }
  })

const pageWords = (p: ErrorPage) =>
  p.words ? `: ${quote(p.words)}` : p.error ? ` (${p.error})` : " (no words on the page)"

/**
 * oauth.redirect-uri (runs once the client is known). RFC 6749 §4.1.2.1: an authorize request that is
 * answered with an error page instead of a redirect had its client id or its redirect URI distrusted;
 * when the token endpoint has shown the client is registered and its secret right, the redirect URI is
 * left (inferred), whatever the page's markup.
 */
export const diagnoseRedirectUri = (a: AuthorizeView, t: TokenView, o: Client): Outcome => {
  const evidence = [...ex(a), ...ex(t)]
  const problem = redirectUriProblem(o.redirectUri)
  if (problem) {
    return fail(`The redirect URI is not usable: ${problem.message}.`, {
      cause: problem,
      evidence,
      remediation: {
        steps: [
          "Give the integration's redirect URI exactly as registered (ARLO_REDIRECT_URI): absolute and https.",
          `Register it for the client in ${developerPortal}.`
        ],
        who: "developer"
      }
    })
  }
  const http = new URL(o.redirectUri!).protocol === "http:"
  if (a._tag === "signin" || a._tag === "redirect_error") {
    return pass(
      `The redirect URI is registered for the client${http ? " (plain http on loopback: for development only)" : ""}.`,
      { evidence }
    )
  }
  if (
    a._tag === "error_page" &&
    !a.aboutApproval &&
    t._tag !== "unauthorized_client" &&
    (a.aboutRedirect || t._tag === "invalid_grant")
  ) {
    // Confirmed when the page names a redirect-URI error code; inferred from its words, or from the two
    // probes together (the token endpoint authenticated the client, so only the redirect URI is left).
    const named = a.error !== null && redirectCodes.has(a.error)
    return notRegistered(
      o,
      named ? "confirmed" : "inferred",
      a.aboutRedirect
        ? `the authorize endpoint refused it with an error page instead of redirecting${pageWords(a)}`
        : `the token endpoint shows the client is registered and its secret right, and the authorize endpoint answered ${a.res.status} with an error page instead of redirecting: by RFC 6749 §4.1.2.1 only the redirect URI is left${pageWords(a)}`,
      evidence
    )
  }
  if (a._tag === "error_page" && (a.aboutApproval || t._tag === "unauthorized_client")) {
    return skippedBy(
      ["oauth.client.approved"],
      "The redirect URI could not be tested while the client is not approved.",
      {
        cause: { code: "blocked_by_approval", message: "the authorize endpoint refuses an unapproved client first" },
        evidence
      }
    )
  }
  if (a._tag === "failed") return fromFailure(a.failure, "test the redirect URI")
  return undecided(
    "Could not tell whether the redirect URI is registered: the authorize endpoint answered unexpectedly.",
    {
      cause: unexpectedCause(
        a._tag === "unexpected" ? a.res.status : null,
        "authorize_unexpected",
        a._tag === "unexpected" ? a.why : a._tag
      ),
      evidence
    }
  )
}

export const oauthRedirectUri = defineCheck({
  id: "oauth.redirect-uri",
  title: "OAuth redirect URI",
  decides: "The redirect URI is absolute, https and registered for the client.",
  needs: ["oauth.client.registered"],
  docs: [docs.oauthUsage],
  notApplicable: noOAuth,
  prefetch: [tokenPrefetch],
  run: fromBothProbes(diagnoseRedirectUri)
})
