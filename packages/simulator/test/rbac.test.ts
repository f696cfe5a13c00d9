import { beforeEach, describe, expect, it } from "vitest"
import type { Scenario } from "../src/index.js"
import { apiError, basic, get, RES, useSimulator, xmlOf } from "./helpers.js"
import { child, childText, links } from "./xml.js"

const scenario: Scenario.ScenarioInput = {
  name: "rbac",
  description: "one user per role mix",
  platforms: [
    {
      name: "school",
      users: [
        { username: "admin@school.test", password: "pw-a", contactId: 11, roles: ["API User", "Administrator"] },
        { username: "presenter@school.test", password: "pw-p", contactId: 12, roles: ["Presenter", "API User"] },
        { username: "apionly@school.test", password: "pw-o", contactId: 13, roles: ["API User"] },
        {
          username: "all@school.test",
          password: "pw-all",
          contactId: 14,
          roles: ["Presenter", "API User", "Administrator"]
        }
      ],
      audit: {}
    }
  ]
}

const ctx = useSimulator({ scenario })
const users = {
  admin: basic("admin@school.test", "pw-a"),
  presenter: basic("presenter@school.test", "pw-p"),
  apiOnly: basic("apionly@school.test", "pw-o"),
  all: basic("all@school.test", "pw-all")
}
const as = (who: keyof typeof users, path: string) =>
  get(`${ctx.sim.platforms.school!.baseUrl}${RES}${path}`, { authorization: users[who] })

beforeEach(() => ctx.sim.updatePlatform("school", { dialect: { routeDenialStatus: 403, apiUserOnly: "limited" } }))

const allowedForLimited = [
  "",
  "events/",
  "events/1/",
  "eventsessions/",
  "eventsessions/1/",
  "eventtemplates/",
  "eventtemplates/1/",
  "onlineactivities/",
  "onlineactivities/1/",
  "venues/",
  "venues/1/",
  "contacts/12/",
  "contacts/12/security/roles"
]
const deniedForLimited = [
  "contacts/",
  "contacts/?filter=Email eq 'presenter@school.test'",
  "contacts/11/",
  "contacts/11/security/roles",
  "registrations/",
  "registrations/1/",
  "organisations/",
  "organisations/1/",
  "orders/",
  "orders/1/"
]

describe("Administrator + API User", () => {
  it.each([...allowedForLimited, ...deniedForLimited])("reaches %s", async (path) => {
    expect((await as("admin", path)).status).toBe(200)
  })

  it("holds the Presenter role too without losing anything (the most permissive role wins)", async () => {
    expect((await as("all", "orders/")).status).toBe(200)
    const e = xmlOf(await as("all", "events/1/"))
    expect(childText(e, "Cost")).toBeDefined()
  })

  it("sees every collection in the root, untrimmed events and contacts", async () => {
    const root = xmlOf(await as("admin", ""))
    expect(links(root).map((l) => l.attrs.title)).toEqual([
      "Events",
      "EventTemplates",
      "EventSessions",
      "OnlineActivities",
      "Contacts",
      "Registrations",
      "Organisations",
      "Orders",
      "Venues",
      undefined
    ])
    const e = xmlOf(await as("admin", "events/1/"))
    for (const f of ["Cost", "Notes", "CreditHours"]) expect(child(e, f)).toBeDefined()
    const c = xmlOf(await as("admin", "contacts/11/"))
    for (const f of ["Email", "PhoneMobile", "PhoneWork"]) expect(child(c, f)).toBeDefined()
    expect(links(c).some((l) => l.attrs.title === "Organisation")).toBe(true)
  })
})

