/**
 * The Basic sign-in: one memoised probe, the authenticated GET of the root collection, and its 401/403
 * classification. basic.credentials and basic.mfa decide from it; the role checks start from it.
 */
import { Effect, Either } from "effect"
import type { ArloResponse, HttpFailure } from "../../ArloHttp.js"
import type { AuditConfig, MfaSetting } from "../../Config.js"
import { type CheckContext, type Outcome, type Prefetch, undecided, unexpectedCause } from "../../internal/check.js"
import { basicAuth, type Fetched, get, resourcesUrl } from "../../internal/probes.js"
import { readErrorWords } from "../../internal/protocol.js"
import { type Door, plainDoor } from "../../internal/untrusted.js"
import { apiException, parseXml, type XmlElement } from "../../Xml.js"

/** Why a Basic check does not apply: no Basic credentials. */
export function noBasic(c: Pick<AuditConfig, "basic">): string | undefined {
  return c.basic ? undefined : "No Basic credentials were given (username and password)."
}

/** How Arlo answered the Basic sign-in (the authenticated GET of the root collection). */
export type BasicSignIn =
  /** 200: signed in; the root collection. */
  | { readonly _tag: "accepted"; readonly res: ArloResponse; readonly root: XmlElement }
  /** 403: the platform knew who was asking and refused. */
  | { readonly _tag: "forbidden"; readonly res: ArloResponse; readonly code: string | null }
  /** 401 saying MFA blocks sign-in. */
  | { readonly _tag: "mfa"; readonly res: ArloResponse; readonly message: string }
  /** 401 saying the account is locked. */
  | { readonly _tag: "locked"; readonly res: ArloResponse; readonly message: string }
  /** 401 that says nothing about why. */
  | { readonly _tag: "rejected"; readonly res: ArloResponse; readonly code: string | null }
  /** Anything else: an answer that does not decide (5xx after retries, a garbage body, an odd status). */
  | { readonly _tag: "unexpected"; readonly res: ArloResponse; readonly why: string }
  | { readonly _tag: "failed"; readonly failure: HttpFailure }

const mfaWords = /\bmfa\b|multi[- ]?factor|two[- ]?factor|2fa/i
const lockWords = /\block(ed|out)\b|locked out|account is locked/i

/**
 * Classifies the answer to an authenticated Basic request (the 401/403 classifier). The platform's own
 * words come before the status: a 401 or a 403 whose message names MFA (or a lock) says so, whichever
 * status the platform chose; a 401 and a 403 that say nothing are told apart by RFC 9110 (401: the
 * credentials were refused; 403: understood and refused).
 */
export const classifyBasicSignIn = (fetched: Fetched, door: Door = plainDoor): BasicSignIn => {
  if (Either.isLeft(fetched)) return { _tag: "failed", failure: fetched.left }
  const res = fetched.right
  const doc = parseXml(res.body)
  const ex = Either.isRight(doc) ? apiException(doc.right) : undefined
  if (res.status === 401 || res.status === 403) {
    const words = ex ? `${ex.code} ${ex.message}` : readErrorWords(res.body, res.headers["content-type"] ?? "").text
    const message = door(ex?.message ?? words)
    if ((ex && /^mfa/i.test(ex.code)) || mfaWords.test(words)) return { _tag: "mfa", res, message }
    if ((ex && /lock/i.test(ex.code)) || lockWords.test(words)) return { _tag: "locked", res, message }
    const code = ex?.code ? door(ex.code) : null
    return res.status === 401 ? { _tag: "rejected", res, code } : { _tag: "forbidden", res, code }
  }
  if (res.status === 200) {
    if (Either.isLeft(doc))
      return { _tag: "unexpected", res, why: `the body is not well-formed XML (${doc.left.message})` }
    if (ex) return { _tag: "unexpected", res, why: `a 200 carrying an ApiException (${door(ex.code)})` }
    return { _tag: "accepted", res, root: doc.right }
  }
  if (res.status >= 500) return { _tag: "unexpected", res, why: `the platform answered ${res.status}` }
  return {
    _tag: "unexpected",
    res,
    why: `the platform answered ${res.status}${ex?.code ? ` (${door(ex.code)})` : ""} where 200, 401 or 403 was expected`
  }
}

/** The memoised Basic sign-in probe, classified once per audit. */
export const basicSignIn = (ctx: CheckContext): Effect.Effect<BasicSignIn> =>
  ctx.shared("basic.sign-in.view", () =>
    get(ctx, resourcesUrl(ctx), basicAuth(ctx)).pipe(Effect.map((f) => classifyBasicSignIn(f, ctx.http.untrusted)))
  )

/** The Basic sign-in sends the password; it starts whenever Basic credentials are given. */
export const basicSignInPrefetch: Prefetch = { secret: true, when: (c) => Boolean(c.basic), start: basicSignIn }

/** Where to find the platform's MFA setting. */
export const findSetting =
  "Find the platform's MFA setting under Settings > Advanced > Platform security (Optional or Required), then re-run with it (ARLO_MFA_SETTING / --mfa-setting)."

const possibilityText = {
  password: "wrong username or password",
  mfa: (s: MfaSetting) =>
    s === "required"
      ? "MFA blocks API sign-in: with the platform's MFA setting Required, a standard account cannot use Basic auth"
      : "MFA is enabled on this standard account, which blocks API sign-in",
  apiUser: "the account lacks the API User role (some platforms answer 401 rather than 403)",
  locked: "the account is locked"
}

/** The possible causes of an opaque 401, most likely first given the MFA setting. */
export const opaque401Possibilities = (setting: MfaSetting): Array<string> =>
  setting === "required"
    ? [possibilityText.mfa(setting), possibilityText.password, possibilityText.apiUser, possibilityText.locked]
    : [possibilityText.password, possibilityText.mfa(setting), possibilityText.apiUser, possibilityText.locked]

/** A sign-in answer that decides nothing. */
export const undecidedSignIn = (s: Extract<BasicSignIn, { _tag: "unexpected" }>): Outcome =>
  undecided(`Could not tell: ${s.why}.`, {
    cause: unexpectedCause(s.res.status, "unexpected_response", s.why),
    evidence: s.res.exchanges,
    remediation: {
      steps: ["Re-run the check; if it persists, check the base URL and Arlo's status."],
      who: "you"
    }
  })
