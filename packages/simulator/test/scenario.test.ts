import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Either } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { Scenario, ScenarioError, startSimulator } from "../src/index.js"
import { apiError, basic, get, postForm, RES } from "./helpers.js"

const documented = [
  "ready",
  "wrong-password",
  "locked",
  "mfa-optional",
  "mfa-required",
  "integration-account",
  "no-api-access",
  "api-user-only",
  "presenter",
  "oauth-pending",
  "oauth-wrong-secret",
  "oauth-unknown-client",
  "oauth-bad-redirect",
  "rate-limited",
  "flaky",
  "slow",
  "demo"
]

const loadOk = (name: string) => Either.getOrThrow(Scenario.load(name))
const errorOf = (input: unknown) => {
  const r = Scenario.decode(input, "test.json")
  if (Either.isRight(r)) throw new Error("expected a decode error")
  return r.left.message
}

type Loose = Record<string, unknown>

/** Sets (or, with `undefined`, deletes) a value at a dotted path. */
const set = (root: Loose, dotted: string, value: unknown) => {
  const keys = dotted.split(".")
  let node = root as Record<string, unknown>
  for (const k of keys.slice(0, -1)) node = node[k] as Record<string, unknown>
  const last = keys.at(-1)!
  if (value === undefined) delete node[last]
  else node[last] = value
}

const minimal = () => ({
  name: "x",
  description: "d",
  platforms: [{ name: "p", users: [{ username: "u@p.test", password: "pw", roles: ["API User"] }], audit: {} }]
})

describe("built-in scenarios", () => {
  it("are exactly the documented ones, demo listed last", () => {
    expect([...Scenario.builtInNames()].sort()).toEqual([...documented].sort())
    expect(Scenario.builtInNames().at(-1)).toBe("demo")
  })

  it.each(documented)("%s decodes, has a description and an audit block for every platform", (name) => {
    const s = loadOk(name)
    expect(s.name).toBe(name)
    expect(s.description.length).toBeGreaterThan(10)
    for (const p of s.platforms) {
      expect(p.audit.username ?? p.audit.clientId).toBeDefined()
      expect(p.audit.expectAccess).toBeDefined()
    }
  })

  it("use credentials no other scenario uses, on .example or .test domains", () => {
    const owner = new Map<string, string>()
    for (const name of documented) {
      for (const p of loadOk(name).platforms) {
        const secrets = [
          ...p.users.map((u) => u.password),
          ...p.clients.map((c) => c.clientSecret),
          p.audit.password,
          p.audit.clientSecret
        ].filter((s): s is string => s !== undefined)
        for (const s of secrets) {
          expect(owner.get(s) ?? name, `"${s}" appears in ${owner.get(s)} and ${name}`).toBe(name)
          owner.set(s, name)
        }
        for (const u of p.users) expect(u.username).toMatch(/\.(example|test)$/)
        for (const c of p.clients)
          for (const r of c.redirectUris) expect(new URL(r).hostname).toMatch(/\.(example|test)$/)
      }
    }
  })

  it("demo has several platforms", () => {
    expect(loadOk("demo").platforms.length).toBeGreaterThanOrEqual(3)
  })
})

