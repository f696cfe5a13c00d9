/** What a sign-in (the authorization code grant, driven by a person in a browser) came to. */
import type { Redacted } from "effect"
import type { Exchange } from "../../Report.js"
import type { HttpFailure } from "../http/failure.js"

/**
 * The claims of an ID token, decoded for display only: its signature is not checked, so nothing is
 * decided from them. Every string came through the audit's door.
 */
export interface IdTokenClaims {
  readonly issuer: string | null
  readonly subject: string | null
  /** Epoch seconds. */
  readonly expires: number | null
  /** Whether its `nonce` is the one this sign-in sent (null when none was sent or none came back). */
  readonly nonceMatches: boolean | null
  readonly roles: ReadonlyArray<string> | null
}

/** How a sign-in ended. */
export type SignInOutcome =
  /** The code was exchanged: tokens were issued. */
  | {
      readonly _tag: "issued"
      readonly accessToken: Redacted.Redacted<string>
      readonly refreshToken: Redacted.Redacted<string> | null
      /** The scopes the token response names; null when it names none (RFC 6749 §5.1: then as asked). */
      readonly granted: ReadonlyArray<string> | null
      readonly idToken: IdTokenClaims | null
      readonly evidence: ReadonlyArray<Exchange>
    }
  /** The authorization server sent the browser back with an RFC 6749 §4.1.2.1 error. */
  | { readonly _tag: "authorize_error"; readonly error: string; readonly description: string }
  /** The token endpoint refused the code (RFC 6749 §5.2). */
  | {
      readonly _tag: "token_error"
      readonly status: number
      readonly error: string | null
      readonly description: string
      readonly evidence: ReadonlyArray<Exchange>
    }
  /** The redirect's `state` is not this sign-in's: nothing was exchanged. */
  | { readonly _tag: "state_mismatch"; readonly why: string }
  /** The URL given back is not an answer at the redirect URI (no code, no error). */
  | { readonly _tag: "unreadable"; readonly why: string }
  /** The token request got no answer. */
  | { readonly _tag: "failed"; readonly failure: HttpFailure }

/** A sign-in as the audit's checks read it: the scopes asked and how it ended. */
export interface SignInRecord {
  readonly asked: ReadonlyArray<string>
  readonly outcome: SignInOutcome
}
