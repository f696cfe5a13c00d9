/**
 * Fleet scenarios: `fleet:N[:SEED]` builds N platforms with a seeded mix of the built-in stories, and
 * `fleet:all` serves every built-in scenario's platforms in one server. Platforms are built as decoded
 * values (no schema pass per platform) and every platform of one story shares that story's data.
 */
import { Either } from "effect"
import { builtInNames, type Fault, load, type Platform, type Scenario, ScenarioError } from "../Scenario.js"
import * as Prng from "./Prng.js"

/** The most platforms `fleet:N` builds. */
export const MAX_FLEET = 10_000

/** The seed `fleet:N` uses unless `fleet:N:SEED` names another. */
export const DEFAULT_SEED = 1

/**
 * The stories `fleet:N` mixes, with their weights (out of 100): mostly ready, a realistic minority
 * failing. `demo` (several platforms), `slow` and `flaky` (timing, not accounts) are left to `fleet:all`.
 */
export const fleetStories: ReadonlyArray<readonly [story: string, weight: number]> = [
  ["ready", 56],
  ["integration-account", 8],
  ["oauth-pending", 5],
  ["presenter", 4],
  ["api-user-only", 4],
  ["mfa-optional", 4],
  ["mfa-required", 4],
  ["wrong-password", 3],
  ["oauth-wrong-secret", 3],
  ["no-api-access", 3],
  ["locked", 2],
  ["oauth-unknown-client", 2],
  ["oauth-bad-redirect", 1],
  ["rate-limited", 1]
]

/** A built fleet: the scenario, each platform's story, and the name each platform's data is generated for. */
export interface FleetBuild {
  readonly scenario: Scenario
  readonly stories: ReadonlyMap<string, string>
  readonly dataNames: ReadonlyMap<string, string>
}

/** `true` for a `fleet:…` scenario name. */
export const isFleetSpec = (spec: unknown): spec is string => typeof spec === "string" && spec.startsWith("fleet:")

const forms = "fleet:N, fleet:N:SEED or fleet:all"

/** The built-in scenarios, decoded once: they are immutable and every fleet reuses them. */
const stories = new Map<string, Scenario>()
const story = (name: string): Either.Either<Scenario, ScenarioError> => {
  const cached = stories.get(name)
  if (cached !== undefined) return Either.right(cached)
  return Either.map(load(name), (s) => {
    stories.set(name, s)
    return s
  })
}

const suffix = (secret: string, name: string) => `${secret}-${name}`

/**
 * One fleet platform from a story's platform: the same users, clients, dialect and data, its own name,
 * and every secret made its own (a wrong one stays wrong). The audit's other fields are the story's.
 */
const fromStory = (p: Platform, name: string): Platform => {
  const { password, clientSecret, ...audit } = p.audit
  return {
    ...p,
    name,
    seed: p.seed ?? Prng.hash(p.name),
    users: p.users.map((u) => ({ ...u, password: suffix(u.password, name) })),
    clients: p.clients.map((c) => ({ ...c, clientSecret: suffix(c.clientSecret, name) })),
    audit: {
      ...audit,
      ...(password === undefined ? {} : { password: suffix(password, name) }),
      ...(clientSecret === undefined ? {} : { clientSecret: suffix(clientSecret, name) })
    }
  }
}

const parseCount = (spec: string, raw: string, seedRaw: string | undefined) => {
  if (!/^\d{1,5}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_FLEET) {
    return Either.left(
      new ScenarioError({ message: `fleet scenario "${spec}": N must be an integer from 1 to 10000 (${forms})` })
    )
  }
  if (seedRaw !== undefined && (!/^\d{1,10}$/.test(seedRaw) || Number(seedRaw) > 0xffffffff)) {
    return Either.left(
      new ScenarioError({
        message: `fleet scenario "${spec}": SEED must be an integer from 0 to 4294967295 (${forms})`
      })
    )
  }
  return Either.right({ count: Number(raw), seed: seedRaw === undefined ? DEFAULT_SEED : Number(seedRaw) })
}

/** `fleet:N[:SEED]`: N platforms `p0001`…, each one account of a story drawn by weight from the seed. */
const mixed = (spec: string, count: number, seed: number): Either.Either<FleetBuild, ScenarioError> =>
  Either.gen(function* () {
    const pool: Array<{ readonly name: string; readonly platform: Platform; readonly upTo: number }> = []
    let total = 0
    for (const [name, weight] of fleetStories) {
      const s = yield* story(name)
      total += weight
      pool.push({ name, platform: s.platforms[0]!, upTo: total })
    }
    const rng = Prng.make(seed)
    const width = Math.max(4, String(count).length)
    const platforms: Array<Platform> = []
    const storyOf = new Map<string, string>()
    const dataNames = new Map<string, string>()
    const tally = new Map<string, number>()
    for (let i = 1; i <= count; i++) {
      const draw = rng.next() * total
      const picked = pool.find((s) => draw < s.upTo) ?? pool[0]!
      const name = `p${String(i).padStart(width, "0")}`
      platforms.push(fromStory(picked.platform, name))
      storyOf.set(name, picked.name)
      dataNames.set(name, picked.platform.name)
      tally.set(picked.name, (tally.get(picked.name) ?? 0) + 1)
    }
    const mix = fleetStories
      .filter(([name]) => tally.has(name))
      .map(([name]) => `${tally.get(name)} ${name}`)
      .join(", ")
    const scenario: Scenario = {
      name: spec,
      description: `${count} platform${count === 1 ? "" : "s"}, one account each, a seeded mix (seed ${seed}) of the built-in stories: ${mix}.`,
      latencyMs: 0,
      platforms
    }
    return { scenario, stories: storyOf, dataNames }
  })

/**
 * `fleet:all`: every built-in scenario's platforms, named `{scenario}-{platform}`, with their own
 * users, secrets and data. A scenario's server-wide latency (`slow`) becomes a latency fault on its
 * platforms, so it slows only them.
 */
const everyScenario = (spec: string): Either.Either<FleetBuild, ScenarioError> =>
  Either.gen(function* () {
    const platforms: Array<Platform> = []
    const storyOf = new Map<string, string>()
    const dataNames = new Map<string, string>()
    const names = builtInNames()
    for (const scenarioName of names) {
      const s = yield* story(scenarioName)
      const latency: ReadonlyArray<Fault> = s.latencyMs > 0 ? [{ match: "/**", after: 0, latencyMs: s.latencyMs }] : []
      for (const p of s.platforms) {
        const name = `${scenarioName}-${p.name}`
        platforms.push({ ...p, name, seed: p.seed ?? Prng.hash(p.name), faults: [...latency, ...p.faults] })
        storyOf.set(name, scenarioName)
        dataNames.set(name, p.name)
      }
    }
    const scenario: Scenario = {
      name: spec,
      description: `Every built-in scenario's platforms in one server (${names.length} scenarios, ${platforms.length} platforms), named {scenario}-{platform}.`,
      latencyMs: 0,
      platforms
    }
    return { scenario, stories: storyOf, dataNames }
  })

/** Builds the fleet a `fleet:…` name describes, or says in one line what to write instead. */
export const build = (spec: string): Either.Either<FleetBuild, ScenarioError> => {
  const rest = spec.slice("fleet:".length)
  if (rest === "all") return everyScenario(spec)
  const [raw = "", seedRaw, ...extra] = rest.split(":")
  if (extra.length > 0) return Either.left(new ScenarioError({ message: `fleet scenario "${spec}": write ${forms}` }))
  return Either.flatMap(parseCount(spec, raw, seedRaw), ({ count, seed }) => mixed(spec, count, seed))
}