describe("every built-in scenario behaves as its audit block says", () => {
  const sims: Array<{ close: () => Promise<void> }> = []
  afterAll(() => Promise.all(sims.map((s) => s.close())))

  it.each(documented)("%s", async (name) => {
    const sim = await startSimulator({ scenario: name, latencyMs: 0 })
    sims.push(sim)
    for (const p of loadOk(name).platforms) {
      sim.updatePlatform(p.name, { faults: [] })
      const { baseUrl, audit } = sim.platforms[p.name]!
      const h = { authorization: basic(audit.username!, audit.password!) }
      const root = await get(`${baseUrl}${RES}`, h)
      const orders = await get(`${baseUrl}${RES}orders/`, h)
      if (audit.expectAccess === "none") {
        expect(root.status, `${name}/${p.name}`).not.toBe(200)
      } else {
        expect(root.status, `${name}/${p.name}`).toBe(200)
        expect(orders.status, `${name}/${p.name}`).toBe(audit.expectAccess === "full" ? 200 : 403)
      }
      if (audit.clientId === undefined) continue
      const authorize = await get(
        `${baseUrl}/oauth/connect/authorize?${new URLSearchParams({
          client_id: audit.clientId,
          response_type: "code",
          scope: audit.scopes!.join(" "),
          redirect_uri: audit.redirectUri!,
          state: "s"
        })}`,
        {},
        { redirect: "manual" }
      )
      const probe = await postForm(
        `${baseUrl}/oauth/connect/token`,
        { grant_type: "authorization_code", code: "deliberately-invalid", redirect_uri: audit.redirectUri! },
        { authorization: basic(audit.clientId, audit.clientSecret!) }
      )
      const expected: Record<string, [number, string]> = {
        "oauth-pending": [400, "unauthorized_client"],
        "oauth-wrong-secret": [401, "invalid_client"],
        "oauth-unknown-client": [401, "invalid_client"],
        umbrella: [400, "unauthorized_client"]
      }
      const [status, error] = expected[name] ?? expected[p.name] ?? [400, "invalid_grant"]
      expect([probe.status, JSON.parse(probe.body).error], `${name}/${p.name}`).toEqual([status, error])
      const authorizeOk =
        !["oauth-pending", "oauth-unknown-client", "oauth-bad-redirect"].includes(name) && p.name !== "umbrella"
      expect(authorize.status, `${name}/${p.name}`).toBe(authorizeOk ? 302 : 400)
    }
  })

  it("demo: globex is MFA-blocked, its Integration Account is not; initech is limited", async () => {
    const sim = await startSimulator({ scenario: "demo" })
    sims.push(sim)
    const globex = sim.platforms.globex!
    const blocked = await get(`${globex.baseUrl}${RES}`, {
      authorization: basic(globex.audit.username!, globex.audit.password!)
    })
    expect(apiError(blocked).code).toBe("MfaEnabled")
    const sync = loadOk("demo")
      .platforms.find((p) => p.name === "globex")!
      .users.find((u) => u.accountType === "integration")!
    expect((await get(`${globex.baseUrl}${RES}`, { authorization: basic(sync.username, sync.password) })).status).toBe(
      200
    )
  })
})

