import { afterAll, describe, expect, it } from "vitest"
import { startSimulator } from "../src/index.js"
import { apiError, basic, get, RES, useSimulator, xmlOf } from "./helpers.js"
import { child, childText, links, type XmlElement } from "./xml.js"

const ctx = useSimulator({ scenario: "ready" })
const auth = () => {
  const a = ctx.sim.platforms.acme!.audit
  return basic(a.username!, a.password!)
}
const base = () => `${ctx.sim.platforms.acme!.baseUrl}${RES}`
const read = (path: string) => get(`${base()}${path}`, { authorization: auth(), accept: "application/xml" })
const readXml = async (path: string) => {
  const g = await read(path)
  expect(g.status, g.body).toBe(200)
  return xmlOf(g)
}
const itemLinks = (x: XmlElement) => links(x).filter((l) => l.attrs.rel !== "next" && l.attrs.rel !== "self")
const ids = (x: XmlElement) => itemLinks(x).map((l) => Number(/\/(\d+)\/$/.exec(l.attrs.href!)![1]))
const next = (x: XmlElement) => links(x).find((l) => l.attrs.rel === "next")?.attrs.href

describe("the root collection", () => {
  it("links every collection with the documented rel, type, title and href, then self", async () => {
    const root = await readXml("")
    expect(root.name).toBe("Resources")
    const ls = links(root)
    const names = [
      ["Events", "events"],
      ["EventTemplates", "eventtemplates"],
      ["EventSessions", "eventsessions"],
      ["OnlineActivities", "onlineactivities"],
      ["Contacts", "contacts"],
      ["Registrations", "registrations"],
      ["Organisations", "organisations"],
      ["Orders", "orders"],
      ["Venues", "venues"]
    ]
    for (const [i, [title, path]] of names.entries()) {
      expect(ls[i]!.attrs).toEqual({
        rel: `http://schemas.arlo.co/api/2012/02/auth/related/${title}`,
        type: "application/xml",
        title,
        href: `${base()}${path}/`
      })
    }
    expect(ls.at(-1)!.attrs).toEqual({ rel: "self", type: "application/xml", href: base() })
  })

  it("answers without the trailing slash too", async () => {
    const g = await get(base().slice(0, -1), { authorization: auth() })
    expect(xmlOf(g).name).toBe("Resources")
  })
})

describe.each([
  ["events", "Events", "Event"],
  ["eventtemplates", "EventTemplates", "EventTemplate"],
  ["eventsessions", "EventSessions", "EventSession"],
  ["onlineactivities", "OnlineActivities", "OnlineActivity"],
  ["contacts", "Contacts", "Contact"],
  ["registrations", "Registrations", "Registration"],
  ["organisations", "Organisations", "Organisation"],
  ["orders", "Orders", "Order"],
  ["venues", "Venues", "Venue"]
])("%s", (path, plural, singular) => {
  it(`is a <${plural}> of item links and a self link; each item is a <${singular}> with a self link`, async () => {
    const list = await readXml(`${path}/`)
    expect(list.name).toBe(plural)
    const items = itemLinks(list)
    expect(items.length).toBeGreaterThan(0)
    for (const l of items) {
      expect(l.attrs.rel).toBe(`http://schemas.arlo.co/api/2012/02/auth/${singular}`)
      expect(l.attrs.title).toBe(singular)
      expect(l.attrs.type).toBe("application/xml")
      expect(l.attrs.href).toMatch(new RegExp(`^${base()}${path}/\\d+/$`))
    }
    expect(links(list).at(-1)!.attrs).toEqual({ rel: "self", type: "application/xml", href: `${base()}${path}/` })
    const first = items[0]!.attrs.href!
    const one = xmlOf(await get(first, { authorization: auth() }))
    expect(one.name).toBe(singular)
    expect(links(one).find((l) => l.attrs.rel === "self")?.attrs.href).toBe(first)
  })

  it("answers 404 NotFound for an unknown id", async () => {
    const g = await read(`${path}/987654/`)
    expect(g.status).toBe(404)
    expect(apiError(g).code).toBe("NotFound")
  })
})

