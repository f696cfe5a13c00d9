/** Deterministic generated data for one platform: every Auth API collection the simulator serves. */
import * as Prng from "./Prng.js"

export type CollectionName =
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
  /** The functional OAuth scope that covers this collection; `undefined`: only `all_claims`. */
  readonly scope: string | undefined
}

const meta = (
  name: CollectionName,
  singular: string,
  plural: string,
  idField: string,
  scope: string | undefined
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
export interface RelatedLink {
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

const topics = [
  "Leadership Essentials",
  "First Aid at Work",
  "Project Management Fundamentals",
  "Advanced Excel",
  "Customer Service Excellence",
  "Workplace Health and Safety",
  "Negotiation Skills",
  "Presenting with Confidence",
  "Agile Foundations",
  "Financial Literacy for Managers",
  "Conflict Resolution",
  "Data Privacy Essentials",
  "Coaching for Performance",
  "Time Management",
  "Inclusive Leadership"
]
const firstNames = [
  "Aroha",
  "Liam",
  "Mere",
  "Olivia",
  "Noah",
  "Ava",
  "Tane",
  "Isla",
  "Jack",
  "Charlotte",
  "Hemi",
  "Amelia",
  "Oliver",
  "Mia",
  "Wiremu",
  "Grace",
  "Lucas",
  "Ruby",
  "Mateo",
  "Zoe"
]
const lastNames = [
  "Ngata",
  "Smith",
  "Walker",
  "Patel",
  "Nguyen",
  "Brown",
  "Wilson",
  "Taylor",
  "Parata",
  "Chen",
  "Kumar",
  "Thompson",
  "Harris",
  "Clarke",
  "Singh",
  "Martin"
]
const orgWords = ["Harbour", "Summit", "Kauri", "Southern", "Pacific", "Northwind", "Riverbend", "Tasman", "Ironbark"]
const orgKinds = ["Health", "Logistics", "Council", "Engineering", "Foods", "Energy", "Education Trust", "Insurance"]
const cities: ReadonlyArray<readonly [string, string, string]> = [
  ["Auckland", "New Zealand", "NZDT"],
  ["Wellington", "New Zealand", "NZDT"],
  ["Christchurch", "New Zealand", "NZDT"],
  ["Sydney", "Australia", "AEDT"],
  ["Melbourne", "Australia", "AEDT"],
  ["Brisbane", "Australia", "AEST"],
  ["London", "United Kingdom", "GMT"],
  ["Toronto", "Canada", "EST"]
]
const eventStatuses = ["Active", "Active", "Active", "Completed", "Draft", "Cancelled"]
const regStatuses = ["Approved", "Approved", "Completed", "Cancelled"]
const outcomes = ["Pass", "Pass", "Fail", "NotSpecified"]
const orderStatuses = ["Approved", "Pending", "AwaitingApproval", "Cancelled", "Completed"]

const day = 86_400_000
const base = Date.UTC(2025, 0, 6, 20, 0, 0)

const iso = (ms: number) => new Date(ms).toISOString()
/** DateTimeOffset as Arlo shows it, e.g. 2025-02-03T09:00:00.000+13:00. */
const offset = (ms: number, hours: number) => {
  const local = new Date(ms + hours * 3_600_000).toISOString().slice(0, 23)
  const sign = hours >= 0 ? "+" : "-"
  return `${local}${sign}${String(Math.abs(hours)).padStart(2, "0")}:00`
}
const tzHours: Record<string, number> = { NZDT: 13, AEDT: 11, AEST: 10, GMT: 0, EST: -5 }
const guid = (rng: Prng.Prng) => {
  const hex = (n: number) =>
    Array.from({ length: n }, () => rng.int(0, 15).toString(16))
      .join("")
      .toLowerCase()
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${["8", "9", "a", "b"][rng.int(0, 3)]}${hex(3)}-${hex(12)}`
}
const money = (n: number) => n.toFixed(2)
const stamps = (rng: Prng.Prng, start: number) => {
  const created = start - rng.int(30, 400) * day - rng.int(0, 86_000) * 1000
  const modified = created + rng.int(0, 200) * day + rng.int(0, 86_000) * 1000
  return [
    ["CreatedDateTime", iso(created)],
    ["LastModifiedDateTime", iso(modified)]
  ] as const
}

/** Generates a platform's data from its seed and its users' contacts. */
export const generate = (seed: number, platform: string, users: ReadonlyArray<UserContact>): Dataset => {
  const rng = Prng.make(seed)
  const domain = `${platform}.example`
  const out = new Map<CollectionName, Array<Entity>>()
  const push = (e: Entity) => {
    const list = out.get(e.collection) ?? []
    list.push(e)
    out.set(e.collection, list)
  }

  const venueCount = 6
  for (let i = 1; i <= venueCount; i++) {
    const [city, country] = cities[(i - 1) % cities.length]!
    push({
      collection: "venues",
      id: i,
      fields: [
        ["VenueID", i],
        ["Name", `${city} ${rng.pick(["Training Centre", "Conference Rooms", "Learning Hub", "Campus"])}`],
        ["City", city],
        ["Country", country],
        ["Status", "Active"],
        ...stamps(rng, base)
      ],
      links: []
    })
  }

  const templateCount = topics.length
  for (let i = 1; i <= templateCount; i++) {
    const topic = topics[i - 1]!
    const code = `${topic
      .split(" ")
      .map((w) => w[0])
      .join("")
      .toUpperCase()}${100 + i}`
    push({
      collection: "eventtemplates",
      id: i,
      fields: [
        ["TemplateID", i],
        ["Code", code],
        ["Name", topic],
        ["Status", rng.pick(["Active", "Active", "Active", "Inactive"])],
        ...stamps(rng, base)
      ],
      links: []
    })
  }

  const eventCount = 130
  const events: Array<{ id: number; start: number; tz: string; venue: number }> = []
  for (let i = 1; i <= eventCount; i++) {
    const template = rng.int(1, templateCount)
    const venue = rng.int(1, venueCount)
    const [, , tz] = cities[(venue - 1) % cities.length]!
    const start = base + (i - 40) * 2 * day + rng.int(0, 3) * 3_600_000
    const length = rng.int(0, 2)
    const finish = start + length * day + 8 * 3_600_000
    const hours = tzHours[tz] ?? 0
    const topic = topics[template - 1]!
    events.push({ id: i, start, tz, venue })
    push({
      collection: "events",
      id: i,
      fields: [
        ["EventID", i],
        ["UniqueIdentifier", guid(rng)],
        ["Code", `EV${String(i).padStart(4, "0")}`],
        ["Name", topic],
        ["StartDateTime", offset(start, hours)],
        ["FinishDateTime", offset(finish, hours)],
        ["StartTimeZoneAbbr", tz],
        ["Status", start < base ? "Completed" : rng.pick(eventStatuses)],
        ["Cost", money(rng.int(8, 60) * 25)],
        ["CreditHours", rng.int(1, 16)],
        ["Notes", `Room set-up: ${rng.pick(["boardroom", "classroom", "theatre", "U-shape"])}`],
        ...stamps(rng, start)
      ],
      links: [
        { title: "EventTemplate", path: `eventtemplates/${template}/` },
        { title: "Venue", path: `venues/${venue}/` }
      ]
    })
  }

  let sessionId = 0
  for (const ev of events.slice(0, 20)) {
    for (let s = 0; s < 2; s++) {
      sessionId++
      const hours = tzHours[ev.tz] ?? 0
      const start = ev.start + s * day
      push({
        collection: "eventsessions",
        id: sessionId,
        fields: [
          ["SessionID", sessionId],
          ["Name", `Day ${s + 1}`],
          ["StartDateTime", offset(start, hours)],
          ["FinishDateTime", offset(start + 8 * 3_600_000, hours)],
          ...stamps(rng, start)
        ],
        links: [{ title: "Event", path: `events/${ev.id}/` }]
      })
    }
  }

  for (let i = 1; i <= 8; i++) {
    const topic = topics[(i * 2) % topics.length]!
    push({
      collection: "onlineactivities",
      id: i,
      fields: [
        ["OnlineActivityID", i],
        ["Code", `OA${String(i).padStart(3, "0")}`],
        ["Name", `${topic} (online)`],
        ["DeliveryFormat", rng.pick(["eLearning", "Webinar recording", "Virtual classroom"])],
        ["Status", rng.pick(["Active", "Active", "Inactive"])],
        ...stamps(rng, base)
      ],
      links: []
    })
  }

  const orgCount = 15
  const orgNames = new Set<string>()
  for (let i = 1; i <= orgCount; i++) {
    let name = `${rng.pick(orgWords)} ${rng.pick(orgKinds)}`
    while (orgNames.has(name)) name = `${name} ${i}`
    orgNames.add(name)
    push({
      collection: "organisations",
      id: i,
      fields: [["OrganisationID", i], ["Name", name], ["Status", "Active"], ...stamps(rng, base)],
      links: []
    })
  }

  const used = new Set(users.map((u) => u.contactId))
  const contacts: Array<{ id: number; first: string; last: string; email: string; org: number }> = []
  for (const u of users) {
    contacts.push({ id: u.contactId, first: u.firstName, last: u.lastName, email: u.email, org: 1 })
  }
  let next = 1001
  for (let i = 0; i < 60; i++) {
    while (used.has(next)) next++
    used.add(next)
    const first = rng.pick(firstNames)
    const last = rng.pick(lastNames)
    const org = rng.int(1, orgCount)
    contacts.push({ id: next, first, last, email: `${first}.${last}${next}@${domain}`.toLowerCase(), org })
    next++
  }
  contacts.sort((a, b) => a.id - b.id)
  for (const c of contacts) {
    push({
      collection: "contacts",
      id: c.id,
      fields: [
        ["ContactID", c.id],
        ["UniqueIdentifier", guid(rng)],
        ["FirstName", c.first],
        ["LastName", c.last],
        ["Email", c.email],
        ["PhoneMobile", `+64 21 ${rng.int(100, 999)} ${rng.int(1000, 9999)}`],
        ["PhoneWork", `+64 9 ${rng.int(300, 999)} ${rng.int(1000, 9999)}`],
        ["Status", "Active"],
        ...stamps(rng, base)
      ],
      links: [
        { title: "Organisation", path: `organisations/${c.org}/` },
        { title: "Roles", path: `contacts/${c.id}/security/roles` }
      ]
    })
  }

  const generated = contacts.filter((c) => c.id >= 1001)
  for (let i = 1; i <= 150; i++) {
    const ev = rng.int(1, eventCount)
    const contact = rng.pick(generated).id
    push({
      collection: "registrations",
      id: i,
      fields: [
        ["RegistrationID", i],
        ["UniqueIdentifier", guid(rng)],
        ["Status", rng.pick(regStatuses)],
        ["Outcome", rng.pick(outcomes)],
        ["Attendance", rng.pick(["Attended", "DidNotAttend", "Unknown"])],
        ...stamps(rng, base)
      ],
      links: [
        { title: "Event", path: `events/${ev}/` },
        { title: "Contact", path: `contacts/${contact}/` }
      ]
    })
  }

  for (let i = 1; i <= 30; i++) {
    const contact = rng.pick(generated)
    push({
      collection: "orders",
      id: i,
      fields: [
        ["OrderID", i],
        ["OrderNumber", `ORD-${String(10_000 + i)}`],
        ["Status", rng.pick(orderStatuses)],
        ["TotalAmount", money(rng.int(4, 80) * 25)],
        ["CurrencyCode", "NZD"],
        ...stamps(rng, base)
      ],
      links: [
        { title: "Contact", path: `contacts/${contact.id}/` },
        { title: "Organisation", path: `organisations/${contact.org}/` }
      ]
    })
  }

  const byId = new Map<CollectionName, Map<number, Entity>>()
  for (const [k, list] of out) byId.set(k, new Map(list.map((e) => [e.id, e])))
  return { byCollection: out, byId }
}
