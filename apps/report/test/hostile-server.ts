/**
 * A hostile platform on loopback for the report's hostile-server suite: one node:http server on
 * 127.0.0.1 (random port) that plays a different behaviour per path prefix. The auditor is given
 * `http://127.0.0.1:PORT/{behaviour}~{tag}` as its base URL and appends the Auth API and OAuth paths;
 * the tag tells one run from another in the record of requests. Each behaviour answers the routes it
 * cares about and leaves the rest to an Arlo-shaped default (a Basic challenge with an ApiException).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo, Socket } from "node:net"
import { gzipSync } from "node:zlib"

export const RESOURCES = "/api/2012-02-01/auth/resources/"

/** One request the server received. */
export interface Seen {
  /** The first path segment (behaviour and tag, `other~tag` for the cross-origin target). */
  readonly segment: string
  readonly method: string
  /** The path after the segment. */
  readonly path: string
  readonly query: string
  readonly host: string
  readonly authorization: string | null
  readonly acceptEncoding: string | null
  readonly at: number
}

/** What a behaviour's handler gets. */
export interface Exchange {
  readonly req: IncomingMessage
  readonly res: ServerResponse
  /** The path after the behaviour's segment. */
  readonly path: string
  readonly url: URL
  /** `http://127.0.0.1:PORT/{segment}`: the base URL the auditor was given. */
  readonly base: string
  /** The tag of the run (after `~`). */
  readonly tag: string
  readonly port: number
  /** The scheme of the Authorization header (`basic`, `bearer`), or null. */
  readonly auth: string | null
}

export type Handler = (x: Exchange) => void

/** The routes a behaviour may take over; any other falls back to {@link arloDefault}. */
export interface Behaviour {
  /** The Auth API root without credentials. */
  readonly root?: Handler
  /** The Auth API root with Basic credentials (the sign-in). */
  readonly signIn?: Handler
  /** Any Auth API request with a Bearer token. */
  readonly bearer?: Handler
  /** `…/resources/contacts/?filter=…` and anything else under the Auth API. */
  readonly resources?: Handler
  readonly authorize?: Handler
  readonly token?: Handler
  readonly openid?: Handler
  /** Anything else. */
  readonly other?: Handler
}

export const xmlEscape = (s: string): string =>
  s.replace(/[&<>"]/g, (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot" }[c]};`)

/** An ApiException document (code and message escaped for XML, nothing else). */
export const apiException = (code: string, message: string): string =>
  `<?xml version="1.0" encoding="utf-8"?><ApiException><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message></ApiException>`

/** Arlo's answer to a request without (or with refused) credentials. */
export const challenge = (res: ServerResponse, realm = "Arlo", message = "Authorization has been denied."): void => {
  res.writeHead(401, {
    "WWW-Authenticate": `Basic realm="${realm}"`,
    "Content-Type": "application/xml; charset=utf-8"
  })
  res.end(apiException("Unauthorized", message))
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8" })
  res.end(JSON.stringify(body))
}

/** The default of every route: what a platform that refuses everything answers. */
export const arloDefault: Required<Behaviour> = {
  root: ({ res }) => challenge(res),
  signIn: ({ res }) => challenge(res),
  bearer: ({ res }) => {
    res.writeHead(401, {
      "WWW-Authenticate": 'Bearer error="invalid_token"',
      "Content-Type": "application/xml; charset=utf-8"
    })
    res.end(apiException("Unauthorized", "Authorization has been denied."))
  },
  resources: ({ res }) => challenge(res),
  authorize: ({ res }) => {
    res.writeHead(302, { Location: "/account/signin?returnUrl=%2Foauth%2Fconnect%2Fauthorize" })
    res.end()
  },
  token: ({ req, res }) => {
    req.resume()
    json(res, 400, { error: "invalid_grant" })
  },
  openid: ({ res }) => json(res, 404, { error: "not_found" }),
  other: ({ res }) => {
    res.writeHead(404, { "Content-Type": "text/plain" })
    res.end("not found")
  }
}

/** Sends status and headers at once, then the body one character every `intervalMs`, until the client goes. */
export const trickleBody = (
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string,
  intervalMs = 1000
): void => {
  res.writeHead(status, headers)
  res.flushHeaders()
  let i = 0
  const timer = setInterval(() => {
    if (i >= body.length) {
      clearInterval(timer)
      res.end()
      return
    }
    res.write(body[i++]!)
  }, intervalMs)
  res.on("close", () => clearInterval(timer))
}

/**
 * Writes a whole raw HTTP response (status line and headers included) to the socket one byte every
 * `intervalMs`: the headers never complete within a short deadline.
 */
export const trickleRaw = (socket: Socket, raw: string, intervalMs = 1000): void => {
  let i = 0
  const timer = setInterval(() => {
    if (i >= raw.length || socket.destroyed) {
      clearInterval(timer)
      socket.destroy()
      return
    }
    socket.write(raw[i++]!)
  }, intervalMs)
  socket.on("close", () => clearInterval(timer))
}

let bomb: Buffer | undefined
/** 50 MB of zeros, gzipped (about 50 kB on the wire). */
export const gzipBomb = (): Buffer => {
  bomb ??= gzipSync(Buffer.alloc(50 * 1024 * 1024), { level: 9 })
  return bomb
}

export interface HostileServer {
  readonly port: number
  /** The base URL of a behaviour for one run. */
  readonly base: (behaviour: string, tag: string) => string
  /** The requests received, optionally only those of one segment (`behaviour~tag`). */
  readonly seen: (segment?: string) => ReadonlyArray<Seen>
  readonly close: () => Promise<void>
}

/** Starts the server with the given behaviours (keyed by name; the segment's part before `~`). */
export const startHostileServer = async (behaviours: Readonly<Record<string, Behaviour>>): Promise<HostileServer> => {
  const seen: Array<Seen> = []
  let port = 0
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1")
    const [, segment = "", ...rest] = url.pathname.split("/")
    const path = `/${rest.join("/")}`
    const authorization = req.headers.authorization ?? null
    seen.push({
      segment,
      method: req.method ?? "",
      path,
      query: url.search,
      host: req.headers.host ?? "",
      authorization,
      acceptEncoding: req.headers["accept-encoding"] ?? null,
      at: Date.now()
    })
    const [name = "", tag = ""] = segment.split("~")
    const b: Behaviour = behaviours[name] ?? {}
    const auth = authorization === null ? null : (authorization.split(" ")[0] ?? "").toLowerCase()
    const x: Exchange = { req, res, path, url, base: `http://127.0.0.1:${port}/${segment}`, tag, port, auth }
    const pick = (route: keyof Behaviour) => (b[route] ?? arloDefault[route])(x)
    if (path === RESOURCES) {
      if (auth === "basic") return pick("signIn")
      if (auth === "bearer") return pick("bearer")
      return pick("root")
    }
    if (path.startsWith(RESOURCES)) return auth === "bearer" ? pick("bearer") : pick("resources")
    if (path === "/oauth/connect/authorize") return pick("authorize")
    if (path === "/oauth/connect/token") return pick("token")
    if (path === "/oauth/.well-known/openid-configuration") return pick("openid")
    return pick("other")
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  port = (server.address() as AddressInfo).port
  return {
    port,
    base: (behaviour, tag) => `http://127.0.0.1:${port}/${behaviour}~${tag}`,
    seen: (segment) => (segment === undefined ? seen : seen.filter((s) => s.segment === segment)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