describe("paging", () => {
  it("pages events by 100 with rel=next ?skip=N&top=T, and following next reaches every item once", async () => {
    const first = await readXml("events/")
    expect(ids(first)).toHaveLength(100)
    expect(next(first)).toBe(`${base()}events/?skip=100&top=100`)
    const second = xmlOf(await get(next(first)!, { authorization: auth() }))
    expect(next(second)).toBeUndefined()
    const all = [...ids(first), ...ids(second)]
    expect(new Set(all).size).toBe(all.length)
    expect(all.length).toBe(130)
  })

  it("honours top and skip, and keeps filter and orderby in the next link", async () => {
    const page = await readXml("events/?top=5&skip=10")
    expect(ids(page)).toEqual([11, 12, 13, 14, 15])
    const filtered = await readXml("events/?top=2&orderby=EventID%20DESC&filter=EventID%20le%2050")
    expect(ids(filtered)).toEqual([50, 49])
    const n = new URL(next(filtered)!)
    expect(n.searchParams.get("skip")).toBe("2")
    expect(n.searchParams.get("top")).toBe("2")
    expect(n.searchParams.get("orderby")).toBe("EventID DESC")
    expect(n.searchParams.get("filter")).toBe("EventID le 50")
    expect(ids(xmlOf(await get(n.toString(), { authorization: auth() })))).toEqual([48, 47])
  })

  it("accepts top up to 250 and refuses more with 400", async () => {
    expect(ids(await readXml("events/?top=250"))).toHaveLength(130)
    const g = await read("events/?top=251")
    expect(g.status).toBe(400)
    expect(apiError(g).code).toBe("BadRequest")
    for (const bad of ["top=-1", "top=ten", "skip=x"]) expect((await read(`events/?${bad}`)).status).toBe(400)
  })

  it("escapes & in hrefs so the document stays well-formed", async () => {
    const g = await read("events/?top=1&filter=Name%20eq%20'A%20%26%20B'%20or%20EventID%20ge%201")
    expect(g.body).toContain("&amp;")
    expect(() => xmlOf(g)).not.toThrow()
  })
})

describe("filter", () => {
  it("finds the auditor's own contact by Email (case-insensitive)", async () => {
    for (const email of ["api@acme.example", "API@Acme.Example"]) {
      const list = await readXml(`contacts/?filter=${encodeURIComponent(`Email eq '${email}'`)}`)
      expect(ids(list)).toEqual([562])
    }
  })

  it("supports ne, gt, ge, lt, le on numbers, and/or with parentheses", async () => {
    const f = async (expr: string) => ids(await readXml(`events/?top=250&filter=${encodeURIComponent(expr)}`))
    expect(await f("EventID lt 4")).toEqual([1, 2, 3])
    expect(await f("EventID le 3 and EventID ge 2")).toEqual([2, 3])
    expect(await f("EventID gt 128")).toEqual([129, 130])
    expect(await f("EventID eq 1 or EventID eq 130")).toEqual([1, 130])
    expect(await f("(EventID eq 1 or EventID eq 2) and EventID ne 1")).toEqual([2])
    expect(await f("EventID ne 1")).toHaveLength(129)
  })

  it("supports datetime('…') literals on LastModifiedDateTime", async () => {
    const all = await readXml("events/?top=250&expand=Event")
    const stamps = itemLinks(all).map((l) => Date.parse(childText(child(l, "Event")!, "LastModifiedDateTime")!))
    const pivot = [...stamps].sort((a, b) => a - b)[65]!
    const expected = stamps.filter((s) => s > pivot).length
    const iso = new Date(pivot).toISOString()
    const got = await readXml(
      `events/?top=250&filter=${encodeURIComponent(`LastModifiedDateTime gt datetime('${iso}')`)}`
    )
    expect(ids(got)).toHaveLength(expected)
    expect(expected).toBeGreaterThan(0)
  })

  it("filters on strings with doubled quotes", async () => {
    const g = await read(`contacts/?filter=${encodeURIComponent("LastName eq 'O''Brien'")}`)
    expect(g.status).toBe(200)
    expect(ids(xmlOf(g))).toEqual([])
  })

  it.each(["Nope eq 1", "EventID eq", "EventID like 'x'", "(EventID eq 1", "EventID eq 'unterminated"])(
    "answers 400 BadRequest for %s",
    async (expr) => {
      const g = await read(`events/?filter=${encodeURIComponent(expr)}`)
      expect(g.status).toBe(400)
      expect(apiError(g).code).toBe("BadRequest")
    }
  )
})

describe("orderby", () => {
  it("orders by one or several fields, ASC by default", async () => {
    const byName = await readXml("contacts/?top=250&orderby=LastName%20ASC,ContactID%20DESC&expand=Contact")
    const rows = itemLinks(byName).map((l) => {
      const c = child(l, "Contact")!
      return [childText(c, "LastName")!.toLowerCase(), Number(childText(c, "ContactID"))] as const
    })
    const sorted = [...rows].sort((a, b) => a[0].localeCompare(b[0]) || b[1] - a[1])
    expect(rows).toEqual(sorted)
    expect(ids(await readXml("venues/?orderby=VenueID"))).toEqual([1, 2, 3, 4, 5, 6])
    expect(ids(await readXml("venues/?orderby=VenueID%20desc"))).toEqual([6, 5, 4, 3, 2, 1])
  })

  it("answers 400 for an unknown field or direction", async () => {
    expect((await read("venues/?orderby=Nope")).status).toBe(400)
    expect((await read("venues/?orderby=VenueID%20SIDEWAYS")).status).toBe(400)
  })
})

