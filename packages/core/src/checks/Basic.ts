/**
 * Basic auth checks: the credentials are accepted, and MFA does not block API sign-in. Both read one
 * memoised probe, the authenticated GET of the root collection, and its 401/403 classification.
 */
import { Effect } from "effect"
import type { MfaSetting } from "../Config.js"
import { type CheckSpec, fromFailure, type Outcome, pass, recheck, unexpectedCause } from "../internal/check.js"
import { type BasicSignIn, basicSignIn } from "../internal/probes.js"
import type { Remediation } from "../Report.js"

const noBasic = (c: { basic: unknown }) =>
  c.basic ? undefined : "No Basic credentials were given (username and password)."

/** Where to find the platform's MFA setting. */
const findSetting =
  "Find the platform's MFA setting under Settings > Advanced > Platform security (Optional or Required), then re-run with it (ARLO_MFA_SETTING / --mfa-setting)."

const integrationAccountSteps = [
  'Create a dedicated API user: Settings > Administrators > New Administrator, enter a name and email, enable "Access to the API", then Create administrator; the user activates the account from the email and sets its username and password.',
  "Make it an Integration Account: open that user's record > Edit > Security > Account type = Integration Account > Save and close.",
  "Use that account's username and password for the API (or move the integration to OAuth 2)."
]

/** Remediation for MFA blocking sign-in, by the platform's MFA setting. */
export const mfaRemediation = (setting: MfaSetting): Remediation => {
  switch (setting) {
    case "optional":
      return {
        steps: [
          "The platform's MFA setting is Optional, so the user can turn MFA off: sign in to Arlo as this user, open their own Contact record, Security tab, and disable multi-factor authentication.",
          "Or keep MFA on for people and give the integration its own Integration Account:",
          ...integrationAccountSteps
        ],
        who: "you",
        recheck: recheck("basic.mfa")
      }
    case "required":
      return {
        steps: [
          "The platform requires MFA for every user (Settings > Advanced > Platform security = Required), so a standard account cannot use the API with Basic auth.",
          ...integrationAccountSteps
        ],
        who: "platform-administrator",
        recheck: recheck("basic.mfa")
      }
    case "unknown":
      return {
        steps: [
          findSetting,
          "If it is Optional: the user can open their own Contact record, Security tab, and disable multi-factor authentication.",
          "If it is Required (or to keep MFA on): give the integration an Integration Account:",
          ...integrationAccountSteps
        ],
        who: "platform-administrator",
        recheck: recheck("basic.mfa")
      }
  }
}

const possibilityText = {
  password: "wrong username or password",
  mfa: (s: MfaSetting) =>
    s === "required"
      ? "MFA blocks API sign-in: with the platform's MFA setting Required, a standard account cannot use Basic auth"
      : "MFA is enabled on this standard account, which blocks API sign-in",
  apiUser: "the account lacks the API User role (some platforms answer 401 rather than 403)",
  locked: "the account is locked"
}

/** The possible causes of an opaque 401, most likely first given the MFA setting. */
export const opaque401Possibilities = (setting: MfaSetting): Array<string> =>
  setting === "required"
    ? [possibilityText.mfa(setting), possibilityText.password, possibilityText.apiUser, possibilityText.locked]
    : [possibilityText.password, possibilityText.mfa(setting), possibilityText.apiUser, possibilityText.locked]

const unexpected = (
  id: "basic.credentials" | "basic.mfa",
  s: Extract<BasicSignIn, { _tag: "unexpected" }>
): Outcome => ({
  status: "error",
  summary: `Could not tell: ${s.why}.`,
  cause: unexpectedCause(s.res.status, "unexpected_response", s.why),
  evidence: s.res.exchanges,
  remediation: {
    steps: ["Re-run the check; if it persists, check the base URL and Arlo's status."],
    who: "you",
    recheck: recheck(id)
  }
})

