/**
 * Independent OAuth 2 / OpenID servers in front of a simulated platform, so the OAuth checks are tested
 * against servers this repository did not write: `oidc-provider` (a certified OpenID provider) and
 * `@node-oauth/oauth2-server` (a framework-agnostic OAuth 2 library).
 *
 * One loopback `node:http` front server per platform: `/{platform}/oauth/...` (authorize, token, userinfo,
 * discovery) goes to the independent server, the sign-in pages it sends a browser to are served next to
 * it, and everything else (the Auth API under `/{platform}/api/...`) is proxied to the simulator.
 *
 * The only code of ours is the glue each library needs to run (accounts, storage, HTTP plumbing, a
 * sign-in redirect when nobody is signed in). Every protocol decision (client, redirect URI, secret,
 * code, scope, and the status and shape of each answer) is the library's own.
 */
import { generateKeyPairSync } from "node:crypto"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { startSimulator } from "@arlo-ready/simulator"
import OAuth2Server from "@node-oauth/oauth2-server"
import Provider, { type Configuration } from "oidc-provider"
import type { Sim } from "./helpers.js"

/** The client the independent servers register: approved, confidential, one redirect URI. */
export const readyClient = {
  clientId: "independent-ready",
  clientSecret: "independent-ready-secret-5c1e",
  redirectUri: "https://app.example.test/callback",
  /** What the client may request. */
  scopes: ["openid", "profile", "all_claims", "offline_access"]
} as const

/**
 * The scopes the platform knows (Arlo's documented ones, as a scope list of the server's own). A scope
 * among these that the client is not allowed is for the server to refuse or ignore.
 */
export const platformScopes = [
  "openid",
  "profile",
  "offline_access",
  "all_claims",
  "read",
  "write",
  "roles",
  "events",
  "contacts",
  "registrations"
] as const

export type ServerName = "oidc-provider" | "@node-oauth/oauth2-server"

export interface IndependentPlatform {
  readonly server: ServerName
  /** `http://127.0.0.1:PORT` */
  readonly url: string
  /** The platform's base URL, `url/{platform}`. */
  readonly baseUrl: string
  readonly platform: string
  /** The simulator behind the Auth API. */
  readonly sim: Sim
  readonly close: () => Promise<void>
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void

/** What the independent server answers: its own paths, or `null` to leave the request to the simulator. */
type Route = (path: string) => Handler | null

const readBody = (req: http.IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
    req.on("error", reject)
  })

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

/** The sign-in page a browser lands on (the application's part of both libraries: neither ships one). */
const signInPage: Handler = (_req, res) => {
  res.writeHead(200, { "content-type": "text/html; charset=utf-8" })
  res.end(
    '<!doctype html><title>Sign in</title><form method="post"><input name="login"><button>Sign in</button></form>'
  )
}

/** Proxies a request to the simulator, unchanged but for the Host header. */
const proxyTo =
  (sim: Sim): Handler =>
  (req, res) => {
    const { host: _host, ...headers } = req.headers
    const upstream = http.request(
      { host: "127.0.0.1", port: sim.port, method: req.method, path: req.url, headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers)
        up.pipe(res)
      }
    )
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502)
      res.end()
    })
    req.pipe(upstream)
  }

/**
 * Starts the simulator (scenario `ready`) and a front server on 127.0.0.1 with a random port, then lets
 * `build` attach the independent server once the port (and so the issuer) is known.
 */
