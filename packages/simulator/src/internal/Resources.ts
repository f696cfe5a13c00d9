/** The Auth REST API: content negotiation, Basic and Bearer authentication, RBAC and XML resources. */
import { type CollectionMeta, collectionByName, collections, type Entity } from "./Dataset.js"
import * as Query from "./Query.js"
import { apiException, escapeXml, html, type Reply, xml } from "./Reply.js"
import type { PlatformState, UserState } from "./State.js"

export const RESOURCES_ROOT = "/api/2012-02-01/auth/resources/"

/** What the journal learns about a request's credentials (never the credentials themselves). */
export interface RequestInfo {
  credentials: "none" | "basic" | "bearer" | "client"
  username?: string
  clientId?: string
}

export interface ResourceRequest {
  readonly method: string
  /** The path after `…/auth/resources/`, e.g. `events/12/`. */
  readonly rest: string
  readonly search: URLSearchParams
  readonly rawSearch: string
  readonly accept: string | undefined
  readonly authorization: string | undefined
}

type Access = "full" | "limited"

interface Identity {
  readonly user: UserState
  readonly access: Access
  /** `undefined`: Basic auth, no scope restriction. */
  readonly scopes: ReadonlySet<string> | undefined
}

export const BASIC_CHALLENGE = 'Basic realm="Arlo"'
export const BEARER_INVALID = 'Bearer error="invalid_token"'
export const OPAQUE_MESSAGE = "Authentication failed. The credentials supplied are invalid."
export const MFA_MESSAGE =
  "Users with MFA enabled are not able to authenticate using the API. Use an Integration Account, or turn MFA off for this user."
export const MFA_FORBIDDEN_MESSAGE =
  "Users with multi-factor authentication (MFA) enabled are not able to access the API."
export const LOCKED_MESSAGE = "The user account is locked. An administrator must unlock it before it can sign in."
export const NOT_FOUND_MESSAGE = "The requested resource was not found."

const opaque401 = () => apiException(401, "Unauthorized", OPAQUE_MESSAGE, { "www-authenticate": BASIC_CHALLENGE })
const invalidToken = () =>
  apiException(401, "Unauthorized", "The access token is missing, invalid, expired or revoked.", {
    "www-authenticate": BEARER_INVALID
  })
const notFound = () => apiException(404, "NotFound", NOT_FOUND_MESSAGE)
const forbidden = (message: string) => apiException(403, "Forbidden", message)

const acceptable = new Set(["application/xml", "text/xml", "application/*", "*/*"])

/** `false` when an `Accept` header is present and names no type the Auth API can produce. */
export const acceptsXml = (accept: string | undefined): boolean => {
  if (accept === undefined || accept.trim() === "") return true
  return accept
    .split(",")
    .map((part) => part.split(";")[0]!.trim().toLowerCase())
    .some((t) => acceptable.has(t))
}

/** Decodes `Basic base64(user:pass)`; `undefined` when malformed. */
export const parseBasic = (header: string): { username: string; password: string } | undefined => {
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header)
  if (!m) return undefined
  const decoded = Buffer.from(m[1]!, "base64").toString("utf8")
  const colon = decoded.indexOf(":")
  if (colon <= 0) return undefined
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

export const parseBearer = (header: string | undefined): string | undefined => {
  if (header === undefined) return undefined
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return m ? m[1] : undefined
}

const accessOf = (p: PlatformState, u: UserState): Access => {
  if (u.roles.includes("Administrator")) return "full"
  if (u.roles.includes("Presenter")) return "limited"
  return p.dialect.apiUserOnly === "full" ? "full" : "limited"
}

const authenticate = (p: PlatformState, req: ResourceRequest, info: RequestInfo): Identity | Reply => {
  const header = req.authorization
  if (header !== undefined && /^Bearer(\s|$)/i.test(header)) {
    info.credentials = "bearer"
    const token = parseBearer(header)
    const known = token === undefined ? undefined : p.tokens.get(token)
    if (known !== undefined) info.username = known.username
    const grant = token === undefined ? undefined : p.validToken(token)
    if (grant === undefined) return invalidToken()
    const u = grant.user
    if (u.locked) {
      return p.dialect.lockedFailure === "explicit"
        ? apiException(401, "AccountLocked", LOCKED_MESSAGE, { "www-authenticate": BEARER_INVALID })
        : invalidToken()
    }
    if (!u.roles.includes("API User")) {
      return p.dialect.noApiAccessStatus === 403
        ? forbidden("The user does not have access to the API: the API User role is required.")
        : invalidToken()
    }
    return { user: u, access: accessOf(p, u), scopes: new Set(grant.scopes) }
  }
  if (header === undefined) return opaque401()
  const creds = parseBasic(header)
  if (/^Basic(\s|$)/i.test(header)) info.credentials = "basic"
  if (creds === undefined) return opaque401()
  info.username = creds.username
  const u = p.user(creds.username)
  if (u === undefined || u.password !== creds.password) return opaque401()
  if (u.locked) {
    return p.dialect.lockedFailure === "explicit"
      ? apiException(401, "AccountLocked", LOCKED_MESSAGE, { "www-authenticate": BASIC_CHALLENGE })
      : opaque401()
  }
  if (p.mfaBlocked(u)) {
    switch (p.dialect.mfaFailure) {
      case "explicit":
        return apiException(401, "MfaEnabled", MFA_MESSAGE, { "www-authenticate": BASIC_CHALLENGE })
      case "forbidden":
        return forbidden(MFA_FORBIDDEN_MESSAGE)
      case "opaque":
        return opaque401()
    }
  }
  if (!u.roles.includes("API User")) {
    return p.dialect.noApiAccessStatus === 403
      ? forbidden("The user does not have access to the API: the API User role is required.")
      : opaque401()
  }
  return { user: u, access: accessOf(p, u), scopes: undefined }
}

