/** basic.credentials: Arlo accepts the Basic credentials. */
import { Effect } from "effect"
import type { MfaSetting } from "../../Config.js"
import { defineCheck, fail, fromFailure, type Outcome, pass, skippedBy } from "../../internal/check.js"
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

/** basic.credentials from the sign-in answer. */
export const diagnoseCredentials = (s: BasicSignIn, setting: MfaSetting): Outcome => {
  switch (s._tag) {
    case "failed":
      return fromFailure(s.failure, "test the Basic credentials")
    case "unexpected":
      return undecidedSignIn(s)
    case "accepted":
      return pass("Arlo accepted the Basic credentials (200).", { evidence: s.res.exchanges })
    case "forbidden":
      return pass("Arlo recognised the Basic credentials but refused access (403): see the API User role.", {
        evidence: s.res.exchanges
      })
    case "mfa":
      return skippedBy(["basic.mfa"], "The password could not be tested while MFA blocks sign-in.", {
        cause: {
          code: "blocked_by_mfa",
          message: "Arlo refused the sign-in because of MFA before checking anything else"
        },
        evidence: s.res.exchanges
      })
    case "locked":
      return fail("Arlo refused the sign-in: the account is locked.", {
        cause: { code: "account_locked", message: s.message || "the account is locked" },
        evidence: s.res.exchanges,
        remediation: {
          steps: [
            "An Arlo administrator unlocks the account (or the user resets their password), then re-run.",
            "If it locks again, look for an integration retrying with an old password."
          ],
          who: "platform-administrator"
        }
      })
    case "rejected":
      return fail("Arlo rejected the Basic credentials (401) without saying why.", {
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
          who: "you"
        }
      })
  }
}

export const basicCredentials = defineCheck({
  id: "basic.credentials",
  title: "Basic credentials",
  decides: "Arlo accepts the Basic credentials.",
  needs: ["target.reachable"],
  docs: [docs.requests],
  notApplicable: noBasic,
  prefetch: [basicSignInPrefetch],
  run: (ctx) => Effect.map(basicSignIn(ctx), (s) => diagnoseCredentials(s, ctx.config.mfaSetting))
})
