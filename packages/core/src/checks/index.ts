import { Effect, Either, Fiber, type Scope } from "effect"
import type { CheckId } from "../Catalogue.js"
import { validateBaseUrl } from "../Config.js"
import type { CheckContext, CheckSpec } from "../internal/check.js"
import { basicSignIn, get, resourcesUrl } from "../internal/probes.js"
import { basicCredentials, basicMfa } from "./Basic.js"
import {
  authorizeProbe,
  discoveryProbe,
  oauthApproved,
  oauthRedirectUri,
  oauthRegistered,
  oauthScopes,
  oauthSecret,
  oauthServer,
  oauthToken,
  tokenProbe
} from "./OAuth.js"
import { policyBasicAuth, policyRateLimit } from "./Policy.js"
import { basicContactsAndRoles, rolesAdministrator, rolesApiUser, rolesPresenterLimits } from "./Roles.js"
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
 * Starts, as the audit starts, every probe that needs no other answer and that the checks of `runList`
 * will read: the anonymous root, the Basic sign-in and the contacts lookup, the OpenID discovery
 * document, the authorize endpoint and the invalid-code token probe. Requests that do not depend on
 * one another's answers so go out together instead of one hop after another; the only requests left to
 * wait for an answer are the contact's roles (their URL needs the id the lookup returns), and they
 * leave as soon as that answer is in, not after the checks that read it. The probes are
 * memoised, so each check still reads them in dependency order and decides exactly as it would have;
 * a probe whose check ends up skipped costs its request and nothing else (the token probe stays the
 * audit's one POST, with its deliberately invalid code). Nothing is sent when the target URL is
 * unusable, and a probe starts only for a configured method.
 *
 * Credentials wait for a target that answers like Arlo (the HTTP service's `credentialsWait`): on a
 * host that is neither https `*.arlo.co` nor loopback, only the probes without a secret start at once
 * (the anonymous root, discovery, authorize, which carries the client id only); the Basic sign-in, the
 * contacts lookup and the token probe (the password and the client secret) start when target.reachable,
 * read from the same anonymous answer, passes, and never when it does not. That costs such hosts one
 * round trip.
 *
 * Budget, concurrency cap and the rate-limit gate are the HTTP service's, as for every request: the
 * probes beyond the cap wait for a permit, and a request that gets one after a 429 was answered waits
 * at the gate like any other. The order puts first the probes whose answers later requests need.
 * Returns an effect that waits for them all (so that every request counted has ended before the report
 * is built).
 */
export const speculate = (
  ctx: CheckContext,
  runList: ReadonlySet<CheckId>,
  scope: Scope.Scope
): Effect.Effect<Effect.Effect<void>> => {
  const { config } = ctx
  // Every check that reads a probe needs the target reachable: without that check, none of them runs.
  if (!runList.has("target.url") || !runList.has("target.reachable") || Either.isLeft(validateBaseUrl(config.baseUrl)))
    return Effect.succeed(Effect.void)
  const root = get(ctx, resourcesUrl(ctx), { _tag: "none" })
  /** Probes that send a secret: the password (Basic), the client secret (the token probe). */
  const credentialed: Array<Effect.Effect<unknown>> = []
  const anonymous: Array<Effect.Effect<unknown>> = []
  if (config.basic) {
    // The role checks read the Basic identity only once basic.credentials has passed.
    if (runList.has("roles.api-user") && runList.has("basic.credentials")) credentialed.push(basicContactsAndRoles(ctx))
    if (runList.has("basic.credentials") || runList.has("basic.mfa")) credentialed.push(basicSignIn(ctx))
  }
  if (config.oauth?.clientId && runList.has("oauth.server")) {
    if (clientProbeReaders.some((id) => runList.has(id))) credentialed.push(tokenProbe(ctx))
    anonymous.push(authorizeProbe(ctx), discoveryProbe(ctx))
  }
  // Forked one after the other, each given a turn before the next, so that they ask for a permit (and
  // leave) in this order.
  const forkAll = (probes: ReadonlyArray<Effect.Effect<unknown>>) =>
    Effect.forEach(probes, (p) => Effect.zipLeft(Effect.forkIn(p, scope), Effect.yieldNow()))
  const awaitAll = (fibers: ReadonlyArray<Fiber.Fiber<unknown>>) => Effect.asVoid(Fiber.awaitAll(fibers))
  if (!ctx.http.credentialsWait) return Effect.map(forkAll([root, ...credentialed, ...anonymous]), awaitAll)
  // target.reachable's own reading of the (memoised) anonymous answer decides: no second request. A
  // request that got no answer never lets it pass, so nothing more is asked of it then.
  const afterTarget = Effect.gen(function* () {
    if (Either.isLeft(yield* root)) return
    const reachable = yield* targetReachable.run(ctx)
    if (reachable.status !== "pass" && reachable.status !== "warn") return
    yield* awaitAll(yield* forkAll(credentialed))
  })
  return Effect.map(forkAll([root, ...anonymous, ...(credentialed.length > 0 ? [afterTarget] : [])]), awaitAll)
}

/** The checks that read the invalid-code token probe. */
const clientProbeReaders: ReadonlyArray<CheckId> = [
  "oauth.redirect-uri",
  "oauth.client.registered",
  "oauth.client.approved",
  "oauth.client.secret"
]
