/**
 * The server-wide admin routes (`/__admin/`, JSON, never journalled) and the patches they and the
 * `SimulatorHandle` apply to the state.
 */
import { HttpRouter, HttpServerRequest } from "@effect/platform"
import { Data, Effect, ParseResult, Schema } from "effect"
import { ClientStatus, Dialect, Fault, knownScopes, MfaSetting, Role } from "../Scenario.js"
import { safeDecodePath, toResponse } from "./Http.js"
import * as OAuth from "./OAuth.js"
import { json, type Reply } from "./Reply.js"
import { mergeDialect, type PlatformState, type ServerState } from "./State.js"

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
  ),
  /** How long authorization codes issued from now on live. */
  codeLifetimeSeconds: Schema.optional(Schema.Int.pipe(Schema.nonNegative()))
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
export class PatchError extends Data.TaggedError("PatchError")<{
  readonly status: 400 | 404
  readonly message: string
}> {}

const decode = <A, I>(schema: Schema.Schema<A, I>, input: unknown, what: string): Effect.Effect<A, PatchError> =>
  Schema.decodeUnknown(schema, { onExcessProperty: "error" })(input).pipe(
    Effect.mapError((error) => {
      const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
      const where = issue?.path.join(".") ?? ""
      const message = `${what}: ${where === "" ? "" : `${where}: `}${issue?.message ?? "invalid"}`
      return new PatchError({ status: 400, message })
    })
  )

const platformOf = (state: ServerState, name: string): Effect.Effect<PlatformState, PatchError> => {
  const p = state.platforms.get(name)
  return p === undefined ? new PatchError({ status: 404, message: `unknown platform "${name}"` }) : Effect.succeed(p)
}

/** Applies a platform patch; fails on an unknown platform or a patch that does not decode. */
export const applyPlatformPatch = (state: ServerState, name: string, input: unknown) =>
  Effect.gen(function* () {
    const p = yield* platformOf(state, name)
    const patch = yield* decode(PlatformPatch, input, "platform patch")
    if (patch.mfaSetting !== undefined) p.mfaSetting = patch.mfaSetting
    if (patch.dialect !== undefined) p.dialect = mergeDialect(p.dialect, patch.dialect)
    if (patch.faults !== undefined) p.setFaults(patch.faults)
    if (patch.rateLimit !== undefined)
      p.setRateLimit(patch.rateLimit.perMinute ?? p.perMinute, patch.rateLimit.spent ?? 0)
    if (patch.codeLifetimeSeconds !== undefined) p.codeLifetimeSeconds = patch.codeLifetimeSeconds
  })

/** A user or client of a platform, or the 404 that names it. */
const memberOf = <A>(
  state: ServerState,
  platform: string,
  what: "user" | "client",
  key: string,
  get: (p: PlatformState) => A | undefined
): Effect.Effect<A, PatchError> =>
  Effect.flatMap(platformOf(state, platform), (p) => {
    const member = get(p)
    if (member !== undefined) return Effect.succeed(member)
    return new PatchError({ status: 404, message: `unknown ${what} "${key}" on platform "${platform}"` })
  })

/** Applies a user patch; fails on an unknown platform or user, or a patch that does not decode. */
export const applyUserPatch = (state: ServerState, platform: string, username: string, input: unknown) =>
  Effect.gen(function* () {
    const u = yield* memberOf(state, platform, "user", username, (p) => p.user(username))
    const patch = yield* decode(UserPatch, input, "user patch")
    if (patch.roles !== undefined) u.roles = [...patch.roles]
    if (patch.password !== undefined) u.password = patch.password
    if (patch.mfaEnabled !== undefined) u.mfaEnabled = patch.mfaEnabled
    if (patch.accountType !== undefined) u.accountType = patch.accountType
    if (patch.locked !== undefined) u.locked = patch.locked
  })

/** Applies a client patch; fails on an unknown platform or client, or a patch that does not decode. */
export const applyClientPatch = (state: ServerState, platform: string, clientId: string, input: unknown) =>
  Effect.gen(function* () {
    const c = yield* memberOf(state, platform, "client", clientId, (p) => p.clients.get(clientId))
    const patch = yield* decode(ClientPatch, input, "client patch")
    if (patch.status !== undefined) c.status = patch.status
    if (patch.clientSecret !== undefined) c.clientSecret = patch.clientSecret
    if (patch.redirectUris !== undefined) c.redirectUris = [...patch.redirectUris]
    if (patch.allowedScopes !== undefined) c.allowedScopes = [...patch.allowedScopes]
  })

