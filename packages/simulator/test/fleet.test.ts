import { describe, expect, it } from "vitest"
import { fleetFileOf, Scenario, type SimulatorHandle, startSimulator } from "../src/index.js"
import { fleetStories } from "../src/internal/Fleet.js"
import { apiError, basic, get, postForm, RES, useSimulator } from "./helpers.js"

const storiesOf = (sim: SimulatorHandle) => Object.values(sim.platforms).map((p) => `${p.name}:${p.story}`)

/** The first platform of `story`, failing the test when the fleet has none. */
const first = (sim: SimulatorHandle, story: string) => {
  const p = Object.values(sim.platforms).find((x) => x.story === story)
  if (p === undefined) throw new Error(`no ${story} platform in ${sim.scenario.name}`)
  return p
}

const root = (p: { baseUrl: string; audit: Scenario.Audit }, password = p.audit.password!) =>
  get(`${p.baseUrl}${RES}`, { authorization: basic(p.audit.username!, password) })

const tokenWith = (p: { baseUrl: string; audit: Scenario.Audit }) =>
  postForm(`${p.baseUrl}/oauth/connect/token`, {
    grant_type: "authorization_code",
    code: "not-a-code",
    redirect_uri: p.audit.redirectUri!,
    client_id: p.audit.clientId!,
    client_secret: p.audit.clientSecret!
  })

describe("fleet:N", () => {
  const ctx = useSimulator({ scenario: "fleet:200" })

  it("builds N platforms p0001…, each a story of the mix, mostly ready", () => {
    const names = Object.keys(ctx.sim.platforms)
    expect(names).toHaveLength(200)
    expect(names[0]).toBe("p0001")
    expect(names[199]).toBe("p0200")
    const known = new Set(fleetStories.map(([s]) => s))
    const count = new Map<string, number>()
    for (const p of Object.values(ctx.sim.platforms)) {
      expect(known.has(p.story)).toBe(true)
      expect(p.baseUrl).toBe(`${ctx.sim.url}/${p.name}`)
      count.set(p.story, (count.get(p.story) ?? 0) + 1)
    }
    expect(count.get("ready")! / 200).toBeGreaterThan(0.4)
    expect(count.size).toBeGreaterThanOrEqual(10)
    expect(ctx.sim.scenario.description).toMatch(/^200 platforms, .*seed 1\b.*\d+ ready/)
  })

  it("each platform answers like its story, with secrets of its own", async () => {
    const ready = Object.values(ctx.sim.platforms).filter((p) => p.story === "ready")
    expect((await root(ready[0]!)).status).toBe(200)
    // A password is the platform's own: another ready platform's is refused.
    expect((await root(ready[0]!, ready[1]!.audit.password)).status).toBe(401)
    expect((await root(first(ctx.sim, "wrong-password"))).status).toBe(401)
    expect(apiError(await root(first(ctx.sim, "mfa-required"))).code).toBe("MfaEnabled")
    expect(apiError(await root(first(ctx.sim, "locked"))).code).toBe("AccountLocked")
    expect((await root(first(ctx.sim, "no-api-access"))).status).toBe(403)
    expect((await root(first(ctx.sim, "integration-account"))).status).toBe(200)
    const approved = await tokenWith(ready[0]!)
    expect([approved.status, JSON.parse(approved.body).error]).toEqual([400, "invalid_grant"])
    const pending = await tokenWith(first(ctx.sim, "oauth-pending"))
    expect([pending.status, JSON.parse(pending.body).error]).toEqual([400, "unauthorized_client"])
    expect((await tokenWith(first(ctx.sim, "oauth-wrong-secret"))).status).toBe(401)
  })

  it("journals every request with its platform and time", async () => {
    ctx.sim.clearJournal()
    const some = ["p0003", "p0150", "p0200"].map((n) => ctx.sim.platforms[n]!)
    for (const p of some) await get(`${p.baseUrl}${RES}`)
    const j = ctx.sim.journal()
    expect(j.map((e) => e.platform)).toEqual(["p0003", "p0150", "p0200"])
    for (const e of j) expect(Number.isNaN(Date.parse(e.at))).toBe(false)
  })
})

