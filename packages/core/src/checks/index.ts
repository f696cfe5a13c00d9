/**
 * The checks, one file each under `checks/<group>/`, in catalogue order. The catalogue
 * (`Catalogue.ts`), the engine's implementations ({@link checkSpecs}) and the probes started early
 * ({@link speculate}) all come from {@link checks}: adding a check is one file and one line here.
 */
import { Effect, Either, Fiber, type Scope } from "effect"
import type { CheckId } from "../Catalogue.js"
import type { AuditConfig } from "../Config.js"
import type { Check, CheckContext, CheckSpec, Prefetch } from "../internal/check.js"
import { validateBaseUrl } from "../internal/config/target.js"
import { basicCredentials } from "./basic/credentials.js"
import { basicMfa } from "./basic/mfa.js"
import { oauthApproved } from "./oauth/client-approved.js"
import { oauthRegistered } from "./oauth/client-registered.js"
import { oauthSecret } from "./oauth/client-secret.js"
import { oauthRedirectUri } from "./oauth/redirect-uri.js"
import { oauthScopes } from "./oauth/scopes.js"
import { oauthServer } from "./oauth/server.js"
import { oauthToken } from "./oauth/token.js"
import { policyBasicAuth } from "./policy/basic-auth.js"
import { policyRateLimit } from "./policy/rate-limit.js"
import { rolesAdministrator } from "./roles/administrator.js"
import { rolesApiUser } from "./roles/api-user.js"
import { rolesPresenterLimits } from "./roles/presenter-limits.js"
import { anonymousRoot, targetReachable } from "./target/reachable.js"
import { targetUrl } from "./target/url.js"

/** Every check, in catalogue order. */
export const checks: ReadonlyArray<Check> = [
  targetUrl,
  targetReachable,
  basicCredentials,
  basicMfa,
  rolesApiUser,
  rolesAdministrator,
  rolesPresenterLimits,
  oauthServer,
  oauthRegistered,
  oauthApproved,
  oauthSecret,
  oauthRedirectUri,
  oauthScopes,
  oauthToken,
  policyBasicAuth,
  policyRateLimit
]

const specs: Partial<Record<CheckId, CheckSpec>> = {}
for (const c of checks) specs[c.id] = c

/** Every check's implementation, by id. */
export const checkSpecs = specs as Record<CheckId, CheckSpec>

/**
 * The probes the checks of `runList` prefetch for this config, each once, in the order they leave:
 * first those later requests wait for ({@link Prefetch.leads}), then those that send a secret, then the
 * rest; within each, in catalogue order.
 */
export const prefetchesOf = (config: AuditConfig, runList: ReadonlySet<CheckId>): ReadonlyArray<Prefetch> => {
  const runs = (id: CheckId) => runList.has(id)
  const seen = new Set<Prefetch>()
  for (const c of checks) {
    if (!runs(c.id)) continue
    for (const p of c.prefetch) if (!seen.has(p) && (p.when?.(config, runs) ?? true)) seen.add(p)
  }
  const all = [...seen]
  return [
    ...all.filter((p) => p.leads),
    ...all.filter((p) => !p.leads && p.secret),
    ...all.filter((p) => !p.leads && !p.secret)
  ]
}

/**
 * Starts, as the audit starts, every probe that needs no other answer and that the checks of `runList`
 * will read (each check's `prefetch`): the anonymous root, the Basic sign-in and the contacts lookup, the
 * OpenID discovery document, the authorize endpoint and the invalid-code token probe. Requests that do
 * not depend on one another's answers so go out together instead of one hop after another; the only
 * requests left to wait for an answer are the contact's roles (their URL needs the id the lookup
 * returns), and they leave as soon as that answer is in, not after the checks that read it. The probes
 * are memoised, so each check still reads them in dependency order and decides exactly as it would have;
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
 * at the gate like any other. The order ({@link prefetchesOf}) puts first the probes whose answers later
 * requests need. Returns an effect that waits for them all (so that every request counted has ended
 * before the report is built).
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
  const prefetches = prefetchesOf(config, runList)
  const start = (ps: ReadonlyArray<Prefetch>) => ps.map((p) => p.start(ctx))
  // Forked one after the other, each given a turn before the next, so that they ask for a permit (and
  // leave) in this order.
  const forkAll = (probes: ReadonlyArray<Effect.Effect<unknown>>) =>
    Effect.forEach(probes, (p) => Effect.zipLeft(Effect.forkIn(p, scope), Effect.yieldNow()))
  const awaitAll = (fibers: ReadonlyArray<Fiber.Fiber<unknown>>) => Effect.asVoid(Fiber.awaitAll(fibers))
  if (!ctx.http.credentialsWait) return Effect.map(forkAll(start(prefetches)), awaitAll)
  const credentialed = prefetches.filter((p) => p.secret)
  // target.reachable's own reading of the (memoised) anonymous answer decides: no second request. A
  // request that got no answer never lets it pass, so nothing more is asked of it then.
  const afterTarget = Effect.gen(function* () {
    if (Either.isLeft(yield* anonymousRoot(ctx))) return
    const reachable = yield* targetReachable.run(ctx)
    if (reachable.status !== "pass" && reachable.status !== "warn") return
    yield* awaitAll(yield* forkAll(start(credentialed)))
  })
  const anonymous = start(prefetches.filter((p) => !p.secret))
  return Effect.map(forkAll([...anonymous, ...(credentialed.length > 0 ? [afterTarget] : [])]), awaitAll)
}
