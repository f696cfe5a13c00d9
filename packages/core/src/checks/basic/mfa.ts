/** basic.mfa: multi-factor authentication is not blocking API sign-in. */
import { Effect } from "effect"
import type { MfaSetting } from "../../Config.js"
import {
  defineCheck,
  fail,
  fromFailure,
  type Outcome,
  type OutcomeRemediation,
  pass,
  skippedBy,
  warn
} from "../../internal/check.js"
import { docs } from "../../internal/docs.js"
import {
  type BasicSignIn,
  basicSignIn,
  basicSignInPrefetch,
  findSetting,
  noBasic,
  opaque401Possibilities,
  undecidedSignIn
} from "./probes.js"

const integrationAccountSteps = [
  'Create a dedicated API user: Settings > Administrators > New Administrator, enter a name and email, enable "Access to the API", then Create administrator; the user activates the account from the email and sets its username and password.',
  "Make it an Integration Account: open that user's record > Edit > Security > Account type = Integration Account > Save and close.",
  "Use that account's username and password for the API (or move the integration to OAuth 2)."
]

/** Remediation for MFA blocking sign-in, by the platform's MFA setting. */
export const mfaRemediation = (setting: MfaSetting): OutcomeRemediation => {
  switch (setting) {
    case "optional":
      return {
        steps: [
          "The platform's MFA setting is Optional, so the user can turn MFA off: sign in to Arlo as this user, open their own Contact record, Security tab, and disable multi-factor authentication.",
          "Or keep MFA on for people and give the integration its own Integration Account:",
          ...integrationAccountSteps
        ],
        who: "you"
      }
    case "required":
      return {
        steps: [
          "The platform requires MFA for every user (Settings > Advanced > Platform security = Required), so a standard account cannot use the API with Basic auth.",
          ...integrationAccountSteps
        ],
        who: "platform-administrator"
      }
    case "unknown":
      return {
        steps: [
          findSetting,
          "If it is Optional: the user can open their own Contact record, Security tab, and disable multi-factor authentication.",
          "If it is Required (or to keep MFA on): give the integration an Integration Account:",
          ...integrationAccountSteps
        ],
        who: "platform-administrator"
      }
  }
}

/** basic.mfa from the sign-in answer. An opaque 401 never passes: MFA cannot be ruled out. */
export const diagnoseMfa = (s: BasicSignIn, setting: MfaSetting): Outcome => {
  switch (s._tag) {
    case "failed":
      return fromFailure(s.failure, "test whether MFA blocks sign-in")
    case "unexpected":
      return undecidedSignIn(s)
    case "accepted":
      return pass(
        setting === "required"
          ? "API sign-in works although the platform requires MFA: the account is presumably an Integration Account."
          : "MFA does not block API sign-in (the Basic sign-in succeeded).",
        { evidence: s.res.exchanges }
      )
    case "forbidden":
      return pass("MFA does not block API sign-in: Arlo got past authentication and refused on access (403).", {
        evidence: s.res.exchanges
      })
    case "mfa":
      return fail(
        setting === "required"
          ? "MFA blocks API sign-in: the platform requires MFA and this is a standard account."
          : "MFA blocks API sign-in for this account.",
        {
          cause: { code: "mfa_enabled", message: s.message || "Arlo says MFA blocks API authentication" },
          evidence: s.res.exchanges,
          remediation: mfaRemediation(setting)
        }
      )
    case "locked":
      return skippedBy(
        ["basic.credentials"],
        "Whether MFA blocks sign-in could not be tested while the account is locked.",
        {
          cause: { code: "blocked_by_lock", message: "Arlo refused the sign-in because the account is locked" },
          evidence: s.res.exchanges
        }
      )
    case "rejected":
      return warn(
        setting === "required"
          ? "MFA cannot be ruled out, and is the likely cause: the platform requires MFA and Arlo's 401 does not say why."
          : "MFA cannot be ruled out: Arlo's 401 does not say why sign-in failed.",
        {
          cause: {
            code: "mfa_not_ruled_out",
            message: "an opaque 401 fits MFA as well as a wrong password",
            possibilities: opaque401Possibilities(setting)
          },
          evidence: s.res.exchanges,
          remediation: mfaRemediation(setting)
        }
      )
  }
}

export const basicMfa = defineCheck({
  id: "basic.mfa",
  title: "MFA and API sign-in",
  decides: "Multi-factor authentication is not blocking API sign-in.",
  needs: ["target.reachable"],
  docs: [docs.requests, docs.mfa, docs.enableApiUser],
  notApplicable: noBasic,
  prefetch: [basicSignInPrefetch],
  run: (ctx) => Effect.map(basicSignIn(ctx), (s) => diagnoseMfa(s, ctx.config.mfaSetting))
})
