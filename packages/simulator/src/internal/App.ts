/**
 * The simulator's HTTP application: an Effect `HttpRouter` for the Arlo surface and the admin routes,
 * wrapped in a per-request envelope (journal, in-flight count, latency, rate limit, faults).
 *
 * Faults that must break HTTP itself (reset, truncate, trickle, oversize) write to the Node
 * `ServerResponse` behind the Effect request (`NodeHttpServerRequest.toServerResponse`); the Effect
 * server skips a response that was already ended, and a destroyed socket interrupts the request fiber.
 */
import type * as Http from "node:http"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import * as NodeHttpServerRequest from "@effect/platform-node/NodeHttpServerRequest"
import { Context, Effect, Exit, ParseResult, Schema } from "effect"
import { ClientStatus, Dialect, Fault, knownScopes, MfaSetting, Role } from "../Scenario.js"
import type { RequestInfo } from "./Auth.js"
import * as OAuth from "./OAuth.js"
import { apiException, codeFor, html, json, type Reply, rateLimited, XML, XML_DECL } from "./Reply.js"
import * as Resources from "./Resources.js"
import { mergeDialect, type PlatformState, redactQuery, type ServerState } from "./State.js"

/** The platform a request is addressed to (provided by the envelope). */
class CurrentPlatform extends Context.Tag("@arlo-ready/simulator/CurrentPlatform")<CurrentPlatform, PlatformState>() {}
/** What the journal learns about the request's credentials. */
class CurrentInfo extends Context.Tag("@arlo-ready/simulator/CurrentInfo")<CurrentInfo, RequestInfo>() {}

const toResponse = (r: Reply) => HttpServerResponse.text(r.body, { status: r.status, headers: r.headers })

const notFoundXml = () => apiException(404, "NotFound", Resources.NOT_FOUND_MESSAGE)

const splitUrl = (url: string) => {
  const q = url.indexOf("?")
  return q === -1 ? { pathname: url, search: "" } : { pathname: url.slice(0, q), search: url.slice(q) }
}

const header = (req: HttpServerRequest.HttpServerRequest, name: string): string | undefined => req.headers[name]

const readForm = (req: HttpServerRequest.HttpServerRequest) =>
  req.text.pipe(
    Effect.map((t) => new URLSearchParams(t)),
    Effect.orElseSucceed(() => new URLSearchParams())
  )

// ---------------------------------------------------------------------------------------------------
// Patches (admin routes and the test helper)

/** A change to a platform: MFA setting, dialect (partial), faults (replaces the list), rate limit. */
export const PlatformPatch = Schema.Struct({
  mfaSetting: Schema.optional(MfaSetting),
  dialect: Schema.optional(Schema.partial(Schema.typeSchema(Dialect))),
  faults: Schema.optional(Schema.Array(Fault)),
  rateLimit: Schema.optional(
    Schema.Struct({
      perMinute: Schema.optional(Schema.Int.pipe(Schema.positive())),
      spent: Schema.optional(Schema.Int.pipe(Schema.nonNegative()))
    })
  )
})
export type PlatformPatch = typeof PlatformPatch.Encoded

/** A change to a user. */
export const UserPatch = Schema.Struct({
  roles: Schema.optional(Schema.Array(Role)),
  password: Schema.optional(Schema.String),
  mfaEnabled: Schema.optional(Schema.Boolean),
  accountType: Schema.optional(Schema.Literal("standard", "integration")),
  locked: Schema.optional(Schema.Boolean)
})
export type UserPatch = typeof UserPatch.Encoded

/** A change to an OAuth client. */
export const ClientPatch = Schema.Struct({
  status: Schema.optional(ClientStatus),
  clientSecret: Schema.optional(Schema.String),
  redirectUris: Schema.optional(Schema.Array(Schema.String)),
  allowedScopes: Schema.optional(Schema.Array(Schema.Literal(...knownScopes)))
})
export type ClientPatch = typeof ClientPatch.Encoded

