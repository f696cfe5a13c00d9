import type { CheckId } from "../Catalogue.js"
import type { CheckSpec } from "../internal/check.js"
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
import { rolesAdministrator, rolesApiUser, rolesPresenterLimits } from "./Roles.js"
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
