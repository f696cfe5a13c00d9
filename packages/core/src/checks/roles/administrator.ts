/** roles.administrator: the identity also holds Administrator, for unencumbered access. */
import { Effect } from "effect"
import {
  defineCheck,
  fail,
  fromFailure,
  notApplicable,
  type Outcome,
  pass,
  undecided,
  warn
} from "../../internal/check.js"
import { docs } from "../../internal/docs.js"
import { administratorFact, cap, type IdentityView, shownRoles, unreadableCause, unreadNote } from "./classify.js"
import { identity, methodOf } from "./probes.js"

/** roles.administrator from the identity view. */
export const diagnoseAdministrator = (v: IdentityView, expectAccess: "full" | "presenter"): Outcome => {
  const f = administratorFact(v)
  const facts = { identity: v.method, roles: shownRoles(v) }
  if (f.held === null) {
    if (v.failure) return fromFailure(v.failure, "read the identity's roles", v.evidence)
    return undecided(`Could not tell whether ${v.label} holds Administrator: ${f.why}.`, {
      cause: unreadableCause(v, f.why),
      evidence: v.evidence
    })
  }
  const inferred = f.basis === "inferred" ? " (inferred)" : ""
  if (f.held) {
    return pass(`${cap(v.label)} holds Administrator${inferred}: ${f.why}.${unreadNote(v)}`, {
      basis: f.basis,
      facts,
      evidence: v.evidence
    })
  }
  if (expectAccess === "presenter") {
    return notApplicable(
      `${cap(v.label)} does not hold Administrator${inferred}, which Presenter access does not need.`,
      {
        basis: f.basis,
        facts,
        evidence: v.evidence
      }
    )
  }
  const remediation = {
    steps: [
      "Arlo requires both API User and Administrator for unencumbered API access: an Arlo administrator gives the user administrator access in Settings > Administrators.",
      "If the integration needs only Presenter access, re-run with the expected access set to presenter (ARLO_EXPECT_ACCESS=presenter)."
    ],
    who: "platform-administrator" as const
  }
  if (!f.enforced) {
    return warn(
      `${cap(v.label)} does not hold Administrator (${f.why}), yet the platform restricted no route: it may start to once role-based access control is active.`,
      {
        cause: {
          code: "administrator_missing_unenforced",
          message:
            "Arlo documents API User + Administrator for unencumbered access; this platform does not enforce it now"
        },
        basis: f.basis,
        facts,
        evidence: v.evidence,
        remediation
      }
    )
  }
  return fail(
    `${cap(v.label)} lacks the Administrator role${f.basis === "inferred" ? " (inferred from the routes that answer)" : ""}: API access is limited.`,
    {
      cause: { code: "administrator_missing", message: f.why },
      basis: f.basis,
      facts,
      evidence: v.evidence,
      remediation
    }
  )
}

export const rolesAdministrator = defineCheck({
  id: "roles.administrator",
  title: "Administrator role",
  decides: "The identity also holds Administrator, for unencumbered access.",
  needs: ["roles.api-user"],
  docs: [docs.requests, docs.rbac],
  run: (ctx) =>
    Effect.flatMap(methodOf(ctx), (method) =>
      Effect.map(identity(ctx, method), (v) => diagnoseAdministrator(v, ctx.config.expectAccess))
    )
})
