/** The fleet file: JSON and YAML, errors with their line and key path, secrets refused unseen, shards. */
import { readFileSync } from "node:fs"
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import {
  type Fleet,
  type FleetError,
  fleetJsonSchema,
  fleetReportJsonSchema,
  fleetReportSchemaUrl,
  fleetSchemaUrl,
  parseFleet,
  parseShard,
  platformKey,
  shardFleet
} from "../src/index.js"
import { interleaveByPlatform } from "../src/internal/fleet/run.js"

const ok = (text: string, file = "fleet.yml"): Fleet => {
  const r = parseFleet(text, file)
  if (Either.isLeft(r)) throw new Error(r.left.message)
  return r.right
}
const err = (text: string, file = "fleet.yml"): string => {
  const r = parseFleet(text, file)
  if (Either.isRight(r)) throw new Error("parsed")
  const e: FleetError = r.left
  expect(e._tag).toBe("FleetError")
  expect(e.message).not.toContain("\n")
  return e.message
}

const yaml = `name: clients
defaults:
  expectAccess: presenter
  tags: [managed]
targets:
  - name: acme-prod
    platform: acme
    username: api@acme.test
    password: { env: ACME_PASSWORD }
    tags: [prod]
  - name: acme-oauth
    baseUrl: https://acme.arlo.co/
    clientId: { env: ACME_CLIENT_ID }
    clientSecret: { file: ./secrets/acme }
    expectAccess: full
  - name: beta
    platform: beta
    accessToken: { command: [pass, show, beta/token] }
`

