/** What an identity may see: route control by role, data by OAuth scope, and trimmed fields. */
import { dataScopes } from "../Scenario.js"
import type { Identity } from "./Auth.js"
import { type CollectionMeta, collectionByName, type Entity } from "./Dataset.js"
import type { PlatformState } from "./State.js"

/** A path under the resources root, parsed. */
export type Route =
  | { readonly _tag: "root" }
  | { readonly _tag: "collection"; readonly meta: CollectionMeta }
  | { readonly _tag: "instance"; readonly meta: CollectionMeta; readonly id: number }
  | { readonly _tag: "roles"; readonly id: number }

/** `rest` is the path after `…/auth/resources/`; `undefined` for a path the API does not serve. */
export const parseRoute = (rest: string): Route | undefined => {
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
export const routeAllowed = (id: Identity, route: Route): boolean => {
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

const grantsData = new Set<string>(dataScopes)

/** `false` for a token none of whose scopes grants data. */
export const hasAnyDataScope = (id: Identity) =>
  id.scopes === undefined || [...id.scopes].some((s) => grantsData.has(s))

/** Does the identity's scope cover this collection? */
export const scopeAllows = (id: Identity, meta: CollectionMeta): boolean =>
  id.scopes === undefined || id.scopes.has("all_claims") || (meta.scope !== "all_claims" && id.scopes.has(meta.scope))

/** The collection a route reads (a contact's roles belong to `contacts`); `undefined` for the root. */
export const metaOfRoute = (route: Route): CollectionMeta | undefined =>
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

/** The entity's fields this identity sees. */
export const fieldsOf = (id: Identity, e: Entity): Entity["fields"] => {
  const drop = id.access === "limited" ? trimmedFields[e.collection] : undefined
  return drop === undefined ? e.fields : e.fields.filter(([k]) => !drop.has(k))
}

/** The entity's related links this identity sees. */
export const linksOf = (id: Identity, e: Entity): Entity["links"] => {
  const drop = id.access === "limited" ? trimmedLinks[e.collection] : undefined
  return drop === undefined ? e.links : e.links.filter((l) => !drop.has(l.title))
}

/** The field names a filter or an order may name on this collection, for this identity. */
export const fieldNames = (id: Identity, meta: CollectionMeta, p: PlatformState): ReadonlyArray<string> => {
  const sample = p.data.byCollection.get(meta.name)?.[0]
  if (sample === undefined) return [meta.idField]
  return fieldsOf(id, sample).map(([k]) => k)
}