type Route =
  | { readonly _tag: "root" }
  | { readonly _tag: "collection"; readonly meta: CollectionMeta }
  | { readonly _tag: "instance"; readonly meta: CollectionMeta; readonly id: number }
  | { readonly _tag: "roles"; readonly id: number }

const parseRoute = (rest: string): Route | undefined => {
  const segs = rest.split("/").filter((s, i, all) => s !== "" || i < all.length - 1)
  if (segs.length === 0 || (segs.length === 1 && segs[0] === "")) return { _tag: "root" }
  if (segs.some((s) => s === "")) return undefined
  const meta = collectionByName.get(segs[0]!.toLowerCase())
  if (meta === undefined) return undefined
  if (segs.length === 1) return { _tag: "collection", meta }
  if (!/^\d+$/.test(segs[1]!)) return undefined
  const id = Number(segs[1])
  if (segs.length === 2) return { _tag: "instance", meta, id }
  if (meta.name === "contacts" && segs.length === 4 && segs[2] === "security" && segs[3] === "roles") {
    return { _tag: "roles", id }
  }
  return undefined
}

const limitedCollections = new Set(["events", "eventsessions", "eventtemplates", "onlineactivities", "venues"])

/** Route control: may this identity reach this route at all? */
const routeAllowed = (id: Identity, route: Route): boolean => {
  if (id.access === "full") return true
  switch (route._tag) {
    case "root":
      return true
    case "collection":
      return limitedCollections.has(route.meta.name)
    case "instance":
      return (
        limitedCollections.has(route.meta.name) || (route.meta.name === "contacts" && route.id === id.user.contactId)
      )
    case "roles":
      return route.id === id.user.contactId
  }
}

const dataScopes = new Set([
  "all_claims",
  "events",
  "registrations",
  "contacts",
  "organisations",
  "regions",
  "timezones",
  "venues",
  "leads",
  "metadata"
])

const hasAnyDataScope = (id: Identity) => id.scopes === undefined || [...id.scopes].some((s) => dataScopes.has(s))

const scopeAllows = (id: Identity, meta: CollectionMeta): boolean =>
  id.scopes === undefined ||
  id.scopes.has("all_claims") ||
  (meta.scope !== undefined && meta.scope !== "all_claims" && id.scopes.has(meta.scope))

const metaOfRoute = (route: Route): CollectionMeta | undefined =>
  route._tag === "collection" || route._tag === "instance"
    ? route.meta
    : route._tag === "roles"
      ? collectionByName.get("contacts")
      : undefined

const trimmedFields: Record<string, ReadonlySet<string>> = {
  events: new Set(["Cost", "Notes", "CreditHours"]),
  contacts: new Set(["Email", "PhoneMobile", "PhoneWork"])
}
const trimmedLinks: Record<string, ReadonlySet<string>> = {
  contacts: new Set(["Organisation"])
}

const fieldsOf = (id: Identity, e: Entity) => {
  const drop = id.access === "limited" ? trimmedFields[e.collection] : undefined
  return drop === undefined ? e.fields : e.fields.filter(([k]) => !drop.has(k))
}
const linksOf = (id: Identity, e: Entity) => {
  const drop = id.access === "limited" ? trimmedLinks[e.collection] : undefined
  return drop === undefined ? e.links : e.links.filter((l) => !drop.has(l.title))
}

const fieldNames = (id: Identity, meta: CollectionMeta, p: PlatformState): ReadonlyArray<string> => {
  const sample = p.data.byCollection.get(meta.name)?.[0]
  if (sample === undefined) return [meta.idField]
  return fieldsOf(id, sample).map(([k]) => k)
}