const Consent = Schema.Struct({
  clientId: Schema.String,
  username: Schema.String,
  scopes: Schema.Union(Schema.Array(Schema.String), Schema.String),
  redirectUri: Schema.String
})

/** A patch or admin request that cannot be applied; `status` is the HTTP status the admin route answers. */
export class PatchError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message)
  }
}

const decodeOrThrow = <A, I>(schema: Schema.Schema<A, I>, input: unknown, what: string): A => {
  const r = Schema.decodeUnknownEither(schema, { onExcessProperty: "error" })(input)
  if (r._tag === "Left") {
    const issue = ParseResult.ArrayFormatter.formatErrorSync(r.left)[0]
    const where = issue?.path.join(".") ?? ""
    throw new PatchError(400, `${what}: ${where === "" ? "" : `${where}: `}${issue?.message ?? "invalid"}`)
  }
  return r.right
}

const platformOf = (state: ServerState, name: string): PlatformState => {
  const p = state.platforms.get(name)
  if (p === undefined) throw new PatchError(404, `unknown platform "${name}"`)
  return p
}

export const applyPlatformPatch = (state: ServerState, name: string, input: unknown): void => {
  const p = platformOf(state, name)
  const patch = decodeOrThrow(PlatformPatch, input, "platform patch")
  if (patch.mfaSetting !== undefined) p.mfaSetting = patch.mfaSetting
  if (patch.dialect !== undefined) p.dialect = mergeDialect(p.dialect, patch.dialect)
  if (patch.faults !== undefined) p.setFaults(patch.faults)
  if (patch.rateLimit !== undefined)
    p.setRateLimit(patch.rateLimit.perMinute ?? p.perMinute, patch.rateLimit.spent ?? 0)
}

export const applyUserPatch = (state: ServerState, platform: string, username: string, input: unknown): void => {
  const p = platformOf(state, platform)
  const u = p.user(username)
  if (u === undefined) throw new PatchError(404, `unknown user "${username}" on platform "${platform}"`)
  const patch = decodeOrThrow(UserPatch, input, "user patch")
  if (patch.roles !== undefined) u.roles = [...patch.roles]
  if (patch.password !== undefined) u.password = patch.password
  if (patch.mfaEnabled !== undefined) u.mfaEnabled = patch.mfaEnabled
  if (patch.accountType !== undefined) u.accountType = patch.accountType
  if (patch.locked !== undefined) u.locked = patch.locked
}

export const applyClientPatch = (state: ServerState, platform: string, clientId: string, input: unknown): void => {
  const p = platformOf(state, platform)
  const c = p.clients.get(clientId)
  if (c === undefined) throw new PatchError(404, `unknown client "${clientId}" on platform "${platform}"`)
  const patch = decodeOrThrow(ClientPatch, input, "client patch")
  if (patch.status !== undefined) c.status = patch.status
  if (patch.clientSecret !== undefined) c.clientSecret = patch.clientSecret
  if (patch.redirectUris !== undefined) c.redirectUris = [...patch.redirectUris]
  if (patch.allowedScopes !== undefined) c.allowedScopes = [...patch.allowedScopes]
}

/** The platforms as the admin route and the bin show them: base URL and what the scenario hands an auditor. */
export const platformsView = (state: ServerState) =>
  [...state.platforms.values()].map((p) => ({
    name: p.name,
    baseUrl: state.baseUrl(p.name),
    mfaSetting: p.mfaSetting,
    dialect: p.dialect,
    audit: p.audit
  }))

const adminJson = (run: () => unknown) =>
  Effect.sync(() => {
    try {
      const body = run()
      return toResponse(body === undefined ? { status: 204, headers: {}, body: "" } : json(200, body))
    } catch (e) {
      if (e instanceof PatchError) return toResponse(json(e.status, { error: "invalid_request", message: e.message }))
      throw e
    }
  })

const jsonBody = (req: HttpServerRequest.HttpServerRequest) =>
  req.text.pipe(
    Effect.map((t): unknown => {
      try {
        return t.trim() === "" ? {} : JSON.parse(t)
      } catch {
        return Symbol.for("invalid-json")
      }
    }),
    Effect.orElseSucceed(() => ({}))
  )

