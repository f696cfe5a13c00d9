/** What the app audits: a label for the screen and the plain options the core's config is built from. */
import type { Redacted } from "effect"

/** Plain audit options for one target (the subset of the core's config input a target sets). */
export interface TargetInput {
  readonly platform?: string | undefined
  readonly baseUrl?: string | undefined
  readonly username?: string | undefined
  readonly password?: string | Redacted.Redacted<string> | undefined
  readonly clientId?: string | undefined
  readonly clientSecret?: string | Redacted.Redacted<string> | undefined
  readonly redirectUri?: string | undefined
  readonly scopes?: string | ReadonlyArray<string> | undefined
  readonly mfaSetting?: string | undefined
}

/** One audit target. */
export interface TargetSpec {
  readonly label: string
  readonly input: TargetInput
}