const front = async (
  server: ServerName,
  build: (origin: string, platform: string) => Promise<Route>
): Promise<IndependentPlatform> => {
  const sim = await startSimulator({ scenario: "ready" })
  const platform = Object.keys(sim.platforms)[0]!
  const toSim = proxyTo(sim)
  let route: Route = () => null
  const httpServer = http.createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://front").pathname
    ;(route(path) ?? toSim)(req, res)
  })
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject)
    httpServer.listen(0, "127.0.0.1", () => resolve())
  })
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`
  route = await build(url, platform)
  let closing: Promise<void> | undefined
  return {
    server,
    url,
    baseUrl: `${url}/${platform}`,
    platform,
    sim,
    close: () => {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          httpServer.close(() => resolve())
          httpServer.closeAllConnections()
        })
        await sim.close()
      })()
      return closing
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// oidc-provider

/** The Arlo (IdentityServer) paths of the provider's routes. */
const routesOf = () => ({
  authorization: "/connect/authorize",
  token: "/connect/token",
  userinfo: "/connect/userinfo",
  revocation: "/connect/revocation",
  jwks: "/connect/jwks"
})

/** What a sign-in test changes in the provider. */
export interface OidcOptions {
  /** Interactions a browser completes (the dev ones), introspection, and these settings. */
  readonly signIn?: { readonly revocation: boolean; readonly codeTtl?: () => number }
  /** Hands the provider over (its token store, for cleaning up what cannot be revoked). */
  readonly onProvider?: (provider: Provider) => void
}

/**
 * `oidc-provider` as the platform's OAuth server: issuer `BASE/oauth`, its routes at the Arlo
 * (IdentityServer) paths under it, mounted at `/{platform}/oauth` with the original URL kept, so that
 * the provider itself computes every URL it answers with. Interactions are the application's: none is
 * completed here (the probes never sign in), so a valid request stops at `/interaction/{uid}`.
 */
export const startOidcProvider = (options: OidcOptions = {}): Promise<IndependentPlatform> =>
  front("oidc-provider", async (origin, platform) => {
    const mount = `/${platform}/oauth`
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
    const configuration: Configuration = {
      clients: [
        {
          client_id: readyClient.clientId,
          client_secret: readyClient.clientSecret,
          redirect_uris: [readyClient.redirectUri],
          // refresh_token too: without it, the provider drops offline_access from every request.
          grant_types: ["authorization_code", "refresh_token"],
          response_types: ["code"],
          token_endpoint_auth_method: "client_secret_basic",
          scope: readyClient.scopes.join(" ")
        }
      ],
      scopes: [...platformScopes],
      claims: { openid: ["sub"], profile: ["name", "email", "preferred_username"] },
      routes: routesOf(),
      features: {
        // A sign-in needs interactions a browser can complete: the library's own (development) pages.
        devInteractions: { enabled: options.signIn !== undefined },
        revocation: { enabled: options.signIn?.revocation ?? true },
        introspection: { enabled: options.signIn !== undefined }
      },
      ...(options.signIn
        ? {
            ttl: { AuthorizationCode: options.signIn.codeTtl ?? (() => 60) },
            routes: { ...routesOf(), introspection: "/connect/introspect" }
          }
        : {}),
      cookies: { keys: ["independent-oidc-provider-cookie-key"] },
      jwks: { keys: [{ ...(privateKey.export({ format: "jwk" }) as object), kid: "independent", use: "sig" }] },
      // The account store: every subject exists and has only its `sub` (no one signs in during an audit).
      findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) })
    }
    const provider = new Provider(`${origin}${mount}`, configuration)
    options.onProvider?.(provider)
    const callback = provider.callback()
    const mounted: Handler = (req, res) => {
      // Mounting as a framework router does: the path below the mount point, the original URL kept
      // (the provider reads the mount path from the two).
      const original = req.url ?? "/"
      ;(req as http.IncomingMessage & { originalUrl?: string }).originalUrl = original
      req.url = original.slice(mount.length) || "/"
      callback(req, res)
    }
    return (path) =>
      path === mount || path.startsWith(`${mount}/`) ? mounted : path.startsWith("/interaction/") ? signInPage : null
  })

// ---------------------------------------------------------------------------------------------------
// @node-oauth/oauth2-server

/** Thrown by the authenticate handler once it has sent the browser to sign in. */
class SignInRequired extends Error {}

/**
 * `@node-oauth/oauth2-server` as the platform's OAuth server. The library needs a model (storage: the
 * clients, codes and tokens) and, for authorize, an authenticate handler that yields the signed-in
 * user; nobody is signed in during an audit, so the handler sends the browser to `/login` (after the
 * library has validated the client and the redirect URI, which it does first). The library has no
 * discovery document: that path answers 404.
 *
 * The model implements no `validateScope`: the library then accepts any scope (its documented
 * default), and deciding otherwise would be a policy of ours, not the server's.
 */
export const startOAuth2Server = (): Promise<IndependentPlatform> =>
  front("@node-oauth/oauth2-server", async (_origin, platform) => {
    const prefix = `/${platform}/oauth`
    const clients = [
      {
        id: readyClient.clientId,
        secret: readyClient.clientSecret as string,
        redirectUris: [readyClient.redirectUri as string],
        grants: ["authorization_code", "refresh_token"]
      }
    ]
    const codes = new Map<string, OAuth2Server.AuthorizationCode>()
    const tokens = new Map<string, OAuth2Server.Token>()
    const model: OAuth2Server.AuthorizationCodeModel = {
      // The library's contract: look the client up by id, or by id and secret when it has one to match.
      getClient: async (clientId, clientSecret) => {
        const c = clients.find((x) => x.id === clientId)
        if (!c || (clientSecret != null && clientSecret !== c.secret)) return null
        return { id: c.id, redirectUris: c.redirectUris, grants: c.grants }
      },
      saveAuthorizationCode: async (code, client, user) => {
        const saved = { ...code, client, user }
        codes.set(code.authorizationCode, saved)
        return saved
      },
      getAuthorizationCode: async (code) => codes.get(code) ?? null,
      revokeAuthorizationCode: async (code) => codes.delete(code.authorizationCode),
      saveToken: async (token, client, user) => {
        const saved = { ...token, client, user }
        tokens.set(token.accessToken, saved)
        return saved
      },
      getAccessToken: async (accessToken) => tokens.get(accessToken) ?? null
    }
    const oauth = new OAuth2Server({ model })
    const authenticateHandler = {
      handle: (request: OAuth2Server.Request, response: OAuth2Server.Response) => {
        const back = `${prefix}/connect/authorize?${new URLSearchParams(request.query ?? {}).toString()}`
        response.redirect(`/login?next=${encodeURIComponent(back)}`)
        throw new SignInRequired()
      }
    }

    const send = (res: http.ServerResponse, response: OAuth2Server.Response, json: boolean) => {
      const headers: Record<string, string> = { ...response.headers }
      const body = json ? JSON.stringify(response.body ?? {}) : ""
      if (json) headers["content-type"] = "application/json; charset=utf-8"
      res.writeHead(response.status ?? 200, headers)
      res.end(body)
    }
    /** The page for an error the library raises before it trusts the redirect URI (it redirects to none). */
    const errorPage = (res: http.ServerResponse, e: unknown) => {
      const err = e as { code?: number; name?: string; message?: string }
      res.writeHead(typeof err.code === "number" ? err.code : 500, { "content-type": "text/html; charset=utf-8" })
      res.end(
        `<!doctype html><title>${escapeHtml(err.name ?? "error")}</title><h1>${escapeHtml(err.name ?? "error")}</h1><p>${escapeHtml(err.message ?? "")}</p>`
      )
    }
    const requestOf = (req: http.IncomingMessage, body: Record<string, string>) => {
      const query = Object.fromEntries(new URL(req.url ?? "/", "http://front").searchParams)
      return new OAuth2Server.Request({
        headers: req.headers as Record<string, string>,
        method: req.method ?? "GET",
        query,
        body
      })
    }
    const formBody = async (req: http.IncomingMessage) => Object.fromEntries(new URLSearchParams(await readBody(req)))

    const authorize: Handler = (req, res) => {
      const response = new OAuth2Server.Response()
      oauth.authorize(requestOf(req, {}), response, { authenticateHandler }).then(
        () => send(res, response, false),
        // A redirect the library (or the sign-in step) set goes out as set; otherwise the library refused
        // before it would redirect anywhere, and the resource owner is shown its error.
        (e) => (response.get("location") ? send(res, response, false) : errorPage(res, e))
      )
    }
    const token: Handler = (req, res) => {
      const response = new OAuth2Server.Response()
      formBody(req)
        .then((body) => oauth.token(requestOf(req, body), response))
        .then(
          () => send(res, response, true),
          () => send(res, response, true)
        )
    }
    const userinfo: Handler = (req, res) => {
      const response = new OAuth2Server.Response()
      const body = req.method === "POST" ? formBody(req) : Promise.resolve({})
      body
        .then((b) => oauth.authenticate(requestOf(req, b), response))
        .then(
          (t) => {
            response.body = { sub: String((t.user as { id?: unknown }).id ?? "") }
            send(res, response, true)
          },
          (e: { code?: number; name?: string; message?: string }) => {
            response.status = e.code ?? 500
            response.body = { error: e.name, error_description: e.message }
            send(res, response, true)
          }
        )
    }
    const notFound: Handler = (_req, res) => {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" })
      res.end("Not Found")
    }
    return (path) => {
      if (path === "/login") return signInPage
      if (path !== prefix && !path.startsWith(`${prefix}/`)) return null
      switch (path.slice(prefix.length)) {
        case "/connect/authorize":
          return authorize
        case "/connect/token":
          return token
        case "/connect/userinfo":
          return userinfo
        default:
          return notFound
      }
    }
  })

/** Both independent servers, for `describe.each`. */
export const independentServers: ReadonlyArray<{ name: ServerName; start: () => Promise<IndependentPlatform> }> = [
  { name: "oidc-provider", start: startOidcProvider },
  { name: "@node-oauth/oauth2-server", start: startOAuth2Server }
]