describe("parseFleet", () => {
  it("reads YAML, applies the defaults (own settings win, tags are the union)", () => {
    const fleet = ok(yaml)
    expect(fleet.name).toBe("clients")
    expect(fleet.fileName).toBe("fleet.yml")
    expect(fleet.digest).toMatch(/^[0-9a-f]{64}$/)
    expect(fleet.targets.map((t) => t.name)).toEqual(["acme-prod", "acme-oauth", "beta"])
    expect(fleet.targets[0]).toMatchObject({ expectAccess: "presenter", tags: ["prod", "managed"] })
    expect(fleet.targets[1]).toMatchObject({
      expectAccess: "full",
      tags: ["managed"],
      clientSecret: { file: "./secrets/acme" }
    })
    expect(fleet.targets[2]!.accessToken).toEqual({ command: ["pass", "show", "beta/token"] })
  })

  it("reads the same fleet as JSON, with the same digest; a different fleet has another", () => {
    const json = JSON.stringify({
      targets: [
        {
          name: "acme-prod",
          platform: "acme",
          username: "api@acme.test",
          password: { env: "ACME_PASSWORD" },
          tags: ["prod"]
        },
        {
          expectAccess: "full",
          clientSecret: { file: "./secrets/acme" },
          clientId: { env: "ACME_CLIENT_ID" },
          baseUrl: "https://acme.arlo.co/",
          name: "acme-oauth"
        },
        { name: "beta", platform: "beta", accessToken: { command: ["pass", "show", "beta/token"] } }
      ],
      defaults: { tags: ["managed"], expectAccess: "presenter" },
      name: "clients",
      $schema: "https://example.test/fleet.schema.json"
    })
    expect(ok(json, "fleet.json").digest).toBe(ok(yaml).digest)
    expect(ok(yaml.replace("name: beta", "name: gamma")).digest).not.toBe(ok(yaml).digest)
  })

  it("names the line and key path of each problem", () => {
    expect(err(yaml.replace("    tags: [prod]", "    tagz: [prod]"))).toBe(
      "fleet.yml:10: targets[0].'tagz' is not a known key: did you mean 'tags'?"
    )
    expect(err(yaml.replace("expectAccess: full", "expectAccess: admin"))).toBe(
      "fleet.yml:15: targets[1].expectAccess must be one of full, presenter."
    )
    expect(err(yaml.replace("    platform: beta\n", ""))).toMatch(
      /^fleet\.yml:16: targets\[2\] has no platform or baseUrl/
    )
    expect(err(yaml.replace("    platform: acme\n", "    platform: acme\n    baseUrl: https://x.test\n"))).toMatch(
      /^fleet\.yml:8: targets\[0\] gives both platform and baseUrl/
    )
    expect(err(yaml.replace("name: beta", "name: acme-prod"))).toBe(
      "fleet.yml:16: targets[2].name 'acme-prod' is already the name of targets[0] (line 6): names must be unique."
    )
    expect(err(yaml.replace("name: beta", "name: -beta"))).toMatch(/^fleet\.yml:16: targets\[2\]\.name must be 1 to 64/)
    expect(err(yaml.replace("name: beta", "name: 12"))).toBe("fleet.yml:16: targets[2].name must be a string.")
    expect(err("targets: []\n")).toBe("fleet.yml:1: targets is empty: list at least one target.")
    expect(err("name: x\n")).toMatch(/^fleet\.yml:1: the fleet file has no targets/)
    expect(err("")).toMatch(/^fleet\.yml:1: the fleet file is empty/)
    expect(err('{"targets": [\n  {"name": "a",\n   "platform": "acme",,}]}', "f.json")).toMatch(
      /^f\.json:3: the fleet file is not valid YAML or JSON/
    )
    expect(err("targets:\n  - name: a\n    name: b\n")).toMatch(/^fleet\.yml:3: a key is given twice/)
    expect(err(yaml.replace("    platform: beta\n", "    platform: be_ta\n"))).toMatch(
      /^fleet\.yml:17: targets\[2\]\.platform /
    )
    expect(err(yaml.replace("tags: [prod]", "tags: prod"))).toBe(
      "fleet.yml:10: targets[0].tags must be a list of strings."
    )
    expect(err(yaml.replace("  - name: beta", "  - &b\n    name: beta").concat("  - *b\n"))).toMatch(
      /targets\[3\] is an alias/
    )
  })

  it("refuses a secret written into the file, without showing it", () => {
    const secret = "hunter2-Very-Secret-42"
    const inline = err(yaml.replace("password: { env: ACME_PASSWORD }", `password: ${secret}`))
    expect(inline).toBe(
      'fleet.yml:9: targets[0].password is written into the fleet file: give a reference instead, {"env": "NAME"}, {"file": "PATH"} or {"command": "…"}.'
    )
    const cases = [
      `password: ${secret}`,
      `password: { env: "${secret}" }`,
      "password: { env: sK9fLq2ZxP4mW7rT1vB8 }",
      `password: { value: ${secret} }`,
      "password: 12345678",
      `password: { env: ACME_PASSWORD, file: ${secret} }`
    ]
    for (const c of cases) {
      const message = err(yaml.replace("password: { env: ACME_PASSWORD }", c))
      expect(message).toMatch(/^fleet\.yml:9: targets\[0\]\.password/)
      expect(message).not.toContain(secret)
      expect(message).not.toContain("sK9fLq2ZxP4mW7rT1vB8")
      expect(message).not.toContain("12345678")
    }
    expect(err(yaml.replace("clientSecret: { file: ./secrets/acme }", `clientSecret: "${secret}"`))).toMatch(
      /^fleet\.yml:14: targets\[1\]\.clientSecret is written into the fleet file/
    )
    const token = err(yaml.replace("accessToken: { command: [pass, show, beta/token] }", `accessToken: ${secret}`))
    expect(token).toMatch(/^fleet\.yml:18: targets\[2\]\.accessToken is written into the fleet file/)
    const url = err(yaml.replace("baseUrl: https://acme.arlo.co/", `baseUrl: https://u:${secret}@acme.arlo.co/`))
    expect(url).toMatch(/^fleet\.yml:12: targets\[1\]\.baseUrl must not carry credentials/)
    expect(url).not.toContain(secret)
    const syntax = err(`targets:\n  - name: a\n    password: "${secret}\n`)
    expect(syntax).not.toContain(secret)
  })

  it("caps the file's size and its number of targets, and parses a large fleet quickly", () => {
    expect(err(`# ${"x".repeat(5 * 1024 * 1024)}\ntargets: []\n`)).toMatch(/over 5 MiB/)
    const many = (n: number) =>
      `targets:\n${Array.from({ length: n }, (_, i) => `  - { name: t${i}, platform: p${i % 97}, accessToken: { env: TOKEN_${i} } }\n`).join("")}`
    expect(err(many(10_001))).toMatch(/^fleet\.yml:2: targets lists 10001 targets, over 10000/)
    const started = performance.now()
    expect(ok(many(10_000)).targets).toHaveLength(10_000)
    expect(performance.now() - started).toBeLessThan(10_000)
  })
})

