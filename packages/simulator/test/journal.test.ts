import { describe, expect, it } from "vitest"
import { basic, get, postForm, RES, useSimulator } from "./helpers.js"

const ctx = useSimulator({ scenario: "ready" })
const base = () => ctx.sim.platforms.acme!.baseUrl
const PASSWORD = "correct-horse-42"
const SECRET = "acme-client-secret-7f2c"
const REDIRECT = "https://arlo-ready.example/oauth/callback"
const admin = (path: string, init: RequestInit = {}) =>
  fetch(`${ctx.sim.url}/__admin${path}`, {
    ...init,
    headers: { "content-type": "application/json", ...(init.headers as Record<string, string>) }
  })

describe("the journal", () => {
  it("records method, path relative to the platform, raw query, status, duration and credentials kind", async () => {
    ctx.sim.clearJournal()
    await get(`${base()}${RES}events/?top=2&filter=EventID%20eq%201`, {
      authorization: basic("api@acme.example", PASSWORD)
    })
    await get(`${base()}${RES}`)
    await get(`${base()}${RES}events/`, {}, { method: "DELETE" })
    const [a, b, c] = ctx.sim.journal()
    expect(a).toEqual({
      seq: expect.any(Number),
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      platform: "acme",
      method: "GET",
      path: "/api/2012-02-01/auth/resources/events/",
      query: "top=2&filter=EventID%20eq%201",
      status: 200,
      durationMs: expect.any(Number),
      credentials: "basic",
      username: "api@acme.example"
    })
    expect(b).toMatchObject({ credentials: "none", status: 401, query: "" })
    expect(b!.username).toBeUndefined()
    expect(c).toMatchObject({ method: "DELETE", status: 401 })
    expect(b!.seq).toBe(a!.seq + 1)
  })

  it("records a mutating attempt with good credentials as a 405", async () => {
    ctx.sim.clearJournal()
    await get(
      `${base()}${RES}contacts/562/`,
      { authorization: basic("api@acme.example", PASSWORD) },
      { method: "PUT", body: "<Contact/>" }
    )
    expect(ctx.sim.journal()).toMatchObject([{ method: "PUT", status: 405, credentials: "basic" }])
  })

  it("never stores a password, secret, code or token, nor a Basic header's base64", async () => {
    ctx.sim.clearJournal()
    const code = (
      (await (
        await admin("/platforms/acme/oauth/consent", {
          method: "POST",
          body: JSON.stringify({
            clientId: "acme-integration",
            username: "api@acme.example",
            scopes: ["openid", "offline_access", "all_claims"],
            redirectUri: REDIRECT
          })
        })
      ).json()) as { code: string }
    ).code
    const clientAuth = { authorization: basic("acme-integration", SECRET) }
    const t = JSON.parse(
      (
        await postForm(
          `${base()}/oauth/connect/token`,
          { grant_type: "authorization_code", code, redirect_uri: REDIRECT },
          clientAuth
        )
      ).body
    ) as { access_token: string; refresh_token: string; id_token: string }
    await get(`${base()}${RES}`, { authorization: `Bearer ${t.access_token}` })
    await get(`${base()}/oauth/connect/userinfo`, { authorization: `Bearer ${t.access_token}` })
    await postForm(`${base()}/oauth/connect/token`, {
      grant_type: "refresh_token",
      refresh_token: t.refresh_token,
      client_id: "acme-integration",
      client_secret: SECRET
    })
    await postForm(`${base()}/oauth/connect/revocation`, { token: t.access_token }, clientAuth)
    await get(`${base()}${RES}`, { authorization: basic("api@acme.example", PASSWORD) })
    await get(`${base()}${RES}`, { authorization: basic("api@acme.example", "a-wrong-password-99") })
    await get(
      `${base()}/oauth/connect/authorize?client_id=acme-integration&password=${PASSWORD}&client_secret=${SECRET}&code=${code}&refresh_token=${t.refresh_token}&access_token=${t.access_token}&token=${t.access_token}&keep=visible`
    )

    const journal = ctx.sim.journal()
    const overAdmin = await (await admin("/journal")).text()
    const secrets = [
      PASSWORD,
      "a-wrong-password-99",
      SECRET,
      code,
      t.access_token,
      t.refresh_token,
      t.id_token,
      Buffer.from(`api@acme.example:${PASSWORD}`).toString("base64"),
      Buffer.from(`acme-integration:${SECRET}`).toString("base64")
    ]
    for (const text of [JSON.stringify(journal), overAdmin]) {
      for (const s of secrets) expect(text).not.toContain(s)
    }
    expect(journal.map((e) => e.credentials)).toEqual([
      "client",
      "bearer",
      "bearer",
      "client",
      "client",
      "basic",
      "basic",
      "none"
    ])
    expect(journal[0]).toMatchObject({ clientId: "acme-integration", username: "api@acme.example", status: 200 })
    expect(journal[1]).toMatchObject({ username: "api@acme.example", status: 200 })
    expect(journal.at(-1)!.query).toBe(
      "client_id=acme-integration&password=REDACTED&client_secret=REDACTED&code=REDACTED&refresh_token=REDACTED&access_token=REDACTED&token=REDACTED&keep=visible"
    )
  })

  it("does not journal admin routes or paths outside a platform", async () => {
    ctx.sim.clearJournal()
    await admin("/platforms")
    await get(`${ctx.sim.url}/elsewhere/api/2012-02-01/auth/resources/`)
    expect(ctx.sim.journal()).toEqual([])
    await get(`${base()}/not-an-arlo-path`)
    expect(ctx.sim.journal()).toMatchObject([{ path: "/not-an-arlo-path", status: 404 }])
  })

  it("is served at GET /__admin/journal with peakInFlight, and cleared by DELETE", async () => {
    ctx.sim.clearJournal()
    await get(`${base()}${RES}`)
    const body = (await (await admin("/journal")).json()) as {
      entries: Array<{ path: string }>
      peakInFlight: Record<string, number>
    }
    expect(body.entries.map((e) => e.path)).toEqual(["/api/2012-02-01/auth/resources/"])
    expect(body.peakInFlight).toEqual({ acme: 1 })
    expect((await admin("/journal", { method: "DELETE" })).status).toBe(204)
    expect(ctx.sim.journal()).toEqual([])
    expect(ctx.sim.peakInFlight()).toEqual({ acme: 0 })
  })
})

