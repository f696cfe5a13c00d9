/** The Arlo surface of every platform: the Auth REST API and OAuth 2, under `/{platform}/`. */
import { HttpRouter, HttpServerRequest, type HttpServerResponse } from "@effect/platform"
import { Context, Effect } from "effect"
import type { Dialect } from "../Scenario.js"
import type { RequestInfo } from "./Auth.js"
import { header, notFoundXml, safeDecodePath, splitUrl, toResponse } from "./Http.js"
import * as OAuth from "./OAuth.js"
import { json, type Reply } from "./Reply.js"
import * as Resources from "./Resources.js"
import * as SignIn from "./SignIn.js"
import type { PlatformState, ServerState } from "./State.js"

/** The platform a request is addressed to (provided by the per-request wrapper). */
export class CurrentPlatform extends Context.Tag("@arlo-ready/simulator/CurrentPlatform")<
  CurrentPlatform,
  PlatformState
>() {}
/** What the journal learns about the request's credentials. */
export class CurrentInfo extends Context.Tag("@arlo-ready/simulator/CurrentInfo")<CurrentInfo, RequestInfo>() {}

const readForm = (req: HttpServerRequest.HttpServerRequest) =>
  req.text.pipe(
    Effect.map((t) => new URLSearchParams(t)),
    Effect.orElseSucceed(() => new URLSearchParams())
  )

/**
 * A route of the platform: the reply `serve` makes, or a JSON 405 to a method not in `allow` (every
 * method is served when `allow` is omitted).
 */
const route = <E, R>(
  serve: (p: PlatformState, req: HttpServerRequest.HttpServerRequest, info: RequestInfo) => Effect.Effect<Reply, E, R>,
  allow?: ReadonlyArray<string>
) =>
  Effect.gen(function* () {
    const p = yield* CurrentPlatform
    const info = yield* CurrentInfo
    const req = yield* HttpServerRequest.HttpServerRequest
    if (allow !== undefined && !allow.includes(req.method)) {
      const methods = allow.join(", ")
      return toResponse(
        json(405, { error: "invalid_request", error_description: `Use ${methods}.` }, { allow: methods })
      )
    }
    return toResponse(yield* serve(p, req, info))
  })

const resources = (state: ServerState) =>
  route((p, req, info) => {
    const { pathname, search } = splitUrl(req.url)
    const root = `/${p.name}${Resources.RESOURCES_ROOT}`
    const rest = pathname.startsWith(root) ? pathname.slice(root.length) : ""
    const request = {
      method: req.method,
      rest: safeDecodePath(rest),
      search: new URLSearchParams(search),
      rawSearch: search,
      accept: header(req, "accept"),
      authorization: header(req, "authorization")
    }
    return Effect.succeed(Resources.handle(p, state.baseUrl(p.name), request, info))
  })

const authorize = (state: ServerState) =>
  route(
    (p, req) =>
      Effect.succeed(OAuth.authorize(p, splitUrl(req.url).search.slice(1), state.centralOrigin, state.baseUrl(p.name))),
    ["GET"]
  )

/** The login page, for the pending sign-in its URL names (`?signin=` or the interaction's uid). */
const loginPage = (state: ServerState) =>
  route((p, req) =>
    Effect.map(HttpRouter.params, (params) => {
      const q = new URLSearchParams(splitUrl(req.url).search)
      const returnUrl = q.get("ReturnUrl")
      const id =
        params.uid ??
        (returnUrl === null ? q.get("signin") : SignIn.returnUrlId(returnUrl.slice(returnUrl.indexOf("?") + 1)))
      return SignIn.loginPage(p, id ?? null, `${state.baseUrl(p.name)}${SignIn.SIGN_IN_PATH}`)
    })
  )

/** A route that exists only on a platform whose `signIn` dialect is `signIn`; elsewhere the 404 of an unknown path. */
const onlyWhenSignIn = <E, R>(
  signIn: Dialect["signIn"],
  handler: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>
) =>
  Effect.flatMap(CurrentPlatform, (p) =>
    p.dialect.signIn === signIn ? handler : Effect.succeed(toResponse(notFoundXml()))
  )

/** The token and revocation endpoints: a form and client authentication. */
const clientRoute = (serve: (p: PlatformState, request: OAuth.ClientRequest) => Reply) =>
  route(
    (p, req, info) =>
      Effect.map(readForm(req), (form) => serve(p, { authorization: header(req, "authorization"), form, info })),
    ["POST"]
  )

const routes = (state: ServerState) =>
  HttpRouter.empty.pipe(
    HttpRouter.all("/:platform/api/2012-02-01/auth/resources", resources(state)),
    HttpRouter.all("/:platform/api/2012-02-01/auth/resources/*", resources(state)),
    HttpRouter.all("/:platform/oauth/connect/authorize", authorize(state)),
    HttpRouter.all("/:platform/oauth/connect/authorize/callback", onlyWhenSignIn("identityserver4", authorize(state))),
    HttpRouter.all("/:platform/oauth/account/login", onlyWhenSignIn("identityserver3", loginPage(state))),
    HttpRouter.all("/:platform/Account/Login", onlyWhenSignIn("identityserver4", loginPage(state))),
    HttpRouter.all("/:platform/oauth/interaction/:uid", onlyWhenSignIn("oidc-provider", loginPage(state))),
    HttpRouter.all(
      `/:platform${SignIn.SIGN_IN_PATH}`,
      route(
        (p, req) =>
          Effect.map(readForm(req), (form) => SignIn.submit(p, form, `${state.baseUrl(p.name)}${SignIn.SIGN_IN_PATH}`)),
        ["POST"]
      )
    ),
    HttpRouter.all(
      "/:platform/oauth/connect/token",
      clientRoute((p, request) => OAuth.token(p, state.baseUrl(p.name), request))
    ),
    HttpRouter.all(
      "/:platform/oauth/connect/userinfo",
      route((p, req, info) => Effect.succeed(OAuth.userinfo(p, header(req, "authorization"), info)), ["GET", "POST"])
    ),
    HttpRouter.all(
      "/:platform/oauth/connect/revocation",
      clientRoute((p, request) => OAuth.revocation(p, request) ?? notFoundXml())
    ),
    HttpRouter.get(
      "/:platform/oauth/.well-known/openid-configuration",
      route((p) => Effect.succeed(OAuth.discovery(p, state.baseUrl(p.name)) ?? notFoundXml()))
    )
  )

/** The platform routes, with the XML 404 for any other path. */
export const platformRoutes = (state: ServerState) =>
  routes(state).pipe(Effect.catchTag("RouteNotFound", () => Effect.succeed(toResponse(notFoundXml()))))
