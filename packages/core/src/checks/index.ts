import { Effect, Either, Fiber, type Scope } from "effect"
import type { CheckId } from "../Catalogue.js"
import { validateBaseUrl } from "../Config.js"
import type { CheckContext, CheckSpec } from "../internal/check.js"
import { basicAuth, basicSignIn, get, resourcesUrl } from "../internal/probes.js"
import { basicCredentials, basicMfa } from "./Basic.js"
import {
  oauthApproved,
  oauthRedirectUri,
  oauthRegistered,
  oauthScopes,
  oauthSecret,
  oauthServer,
  oauthToken
} from "./OAuth.js"
import { policyBasicAuth, policyRateLimit } from "./Policy.js"
import { basicContactsUrl, rolesAdministrator, rolesApiUser, rolesPresenterLimits } from "./Roles.js"
import { targetReachable, targetUrl } from "./Target.js"

/** Every check's implementation, by id. */
export const checkSpecs: Record<CheckId, CheckSpec> = {
  "target.url": targetUrl,
  "target.reachable": targetReachable,
  "basic.credentials": basicCredentials,
  "basic.mfa": basicMfa,
  "roles.api-user": rolesApiUser,
  "roles.administrator": rolesAdministrator,
  "roles.presenter-limits": rolesPresenterLimits,
  "oauth.server": oauthServer,
  "oauth.client.registered": oauthRegistered,
  "oauth.client.approved": oauthApproved,
  "oauth.client.secret": oauthSecret,
  "oauth.redirect-uri": oauthRedirectUri,
  "oauth.scopes": oauthScopes,
  "oauth.token": oauthToken,
  "policy.basic-auth": policyBasicAuth,
  "policy.rate-limit": policyRateLimit
}

/**
 * Starts, as the audit starts, the Basic probes that the checks of `runList` will read (the anonymous
 * root, the sign-in and the contacts lookup), so that requests which do not depend on one another's
 * answers go out together instead of one hop after another. (The OAuth probes are not started early:
 * they would leave while another probe may be meeting a 429, which the shared back-off cannot stop.) The
 * probes are memoised, so each check still reads them in dependency order and decides exactly as it
 * would have; a probe whose check ends up skipped costs its request and nothing else. Nothing is sent
 * when the target URL is unusable, and a probe starts only for a configured method. Budget and
 * concurrency cap are the HTTP service's, as for every request. Returns an effect that waits for them
 * (so that every request counted has ended before the report is built).
 */
export const speculate = (
  ctx: CheckContext,
  runList: ReadonlySet<CheckId>,
  scope: Scope.Scope
): Effect.Effect<Effect.Effect<void>> => {
  const { config } = ctx
  if (!runList.has("target.url") || Either.isLeft(validateBaseUrl(config.baseUrl))) return Effect.succeed(Effect.void)
  const probes: Array<Effect.Effect<unknown>> = []
  if (runList.has("target.reachable")) probes.push(get(ctx, resourcesUrl(ctx), { _tag: "none" }))
  if (config.basic) {
    if (runList.has("basic.credentials") || runList.has("basic.mfa")) probes.push(basicSignIn(ctx))
    if (runList.has("roles.api-user")) probes.push(get(ctx, basicContactsUrl(ctx), basicAuth(ctx)))
  }
  // No more than the concurrency cap, so that every speculative request leaves at once and none waits
  // for a permit (where it could leave after a 429 met by another). In order, one after the other, so
  // that the requests leave in this order. The result waits for them all.
  return Effect.map(
    Effect.forEach(probes.slice(0, config.concurrency), (p) =>
      Effect.zipLeft(Effect.forkIn(p, scope), Effect.yieldNow())
    ),
    (fibers) => Effect.asVoid(Fiber.awaitAll(fibers))
  )
}