const withBody = (
  state: ServerState,
  run: (body: unknown, params: Readonly<Record<string, string | undefined>>) => unknown
) =>
  Effect.gen(function* () {
    const req = yield* HttpServerRequest.HttpServerRequest
    const params = yield* HttpRouter.params
    const body = yield* jsonBody(req)
    return yield* adminJson(() => {
      if (typeof body === "symbol") throw new PatchError(400, "the body is not valid JSON")
      void state
      return run(body, params)
    })
  })

// ---------------------------------------------------------------------------------------------------
// The router

const resourcesHandler = (state: ServerState) =>
  Effect.gen(function* () {
    const p = yield* CurrentPlatform
    const info = yield* CurrentInfo
    const req = yield* HttpServerRequest.HttpServerRequest
    const { pathname, search } = splitUrl(req.url)
    const root = `/${p.name}${Resources.RESOURCES_ROOT}`
    const rest = pathname.startsWith(root) ? pathname.slice(root.length) : ""
    const reply = Resources.handle(
      p,
      state.baseUrl(p.name),
      {
        method: req.method,
        rest: safeDecodePath(rest),
        search: new URLSearchParams(search),
        rawSearch: search,
        accept: header(req, "accept"),
        authorization: header(req, "authorization")
      },
      info
    )
    return toResponse(reply)
  })

