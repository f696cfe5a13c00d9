/**
 * What a person's sign-in (see `SignIn`) proves to the OAuth checks: an issued token proves the client
 * approved and is the token `oauth.token` tests; an `error=` answer or a refused code is diagnosed by
 * RFC 6749 (§4.1.2.1, §5.2). Pure functions over the sign-in's record.
 */
import type { CheckId } from "../../Catalogue.js"
import { fail, type Outcome, pass, skippedBy, undecided, warn } from "../../internal/check.js"
import type { SignInOutcome, SignInRecord } from "../../internal/signin/types.js"
import type { Exchange } from "../../Report.js"
import { developerPortal } from "./classify.js"

type Failed = Exclude<SignInOutcome, { _tag: "issued" }>

const againStep = "Run the sign-in again (arlo-ready --sign-in) and complete it in the browser within a few minutes."

const evidenceOf = (o: SignInOutcome): ReadonlyArray<Exchange> =>
  "evidence" in o ? o.evidence : o._tag === "failed" ? o.failure.exchanges : []

const words = (error: string, description: string) => `${error}${description ? `: ${description}` : ""}`

/** Whether the sign-in proved the client not approved: `unauthorized_client` at either endpoint. */
export const signInUnapproved = (o: SignInOutcome): boolean =>
  (o._tag === "authorize_error" || o._tag === "token_error") && o.error === "unauthorized_client"

/** oauth.client.approved from a sign-in, when it decides it: issued proves it, unauthorized_client disproves it. */
export const approvedBySignIn = (record: SignInRecord, clientId: string): Outcome | null => {
  const o = record.outcome
  if (o._tag === "issued")
    return pass("Arlo has approved the client: a sign-in with it was issued an access token.", {
      evidence: o.evidence,
      facts: { provenBy: "sign-in" }
    })
  if (!signInUnapproved(o)) return null
  const at = o._tag === "authorize_error" ? "the authorize endpoint" : "the token endpoint"
  return fail(`The client ${clientId} may not complete a sign-in: ${at} answered unauthorized_client.`, {
    cause: {
      code: "client_not_approved",
      message: `a sign-in was refused by ${at} (${words("unauthorized_client", "description" in o ? o.description : "")})`,
      possibilities: ["Arlo has not approved the client", "the client is not allowed the authorization code grant"]
    },
    evidence: evidenceOf(o),
    facts: { provenBy: "sign-in" },
    remediation: {
      steps: [
        `Email apisupport@arlo.co to request approval of the OAuth client ${clientId} (give its name and the platform).`,
        "Re-run the sign-in once they confirm."
      ],
      who: "arlo-support"
    }
  })
}

/** oauth.scopes from a sign-in: a refusal of the scopes, or scopes granted short of those asked. */
export const scopesBySignIn = (record: SignInRecord): Outcome | null => {
  const o = record.outcome
  if (o._tag === "authorize_error" && o.error === "invalid_scope") {
    return fail(
      `A sign-in was refused the requested scopes (invalid_scope)${o.description ? `: ${o.description}` : ""}.`,
      {
        cause: { code: "scope_refused", message: "the authorize endpoint sent the browser back with invalid_scope" },
        facts: { provenBy: "sign-in", asked: record.asked },
        remediation: {
          steps: [
            `Allow the requested scopes for the client in ${developerPortal}, or request only the scopes it allows.`
          ],
          who: "developer"
        }
      }
    )
  }
  if (o._tag !== "issued" || o.granted === null) return null
  const granted = new Set(o.granted)
  const missing = record.asked.filter((s) => !granted.has(s))
  if (missing.length === 0) return null
  return warn(
    `A sign-in was granted fewer scopes than asked: ${missing.join(", ")} ${missing.length === 1 ? "was" : "were"} not granted.`,
    {
      cause: {
        code: "scope_not_granted",
        message: `asked: ${record.asked.join(" ")}; granted: ${o.granted.join(" ")}`
      },
      evidence: o.evidence,
      facts: { provenBy: "sign-in", asked: record.asked, granted: o.granted },
      remediation: {
        steps: [
          `Allow the scopes for the client in ${developerPortal}.`,
          "At sign-in, consent to every scope asked (a person may refuse some)."
        ],
        who: "developer"
      }
    }
  )
}

const blockers: Partial<Record<string, CheckId>> = {
  unauthorized_client: "oauth.client.approved",
  invalid_scope: "oauth.scopes",
  invalid_client: "oauth.client.secret"
}

