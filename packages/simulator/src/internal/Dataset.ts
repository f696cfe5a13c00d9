/** Deterministic generated data for one platform: every Auth API collection the simulator serves. */
import type { DataScope } from "../Scenario.js"
import * as Prng from "./Prng.js"
import * as W from "./Words.js"

type CollectionName =
  | "events"
  | "eventtemplates"
  | "eventsessions"
  | "onlineactivities"
  | "contacts"
  | "registrations"
  | "organisations"
  | "orders"
  | "venues"

export interface CollectionMeta {
  readonly name: CollectionName
  readonly singular: string
  readonly plural: string
  readonly idField: string
  /** The functional OAuth scope that covers this collection; `all_claims`: no functional scope does. */
  readonly scope: DataScope
}

const meta = (
  name: CollectionName,
  singular: string,
  plural: string,
  idField: string,
  scope: DataScope
): CollectionMeta => ({ name, singular, plural, idField, scope })

/** The collections in the order the root collection lists them. */
export const collections: ReadonlyArray<CollectionMeta> = [
  meta("events", "Event", "Events", "EventID", "events"),
  meta("eventtemplates", "EventTemplate", "EventTemplates", "TemplateID", "events"),
  meta("eventsessions", "EventSession", "EventSessions", "SessionID", "events"),
  meta("onlineactivities", "OnlineActivity", "OnlineActivities", "OnlineActivityID", "events"),
  meta("contacts", "Contact", "Contacts", "ContactID", "contacts"),
  meta("registrations", "Registration", "Registrations", "RegistrationID", "registrations"),
  meta("organisations", "Organisation", "Organisations", "OrganisationID", "organisations"),
  meta("orders", "Order", "Orders", "OrderID", "all_claims"),
  meta("venues", "Venue", "Venues", "VenueID", "venues")
]

export const collectionByName: ReadonlyMap<string, CollectionMeta> = new Map(collections.map((c) => [c.name, c]))

/** A link from an entity to a related resource (path relative to the resources root). */
interface RelatedLink {
  readonly title: string
  readonly path: string
}

export type Scalar = string | number

/** One generated entity. `fields` are in document order. */
export interface Entity {
  readonly collection: CollectionName
  readonly id: number
  readonly fields: ReadonlyArray<readonly [string, Scalar]>
  readonly links: ReadonlyArray<RelatedLink>
}

export interface UserContact {
  readonly contactId: number
  readonly email: string
  readonly firstName: string
  readonly lastName: string
}

export interface Dataset {
  readonly byCollection: ReadonlyMap<CollectionName, ReadonlyArray<Entity>>
  readonly byId: ReadonlyMap<CollectionName, ReadonlyMap<number, Entity>>
}

type Fields = Entity["fields"]

const entity = (
  collection: CollectionName,
  id: number,
  fields: Fields,
  links: ReadonlyArray<RelatedLink> = []
): Entity => ({ collection, id, fields, links })

const VENUES = 6
const EVENTS = 130
const ORGANISATIONS = 15
const TEMPLATES = W.topics.length

/** An event as the collections generated after it need it. */
interface EventSeed {
  readonly id: number
  readonly start: number
  readonly tz: string
}

/** A contact before it becomes an entity. */
interface ContactSeed {
  readonly id: number
  readonly first: string
  readonly last: string
  readonly email: string
  readonly org: number
}

const venues = (rng: Prng.Prng): Array<Entity> =>
  Array.from({ length: VENUES }, (_, k) => {
    const i = k + 1
    const [city, country] = W.cities[k % W.cities.length]!
    const name = `${city} ${rng.pick(["Training Centre", "Conference Rooms", "Learning Hub", "Campus"])}`
    const fields: Fields = [
      ["VenueID", i],
      ["Name", name],
      ["City", city],
      ["Country", country],
      ["Status", "Active"],
      ...W.stamps(rng, W.base)
    ]
    return entity("venues", i, fields)
  })

const templateCode = (topic: string, i: number) =>
  `${topic
    .split(" ")
    .map((w) => w[0])
    .join("")
    .toUpperCase()}${100 + i}`

