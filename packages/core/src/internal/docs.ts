/**
 * The Arlo documentation the checks rest on. A leaf module: the check files read it as they load,
 * before the catalogue (which is derived from them) exists.
 */

/** A link to the documentation a check rests on (the report's shape). */
import type { DocLink } from "../Report.js"

export type { DocLink }

const DOC = "https://developer.arlo.co/doc/api/2012-02-01/auth"

export const docs = {
  authApi: { title: "Arlo Auth REST API", url: `${DOC}/` },
  requests: { title: "Arlo API: authenticating requests", url: `${DOC}/requests` },
  rbac: { title: "Arlo API: role-based access control", url: `${DOC}/resources/rbac` },
  contactRoles: { title: "Arlo API: contact security roles", url: `${DOC}/resources/contactsecurityroles` },
  oauth: { title: "Arlo API: OAuth 2", url: `${DOC}/oauth2` },
  oauthUsage: { title: "Arlo API: using OAuth 2", url: `${DOC}/oauth2/apiusage` },
  oauthScopes: { title: "Arlo API: OAuth 2 scopes", url: `${DOC}/oauth2/scopes` },
  rateLimiting: { title: "Arlo API: rate limiting", url: "https://developer.arlo.co/doc/api/ratelimiting/" },
  mfa: {
    title: "Arlo support: multi-factor authentication",
    url: "https://support.arlo.co/hc/en-gb/articles/900003410306-Multi-factor-Authentication-MFA"
  },
  enableApiUser: {
    title: "Arlo support: enable Auth REST API access for a user",
    url: "https://support.arlo.co/hc/en-gb/articles/211903503-Enable-Authenticated-REST-API-access-for-a-user"
  }
} as const satisfies Record<string, DocLink>