describe.each(["presenter", "apiOnly"] as const)("%s (limited access)", (who) => {
  const own = who === "presenter" ? 12 : 13
  const fix = (p: string) => p.replace("contacts/12/", `contacts/${own}/`)

  it.each(allowedForLimited)("reaches %s", async (path) => {
    expect((await as(who, fix(path))).status).toBe(200)
  })

  it.each(deniedForLimited)("is refused %s with 403 Forbidden (routeDenialStatus 403)", async (path) => {
    const a = await as(who, path)
    expect(a.status).toBe(403)
    expect(apiError(a).code).toBe("Forbidden")
  })

  it.each(deniedForLimited)(
    "is refused %s with a 404 identical to a missing resource (routeDenialStatus 404)",
    async (path) => {
      ctx.sim.updatePlatform("school", { dialect: { routeDenialStatus: 404 } })
      const missing = await as("admin", "events/999999/")
      const a = await as(who, path)
      expect(a.status).toBe(404)
      expect(a.body).toBe(missing.body)
      expect([...a.headers.keys()].sort()).toEqual([...missing.headers.keys()].sort())
    }
  )

  it("gets events with Cost, Notes and CreditHours trimmed, and no header saying so", async () => {
    const full = await as("admin", "events/1/")
    const a = await as(who, "events/1/")
    const e = xmlOf(a)
    for (const f of ["Cost", "Notes", "CreditHours"]) expect(child(e, f)).toBeUndefined()
    expect(childText(e, "EventID")).toBe("1")
    expect(childText(e, "Name")).toBe(childText(xmlOf(full), "Name"))
    expect([...a.headers.keys()].sort()).toEqual([...full.headers.keys()].sort())
  })

  it("gets its own contact with Email, phones and the Organisation link trimmed", async () => {
    const c = xmlOf(await as(who, `contacts/${own}/`))
    expect(childText(c, "ContactID")).toBe(String(own))
    for (const f of ["Email", "PhoneMobile", "PhoneWork"]) expect(child(c, f)).toBeUndefined()
    expect(links(c).some((l) => l.attrs.title === "Organisation")).toBe(false)
    expect(links(c).some((l) => l.attrs.title === "Roles")).toBe(true)
  })

  it("trims expanded events inside a collection too", async () => {
    const list = xmlOf(await as(who, "events/?top=3&expand=Event"))
    const nested = links(list)
      .map((l) => child(l, "Event"))
      .filter((e) => e !== undefined)
    expect(nested).toHaveLength(3)
    for (const e of nested) expect(child(e!, "Cost")).toBeUndefined()
  })

  it("sees only the reachable collections in the root", async () => {
    const root = xmlOf(await as(who, ""))
    expect(links(root).map((l) => l.attrs.title)).toEqual([
      "Events",
      "EventTemplates",
      "EventSessions",
      "OnlineActivities",
      "Venues",
      undefined
    ])
  })

  it("reads its own roles", async () => {
    const roles = xmlOf(await as(who, `contacts/${own}/security/roles`))
    expect(roles.name).toBe("Roles")
    const expected = who === "presenter" ? ["Presenter", "API User"] : ["API User"]
    expect(roles.children.filter((c) => c.name === "Role").map((c) => c.text)).toEqual(expected)
  })
})

describe("dialect apiUserOnly", () => {
  it("full: API User alone gets unencumbered, untrimmed access", async () => {
    ctx.sim.updatePlatform("school", { dialect: { apiUserOnly: "full" } })
    expect((await as("apiOnly", "orders/")).status).toBe(200)
    expect(child(xmlOf(await as("apiOnly", "events/1/")), "Cost")).toBeDefined()
    expect((await as("presenter", "orders/")).status).toBe(403)
  })

  it("limited (default): API User alone is route-controlled", async () => {
    expect((await as("apiOnly", "orders/")).status).toBe(403)
  })
})

describe("role changes take effect on the next request", () => {
  it("adding Administrator lifts route control and trimming", async () => {
    ctx.sim.updateUser("school", "presenter@school.test", { roles: ["Presenter", "API User", "Administrator"] })
    expect((await as("presenter", "registrations/")).status).toBe(200)
    ctx.sim.updateUser("school", "presenter@school.test", { roles: ["Presenter", "API User"] })
    expect((await as("presenter", "registrations/")).status).toBe(403)
  })
})
