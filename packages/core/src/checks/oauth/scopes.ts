/**
 * oauth.scopes: the requested scopes include openid and profile and at least one of all_claims or a
 * functional scope. Static rules, and the authorize endpoint's verdict when it ran.
 */
import { Effect, Option } from "effect"
import { defineCheck, fail, type Outcome, type OutcomeRemediation, pass, warn } from "../../internal/check.js"
import { docs } from "../../internal/docs.js"
import { developerPortal, ex, functionalScopes, knownScopes } from "./classify.js"
import { authorizeProbe, type Client, noOAuth, oauthOf } from "./probes.js"
import { scopesBySignIn } from "./signin.js"

const scopeRemediation = (): OutcomeRemediation => ({
  steps: [
    "Request openid and profile, all_claims (or the functional scopes the integration needs), and offline_access for a refresh token; add write only if the integration updates data.",
    `Allow the same scopes for the client in ${developerPortal}.`
  ],
  who: "developer"
})

/** The static scope rules. */
export const diagnoseScopes = (o: Client): Outcome => {
  const s = new Set(o.scopes)
  const list = o.scopes.join(" ")
  const missingRequired = ["openid", "profile"].filter((x) => !s.has(x))
  if (missingRequired.length > 0) {
    return fail(`The scopes lack ${missingRequired.join(" and ")}, which Arlo requires.`, {
      cause: { code: "scope_required_missing", message: `requested: ${list}` },
      remediation: scopeRemediation()
    })
  }
  if (!s.has("all_claims") && !functionalScopes.some((f) => s.has(f))) {
    return fail("The scopes include neither all_claims nor a functional scope: the token would get no API data.", {
      cause: { code: "scope_no_data", message: `requested: ${list}` },
      remediation: scopeRemediation()
    })
  }
  const warnings: Array<string> = []
  const unknown = o.scopes.filter((x) => !knownScopes.has(x))
  if (unknown.length > 0)
    warnings.push(`${unknown.join(", ")} ${unknown.length === 1 ? "is" : "are"} not a documented Arlo scope`)
  if (!s.has("offline_access")) warnings.push("offline_access is missing, so no refresh token is issued")
  if (!o.scopesGiven) warnings.push(`no scopes were given; the recommended set was audited (${list})`)
  const notes = s.has("write") ? " write is requested: grant it only if the integration updates data." : ""
  if (warnings.length > 0) {
    return warn(`The scopes work, but ${warnings.join("; ")}.${notes}`, {
      cause: {
        code:
          unknown.length > 0
            ? "scope_unknown"
            : !s.has("offline_access")
              ? "scope_no_offline_access"
              : "scopes_not_given",
        message: `requested: ${list}`
      },
      remediation: scopeRemediation()
    })
  }
  return pass(
    `The scopes (${list}) include openid, profile, ${s.has("all_claims") ? "all_claims" : "functional scopes"} and offline_access.${notes}`
  )
}

export const oauthScopes = defineCheck({
  id: "oauth.scopes",
  title: "OAuth scopes",
  decides: "The requested scopes include openid and profile and at least one of all_claims or a functional scope.",
  needs: [],
  docs: [docs.oauthScopes, docs.oauthUsage],
  notApplicable: noOAuth,
  run: (ctx) =>
    Effect.gen(function* () {
      const staticOutcome = diagnoseScopes(oauthOf(ctx))
      if (staticOutcome.status === "fail") return staticOutcome
      const signIn = oauthOf(ctx).signIn
      const proven = signIn ? scopesBySignIn(signIn) : null
      if (proven) return proven
      // The authorize endpoint validates scopes too; read its verdict when it ran in this audit.
      const server = yield* ctx.awaitResult("oauth.server")
      if (Option.isNone(server) || server.value.status !== "pass") return staticOutcome
      const a = yield* authorizeProbe(ctx)
      if (a._tag !== "redirect_error" || a.error !== "invalid_scope") return staticOutcome
      return fail(
        `The platform refused the requested scopes (invalid_scope)${a.description ? `: ${a.description}` : ""}.`,
        {
          cause: {
            code: "scope_refused",
            message: "the authorize endpoint answered invalid_scope: a scope is unknown or not allowed for the client"
          },
          evidence: ex(a),
          remediation: {
            steps: [
              `Allow the requested scopes for the client in ${developerPortal}, or request only the scopes it allows.`,
              "Request openid, profile, all_claims (or functional scopes) and offline_access."
            ],
            who: "developer"
          }
        }
      )
    })
})
