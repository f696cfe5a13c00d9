/**
 * The simulator's HTTP application: the admin routes, and the platform routes inside a per-request
 * wrapper (journal, in-flight count, server-wide latency, rate limit, faults).
 */
import { HttpServerRequest, type HttpServerResponse } from "@effect/platform"
import { Effect, Exit } from "effect"
import { admin } from "./Admin.js"
import type { RequestInfo } from "./Auth.js"
import { applyFaults, selectFaults, sleep } from "./Faults.js"
import { header, notFoundXml, splitUrl, toResponse } from "./Http.js"
import * as OAuth from "./OAuth.js"
import { rateLimited } from "./Reply.js"
import { CurrentInfo, CurrentPlatform, platformRoutes } from "./Routes.js"
import * as SignIn from "./SignIn.js"
import { type PlatformState, redactQuery, type ServerState } from "./State.js"

/**
 * The platform a request to the central identity host's sign-in page belongs to (dialect `signIn:
 * central`): the path is `/identity/login`, the `Host` is the central origin's, and `login_hint` names
 * (`tenant:{name}`) a platform that signs in there. `undefined` for any other request.
 */
const centralPlatform = (
  state: ServerState,
  req: HttpServerRequest.HttpServerRequest,
  pathname: string,
  search: string
): PlatformState | undefined => {
  if (pathname !== OAuth.CENTRAL_LOGIN_PATH) return undefined
  if ((header(req, "host") ?? "").toLowerCase() !== new URL(state.centralOrigin).host.toLowerCase()) return undefined
  const hint = /^tenant:(.+)$/.exec(new URLSearchParams(search).get("login_hint") ?? "")
  const p = hint === null ? undefined : state.platforms.get(hint[1]!)
  return p?.dialect.signIn === "central" ? p : undefined
}

/** One platform request as the wrapper sees it; `rel` is its path relative to the platform base. */
interface PlatformRequest {
  readonly p: PlatformState
  readonly req: HttpServerRequest.HttpServerRequest
  readonly rel: string
  readonly search: string
}

/** Journals the request once, whichever way it ends; `info` is read when it does. */
const journal = (state: ServerState, { p, req, rel, search }: PlatformRequest, info: RequestInfo) => {
  const started = performance.now()
  const at = new Date().toISOString()
  let recorded = false
  return (status: number, fault?: string) => {
    if (recorded) return
    recorded = true
    state.record({
      at,
      platform: p.name,
      method: req.method,
      path: rel,
      query: redactQuery(search),
      status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      credentials: info.credentials,
      ...(info.username === undefined ? {} : { username: info.username }),
      ...(info.clientId === undefined ? {} : { clientId: info.clientId }),
      ...(fault === undefined ? {} : { fault })
    })
  }
}

/** The per-request wrapper: counts the request in flight, waits, applies the rate limit and faults, journals. */
const wrap = <E, R>(
  state: ServerState,
  request: PlatformRequest,
  handler: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>
) =>
  Effect.suspend(() => {
    const { p, req, rel, search } = request
    const info: RequestInfo = { credentials: "none" }
    const record = journal(state, request, info)
    const answer = handler.pipe(Effect.provideService(CurrentPlatform, p), Effect.provideService(CurrentInfo, info))
    p.inFlight++
    if (p.inFlight > p.peakInFlight) p.peakInFlight = p.inFlight
    const run = Effect.gen(function* () {
      yield* sleep(state.latencyMs)
      if (p.takeRequest(Date.now())) {
        const r = rateLimited(p.perMinute)
        record(r.status)
        return toResponse(r)
      }
      const active = selectFaults(p, req.method, rel)
      if (active !== undefined) {
        return yield* applyFaults(active, { req, pathWithQuery: `/${p.name}${rel}${search}`, record, answer })
      }
      const exit = yield* Effect.exit(answer)
      record(Exit.isSuccess(exit) ? exit.value.status : 500)
      return yield* exit
    })
    return run.pipe(
      Effect.onExit((exit) =>
        Effect.sync(() => {
          p.inFlight--
          if (Exit.isFailure(exit)) record(0)
        })
      )
    )
  })

/** The whole server: `/__admin/`, the platforms under `/{platform}/`, and the central sign-in page. */
export const app = (state: ServerState) => {
  const routes = platformRoutes(state)
  const adminRoutes = admin(state)
  return Effect.gen(function* () {
    const req = yield* HttpServerRequest.HttpServerRequest
    const { pathname, search } = splitUrl(req.url)
    const slash = pathname.indexOf("/", 1)
    const first = pathname.slice(1, slash === -1 ? undefined : slash)
    if (first === "__admin") return yield* adminRoutes
    const central = centralPlatform(state, req, pathname, search)
    const p = central ?? state.platforms.get(first)
    if (p === undefined) return toResponse(notFoundXml())
    if (central !== undefined) {
      return yield* wrap(
        state,
        { p, req, rel: pathname, search },
        Effect.succeed(
          toResponse(
            SignIn.loginPage(
              p,
              new URLSearchParams(search).get("signin"),
              `${state.baseUrl(p.name)}${SignIn.SIGN_IN_PATH}`
            )
          )
        )
      )
    }
    return yield* wrap(state, { p, req, rel: slash === -1 ? "/" : pathname.slice(slash), search }, routes)
  })
}