/** basic.credentials from the sign-in answer. */
export const diagnoseCredentials = (s: BasicSignIn, setting: MfaSetting): Outcome => {
  switch (s._tag) {
    case "failed":
      return fromFailure("basic.credentials", s.failure, "test the Basic credentials")
    case "unexpected":
      return unexpected("basic.credentials", s)
    case "accepted":
      return pass("Arlo accepted the Basic credentials (200).", { evidence: s.res.exchanges })
    case "forbidden":
      return pass("Arlo recognised the Basic credentials but refused access (403): see the API User role.", {
        evidence: s.res.exchanges
      })
    case "mfa":
      return {
        status: "skipped",
        summary: "The password could not be tested while MFA blocks sign-in.",
        cause: {
          code: "blocked_by_mfa",
          message: "Arlo refused the sign-in because of MFA before checking anything else"
        },
        blockedBy: ["basic.mfa"],
        evidence: s.res.exchanges,
        remediation: null
      }
    case "locked":
      return {
        status: "fail",
        summary: "Arlo refused the sign-in: the account is locked.",
        cause: { code: "account_locked", message: s.message || "the account is locked" },
        evidence: s.res.exchanges,
        remediation: {
          steps: [
            "An Arlo administrator unlocks the account (or the user resets their password), then re-run.",
            "If it locks again, look for an integration retrying with an old password."
          ],
          who: "platform-administrator",
          recheck: recheck("basic.credentials")
        }
      }
    case "rejected":
      return {
        status: "fail",
        summary: "Arlo rejected the Basic credentials (401) without saying why.",
        cause: {
          code: "rejected",
          message: "the platform answered an opaque 401",
          possibilities: opaque401Possibilities(setting)
        },
        evidence: s.res.exchanges,
        remediation: {
          steps: [
            "Check the username and password by signing in to Arlo with them (the username is usually the email the account was activated with).",
            ...(setting === "unknown" ? [findSetting] : []),
            setting === "required"
              ? "With MFA Required, Basic auth needs an Integration Account: open the user's record > Edit > Security > Account type = Integration Account."
              : "If MFA is on for this user, turn it off on their own Contact record, Security tab (setting Optional), or use an Integration Account.",
            'Check that the user has API access: Settings > Administrators, the user, "Access to the API".',
            "Check that the account is not locked."
          ],
          who: "you",
          recheck: recheck("basic.credentials")
        }
      }
  }
}

/** basic.mfa from the sign-in answer. An opaque 401 never passes: MFA cannot be ruled out. */
export const diagnoseMfa = (s: BasicSignIn, setting: MfaSetting): Outcome => {
  switch (s._tag) {
    case "failed":
      return fromFailure("basic.mfa", s.failure, "test whether MFA blocks sign-in")
    case "unexpected":
      return unexpected("basic.mfa", s)
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
      return {
        status: "fail",
        summary:
          setting === "required"
            ? "MFA blocks API sign-in: the platform requires MFA and this is a standard account."
            : "MFA blocks API sign-in for this account.",
        cause: { code: "mfa_enabled", message: s.message || "Arlo says MFA blocks API authentication" },
        evidence: s.res.exchanges,
        remediation: mfaRemediation(setting)
      }
    case "locked":
      return {
        status: "skipped",
        summary: "Whether MFA blocks sign-in could not be tested while the account is locked.",
        cause: { code: "blocked_by_lock", message: "Arlo refused the sign-in because the account is locked" },
        blockedBy: ["basic.credentials"],
        evidence: s.res.exchanges,
        remediation: null
      }
    case "rejected":
      return {
        status: "warn",
        summary:
          setting === "required"
            ? "MFA cannot be ruled out, and is the likely cause: the platform requires MFA and Arlo's 401 does not say why."
            : "MFA cannot be ruled out: Arlo's 401 does not say why sign-in failed.",
        cause: {
          code: "mfa_not_ruled_out",
          message: "an opaque 401 fits MFA as well as a wrong password",
          possibilities: opaque401Possibilities(setting)
        },
        evidence: s.res.exchanges,
        remediation: mfaRemediation(setting)
      }
  }
}

export const basicCredentials: CheckSpec = {
  id: "basic.credentials",
  notApplicable: noBasic,
  run: (ctx) => Effect.map(basicSignIn(ctx), (s) => diagnoseCredentials(s, ctx.config.mfaSetting))
}

export const basicMfa: CheckSpec = {
  id: "basic.mfa",
  notApplicable: noBasic,
  run: (ctx) => Effect.map(basicSignIn(ctx), (s) => diagnoseMfa(s, ctx.config.mfaSetting))
}