const safeDecodePath = (s: string) => {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

const methodNotAllowed = (allow: string) =>
  toResponse(json(405, { error: "invalid_request", error_description: `Use ${allow}.` }, { allow }))

const authorizeHandler = (state: ServerState) =>
  Effect.gen(function* () {
    const p = yield* CurrentPlatform
    const req = yield* HttpServerRequest.HttpServerRequest
    if (req.method !== "GET") return methodNotAllowed("GET")
    return toResponse(OAuth.authorize(p, splitUrl(req.url).search.slice(1), state.centralOrigin))
  })

const loginPageHandler = Effect.map(CurrentPlatform, (p) => toResponse(OAuth.loginPage(p)))

/** A route that exists only on a platform whose `signIn` dialect is `signIn`; elsewhere the 404 of an unknown path. */
const onlyWhenSignIn = <E, R>(
  signIn: Dialect["signIn"],
  handler: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>
) =>
  Effect.flatMap(CurrentPlatform, (p) =>
    p.dialect.signIn === signIn ? handler : Effect.succeed(toResponse(notFoundXml()))
  )

/** The Arlo surface of every platform. */
export const platformRouter = (state: ServerState) =>
  HttpRouter.empty.pipe(
    HttpRouter.all("/:platform/api/2012-02-01/auth/resources", resourcesHandler(state)),
    HttpRouter.all("/:platform/api/2012-02-01/auth/resources/*", resourcesHandler(state)),
    HttpRouter.all("/:platform/oauth/connect/authorize", authorizeHandler(state)),
    HttpRouter.all(
      "/:platform/oauth/connect/authorize/callback",
      onlyWhenSignIn("identityserver4", authorizeHandler(state))
    ),
    HttpRouter.all("/:platform/oauth/account/login", onlyWhenSignIn("identityserver3", loginPageHandler)),
    HttpRouter.all("/:platform/Account/Login", onlyWhenSignIn("identityserver4", loginPageHandler)),
    HttpRouter.all("/:platform/oauth/interaction/:uid", onlyWhenSignIn("oidc-provider", loginPageHandler)),
    HttpRouter.all(
      "/:platform/oauth/connect/token",
      Effect.gen(function* () {
        const p = yield* CurrentPlatform
        const info = yield* CurrentInfo
        const req = yield* HttpServerRequest.HttpServerRequest
        if (req.method !== "POST") return methodNotAllowed("POST")
        const form = yield* readForm(req)
        return toResponse(OAuth.token(p, state.baseUrl(p.name), header(req, "authorization"), form, info))
      })
    ),
    HttpRouter.all(
      "/:platform/oauth/connect/userinfo",
      Effect.gen(function* () {
        const p = yield* CurrentPlatform
        const info = yield* CurrentInfo
        const req = yield* HttpServerRequest.HttpServerRequest
        if (req.method !== "GET" && req.method !== "POST") return methodNotAllowed("GET, POST")
        return toResponse(OAuth.userinfo(p, header(req, "authorization"), info))
      })
    ),
    HttpRouter.all(
      "/:platform/oauth/connect/revocation",
      Effect.gen(function* () {
        const p = yield* CurrentPlatform
        const info = yield* CurrentInfo
        const req = yield* HttpServerRequest.HttpServerRequest
        if (req.method !== "POST") return methodNotAllowed("POST")
        const form = yield* readForm(req)
        return toResponse(OAuth.revocation(p, header(req, "authorization"), form, info))
      })
    ),
    HttpRouter.get(
      "/:platform/oauth/.well-known/openid-configuration",
      Effect.gen(function* () {
        const p = yield* CurrentPlatform
        return toResponse(OAuth.discovery(p, state.baseUrl(p.name)) ?? notFoundXml())
      })
    )
  )

/** The server-wide admin routes (JSON, never journalled). */
export const adminRouter = (state: ServerState) =>
  HttpRouter.empty.pipe(
    HttpRouter.get(
      "/__admin/journal",
      adminJson(() => ({
        entries: state.journal,
        peakInFlight: Object.fromEntries([...state.platforms.values()].map((p) => [p.name, p.peakInFlight]))
      }))
    ),
    HttpRouter.del(
      "/__admin/journal",
      adminJson(() => {
        clearJournal(state)
        return undefined
      })
    ),
    HttpRouter.get(
      "/__admin/platforms",
      adminJson(() => ({ platforms: platformsView(state) }))
    ),
    HttpRouter.patch(
      "/__admin/platforms/:p",
      withBody(state, (body, params) => {
        applyPlatformPatch(state, params.p ?? "", body)
        return { ok: true }
      })
    ),
    HttpRouter.patch(
      "/__admin/platforms/:p/users/:username",
      withBody(state, (body, params) => {
        applyUserPatch(state, params.p ?? "", safeDecodePath(params.username ?? ""), body)
        return { ok: true }
      })
    ),
    HttpRouter.patch(
      "/__admin/platforms/:p/clients/:clientId",
      withBody(state, (body, params) => {
        applyClientPatch(state, params.p ?? "", safeDecodePath(params.clientId ?? ""), body)
        return { ok: true }
      })
    ),
    HttpRouter.post(
      "/__admin/platforms/:p/oauth/consent",
      Effect.gen(function* () {
        const req = yield* HttpServerRequest.HttpServerRequest
        const params = yield* HttpRouter.params
        const body = yield* jsonBody(req)
        return yield* Effect.sync(() => {
          try {
            const p = platformOf(state, params.p ?? "")
            if (typeof body === "symbol") throw new PatchError(400, "the body is not valid JSON")
            return toResponse(OAuth.consent(p, decodeOrThrow(Consent, body, "consent")))
          } catch (e) {
            if (e instanceof PatchError) {
              return toResponse(json(e.status, { error: "invalid_request", message: e.message }))
            }
            throw e
          }
        })
      })
    )
  )

export const clearJournal = (state: ServerState) => {
  state.journal = []
  for (const p of state.platforms.values()) p.peakInFlight = p.inFlight
}

// ---------------------------------------------------------------------------------------------------
// The envelope: journal, in-flight, latency, rate limit, faults

interface Active {
  latencyMs: number
  status?: number
  retryAfter?: number
  reset?: boolean
  truncate?: boolean
  malformedXml?: boolean
  html?: boolean
  trickleMs?: number
  trickleBytes?: number
  redirectLoop?: boolean
  oversizeBytes?: number
  names: Array<string>
}

const selectFaults = (p: PlatformState, method: string, rel: string): Active | undefined => {
  let active: Active | undefined
  for (const f of p.faults) {
    const r = f.rule
    if (r.method !== undefined && r.method.toUpperCase() !== method) continue
    if (!f.pattern.test(rel)) continue
    f.matched++
    if (f.matched <= r.after) continue
    if (r.times !== undefined && f.affected >= r.times) continue
    f.affected++
    const a: Active = active ?? { latencyMs: 0, names: [] }
    a.latencyMs += (r.latencyMs ?? 0) + (r.jitterMs ? p.rng.int(0, r.jitterMs) : 0)
    for (const k of ["status", "retryAfter", "trickleMs", "trickleBytes", "oversizeBytes"] as const) {
      if (r[k] !== undefined) a[k] = r[k]
    }
    for (const k of ["reset", "truncate", "malformedXml", "html", "redirectLoop"] as const) {
      if (r[k] === true) a[k] = true
    }
    a.names.push(r.match)
    active = a
  }
  return active
}

const faultName = (a: Active): string => {
  const parts: Array<string> = []
  if (a.latencyMs > 0) parts.push("latency")
  for (const k of [
    "reset",
    "status",
    "redirectLoop",
    "html",
    "malformedXml",
    "oversizeBytes",
    "truncate",
    "trickleMs"
  ] as const) {
    if (a[k] !== undefined && a[k] !== false) parts.push(k)
  }
  return parts.join("+")
}

const faultReply = (a: Active, pathWithQuery: string): Reply | undefined => {
  if (a.status !== undefined) {
    return apiException(
      a.status,
      codeFor(a.status),
      `Simulated fault: ${a.status}.`,
      a.retryAfter === undefined ? {} : { "retry-after": String(a.retryAfter) }
    )
  }
  if (a.redirectLoop) {
    return { status: 302, headers: { location: pathWithQuery, "content-type": XML }, body: "" }
  }
  if (a.html) {
    return html(
      200,
      "<!DOCTYPE html>\n<html><head><title>Service maintenance</title></head><body><h1>We'll be back soon</h1><p>The platform is undergoing maintenance.</p></body></html>\n"
    )
  }
  if (a.malformedXml) {
    return {
      status: 200,
      headers: { "content-type": XML },
      body: `${XML_DECL}<Events>\n  <Link rel="self" type="application/xml" href="broken>\n  <Event><EventID>1</Event>\n`
    }
  }
  return undefined
}

const sleep = (ms: number) => (ms > 0 ? Effect.sleep(ms) : Effect.void)

const writeChunk = (res: Http.ServerResponse, chunk: Uint8Array | string) =>
  Effect.async<void>((resume) => {
    if (res.destroyed) return resume(Effect.void)
    const ok = res.write(chunk, () => resume(Effect.void))
    void ok
  })

const oversize = (res: Http.ServerResponse, bytes: number, isHead: boolean) =>
  Effect.gen(function* () {
    res.writeHead(200, { "content-type": XML, "content-length": String(bytes) })
    if (isHead) {
      res.end()
      return
    }
    const open = "<Events>"
    const close = "</Events>"
    const chunkSize = 64 * 1024
    let remaining = bytes
    const head = open.slice(0, Math.min(open.length, remaining))
    yield* writeChunk(res, head)
    remaining -= head.length
    const filler = " ".repeat(chunkSize)
    while (remaining > close.length && !res.destroyed) {
      const n = Math.min(chunkSize, remaining - close.length)
      yield* writeChunk(res, n === chunkSize ? filler : filler.slice(0, n))
      remaining -= n
    }
    if (!res.destroyed) res.end(close.slice(close.length - remaining))
  })

const bodyBytes = (response: HttpServerResponse.HttpServerResponse): Uint8Array => {
  const body = response.body
  if (body._tag === "Uint8Array") return body.body
  return new Uint8Array()
}

const rawHeaders = (response: HttpServerResponse.HttpServerResponse, length: number) => {
  const headers: Record<string, string> = { ...response.headers }
  const body = response.body
  if (body._tag === "Uint8Array" && headers["content-type"] === undefined) headers["content-type"] = body.contentType
  headers["content-length"] = String(length)
  return headers
}

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

/** Wraps the router with the platform envelope and the 404 fallback. */
export const app = (state: ServerState) => {
  const routes = platformRouter(state).pipe(
    Effect.catchTag("RouteNotFound", () => Effect.succeed(toResponse(notFoundXml())))
  )
  const admin = adminRouter(state).pipe(
    Effect.catchTag("RouteNotFound", () => Effect.succeed(toResponse(json(404, { error: "not_found" }))))
  )
  return Effect.gen(function* () {
    const req = yield* HttpServerRequest.HttpServerRequest
    const { pathname, search } = splitUrl(req.url)
    const slash = pathname.indexOf("/", 1)
    const first = pathname.slice(1, slash === -1 ? undefined : slash)
    if (first === "__admin") return yield* admin
    const central = centralPlatform(state, req, pathname, search)
    const p = central ?? state.platforms.get(first)
    if (p === undefined) return toResponse(notFoundXml())
    const handler = central === undefined ? routes : Effect.succeed(toResponse(OAuth.loginPage(p)))

    const started = performance.now()
    const at = new Date().toISOString()
    const info: RequestInfo = { credentials: "none" }
    const method = req.method
    const rel = central !== undefined ? pathname : slash === -1 ? "/" : pathname.slice(slash)
    const isHead = method === "HEAD"
    let recorded = false
    const record = (status: number, fault?: string) => {
      if (recorded) return
      recorded = true
      state.record({
        at,
        platform: p.name,
        method,
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
    p.inFlight++
    if (p.inFlight > p.peakInFlight) p.peakInFlight = p.inFlight

    const run = Effect.gen(function* () {
      yield* sleep(state.latencyMs)
      if (p.takeRequest(Date.now())) {
        const r = rateLimited(p.perMinute)
        record(r.status)
        return toResponse(r)
      }
      const active = selectFaults(p, method, rel)
      if (active === undefined) {
        const exit = yield* Effect.exit(
          handler.pipe(Effect.provideService(CurrentPlatform, p), Effect.provideService(CurrentInfo, info))
        )
        record(Exit.isSuccess(exit) ? exit.value.status : 500)
        return yield* exit
      }
      const name = faultName(active)
      yield* sleep(active.latencyMs)
      const res = NodeHttpServerRequest.toServerResponse(req)
      if (active.reset) {
        record(0, name)
        res.socket?.destroy()
        return yield* Effect.interrupt
      }
      if (active.oversizeBytes !== undefined && active.status === undefined) {
        record(200, name)
        yield* oversize(res, active.oversizeBytes, isHead)
        if (res.destroyed && !res.writableEnded) return yield* Effect.interrupt
        return HttpServerResponse.empty()
      }
      const direct = faultReply(active, `/${p.name}${rel}${search}`)
      const response =
        direct !== undefined
          ? toResponse(direct)
          : yield* handler.pipe(Effect.provideService(CurrentPlatform, p), Effect.provideService(CurrentInfo, info))
      record(response.status, name)
      if (!active.truncate && active.trickleMs === undefined) return response
      const bytes = bodyBytes(response)
      res.writeHead(response.status, rawHeaders(response, bytes.length))
      if (isHead) {
        res.end()
        return response
      }
      if (active.truncate) {
        yield* writeChunk(res, bytes.subarray(0, Math.floor(bytes.length / 2)))
        res.socket?.destroy()
        return yield* Effect.interrupt
      }
      const size = active.trickleBytes ?? 64
      for (let i = 0; i < bytes.length && !res.destroyed; i += size) {
        if (i > 0) yield* sleep(active.trickleMs ?? 0)
        yield* writeChunk(res, bytes.subarray(i, i + size))
      }
      if (res.destroyed) return yield* Effect.interrupt
      res.end()
      return response
    })
    return yield* run.pipe(
      Effect.onExit((exit) =>
        Effect.sync(() => {
          p.inFlight--
          if (Exit.isFailure(exit)) record(0)
        })
      )
    )
  })
}