describe("expand", () => {
  it("nests each entity inside its Link in a collection", async () => {
    const list = await readXml("events/?top=2&expand=Event")
    for (const l of itemLinks(list)) {
      const e = child(l, "Event")!
      expect(l.attrs.href).toBe(links(e).find((x) => x.attrs.rel === "self")!.attrs.href)
    }
  })

  it("nests related entities on an instance and several levels deep", async () => {
    const e = await readXml("events/3/?expand=EventTemplate,Venue")
    const t = links(e).find((l) => l.attrs.title === "EventTemplate")!
    expect(child(t, "EventTemplate")).toBeDefined()
    expect(child(links(e).find((l) => l.attrs.title === "Venue")!, "Venue")).toBeDefined()
    const deep = await readXml(
      "registrations/?top=1&expand=Registration,Registration/Event,Registration/Event/EventTemplate"
    )
    const reg = child(itemLinks(deep)[0]!, "Registration")!
    const ev = child(links(reg).find((l) => l.attrs.title === "Event")!, "Event")!
    expect(child(links(ev).find((l) => l.attrs.title === "EventTemplate")!, "EventTemplate")).toBeDefined()
    expect(child(links(reg).find((l) => l.attrs.title === "Contact")!, "Contact")).toBeUndefined()
  })

  it("leaves links alone when not asked", async () => {
    const e = await readXml("events/3/")
    for (const l of links(e)) expect(l.children).toEqual([])
  })
})

describe("instances", () => {
  it("an event carries the documented fields and related links", async () => {
    const e = await readXml("events/1/")
    for (const f of ["EventID", "UniqueIdentifier", "Code", "StartDateTime", "FinishDateTime", "Status"]) {
      expect(childText(e, f), f).toBeTruthy()
    }
    expect(childText(e, "StartDateTime")).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/)
    expect(links(e).map((l) => l.attrs.rel)).toContain("http://schemas.arlo.co/api/2012/02/auth/related/EventTemplate")
  })

  it("contacts/{id}/security/roles lists the user's roles", async () => {
    const r = await readXml("contacts/562/security/roles")
    expect(r.name).toBe("Roles")
    expect(r.children.filter((c) => c.name === "Role").map((c) => c.text)).toEqual(["API User", "Administrator"])
    const generated = await readXml("contacts/1001/security/roles")
    expect(generated.children.filter((c) => c.name === "Role")).toEqual([])
    expect((await read("contacts/99999/security/roles")).status).toBe(404)
  })

  it.each(["presenters/", "events/abc/", "events/1/sessions/", "contacts/562/security/"])(
    "answers 404 for %s",
    async (path) => {
      const g = await read(path)
      expect(g.status).toBe(404)
      expect(apiError(g).code).toBe("NotFound")
    }
  )
})

describe("routing outside the platforms", () => {
  it("answers 404 ApiException for an unknown platform or path", async () => {
    for (const path of ["/nope/api/2012-02-01/auth/resources/", "/", "/acme/whatever"]) {
      const g = await get(`${ctx.sim.url}${path}`)
      expect(g.status).toBe(404)
      expect(apiError(g).code).toBe("NotFound")
    }
  })
})

describe("generated data", () => {
  const others: Array<{ close: () => Promise<void> }> = []
  afterAll(() => Promise.all(others.map((o) => o.close())))

  it("is the same from the same seed, byte for byte apart from the origin", async () => {
    const other = await startSimulator({ scenario: "ready" })
    others.push(other)
    const a = await read("events/?top=250&expand=Event")
    const b = await get(`${other.platforms.acme!.baseUrl}${RES}events/?top=250&expand=Event`, { authorization: auth() })
    expect(b.body.replaceAll(other.url, ctx.sim.url)).toBe(a.body)
  })

  it("differs with another seed", async () => {
    const other = await startSimulator({
      scenario: {
        name: "seeded",
        description: "",
        platforms: [
          {
            name: "acme",
            seed: 7,
            users: [
              { username: "api@acme.example", password: "correct-horse-42", roles: ["API User", "Administrator"] }
            ],
            audit: {}
          }
        ]
      }
    })
    others.push(other)
    const a = await read("events/1/")
    const b = await get(`${other.platforms.acme!.baseUrl}${RES}events/1/`, { authorization: auth() })
    expect(b.status).toBe(200)
    expect(b.body.replaceAll(other.url, ctx.sim.url)).not.toBe(a.body)
  })
})