const relRelated = (title: string) => `http://schemas.arlo.co/api/2012/02/auth/related/${title}`
const relItem = (singular: string) => `http://schemas.arlo.co/api/2012/02/auth/${singular}`

interface Ctx {
  readonly p: PlatformState
  readonly id: Identity
  readonly resources: string
  readonly expand: ReadonlySet<string>
}

const link = (rel: string, href: string, title: string | undefined, inner: string | undefined, indent: string) => {
  const attrs = `rel="${escapeXml(rel)}" type="application/xml"${title === undefined ? "" : ` title="${escapeXml(title)}"`} href="${escapeXml(href)}"`
  return inner === undefined ? `${indent}<Link ${attrs}/>\n` : `${indent}<Link ${attrs}>\n${inner}${indent}</Link>\n`
}

const rolesXml = (ctx: Ctx, contactId: number, indent: string) => {
  const user = [...ctx.p.users.values()].find((u) => u.contactId === contactId)
  const roles = user?.roles ?? []
  const self = link("self", `${ctx.resources}contacts/${contactId}/security/roles`, undefined, undefined, `${indent}  `)
  return `${indent}<Roles>\n${roles.map((r) => `${indent}  <Role>${escapeXml(r)}</Role>\n`).join("")}${self}${indent}</Roles>\n`
}

/** Resolves a related path for expansion; `undefined` when the identity may not see it. */
const expandTarget = (ctx: Ctx, path: string, prefix: string, indent: string): string | undefined => {
  const route = parseRoute(path)
  if (route === undefined || !routeAllowed(ctx.id, route)) return undefined
  const meta = metaOfRoute(route)
  if (meta !== undefined && !scopeAllows(ctx.id, meta)) return undefined
  if (route._tag === "roles") return rolesXml(ctx, route.id, indent)
  if (route._tag !== "instance") return undefined
  const e = ctx.p.data.byId.get(route.meta.name)?.get(route.id)
  return e === undefined ? undefined : entityXml(ctx, route.meta, e, prefix, indent)
}

const entityXml = (ctx: Ctx, meta: CollectionMeta, e: Entity, prefix: string, indent: string): string => {
  let out = `${indent}<${meta.singular}>\n`
  for (const [k, v] of fieldsOf(ctx.id, e)) out += `${indent}  <${k}>${escapeXml(String(v))}</${k}>\n`
  out += link("self", `${ctx.resources}${meta.name}/${e.id}/`, undefined, undefined, `${indent}  `)
  for (const l of linksOf(ctx.id, e)) {
    const path = prefix === "" ? l.title : `${prefix}/${l.title}`
    const inner = ctx.expand.has(path.toLowerCase()) ? expandTarget(ctx, l.path, path, `${indent}    `) : undefined
    out += link(relRelated(l.title), `${ctx.resources}${l.path}`, l.title, inner, `${indent}  `)
  }
  return `${out}${indent}</${meta.singular}>\n`
}

const intParam = (search: URLSearchParams, name: string): number | undefined | Reply => {
  const raw = search.get(name)
  if (raw === null) return undefined
  if (!/^\d+$/.test(raw.trim())) {
    return apiException(400, "BadRequest", `The ${name} parameter must be a non-negative integer.`)
  }
  return Number(raw.trim())
}

export const TOP_DEFAULT = 100
export const TOP_MAX = 250

const collectionXml = (ctx: Ctx, meta: CollectionMeta, req: ResourceRequest, empty: boolean): Reply => {
  const top = intParam(req.search, "top")
  if (typeof top === "object") return top
  const skip = intParam(req.search, "skip")
  if (typeof skip === "object") return skip
  const size = top ?? TOP_DEFAULT
  if (size > TOP_MAX) return apiException(400, "BadRequest", `The top parameter must be at most ${TOP_MAX}.`)
  const start = skip ?? 0
  let items: ReadonlyArray<Entity> = empty ? [] : (ctx.p.data.byCollection.get(meta.name) ?? [])
  const fields = fieldNames(ctx.id, meta, ctx.p)
  try {
    const filter = req.search.get("filter")
    if (filter !== null && filter.trim() !== "") {
      const f = Query.parseFilter(filter, fields)
      items = items.filter((e) => {
        const visible = fieldsOf(ctx.id, e)
        return Query.matches(f, (k) => visible.find(([n]) => n === k)?.[1])
      })
    }
    const orderby = req.search.get("orderby")
    if (orderby !== null && orderby.trim() !== "") {
      const keys = Query.parseOrderBy(orderby, fields)
      items = [...items].sort(Query.comparator(keys, (e, k) => (e as Entity).fields.find(([n]) => n === k)?.[1]))
    }
  } catch (e) {
    if (e instanceof Query.QueryError) return apiException(400, "BadRequest", e.message)
    throw e
  }
  const page = items.slice(start, start + size)
  const collectionUrl = `${ctx.resources}${meta.name}/`
  let out = `<${meta.plural}>\n`
  for (const e of page) {
    const inner = ctx.expand.has(meta.singular.toLowerCase())
      ? entityXml(ctx, meta, e, meta.singular, "    ")
      : undefined
    out += link(relItem(meta.singular), `${collectionUrl}${e.id}/`, meta.singular, inner, "  ")
  }
  if (start + size < items.length && size > 0) {
    const next = new URLSearchParams()
    next.set("skip", String(start + size))
    next.set("top", String(size))
    for (const [k, v] of req.search) if (k !== "skip" && k !== "top") next.append(k, v)
    out += link("next", `${collectionUrl}?${next.toString().replace(/\+/g, "%20")}`, undefined, undefined, "  ")
  }
  out += link("self", `${collectionUrl}${req.rawSearch}`, undefined, undefined, "  ")
  out += `</${meta.plural}>\n`
  return xml(200, out)
}