describe("the fleet mix", () => {
  it("is the same for a seed, differs for another, and N only adds platforms", async () => {
    const sims = await Promise.all(
      ["fleet:300", "fleet:300:1", "fleet:300:2", "fleet:40"].map((scenario) => startSimulator({ scenario }))
    )
    try {
      const [a, same, other, fewer] = sims.map(storiesOf)
      expect(same).toEqual(a)
      expect(other).not.toEqual(a)
      expect(fewer).toEqual(a!.slice(0, 40))
      expect(sims[0]!.platforms.p0007!.audit).toEqual(sims[1]!.platforms.p0007!.audit)
    } finally {
      await Promise.all(sims.map((s) => s.close()))
    }
  })

  it("builds the largest fleet, 10,000 platforms, and serves its last one", async () => {
    const sim = await startSimulator({ scenario: "fleet:10000" })
    try {
      expect(Object.keys(sim.platforms)).toHaveLength(10_000)
      const last = sim.platforms.p10000!
      expect((await get(`${last.baseUrl}${RES}`)).status).toBe(401)
    } finally {
      await sim.close()
    }
  })

  it.each([
    ["fleet:0", /N must be an integer from 1 to 10000/],
    ["fleet:10001", /N must be an integer from 1 to 10000/],
    ["fleet:", /N must be an integer from 1 to 10000/],
    ["fleet:ten", /N must be an integer from 1 to 10000/],
    ["fleet:-5", /N must be an integer from 1 to 10000/],
    ["fleet:5:x", /SEED must be an integer from 0 to 4294967295/],
    ["fleet:5:4294967296", /SEED must be/],
    ["fleet:5:1:2", /write fleet:N, fleet:N:SEED or fleet:all$/]
  ])("refuses %s in one line", async (scenario, message) => {
    const e = await startSimulator({ scenario }).then(
      () => undefined,
      (err: unknown) => err
    )
    expect(e).toBeInstanceOf(Scenario.ScenarioError)
    expect((e as Error).message).toMatch(message)
    expect((e as Error).message).toContain(`"${scenario}"`)
    expect((e as Error).message).not.toContain("\n")
  })
})

describe("fleet:all", () => {
  const ctx = useSimulator({ scenario: "fleet:all" })

  it("serves every built-in scenario's platforms as {scenario}-{platform}, audits unchanged", () => {
    const expected: Array<string> = []
    for (const name of Scenario.builtInNames()) {
      const s = Scenario.load(name)
      if (s._tag === "Left") throw s.left
      for (const p of s.right.platforms) {
        const served = ctx.sim.platforms[`${name}-${p.name}`]
        expect(served?.audit).toEqual(p.audit)
        expect(served?.story).toBe(name)
        expected.push(`${name}-${p.name}`)
      }
    }
    expect(Object.keys(ctx.sim.platforms).sort()).toEqual(expected.sort())
    expect(ctx.sim.platforms["demo-globex"]).toBeDefined()
  })

  it("each platform answers like its scenario", async () => {
    const p = ctx.sim.platforms
    expect((await root(p["ready-acme"]!)).status).toBe(200)
    expect((await root(p["demo-acme"]!)).status).toBe(200)
    expect((await root(p["wrong-password-bluegum"]!)).status).toBe(401)
    expect(apiError(await root(p["demo-globex"]!)).code).toBe("MfaEnabled")
    const pending = await tokenWith(p["oauth-pending-juniper"]!)
    expect(JSON.parse(pending.body).error).toBe("unauthorized_client")
  })

  it("slows only the slow scenario's platforms", async () => {
    const pukeko = ctx.sim.scenario.platforms.find((p) => p.name === "slow-pukeko")!
    expect(pukeko.faults[0]).toEqual({ match: "/**", after: 0, latencyMs: 1200 })
    expect(ctx.sim.scenario.latencyMs).toBe(0)
    ctx.sim.updatePlatform("slow-pukeko", { faults: [{ match: "/**", latencyMs: 300 }] })
    const t0 = performance.now()
    await root(ctx.sim.platforms["slow-pukeko"]!)
    const slow = performance.now() - t0
    const t1 = performance.now()
    await root(ctx.sim.platforms["ready-acme"]!)
    expect(slow).toBeGreaterThanOrEqual(290)
    expect(performance.now() - t1).toBeLessThan(slow)
    const faults = ctx.sim
      .journal()
      .filter((e) => e.platform === "slow-pukeko")
      .map((e) => e.fault)
    expect(faults.at(-1)).toBe("latency")
  })
})

