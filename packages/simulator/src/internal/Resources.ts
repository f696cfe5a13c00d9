/** The Auth REST API's resources: content negotiation, routing, and the XML representations. */
import { authenticate, forbidden, type Identity, type RequestInfo, shape401 } from "./Auth.js"
import { type CollectionMeta, collections, type Entity } from "./Dataset.js"
import * as Query from "./Query.js"
import {
  fieldNames,
  fieldsOf,
  hasAnyDataScope,
  linksOf,
  metaOfRoute,
  parseRoute,
  routeAllowed,
  scopeAllows
} from "./Rbac.js"
import { apiException, escapeXml, type Reply, xml } from "./Reply.js"
import type { PlatformState } from "./State.js"

export const RESOURCES_ROOT = "/api/2012-02-01/auth/resources/"
export const NOT_FOUND_MESSAGE = "The requested resource was not found."

interface ResourceRequest {
  readonly method: string
  /** The path after `…/auth/resources/`, e.g. `events/12/`. */
  readonly rest: string
  readonly search: URLSearchParams
  readonly rawSearch: string
  readonly accept: string | undefined
  readonly authorization: string | undefined
}

const notFound = () => apiException(404, "NotFound", NOT_FOUND_MESSAGE)

const acceptable = new Set(["application/xml", "text/xml", "application/*", "*/*"])

/** `false` when an `Accept` header is present and names no type the Auth API can produce. */
const acceptsXml = (accept: string | undefined): boolean => {
  if (accept === undefined || accept.trim() === "") return true
  return accept
    .split(",")
    .map((part) => part.split(";")[0]!.trim().toLowerCase())
    .some((t) => acceptable.has(t))
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

const TOP_DEFAULT = 100
const TOP_MAX = 250

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

/** Serves one request under `/api/2012-02-01/auth/resources/`. */
export const handle = (p: PlatformState, baseUrl: string, req: ResourceRequest, info: RequestInfo): Reply => {
  const reply = serve(p, baseUrl, req, info)
  return reply.status === 401 ? shape401(p, reply) : reply
}

const serve = (p: PlatformState, baseUrl: string, req: ResourceRequest, info: RequestInfo): Reply => {
  if (!acceptsXml(req.accept)) {
    return apiException(406, "NotAcceptable", "The Accept header names no supported media type: use application/xml.")
  }
  const auth = authenticate(p, req.authorization, info)
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