describe("shards", () => {
  const fleetOf = (names: Array<[string, string]>) =>
    ok(
      `targets:\n${names.map(([n, p]) => `  - { name: ${n}, ${p.startsWith("https") ? "baseUrl" : "platform"}: "${p}", accessToken: { env: T } }\n`).join("")}`
    )
  const base: Array<[string, string]> = Array.from({ length: 60 }, (_, i) => [`t${i}`, `platform${i % 20}`])

  it("parses i/n and refuses anything else", () => {
    expect(parseShard("2/3")).toEqual(Either.right({ index: 2, count: 3 }))
    for (const bad of ["0/3", "4/3", "3", "a/b", "1/0", "-1/2", "1/1001"]) {
      const r = parseShard(bad)
      expect(Either.isLeft(r) && r.left.message).toMatch(/is not i\/n/)
    }
  })

  it("covers the fleet once, keeps each platform in one shard, and moves no target when one is added", () => {
    const fleet = fleetOf(base)
    const count = 4
    const shards = Array.from({ length: count }, (_, i) =>
      shardFleet(fleet, { index: i + 1, count }).map((t) => t.name)
    )
    expect(shards.flat().sort()).toEqual(fleet.targets.map((t) => t.name).sort())
    expect(shards.filter((s) => s.length > 0).length).toBeGreaterThan(1)
    const shardOfTarget = new Map(shards.flatMap((s, i) => s.map((n) => [n, i] as const)))
    for (const t of fleet.targets) {
      const same = fleet.targets.filter((u) => platformKey(u) === platformKey(t))
      for (const u of same) expect(shardOfTarget.get(u.name)).toBe(shardOfTarget.get(t.name))
    }
    const grown = fleetOf([
      ...base.slice(0, 30),
      ["new-one", "platform-new"],
      ["new-two", "platform3"],
      ...base.slice(30)
    ])
    const after = Array.from({ length: count }, (_, i) => shardFleet(grown, { index: i + 1, count }).map((t) => t.name))
    for (const [name, i] of shardOfTarget) expect(after[i]).toContain(name)
    expect(after[shardOfTarget.get("t3")!]).toContain("new-two")
  })

  it("knows a platform by name and by base URL alike", () => {
    const fleet = fleetOf([
      ["a", "acme"],
      ["b", "https://ACME.arlo.co/"],
      ["c", "https://acme.arlo.co/api/2012-02-01/auth/resources/"]
    ])
    expect(new Set(fleet.targets.map(platformKey))).toEqual(new Set(["https://acme.arlo.co"]))
    const sizes = [1, 2, 3].map((index) => shardFleet(fleet, { index, count: 3 }).length)
    expect(sizes.sort()).toEqual([0, 0, 3])
  })
})

describe("interleaveByPlatform", () => {
  it("takes the platforms in turn, each platform's targets in their order, every target once", () => {
    const fleet = ok(
      `targets:\n${["a1:a", "a2:a", "a3:a", "b1:b", "c1:c", "c2:c"].map((s) => `  - { name: ${s.split(":")[0]}, platform: ${s.split(":")[1]}, accessToken: { env: T } }\n`).join("")}`
    )
    expect(interleaveByPlatform(fleet.targets).map((t) => t.name)).toEqual(["a1", "b1", "c1", "a2", "c2", "a3"])
  })
})

describe("the shipped fleet schemas", () => {
  const shipped = (file: string) => JSON.parse(readFileSync(new URL(`../${file}`, import.meta.url), "utf8")) as object
  it("match the FleetFile and FleetReport schemas (rebuild after changing them)", () => {
    expect(shipped("fleet.schema.json")).toEqual(JSON.parse(JSON.stringify(fleetJsonSchema())))
    expect(shipped("fleet-report.schema.json")).toEqual(JSON.parse(JSON.stringify(fleetReportJsonSchema())))
    expect((shipped("fleet.schema.json") as { $id: string }).$id).toBe(fleetSchemaUrl)
    expect((shipped("fleet-report.schema.json") as { $id: string }).$id).toBe(fleetReportSchemaUrl)
  })
})
