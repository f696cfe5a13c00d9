/** oauth.token: a supplied access token (or one redeemed from a refresh token, when allowed) is accepted by the API. */
import { Effect, Either } from "effect"
import type { ArloResponse, Auth } from "../../ArloHttp.js"
import {
  type CheckContext,
  defineCheck,
  fail,
  fromFailure,
  notApplicable,
  type Outcome,
  type OutcomeRemediation,
  pass,
  undecided,
  unexpectedCause,
  warn
} from "../../internal/check.js"
import { docs } from "../../internal/docs.js"
import { exchangesOf, type Fetched, get, resourcesUrl } from "../../internal/probes.js"
import { challengeError } from "../../internal/protocol.js"
import type { Exchange } from "../../Report.js"
import { itemLinks, parseXml } from "../../Xml.js"
import { type AccessTokenView, accessTokenProbe, noAccessToken, userinfo } from "./probes.js"
import { issuedNotes, signInFailure } from "./signin.js"

const bearerError = (res: ArloResponse) => challengeError(res.headers["www-authenticate"] ?? "")

const newTokenWithData = (): OutcomeRemediation => ({
  steps: ["Request all_claims (or the functional scopes the integration needs) and sign in again for a new token."],
  who: "developer"
})

const refreshRefused = (tv: Extract<AccessTokenView, { _tag: "refresh_refused" }>): Outcome =>
  fail(`The refresh token was refused (${tv.error ?? tv.res.status}): it is expired, revoked or already rotated.`, {
    cause: { code: "refresh_token_rejected", message: `the token endpoint answered ${tv.error ?? tv.res.status}` },
    evidence: tv.res.exchanges,
    remediation: {
      steps: ["Sign in through the integration again to get new tokens (request offline_access for a refresh token)."],
      who: "developer"
    }
  })

const tokenRejected = (err: string | null, evidence: ReadonlyArray<Exchange>): Outcome =>
  fail(
    `The API refused the access token (401${err ? ` ${err}` : ""}): it is expired, revoked, or its client is no longer approved.`,
    {
      cause: {
        code: "token_rejected",
        message: `401${err ? ` ${err}` : ""} with the Bearer token`,
        possibilities: [
          "the token expired (access tokens are short-lived) or was revoked",
          "the client is no longer approved",
          "the token's user lacks the API User role (some platforms answer 401 rather than 403)",
          "the token was issued for another platform"
        ]
      },
      evidence,
      remediation: {
        steps: [
          "Get a fresh access token (they expire; use the refresh token to renew it).",
          "If fresh tokens are refused too, check the client's approval and status in the developer portal."
        ],
        who: "developer"
      }
    }
  )

/**
 * oauth.token from what the API answered the token: the root collection (`root`) and the userinfo
 * endpoint (`info`), either of which may refuse it.
 */
export const diagnoseToken = (
  from: AccessTokenView extends infer V ? (V extends { _tag: "token"; from: infer F } ? F : never) : never,
  info: Fetched,
  r: ArloResponse,
  evidence: ReadonlyArray<Exchange>
): Outcome => {
  const refreshed =
    from === "refresh"
      ? " (obtained by redeeming the refresh token; if the platform rotates refresh tokens, the one given no longer works)"
      : from === "sign-in"
        ? " issued by a sign-in"
        : ""
  const infoRes = Either.isRight(info) ? info.right : null
  if (infoRes?.status === 401 || r.status === 401)
    return tokenRejected(bearerError(r.status === 401 ? r : (infoRes ?? r)), evidence)
  if (r.status === 403) {
    if (bearerError(r) === "insufficient_scope") {
      return fail("The access token reaches the API but its scopes give it no data (403 insufficient_scope).", {
        cause: { code: "insufficient_scope", message: "403 insufficient_scope on the root collection" },
        evidence,
        remediation: newTokenWithData()
      })
    }
    return pass(
      `The access token is valid; the API refuses its user access (403): see the API User role.${refreshed}`,
      { evidence }
    )
  }
  if (r.status === 200) {
    const doc = parseXml(r.body)
    const collections = Either.isRight(doc) ? itemLinks(doc.right).length : 0
    if (collections === 0) {
      return fail(
        "The access token is accepted but sees no collections: its scopes include neither all_claims nor a functional scope.",
        {
          cause: { code: "token_no_data", message: "the root collection lists nothing for this token" },
          evidence,
          remediation: newTokenWithData()
        }
      )
    }
    return pass(`The API accepts the access token${refreshed}.`, { evidence })
  }
  return undecided(`Could not tell whether the access token works: the API answered ${r.status}.`, {
    cause: unexpectedCause(r.status, "unexpected_response", `the root collection answered ${r.status}`),
    evidence
  })
}

export const oauthToken = defineCheck({
  id: "oauth.token",
  title: "OAuth access token",
  decides: "A supplied access token (or one a sign-in was issued) is accepted by the API.",
  needs: ["target.reachable"],
  docs: [docs.oauthUsage],
  notApplicable: (c) =>
    c.oauth ? (c.oauth.signIn ? undefined : noAccessToken(c.oauth)) : "No OAuth client was given (client id).",
  run: (ctx) =>
    Effect.gen(function* () {
      const signIn = ctx.config.oauth?.signIn
      if (signIn && signIn.outcome._tag !== "issued") return signInFailure(signIn.outcome)
      const outcome = yield* tokenOutcome(ctx)
      if (signIn?.outcome._tag !== "issued") return outcome
      const notes = issuedNotes(signIn, signIn.outcome)
      const facts = { ...outcome.facts, ...notes.facts }
      if (outcome.status !== "pass" || notes.warning === null) return { ...outcome, facts }
      return warn(`${outcome.summary.replace(/\.$/, "")}, but ${notes.warning}.`, {
        cause: { code: "refresh_token_unexpected", message: notes.warning },
        facts,
        evidence: outcome.evidence ?? [],
        remediation: {
          steps: [
            "Ask for offline_access only when the integration needs a refresh token, and allow it for the client."
          ],
          who: "developer"
        }
      })
    })
})

const tokenOutcome = (ctx: CheckContext): Effect.Effect<Outcome> =>
  Effect.gen(function* () {
    const tv = yield* accessTokenProbe(ctx)
    if (tv._tag === "none") return notApplicable(tv.reason)
    if (tv._tag === "failed") return fromFailure(tv.failure, "redeem the refresh token")
    if (tv._tag === "refresh_refused") return refreshRefused(tv)
    const auth: Auth = { _tag: "bearer", token: tv.token }
    const [info, root] = yield* Effect.all([userinfo(ctx, auth), get(ctx, resourcesUrl(ctx), auth)], {
      concurrency: "unbounded"
    })
    const before = [...tv.evidence, ...exchangesOf(info)]
    if (Either.isLeft(root)) return fromFailure(root.left, "test the access token", before)
    return diagnoseToken(tv.from, info, root.right, [...before, ...root.right.exchanges])
  })