/** Clears the journal and resets the in-flight peaks. */
export const clearJournal = (state: ServerState) => {
  state.journal = []
  for (const p of state.platforms.values()) p.peakInFlight = p.inFlight
}

/** The peak number of requests in flight per platform. */
export const peakInFlight = (state: ServerState): Record<string, number> =>
  Object.fromEntries([...state.platforms.values()].map((p) => [p.name, p.peakInFlight]))

const platformsView = (state: ServerState) =>
  [...state.platforms.values()].map((p) => ({
    name: p.name,
    baseUrl: state.baseUrl(p.name),
    mfaSetting: p.mfaSetting,
    dialect: p.dialect,
    audit: p.audit
  }))

/** The request's JSON body: `{}` when it is empty or cannot be read; a 400 `PatchError` when it is not JSON. */
const jsonBody = Effect.flatMap(HttpServerRequest.HttpServerRequest, (req) =>
  req.text.pipe(
    Effect.orElseSucceed(() => ""),
    Effect.flatMap((text) =>
      text.trim() === ""
        ? Effect.succeed<unknown>({})
        : Effect.try({
            try: (): unknown => JSON.parse(text),
            catch: () => new PatchError({ status: 400, message: "the body is not valid JSON" })
          })
    )
  )
)

/** An admin answer: the reply, or a refusal as `{ error: "invalid_request", message }`. */
const answer = <R>(reply: Effect.Effect<Reply, PatchError, R>) =>
  reply.pipe(
    Effect.catchTag("PatchError", (e) =>
      Effect.succeed(json(e.status, { error: "invalid_request", message: e.message }))
    ),
    Effect.map(toResponse)
  )

/** A `PATCH` route: decodes the body, applies it, answers `{ ok: true }`. */
const patchRoute = (
  apply: (params: Readonly<Record<string, string | undefined>>, body: unknown) => Effect.Effect<void, PatchError>
) =>
  answer(
    Effect.gen(function* () {
      const params = yield* HttpRouter.params
      yield* apply(params, yield* jsonBody)
      return json(200, { ok: true })
    })
  )

const consentRoute = (state: ServerState) =>
  answer(
    Effect.gen(function* () {
      const params = yield* HttpRouter.params
      // An unknown platform answers 404 before a body that is not JSON answers 400.
      const body = yield* Effect.either(jsonBody)
      const p = yield* platformOf(state, params.p ?? "")
      return OAuth.consent(p, yield* decode(Consent, yield* body, "consent"))
    })
  )

const adminRouter = (state: ServerState) =>
  HttpRouter.empty.pipe(
    HttpRouter.get(
      "/__admin/journal",
      answer(Effect.sync(() => json(200, { entries: state.journal, peakInFlight: peakInFlight(state) })))
    ),
    HttpRouter.del(
      "/__admin/journal",
      answer(
        Effect.sync((): Reply => {
          clearJournal(state)
          return { status: 204, headers: {}, body: "" }
        })
      )
    ),
    HttpRouter.get("/__admin/platforms", answer(Effect.sync(() => json(200, { platforms: platformsView(state) })))),
    HttpRouter.patch(
      "/__admin/platforms/:p",
      patchRoute((params, body) => applyPlatformPatch(state, params.p ?? "", body))
    ),
    HttpRouter.patch(
      "/__admin/platforms/:p/users/:username",
      patchRoute((params, body) => applyUserPatch(state, params.p ?? "", safeDecodePath(params.username ?? ""), body))
    ),
    HttpRouter.patch(
      "/__admin/platforms/:p/clients/:clientId",
      patchRoute((params, body) => applyClientPatch(state, params.p ?? "", safeDecodePath(params.clientId ?? ""), body))
    ),
    HttpRouter.post("/__admin/platforms/:p/oauth/consent", consentRoute(state)),
    HttpRouter.get(
      "/__admin/platforms/:p/oauth/tokens",
      answer(
        Effect.flatMap(HttpRouter.params, (params) =>
          Effect.map(platformOf(state, params.p ?? ""), (p) => json(200, { live: p.liveTokens() }))
        )
      )
    ),
    HttpRouter.post(
      "/__admin/platforms/:p/oauth/expire-codes",
      answer(
        Effect.flatMap(HttpRouter.params, (params) =>
          Effect.map(platformOf(state, params.p ?? ""), (p) => json(200, { expired: p.expireCodes() }))
        )
      )
    )
  )

/** The admin routes, with a JSON 404 for any other path under `/__admin/`. */
export const admin = (state: ServerState) =>
  adminRouter(state).pipe(
    Effect.catchTag("RouteNotFound", () => Effect.succeed(toResponse(json(404, { error: "not_found" }))))
  )
