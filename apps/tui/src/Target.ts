/** What the app audits: a label for the screen and the plain options the core's config is built from. */
import type { ConfigInput } from "@arlo-ready/core"

/** Plain audit options for one target (the subset of the core's config input a target sets). */
export type TargetInput = Pick<
  ConfigInput,
  | "platform"
  | "baseUrl"
  | "username"
  | "password"
  | "clientId"
  | "clientSecret"
  | "redirectUri"
  | "scopes"
  | "mfaSetting"
>

/** One audit target. */
export interface TargetSpec {
  readonly label: string
  readonly input: TargetInput
}
