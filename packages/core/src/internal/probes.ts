/**
 * Requests every group builds on. Each GET is memoised per audit (through `ctx.shared`), so the HTTP
 * exchange behind it happens once however many checks read it.
 */
import { Effect, Either } from "effect"
import type { ArloResponse, Auth, HttpFailure } from "../ArloHttp.js"
import type { Exchange } from "../Report.js"
import type { CheckContext } from "./check.js"
import { resourcesPath } from "./config/target.js"

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

/** The exchanges behind a fetched answer, whether it came or not. */
export const exchangesOf = (f: Fetched): ReadonlyArray<Exchange> =>
  Either.isRight(f) ? f.right.exchanges : f.left.exchanges

/** The Basic identity's auth. */
export const basicAuth = (ctx: CheckContext): Auth =>
  ctx.config.basic
    ? { _tag: "basic", username: ctx.config.basic.username, password: ctx.config.basic.password }
    : { _tag: "none" }
