/**
 * Probes shared by several checks. Each is memoised per audit (through `ctx.shared`), so the HTTP
 * exchange behind it happens once however many checks read it.
 */
import { Effect, Either } from "effect"
import type { ArloResponse, Auth, HttpFailure } from "../ArloHttp.js"
import { resourcesPath } from "../Config.js"
import { apiException, parseXml, type XmlElement } from "../Xml.js"
import type { CheckContext } from "./check.js"
import { readErrorWords } from "./protocol.js"
import { type Door, plainDoor } from "./untrusted.js"

export type Fetched = Either.Either<ArloResponse, HttpFailure>

/** The Auth API root collection's URL. */
export const resourcesUrl = (ctx: Pick<CheckContext, "config">, rest = ""): string =>
  `${ctx.config.baseUrl}${resourcesPath}${rest}`

/** The OAuth URL of a path under `/oauth/`. */
export const oauthUrl = (ctx: Pick<CheckContext, "config">, rest: string): string =>
  `${ctx.config.baseUrl}/oauth/${rest}`

const authKey = (auth: Auth): string => auth._tag

/** A memoised GET (per URL, auth kind and accept). */
export const get = (ctx: CheckContext, url: string, auth: Auth, accept = "application/xml"): Effect.Effect<Fetched> =>
  ctx.shared(`GET ${authKey(auth)} ${accept} ${url}`, () =>
    Effect.either(ctx.http.request({ method: "GET", url, auth, accept }))
  )

/** The Basic identity's auth. */
export const basicAuth = (ctx: CheckContext): Auth =>
  ctx.config.basic
    ? { _tag: "basic", username: ctx.config.basic.username, password: ctx.config.basic.password }
    : { _tag: "none" }

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