describe("fleetFileOf", () => {
  const ctx = useSimulator({ scenario: "fleet:all" })

  it("lists every platform's audit as a target, credentials as env references only", () => {
    const { file, env } = fleetFileOf(ctx.sim)
    expect(file.name).toBe("fleet:all")
    expect(file.targets.map((t) => t.name)).toEqual(Object.keys(ctx.sim.platforms))
    const text = JSON.stringify(file)
    const values = Object.values(env)
    expect(values.length).toBeGreaterThan(file.targets.length)
    for (const v of values) expect(text).not.toContain(v)
    for (const t of file.targets) {
      const p = ctx.sim.platforms[t.name]!
      expect(t.baseUrl).toBe(p.baseUrl)
      expect(t.tags).toEqual([p.story])
      expect(t.username).toBe(p.audit.username)
      expect(t.clientId).toBe(p.audit.clientId)
      expect(t.mfaSetting).toBe(p.audit.mfaSetting)
      if (p.audit.password !== undefined) expect(env[t.password!.env]).toBe(p.audit.password)
      if (p.audit.clientSecret !== undefined) expect(env[t.clientSecret!.env]).toBe(p.audit.clientSecret)
      expect(Object.keys(t.password ?? {})).not.toContain("value")
    }
    const acme = file.targets.find((t) => t.name === "ready-acme")!
    expect(acme).toMatchObject({
      auth: "both",
      expectAccess: "full",
      password: { env: "ARLO_FLEET_READY_ACME_PASSWORD" },
      clientSecret: { env: "ARLO_FLEET_READY_ACME_CLIENT_SECRET" },
      scopes: ["openid", "profile", "roles", "offline_access", "all_claims"]
    })
    const iris = file.targets.find((t) => t.name === "presenter-iris")!
    expect(iris).toMatchObject({ auth: "basic", expectAccess: "presenter" })
    expect(iris.clientSecret).toBeUndefined()
  })

  it("takes a prefix, a selection and extra tags; refuses an unknown platform", () => {
    const { file, env } = fleetFileOf(ctx.sim, {
      envPrefix: "SIM_",
      platforms: ["locked-cobalt", "ready-acme"],
      tags: ["simulated"],
      name: "two"
    })
    expect(file.name).toBe("two")
    expect(file.targets.map((t) => [t.name, t.tags])).toEqual([
      ["locked-cobalt", ["locked", "simulated"]],
      ["ready-acme", ["ready", "simulated"]]
    ])
    expect(Object.keys(env)).toEqual([
      "SIM_LOCKED_COBALT_PASSWORD",
      "SIM_READY_ACME_PASSWORD",
      "SIM_READY_ACME_CLIENT_SECRET"
    ])
    expect(() => fleetFileOf(ctx.sim, { platforms: ["nowhere"] })).toThrow(/no platform "nowhere"/)
    expect(() => fleetFileOf(ctx.sim, { envPrefix: "bad-" })).toThrow(/envPrefix/)
  })
})
