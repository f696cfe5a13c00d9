/**
 * The check catalogue: every precondition arlo-ready audits, with its stable id, title, group,
 * prerequisites and the Arlo documentation it rests on. Each entry comes from the check's own file
 * (`checks/<group>/<name>.ts`, listed in `checks/index.ts`). Ids are a public contract: the report, CI
 * pipelines and users' `--only`/`--skip` lists rely on them, so an id is never renamed or reused.
 */
import { checks } from "./checks/index.js"
import type { DocLink } from "./internal/docs.js"

export { type DocLink, docs } from "./internal/docs.js"

/** Every check id, in catalogue order (a test keeps it equal to the checks' own ids). */
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

/** The catalogue, in catalogue order. */
export const catalogue: ReadonlyArray<CheckDefinition> = checks.map(
  ({ id, group, title, decides, needs, needsAny, docs }): CheckDefinition => ({
    id,
    group,
    title,
    decides,
    needs,
    needsAny,
    docs
  })
)

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
