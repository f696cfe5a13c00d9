/** roles.api-user: the identity holds the API User role. */
import { Effect } from "effect"
import { defineCheck, fail, fromFailure, type Outcome, type OutcomeRemediation, pass } from "../../internal/check.js"
import { docs } from "../../internal/docs.js"
import { cap, type IdentityMethod, type IdentityView, shownRoles, unreadNote } from "./classify.js"
import { basicContactsPrefetch, chooseMethod, identity } from "./probes.js"

const enableApiUser = (): OutcomeRemediation => ({
  steps: [
    'An Arlo administrator enables API access for the user: Settings > Administrators, open the user, enable "Access to the API", save.',
    'Or create a dedicated API user (Settings > Administrators > New Administrator with "Access to the API").'
  ],
  who: "platform-administrator"
})

/** roles.api-user from the identity view. */
export const diagnoseApiUser = (v: IdentityView): Outcome => {
  const facts = { identity: v.method, roles: shownRoles(v) }
  if (v.apiAccess === "refused") {
    return fail(`The platform knew ${v.label} and refused API access (403): the API User role is missing.`, {
      cause: {
        code: "api_user_missing",
        message: "403 on the root collection: authenticated, but not allowed to use the API"
      },
      basis: "inferred",
      facts,
      evidence: v.evidence,
      remediation: enableApiUser()
    })
  }
  if (v.roles !== null) {
    if (v.roles.includes("API User")) {
      return pass(`${cap(v.label)} holds the API User role (${v.rolesFrom}).`, {
        basis: "confirmed",
        facts,
        evidence: v.evidence
      })
    }
    return pass(`${cap(v.label)} has API access, though ${v.rolesFrom} does not list API User.`, {
      basis: "inferred",
      facts,
      evidence: v.evidence
    })
  }
  if (v.failure && v.evidence.length === 0) return fromFailure(v.failure, "read the identity's access")
  return pass(`${cap(v.label)} has API access (the API answered it), so it holds the API User role.${unreadNote(v)}`, {
    basis: "inferred",
    facts,
    evidence: v.evidence
  })
}

export const rolesApiUser = defineCheck({
  id: "roles.api-user",
  title: "API User role",
  decides: "The identity holds the API User role.",
  needs: [],
  needsAny: ["basic.credentials", "oauth.token"],
  docs: [docs.requests, docs.enableApiUser, docs.contactRoles],
  prefetch: [basicContactsPrefetch],
  run: (ctx) =>
    Effect.gen(function* () {
      // A sign-in's identity is the one to examine: it is the identity the integration will act as.
      const chosen = ctx.config.oauth?.signIn?.outcome._tag === "issued" ? "oauth" : chooseMethod(ctx.prerequisite)
      const method = yield* ctx.shared("roles.method", () => Effect.succeed<IdentityMethod>(chosen))
      return diagnoseApiUser(yield* identity(ctx, method))
    })
})
