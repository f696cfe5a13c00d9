import { describe, expect, it } from "vitest"
import { basic, get, postForm, RES, useSimulator } from "./helpers.js"

const ctx = useSimulator({ scenario: "rate-limited" })
const base = () => ctx.sim.platforms.nikau!.baseUrl
const auth = () => basic(ctx.sim.platforms.nikau!.audit.username!, ctx.sim.platforms.nikau!.audit.password!)

describe("the rate limit", () => {
  it("lets the rest of the minute through, then answers 429 JSON with Retry-After: 60", async () => {
    const statuses: Array<number> = []
    for (let i = 0; i < 6; i++) statuses.push((await get(`${base()}${RES}`, { authorization: auth() })).status)
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429])
    const limited = await get(`${base()}${RES}events/`, { authorization: auth() })
    expect(limited.status).toBe(429)
    expect(limited.headers.get("retry-after")).toBe("60")
    expect(limited.headers.get("content-type")).toMatch(/^application\/json/)
    const body = JSON.parse(limited.body)
    expect(body).toEqual({ error: "rate_limit_exceeded", message: expect.stringContaining("300"), retryAfter: 60 })
  })

  it("applies to OAuth routes and unauthenticated requests, and is journalled", async () => {
    ctx.sim.clearJournal()
    const t = await postForm(`${base()}/oauth/connect/token`, { grant_type: "authorization_code", code: "x" })
    expect(t.status).toBe(429)
    expect((await get(`${base()}/oauth/connect/authorize?client_id=nikau-sync`)).status).toBe(429)
    expect((await get(`${base()}${RES}`)).status).toBe(429)
    expect(ctx.sim.journal().map((e) => e.status)).toEqual([429, 429, 429])
  })

  it("never limits the admin routes", async () => {
    for (let i = 0; i < 3; i++) expect((await get(`${ctx.sim.url}/__admin/platforms`)).status).toBe(200)
  })

  it("counts per platform, from rateLimit.perMinute and rateLimit.spent", async () => {
    ctx.sim.updatePlatform("nikau", { rateLimit: { perMinute: 3 } })
    const statuses: Array<number> = []
    for (let i = 0; i < 5; i++) statuses.push((await get(`${base()}${RES}`, { authorization: auth() })).status)
    expect(statuses).toEqual([200, 200, 200, 429, 429])
    ctx.sim.updatePlatform("nikau", { rateLimit: { perMinute: 10, spent: 9 } })
    expect((await get(`${base()}${RES}`, { authorization: auth() })).status).toBe(200)
    const over = await get(`${base()}${RES}`, { authorization: auth() })
    expect(JSON.parse(over.body).message).toContain("10")
  })
})

describe("the default limit", () => {
  const fresh = useSimulator({ scenario: "ready" })
  it("is 300 requests per minute per platform", async () => {
    const url = `${fresh.sim.platforms.acme!.baseUrl}/oauth/.well-known/openid-configuration`
    const statuses: Array<number> = []
    for (let batch = 0; batch < 6; batch++) {
      statuses.push(...(await Promise.all(Array.from({ length: 50 }, () => get(url)))).map((g) => g.status))
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(300)
    expect((await get(url)).status).toBe(429)
  })
})