const authorizeFailure = (o: Extract<Failed, { _tag: "authorize_error" }>): Outcome => {
  const said = words(o.error, o.description)
  const blocker = blockers[o.error]
  if (blocker)
    return skippedBy([blocker], `No token: the sign-in was refused (${said}).`, {
      cause: { code: `sign_in_${o.error}`, message: said }
    })
  if (o.error === "access_denied") {
    return fail(`No token: the sign-in was refused (access_denied${o.description ? `: ${o.description}` : ""}).`, {
      cause: {
        code: "consent_refused",
        message: `the authorization server sent the browser back with ${said}`,
        possibilities: [
          "the person signing in declined the consent",
          "the user may not sign in to this client (a locked account, a platform policy)"
        ]
      },
      remediation: { steps: ["Sign in again and allow the access the client asks for.", againStep], who: "you" }
    })
  }
  const transient = o.error === "server_error" || o.error === "temporarily_unavailable"
  return undecided(`No token: the sign-in ended with ${said}.`, {
    cause: {
      code: transient ? "server_error" : `sign_in_${o.error}`,
      message: `the authorization server answered ${said}`
    },
    remediation: { steps: [transient ? "Wait a little and sign in again." : againStep], who: "you" }
  })
}

/** oauth.token when the sign-in issued nothing: why, by the protocol. */
export const signInFailure = (o: Failed): Outcome => {
  switch (o._tag) {
    case "authorize_error":
      return authorizeFailure(o)
    case "state_mismatch":
      return undecided(`No token: the sign-in was not completed: ${o.why}.`, {
        cause: {
          code: "state_mismatch",
          message: "the redirect's state does not match the sign-in's (RFC 6749 §10.12)"
        },
        remediation: {
          steps: ["Paste the URL of this very sign-in's redirect, not an earlier one.", againStep],
          who: "you"
        }
      })
    case "unreadable":
      return undecided(`No token: ${o.why}.`, {
        cause: { code: "sign_in_unreadable", message: o.why },
        remediation: { steps: [againStep], who: "you" }
      })
    case "failed":
      return undecided(`No token: the code exchange got no answer: ${o.failure.message}.`, {
        cause: { code: o.failure.code, message: o.failure.message },
        evidence: o.failure.exchanges
      })
    case "token_error": {
      const said = o.error ? words(o.error, o.description) : `${o.status}`
      const blocker = o.error ? blockers[o.error] : undefined
      if (blocker)
        return skippedBy([blocker], `No token: the token endpoint refused the code exchange (${said}).`, {
          cause: { code: `sign_in_${o.error}`, message: said },
          evidence: o.evidence
        })
      if (o.error === "invalid_grant") {
        return undecided("No token: the token endpoint refused the authorization code (invalid_grant).", {
          cause: {
            code: "code_rejected",
            message: `the token endpoint answered ${said}`,
            possibilities: [
              "the code expired before it was exchanged (codes live minutes at most)",
              "the code was already used (each is single-use)",
              "the PKCE verifier or the redirect URI did not match the authorize request"
            ]
          },
          evidence: o.evidence,
          remediation: { steps: [againStep], who: "you" }
        })
      }
      return undecided(`No token: the token endpoint answered ${said}.`, {
        cause: {
          code: o.status >= 500 ? "server_error" : "token_unexpected",
          message: `the code exchange answered ${said}`
        },
        evidence: o.evidence,
        remediation: { steps: [againStep], who: "you" }
      })
    }
  }
}

/** The facts of an issued sign-in for oauth.token, and a warning when the refresh token is not as asked. */
export const issuedNotes = (
  record: SignInRecord,
  o: Extract<SignInOutcome, { _tag: "issued" }>
): { facts: Record<string, unknown>; warning: string | null } => {
  const offline = record.asked.includes("offline_access")
  const warning =
    offline && o.refreshToken === null
      ? "offline_access was asked but no refresh token was issued"
      : !offline && o.refreshToken !== null
        ? "a refresh token was issued although offline_access was not asked"
        : null
  return {
    facts: {
      provenBy: "sign-in",
      asked: record.asked,
      granted: o.granted ?? record.asked,
      grantedStated: o.granted !== null,
      refreshToken: o.refreshToken !== null,
      ...(o.idToken ? { idToken: { ...o.idToken, verified: false } } : {})
    },
    warning
  }
}