describe("the loader", () => {
  it("applies defaults so files stay short", () => {
    const s = Either.getOrThrow(Scenario.decode(minimal()))
    const p = s.platforms[0]!
    expect(s.latencyMs).toBe(0)
    expect(p.mfaSetting).toBe("optional")
    expect(p.dialect).toEqual({
      mfaFailure: "explicit",
      lockedFailure: "explicit",
      noApiAccessStatus: 403,
      routeDenialStatus: 403,
      apiUserOnly: "limited",
      unapprovedClient: "unauthorized_client",
      discovery: true,
      missingScope: "empty",
      signIn: "identityserver3",
      authorizeError: "classes",
      unauthorized: "challenge",
      revocation: "rfc7009"
    })
    expect(p.rateLimit).toEqual({ perMinute: 300, spent: 0 })
    expect(p.users[0]).toMatchObject({ mfaEnabled: false, accountType: "standard", locked: false })
    expect(p.clients).toEqual([])
    expect(p.faults).toEqual([])
  })

  it.each<[string, (s: Loose) => void, string]>([
    [
      "role",
      (s) => set(s, "platforms.0.users.0.roles", ["Admin"]),
      'platforms[0].users[0].roles[0]: Expected "API User" | "Administrator" | "Presenter", actual "Admin"'
    ],
    ["typo", (s) => set(s, "platforms.0.mfaSeting", "required"), "platforms[0].mfaSeting: is unexpected"],
    ["missing audit", (s) => set(s, "platforms.0.audit", undefined), "platforms[0].audit: is missing"],
    ["dialect", (s) => set(s, "platforms.0.dialect", { mfaFailure: "loud" }), "platforms[0].dialect.mfaFailure:"],
    [
      "dialect status",
      (s) => set(s, "platforms.0.dialect", { noApiAccessStatus: 500 }),
      "platforms[0].dialect.noApiAccessStatus:"
    ],
    [
      "platform name",
      (s) => set(s, "platforms.0.name", "Has Spaces"),
      "platforms[0].name: a platform name is lower-case"
    ],
    [
      "duplicate user",
      (s) => set(s, "platforms.0.users.1", { username: "U@p.test", password: "x", roles: [] }),
      'platforms[0].users[1].username: duplicate username "U@p.test"'
    ],
    [
      "duplicate platform",
      (s) => set(s, "platforms.1", minimal().platforms[0]),
      'platforms[1].name: duplicate platform name "p"'
    ],
    ["no platform", (s) => set(s, "platforms", []), "platforms: list at least one platform"],
    [
      "fault match",
      (s) => set(s, "platforms.0.faults", [{ match: "no-slash", status: 500 }]),
      "platforms[0].faults[0].match:"
    ],
    ["rate limit", (s) => set(s, "platforms.0.rateLimit", { perMinute: 0 }), "platforms[0].rateLimit.perMinute:"],
    [
      "client status",
      (s) => set(s, "platforms.0.clients", [{ clientId: "c", clientSecret: "s", redirectUris: [], status: "maybe" }]),
      "platforms[0].clients[0].status:"
    ]
  ])("names the field: %s", (_, mutate, expected) => {
    const s = minimal()
    mutate(s)
    const message = errorOf(s)
    expect(message.startsWith("test.json: ")).toBe(true)
    expect(message).toContain(expected)
    expect(message).not.toContain("\n")
  })

  it("reports an unreadable file, bad JSON and an unknown built-in name in one line", () => {
    const missing = Scenario.load("./does-not-exist.json")
    expect(Either.isLeft(missing) && missing.left.message).toMatch(
      /does-not-exist\.json: cannot read the scenario file \(ENOENT\)/
    )
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arlo-sim-"))
    const bad = path.join(dir, "bad.json")
    fs.writeFileSync(bad, "{ not json")
    const r = Scenario.load(bad)
    expect(Either.isLeft(r) && r.left.message).toMatch(/bad\.json: not valid JSON/)
    const unknown = Scenario.load("nope")
    expect(Either.isLeft(unknown) && unknown.left.message).toMatch(/^unknown scenario "nope": use one of .*ready.*demo/)
    fs.rmSync(dir, { recursive: true })
  })

  it("startSimulator takes a file path, and rejects a bad file with a ScenarioError", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arlo-sim-"))
    try {
      const good = path.join(dir, "good.json")
      fs.writeFileSync(good, JSON.stringify(minimal()))
      const sim = await startSimulator({ scenario: good })
      expect(Object.keys(sim.platforms)).toEqual(["p"])
      const g = await get(`${sim.platforms.p!.baseUrl}${RES}`, { authorization: basic("u@p.test", "pw") })
      expect(g.status).toBe(200)
      await sim.close()
      const bad = path.join(dir, "bad.json")
      const s = minimal()
      set(s, "platforms.0.users.0.roles", ["Root"])
      fs.writeFileSync(bad, JSON.stringify(s))
      const err = await startSimulator({ scenario: bad }).then(
        () => undefined,
        (e: unknown) => e
      )
      expect(err).toBeInstanceOf(ScenarioError)
      expect((err as ScenarioError).message).toContain("platforms[0].users[0].roles[0]")
    } finally {
      fs.rmSync(dir, { recursive: true })
    }
  })
})
