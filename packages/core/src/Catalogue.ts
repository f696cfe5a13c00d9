/**
 * The check catalogue: every precondition arlo-ready audits, with its stable id, title, group,
 * prerequisites and the Arlo documentation it rests on. Ids are a public contract: the report, CI
 * pipelines and users' `--only`/`--skip` lists rely on them, so an id is never renamed or reused.
 */

/** Every check id, in catalogue order. */
export const checkIds = [
  "target.url",
  "target.reachable",
  "basic.credentials",
  "basic.mfa",
  "roles.api-user",
  "roles.administrator",
  "roles.presenter-limits",
  "oauth.server",
  "oauth.client.registered",
  "oauth.client.approved",
  "oauth.client.secret",
  "oauth.redirect-uri",
  "oauth.scopes",
  "oauth.token",
  "policy.basic-auth",
  "policy.rate-limit"
] as const

export type CheckId = (typeof checkIds)[number]

/** Check groups, in display order. */
export const checkGroups = ["target", "basic", "roles", "oauth", "policy"] as const

export type CheckGroup = (typeof checkGroups)[number]

export const groupTitles: Record<CheckGroup, string> = {
  target: "Target",
  basic: "Basic auth",
  roles: "Roles",
  oauth: "OAuth",
  policy: "Policy"
}

/** A link to the documentation a check rests on. */
export interface DocLink {
  readonly title: string
  readonly url: string
}

/** One entry of the catalogue. */
export interface CheckDefinition {
  readonly id: CheckId
  readonly group: CheckGroup
  readonly title: string
  /** What the check decides, in one sentence. */
  readonly decides: string
  /** Every one of these must pass (or warn) before the check runs. */
  readonly needs: ReadonlyArray<CheckId>
  /** At least one of these must pass (or warn) before the check runs. Empty when there is no such rule. */
  readonly needsAny: ReadonlyArray<CheckId>
  readonly docs: ReadonlyArray<DocLink>
}

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

const def = (
  id: CheckId,
  title: string,
  decides: string,
  needs: ReadonlyArray<CheckId>,
  links: ReadonlyArray<DocLink>,
  needsAny: ReadonlyArray<CheckId> = []
): CheckDefinition => ({
  id,
  group: id.slice(0, id.indexOf(".")) as CheckGroup,
  title,
  decides,
  needs,
  needsAny,
  docs: links
})

/** The catalogue, in catalogue order. */
export const catalogue: ReadonlyArray<CheckDefinition> = [
  def("target.url", "Target URL", "The target is a well-formed https URL (or http on loopback).", [], [docs.authApi]),
  def(
    "target.reachable",
    "Platform reachable",
    "DNS, TCP and TLS work and the path answers like Arlo's Auth API.",
    ["target.url"],
    [docs.authApi]
  ),
  def(
    "basic.credentials",
    "Basic credentials",
    "Arlo accepts the Basic credentials.",
    ["target.reachable"],
    [docs.requests]
  ),
  def(
    "basic.mfa",
    "MFA and API sign-in",
    "Multi-factor authentication is not blocking API sign-in.",
    ["target.reachable"],
    [docs.requests, docs.mfa, docs.enableApiUser]
  ),
  def(
    "roles.api-user",
    "API User role",
    "The identity holds the API User role.",
    [],
    [docs.requests, docs.enableApiUser, docs.contactRoles],
    ["basic.credentials", "oauth.token"]
  ),
  def(
    "roles.administrator",
    "Administrator role",
    "The identity also holds Administrator, for unencumbered access.",
    ["roles.api-user"],
    [docs.requests, docs.rbac]
  ),
  def(
    "roles.presenter-limits",
    "Presenter limits",
    "With Presenter + API User only: which routes are refused or trimmed.",
    ["roles.api-user"],
    [docs.rbac]
  ),
  def(
    "oauth.server",
    "OAuth server",
    "The OAuth endpoints answer.",
    ["target.reachable"],
    [docs.oauth, docs.oauthUsage]
  ),
  def(
    "oauth.client.registered",
    "OAuth client registered",
    "The client id is known to the platform.",
    ["oauth.server"],
    [docs.oauth, docs.requests]
  ),
  def(
    "oauth.client.approved",
    "OAuth client approved",
    "Arlo has approved the client.",
    ["oauth.client.registered"],
    [docs.requests]
  ),
  def(
    "oauth.client.secret",
    "OAuth client secret",
    "The client secret authenticates the client.",
    ["oauth.client.registered"],
    [docs.oauthUsage]
  ),
  def(
    "oauth.redirect-uri",
    "OAuth redirect URI",
    "The redirect URI is absolute, https and registered for the client.",
    ["oauth.client.registered"],
    [docs.oauthUsage]
  ),
  def(
    "oauth.scopes",
    "OAuth scopes",
    "The requested scopes include openid and profile and at least one of all_claims or a functional scope.",
    [],
    [docs.oauthScopes, docs.oauthUsage]
  ),
  def(
    "oauth.token",
    "OAuth access token",
    "A supplied access token is accepted by the API.",
    ["target.reachable"],
    [docs.oauthUsage]
  ),
  def(
    "policy.basic-auth",
    "Basic auth in production",
    "An integration relying on Basic auth alone is warned that Arlo wants OAuth 2 for production.",
    ["basic.credentials"],
    [docs.requests]
  ),
  def(
    "policy.rate-limit",
    "Rate limit",
    "The audit met no 429; headroom observed.",
    ["target.reachable"],
    [docs.rateLimiting]
  )
]

/**
 * Checks whose result may name another check as its blocker without needing it to run first: basic.credentials
 * settles skipped when MFA blocks the sign-in (blocked by basic.mfa), and the reverse for a locked account;
 * approval waits for the client secret, the redirect URI for approval. A selection that reports a check also
 * runs and reports these, so that a blocker it names is always in the report.
 */
export const defersTo: Readonly<Partial<Record<CheckId, ReadonlyArray<CheckId>>>> = {
  "basic.credentials": ["basic.mfa"],
  "basic.mfa": ["basic.credentials"],
  "oauth.client.approved": ["oauth.client.secret"],
  "oauth.redirect-uri": ["oauth.client.approved"]
}

const byId = new Map(catalogue.map((d) => [d.id, d]))

/** The definition of a check. */
export const definition = (id: CheckId): CheckDefinition => byId.get(id)!

/** Whether a string is a known check id. */
export const isCheckId = (s: string): s is CheckId => byId.has(s as CheckId)