const templates = (rng: Prng.Prng): Array<Entity> =>
  W.topics.map((topic, k) => {
    const i = k + 1
    const fields: Fields = [
      ["TemplateID", i],
      ["Code", templateCode(topic, i)],
      ["Name", topic],
      ["Status", rng.pick(["Active", "Active", "Active", "Inactive"])],
      ...W.stamps(rng, W.base)
    ]
    return entity("eventtemplates", i, fields)
  })

const event = (rng: Prng.Prng, i: number): { seed: EventSeed; entity: Entity } => {
  const template = rng.int(1, TEMPLATES)
  const venue = rng.int(1, VENUES)
  const [, , tz] = W.cities[(venue - 1) % W.cities.length]!
  const start = W.base + (i - 40) * 2 * W.day + rng.int(0, 3) * W.hour
  const finish = start + rng.int(0, 2) * W.day + 8 * W.hour
  const hours = W.tzHours[tz] ?? 0
  const fields: Fields = [
    ["EventID", i],
    ["UniqueIdentifier", W.guid(rng)],
    ["Code", `EV${String(i).padStart(4, "0")}`],
    ["Name", W.topics[template - 1]!],
    ["StartDateTime", W.offset(start, hours)],
    ["FinishDateTime", W.offset(finish, hours)],
    ["StartTimeZoneAbbr", tz],
    ["Status", start < W.base ? "Completed" : rng.pick(W.eventStatuses)],
    ["Cost", W.money(rng.int(8, 60) * 25)],
    ["CreditHours", rng.int(1, 16)],
    ["Notes", `Room set-up: ${rng.pick(["boardroom", "classroom", "theatre", "U-shape"])}`],
    ...W.stamps(rng, start)
  ]
  const links = [
    { title: "EventTemplate", path: `eventtemplates/${template}/` },
    { title: "Venue", path: `venues/${venue}/` }
  ]
  return { seed: { id: i, start, tz }, entity: entity("events", i, fields, links) }
}

/** Two sessions (two days) for each of the first 20 events. */
const sessions = (rng: Prng.Prng, events: ReadonlyArray<{ readonly seed: EventSeed }>): Array<Entity> =>
  events.slice(0, 20).flatMap(({ seed: ev }, e) =>
    [0, 1].map((s) => {
      const id = e * 2 + s + 1
      const hours = W.tzHours[ev.tz] ?? 0
      const start = ev.start + s * W.day
      const fields: Fields = [
        ["SessionID", id],
        ["Name", `Day ${s + 1}`],
        ["StartDateTime", W.offset(start, hours)],
        ["FinishDateTime", W.offset(start + 8 * W.hour, hours)],
        ...W.stamps(rng, start)
      ]
      return entity("eventsessions", id, fields, [{ title: "Event", path: `events/${ev.id}/` }])
    })
  )

const onlineActivities = (rng: Prng.Prng): Array<Entity> =>
  Array.from({ length: 8 }, (_, k) => {
    const i = k + 1
    const fields: Fields = [
      ["OnlineActivityID", i],
      ["Code", `OA${String(i).padStart(3, "0")}`],
      ["Name", `${W.topics[(i * 2) % W.topics.length]!} (online)`],
      ["DeliveryFormat", rng.pick(["eLearning", "Webinar recording", "Virtual classroom"])],
      ["Status", rng.pick(["Active", "Active", "Inactive"])],
      ...W.stamps(rng, W.base)
    ]
    return entity("onlineactivities", i, fields)
  })

const organisations = (rng: Prng.Prng): Array<Entity> => {
  const names = new Set<string>()
  return Array.from({ length: ORGANISATIONS }, (_, k) => {
    const i = k + 1
    let name = `${rng.pick(W.orgWords)} ${rng.pick(W.orgKinds)}`
    while (names.has(name)) name = `${name} ${i}`
    names.add(name)
    return entity("organisations", i, [
      ["OrganisationID", i],
      ["Name", name],
      ["Status", "Active"],
      ...W.stamps(rng, W.base)
    ])
  })
}