describe("peakInFlight", () => {
  it("is the most requests a platform held at once", async () => {
    ctx.sim.updatePlatform("acme", { faults: [{ match: "/api/**", latencyMs: 300 }] })
    try {
      ctx.sim.clearJournal()
      await Promise.all(Array.from({ length: 5 }, () => get(`${base()}${RES}`)))
      expect(ctx.sim.peakInFlight()).toEqual({ acme: 5 })
      ctx.sim.clearJournal()
      for (let i = 0; i < 2; i++) await get(`${base()}${RES}`)
      expect(ctx.sim.peakInFlight()).toEqual({ acme: 1 })
    } finally {
      ctx.sim.updatePlatform("acme", { faults: [] })
    }
  })
})

describe("admin routes", () => {
  it("GET /__admin/platforms lists names, base URLs and the scenario's audit credentials", async () => {
    const body = (await (await admin("/platforms")).json()) as { platforms: Array<Record<string, unknown>> }
    expect(body.platforms).toMatchObject([
      {
        name: "acme",
        baseUrl: `${ctx.sim.url}/acme`,
        mfaSetting: "optional",
        audit: { username: "api@acme.example", password: PASSWORD, clientId: "acme-integration", clientSecret: SECRET }
      }
    ])
  })

  it("PATCH /__admin/platforms/{p} changes the MFA setting and dialect; bad patches name the field", async () => {
    const h = { authorization: basic("api@acme.example", PASSWORD) }
    expect(
      (await admin("/platforms/acme", { method: "PATCH", body: JSON.stringify({ mfaSetting: "required" }) })).status
    ).toBe(200)
    expect((await get(`${base()}${RES}`, h)).status).toBe(401)
    await admin("/platforms/acme", { method: "PATCH", body: JSON.stringify({ mfaSetting: "optional" }) })
    expect((await get(`${base()}${RES}`, h)).status).toBe(200)

    const bad = await admin("/platforms/acme", {
      method: "PATCH",
      body: JSON.stringify({ dialect: { mfaFailure: "loud" } })
    })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { message: string }).message).toContain("dialect.mfaFailure")
    const extra = await admin("/platforms/acme", { method: "PATCH", body: JSON.stringify({ mfaSeting: "required" }) })
    expect(extra.status).toBe(400)
    expect(((await extra.json()) as { message: string }).message).toContain("mfaSeting")
    expect((await admin("/platforms/acme", { method: "PATCH", body: "{not json" })).status).toBe(400)
    expect((await admin("/platforms/nope", { method: "PATCH", body: "{}" })).status).toBe(404)
  })

  it("PATCH /__admin/platforms/{p}/users/{username} changes a user", async () => {
    const r = await admin(`/platforms/acme/users/${encodeURIComponent("api@acme.example")}`, {
      method: "PATCH",
      body: JSON.stringify({ password: "a-new-password-1" })
    })
    expect(r.status).toBe(200)
    try {
      expect(
        (await get(`${base()}${RES}`, { authorization: basic("api@acme.example", "a-new-password-1") })).status
      ).toBe(200)
      expect((await get(`${base()}${RES}`, { authorization: basic("api@acme.example", PASSWORD) })).status).toBe(401)
    } finally {
      ctx.sim.updateUser("acme", "api@acme.example", { password: PASSWORD })
    }
    expect((await admin("/platforms/acme/users/nobody", { method: "PATCH", body: "{}" })).status).toBe(404)
    expect(
      (
        await admin(`/platforms/acme/users/${encodeURIComponent("api@acme.example")}`, {
          method: "PATCH",
          body: JSON.stringify({ roles: ["Boss"] })
        })
      ).status
    ).toBe(400)
  })

  it("PATCH /__admin/platforms/{p}/clients/{clientId} changes a client", async () => {
    const r = await admin("/platforms/acme/clients/acme-integration", {
      method: "PATCH",
      body: JSON.stringify({ status: "pending" })
    })
    expect(r.status).toBe(200)
    try {
      const t = await postForm(
        `${base()}/oauth/connect/token`,
        { grant_type: "authorization_code", code: "x" },
        { authorization: basic("acme-integration", SECRET) }
      )
      expect(JSON.parse(t.body).error).toBe("unauthorized_client")
    } finally {
      ctx.sim.updateClient("acme", "acme-integration", { status: "approved" })
    }
    expect((await admin("/platforms/acme/clients/nope", { method: "PATCH", body: "{}" })).status).toBe(404)
  })

  it("the helper's update functions throw on an unknown name or a bad patch", () => {
    expect(() => ctx.sim.updatePlatform("nope", {})).toThrow(/unknown platform "nope"/)
    expect(() => ctx.sim.updateUser("acme", "nobody", {})).toThrow(/unknown user/)
    expect(() => ctx.sim.updateClient("acme", "nope", {})).toThrow(/unknown client/)
    expect(() => ctx.sim.updatePlatform("acme", { mfaSetting: "sometimes" as never })).toThrow(/mfaSetting/)
  })

  it("answers 404 JSON for an unknown admin route", async () => {
    const r = await admin("/nope")
    expect(r.status).toBe(404)
    expect(await r.json()).toEqual({ error: "not_found" })
  })
})