const rootXml = (ctx: Ctx): Reply => {
  let out = "<Resources>\n"
  for (const meta of collections) {
    if (!routeAllowed(ctx.id, { _tag: "collection", meta }) || !scopeAllows(ctx.id, meta)) continue
    out += link(relRelated(meta.plural), `${ctx.resources}${meta.name}/`, meta.plural, undefined, "  ")
  }
  out += link("self", ctx.resources, undefined, undefined, "  ")
  return xml(200, `${out}</Resources>\n`)
}

const insufficientScope = () =>
  apiException(403, "InsufficientScope", "The access token's scopes do not grant access to this resource.", {
    "www-authenticate": 'Bearer error="insufficient_scope"'
  })

/** The page an API gateway in front of the API answers a 401 with (dialect `unauthorized: gateway_html`). */
export const GATEWAY_401_PAGE =
  "<html><head><title>401 Authorization Required</title></head><body><h1>401 Authorization Required</h1></body></html>\n"

/** Dialect `unauthorized`: how every 401 from the resources reaches the client. */
const shape401 = (p: PlatformState, reply: Reply): Reply => {
  switch (p.dialect.unauthorized) {
    case "challenge":
      return reply
    case "no_challenge": {
      const { "www-authenticate": _challenge, ...headers } = reply.headers
      return { ...reply, headers }
    }
    case "gateway_html":
      return html(401, GATEWAY_401_PAGE)
  }
}

/** Serves one request under `/api/2012-02-01/auth/resources/`. */
export const handle = (p: PlatformState, baseUrl: string, req: ResourceRequest, info: RequestInfo): Reply => {
  const reply = serve(p, baseUrl, req, info)
  return reply.status === 401 ? shape401(p, reply) : reply
}

const serve = (p: PlatformState, baseUrl: string, req: ResourceRequest, info: RequestInfo): Reply => {
  if (!acceptsXml(req.accept)) {
    return apiException(406, "NotAcceptable", "The Accept header names no supported media type: use application/xml.")
  }
  const auth = authenticate(p, req, info)
  if ("status" in auth) return auth
  const id = auth
  if (req.method !== "GET" && req.method !== "HEAD") {
    return apiException(405, "MethodNotAllowed", `The ${req.method} method is not supported here.`, {
      allow: "GET, HEAD"
    })
  }
  const route = parseRoute(req.rest)
  if (route === undefined) return notFound()
  if (!routeAllowed(id, route)) {
    return p.dialect.routeDenialStatus === 404
      ? notFound()
      : forbidden("Access to this resource is not permitted for the user's role.")
  }
  const expandParam = req.search.get("expand")
  const ctx: Ctx = {
    p,
    id,
    resources: `${baseUrl}${RESOURCES_ROOT}`,
    expand: new Set(
      (expandParam ?? "")
        .split(",")
        .map((s) => s.trim().toLowerCase())
        .filter((s) => s !== "")
    )
  }
  if (route._tag === "root") {
    if (!hasAnyDataScope(id) && p.dialect.missingScope === "403") return insufficientScope()
    return rootXml(ctx)
  }
  const meta = metaOfRoute(route)!
  const scoped = scopeAllows(id, meta)
  if (!scoped && p.dialect.missingScope === "403") return insufficientScope()
  switch (route._tag) {
    case "collection":
      return collectionXml(ctx, meta, req, !scoped)
    case "instance": {
      const e = scoped ? p.data.byId.get(meta.name)?.get(route.id) : undefined
      return e === undefined ? notFound() : xml(200, entityXml(ctx, meta, e, "", ""))
    }
    case "roles": {
      const exists = p.data.byId.get("contacts")?.has(route.id) ?? false
      return scoped && exists ? xml(200, rolesXml(ctx, route.id, "")) : notFound()
    }
  }
}