/** The users' own contacts (organisation 1) and 60 generated ones numbered from 1001, in id order. */
const contactSeeds = (rng: Prng.Prng, domain: string, users: ReadonlyArray<UserContact>): Array<ContactSeed> => {
  const used = new Set(users.map((u) => u.contactId))
  const seeds: Array<ContactSeed> = users.map((u) => ({
    id: u.contactId,
    first: u.firstName,
    last: u.lastName,
    email: u.email,
    org: 1
  }))
  let next = 1001
  for (let i = 0; i < 60; i++) {
    while (used.has(next)) next++
    used.add(next)
    const first = rng.pick(W.firstNames)
    const last = rng.pick(W.lastNames)
    const org = rng.int(1, ORGANISATIONS)
    seeds.push({ id: next, first, last, email: `${first}.${last}${next}@${domain}`.toLowerCase(), org })
    next++
  }
  return seeds.sort((a, b) => a.id - b.id)
}

const contact = (rng: Prng.Prng, c: ContactSeed): Entity => {
  const fields: Fields = [
    ["ContactID", c.id],
    ["UniqueIdentifier", W.guid(rng)],
    ["FirstName", c.first],
    ["LastName", c.last],
    ["Email", c.email],
    ["PhoneMobile", `+64 21 ${rng.int(100, 999)} ${rng.int(1000, 9999)}`],
    ["PhoneWork", `+64 9 ${rng.int(300, 999)} ${rng.int(1000, 9999)}`],
    ["Status", "Active"],
    ...W.stamps(rng, W.base)
  ]
  return entity("contacts", c.id, fields, [
    { title: "Organisation", path: `organisations/${c.org}/` },
    { title: "Roles", path: `contacts/${c.id}/security/roles` }
  ])
}

const registrations = (rng: Prng.Prng, generated: ReadonlyArray<ContactSeed>): Array<Entity> =>
  Array.from({ length: 150 }, (_, k) => {
    const i = k + 1
    const ev = rng.int(1, EVENTS)
    const contactId = rng.pick(generated).id
    const fields: Fields = [
      ["RegistrationID", i],
      ["UniqueIdentifier", W.guid(rng)],
      ["Status", rng.pick(W.regStatuses)],
      ["Outcome", rng.pick(W.outcomes)],
      ["Attendance", rng.pick(["Attended", "DidNotAttend", "Unknown"])],
      ...W.stamps(rng, W.base)
    ]
    return entity("registrations", i, fields, [
      { title: "Event", path: `events/${ev}/` },
      { title: "Contact", path: `contacts/${contactId}/` }
    ])
  })

const orders = (rng: Prng.Prng, generated: ReadonlyArray<ContactSeed>): Array<Entity> =>
  Array.from({ length: 30 }, (_, k) => {
    const i = k + 1
    const c = rng.pick(generated)
    const fields: Fields = [
      ["OrderID", i],
      ["OrderNumber", `ORD-${String(10_000 + i)}`],
      ["Status", rng.pick(W.orderStatuses)],
      ["TotalAmount", W.money(rng.int(4, 80) * 25)],
      ["CurrencyCode", "NZD"],
      ...W.stamps(rng, W.base)
    ]
    return entity("orders", i, fields, [
      { title: "Contact", path: `contacts/${c.id}/` },
      { title: "Organisation", path: `organisations/${c.org}/` }
    ])
  })

/** Generates a platform's data from its seed and its users' contacts. */
export const generate = (seed: number, platform: string, users: ReadonlyArray<UserContact>): Dataset => {
  const rng = Prng.make(seed)
  // Generated in this order, so the seed gives the same data every time.
  const venueList = venues(rng)
  const templateList = templates(rng)
  const events = Array.from({ length: EVENTS }, (_, k) => event(rng, k + 1))
  const sessionList = sessions(rng, events)
  const activityList = onlineActivities(rng)
  const organisationList = organisations(rng)
  const contacts = contactSeeds(rng, `${platform}.example`, users)
  const contactList = contacts.map((c) => contact(rng, c))
  const generated = contacts.filter((c) => c.id >= 1001)
  const out = new Map<CollectionName, ReadonlyArray<Entity>>([
    ["venues", venueList],
    ["eventtemplates", templateList],
    ["events", events.map((e) => e.entity)],
    ["eventsessions", sessionList],
    ["onlineactivities", activityList],
    ["organisations", organisationList],
    ["contacts", contactList],
    ["registrations", registrations(rng, generated)],
    ["orders", orders(rng, generated)]
  ])
  const byId = new Map<CollectionName, Map<number, Entity>>()
  for (const [k, list] of out) byId.set(k, new Map(list.map((e) => [e.id, e])))
  return { byCollection: out, byId }
}
