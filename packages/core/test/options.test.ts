/**
 * Option handling as a library user meets it: a key the library does not know is refused (with the
 * nearest known one), at the top and in nested objects, by every entry point that takes options; and a
 * message names the option to give when the config came from options, the variable when from the
 * environment.
 */
import { startSimulator } from "@arlo-ready/simulator"
import { Either } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  type AuditConfig,
  type AuditOptions,
  auditEvents,
  ConfigError,
  type ConfigInput,
  configFromOptions,
  fromOptions,
  type ResolveConfigInput,
  rerunChecks,
  resolveConfig,
  runAudit
} from "../src/index.js"
import { editDistance, nearest } from "../src/suggest.js"
import { optionsFor, type Sim } from "./helpers.js"

let sim: Sim
beforeAll(async () => {
  sim = await startSimulator({ scenario: "ready" })
})
afterAll(() => sim?.close())

const base = { platform: "acme", username: "api@acme.test", password: "correct-horse-42" }

/** Options as a JavaScript caller can pass them, past the types. */
const loose = (o: Record<string, unknown>): AuditOptions => o as AuditOptions
/** A nested object as a JavaScript caller can pass it. */
const anyShape = (o: unknown): never => o as never

const leftOf = (e: Either.Either<AuditConfig, ConfigError>): ConfigError => {
  if (Either.isRight(e)) throw new Error("expected a ConfigError, got a config")
  return e.left
}

/** The error `f` throws: it must be a one-line `ConfigError`. */
const thrown = (f: () => unknown): ConfigError => {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError)
    const c = e as ConfigError
    expect(c._tag).toBe("ConfigError")
    expect(c.message).not.toContain("\n")
    return c
  }
  throw new Error("expected a throw")
}

describe("unknown options", () => {
  it("runAudit rejects an unknown key by name, before any request", async () => {
    const before = sim.journal().length
    const r = runAudit(loose({ ...optionsFor(sim), bogus: 1 }))
    await expect(r).rejects.toBeInstanceOf(ConfigError)
    await expect(r).rejects.toMatchObject({ message: "unknown option `bogus`", field: "bogus" })
    expect(sim.journal().length).toBe(before)
  })

  it("a slip gets the nearest known option", async () => {
    await expect(runAudit(loose({ ...base, usernme: "u" }))).rejects.toMatchObject({
      _tag: "ConfigError",
      message: "unknown option `usernme`: did you mean `username`?"
    })
    const cases: Array<[string, string]> = [
      ["pasword", "password"],
      ["platfrom", "platform"],
      ["baseURL", "baseUrl"],
      ["clientID", "clientId"],
      ["timeout", "timeoutMs"],
      ["deadline", "deadlineMs"],
      ["scope", "scopes"],
      ["sigal", "signal"],
      ["credentialSource", "credentialSources"],
      ["maxRequest", "maxRequests"],
      ["expectedAccess", "expectAccess"]
    ]
    for (const [typo, meant] of cases) {
      expect(thrown(() => configFromOptions(loose({ ...base, [typo]: "x" }))).message).toBe(
        `unknown option \`${typo}\`: did you mean \`${meant}\`?`
      )
    }
    // Nothing near: no suggestion.
    for (const far of ["bogus", "verbose", "mfa", "user"]) {
      expect(thrown(() => configFromOptions(loose({ ...base, [far]: true }))).message).toBe(`unknown option \`${far}\``)
    }
  })

  it("checks a key by name even when its value is undefined", () => {
    expect(thrown(() => configFromOptions(loose({ ...base, platfrom: undefined }))).message).toBe(
      "unknown option `platfrom`: did you mean `platform`?"
    )
    // Known keys set to undefined are fine.
    const ok = configFromOptions({ ...base, clientId: undefined, signal: undefined, credentialSources: undefined })
    expect(ok.baseUrl).toBe("https://acme.arlo.co")
  })

  it("every entry point of the Promise API refuses, auditEvents at once", async () => {
    expect(thrown(() => auditEvents(loose({ ...base, onlyy: ["basic"] }))).message).toBe(
      "unknown option `onlyy`: did you mean `only`?"
    )
    await expect(rerunChecks(loose({ ...base, skp: [] }), ["basic.mfa"], [])).rejects.toMatchObject({
      message: "unknown option `skp`: did you mean `skip`?"
    })
  })

  it("refuses unknown keys in nested objects, named by their path", async () => {
    await expect(runAudit({ ...base, credentialSources: anyShape({ pasword: "stdin" }) })).rejects.toMatchObject({
      _tag: "ConfigError",
      field: "credentialSources.pasword",
      message: "unknown option `credentialSources.pasword`: did you mean `credentialSources.password`?"
    })
    expect(thrown(() => configFromOptions({ ...base, credentialSources: anyShape({ bogus: "env" }) })).message).toBe(
      "unknown option `credentialSources.bogus`"
    )
    expect(thrown(() => configFromOptions(loose({ ...base, credentialSources: "stdin" }))).message).toBe(
      "credentialSources must be an object (got a string)."
    )
  })

  it("fromOptions and resolveConfig refuse them too, at every level", () => {
    expect(leftOf(fromOptions({ ...base, usernam: "u" } as ConfigInput)).message).toBe(
      "unknown option `usernam`: did you mean `username`?"
    )
    expect(leftOf(fromOptions(base, anyShape({ clientSecrt: "stdin" }))).message).toBe(
      "unknown option `sources.clientSecrt`: did you mean `sources.clientSecret`?"
    )
    const resolve = (input: Record<string, unknown>) => leftOf(resolveConfig(input as ResolveConfigInput)).message
    expect(resolve({ options: base, optionsSource: "flag" })).toBe(
      "unknown option `optionsSource`: did you mean `optionSource`?"
    )
    expect(resolve({ env: {}, options: { ...base, acessToken: "t" } })).toBe(
      "unknown option `options.acessToken`: did you mean `options.accessToken`?"
    )
    expect(resolve({ options: base, sources: { refresh: "env" } })).toBe("unknown option `sources.refresh`")
    expect(resolve({ options: base, env: "ARLO_PLATFORM=acme" })).toBe("env must be an object (got a string).")
    // The environment is a record of anything: its names are not options.
    expect(leftOf(resolveConfig({ env: { ARLO_PLATFORM: "acme", PATH: "/bin", ARLO_USERNAM: "x" } })).message).toMatch(
      /^No credentials: /
    )
    expect(
      Either.isRight(
        resolveConfig({ env: { ARLO_PLATFORM: "acme", ARLO_USERNAME: "u", ARLO_PASSWORD: "p", HOME: "/" } })
      )
    ).toBe(true)
  })

  it("keeps a hostile key to one escaped, shortened line", () => {
    const key = `a\nb\u2028${"c".repeat(200)}`
    const e = thrown(() => configFromOptions(loose({ ...base, [key]: 1 })))
    expect(e.message).toMatch(/^unknown option `a\\nb\\u2028c+…`$/)
    expect(e.message).not.toContain("c".repeat(61))
  })

  it("refuses options that are not an object", async () => {
    await expect(runAudit(null as unknown as AuditOptions)).rejects.toMatchObject({
      _tag: "ConfigError",
      message: "options must be an object (got null)."
    })
    expect(thrown(() => auditEvents([] as unknown as AuditOptions)).message).toBe(
      "options must be an object (got an array)."
    )
  })

  it("accepts every documented option, and the audit runs", async () => {
    const all: Required<Omit<AuditOptions, "signal" | "recheck" | "credentialSources">> = {
      platform: "",
      baseUrl: "https://acme.arlo.co",
      username: "api@acme.test",
      password: "correct-horse-42",
      clientId: "crm",
      clientSecret: "s3cret-value",
      redirectUri: "https://crm.example.com/cb",
      scopes: ["openid", "profile"],
      accessToken: "at",
      refreshToken: "rt",
      allowRefresh: false,
      mfaSetting: "optional",
      expectAccess: "full",
      timeoutMs: 5_000,
      deadlineMs: 20_000,
      concurrency: 2,
      maxRequests: 50,
      retries: 1,
      only: ["basic"],
      skip: [],
      assume: []
    }
    const config = configFromOptions({
      ...all,
      signal: AbortSignal.timeout(60_000),
      recheck: (id) => `again ${id}`,
      credentialSources: { username: "env", password: "stdin", clientSecret: "prompt" }
    })
    expect(config.retries).toBe(1)
    const report = await runAudit({
      ...optionsFor(sim),
      signal: AbortSignal.timeout(60_000),
      recheck: (id) => `again ${id}`,
      credentialSources: { password: "stdin" },
      retries: 0
    })
    expect(report.verdict).toBe("ready")
  })
})

describe("messages name what the caller gave", () => {
  const fromOpts = (o: ConfigInput) => leftOf(fromOptions(o)).message

  it("options: the option to give", async () => {
    expect(fromOpts({ platform: "acme", username: "u" })).toBe(
      "A username was given without a password: set password (or give neither to skip Basic auth)."
    )
    expect(fromOpts({ platform: "acme", password: "p" })).toBe("A password was given without a username: set username.")
    expect(fromOpts({ platform: "acme", clientSecret: "s" })).toBe(
      "clientSecret was given without a client id: set clientId."
    )
    expect(fromOpts({ username: "u", password: "p" })).toBe(
      "No target: set platform (e.g. acme for https://acme.arlo.co) or baseUrl."
    )
    await expect(runAudit({ platform: "acme" })).rejects.toMatchObject({
      field: "username",
      message: "No credentials: set username and password (Basic auth), clientId (OAuth 2), or both."
    })
    expect(leftOf(resolveConfig({ options: { platform: "acme", username: "u" } })).field).toBe("password")
    for (const m of [fromOpts({ platform: "acme", username: "u" }), fromOpts({ username: "u", password: "p" })])
      expect(m).not.toMatch(/ARLO_/)
  })

  it("environment: the variable to set, as the apps show it", () => {
    const fromEnv = (env: Record<string, string>, options?: ConfigInput) =>
      leftOf(resolveConfig({ env, options, optionSource: "flag" }))
    expect(fromEnv({ ARLO_PLATFORM: "acme", ARLO_USERNAME: "u" }).message).toBe(
      "A username was given without a password: set ARLO_PASSWORD (or give neither to skip Basic auth)."
    )
    expect(fromEnv({ ARLO_PLATFORM: "acme" }, { username: "u" }).field).toBe("ARLO_PASSWORD")
    expect(fromEnv({ ARLO_PLATFORM: "acme", ARLO_PASSWORD: "p" }).message).toBe(
      "A password was given without a username: set ARLO_USERNAME."
    )
    expect(fromEnv({ ARLO_PLATFORM: "acme", ARLO_REDIRECT_URI: "https://x.test/cb" }).message).toBe(
      "ARLO_REDIRECT_URI was given without a client id: set ARLO_CLIENT_ID."
    )
    expect(fromEnv({}).message).toBe(
      "No target: set ARLO_PLATFORM (e.g. acme for https://acme.arlo.co) or ARLO_BASE_URL."
    )
    expect(fromEnv({ ARLO_PLATFORM: "acme" }).message).toBe(
      "No credentials: set ARLO_USERNAME and ARLO_PASSWORD (Basic auth), ARLO_CLIENT_ID (OAuth 2), or both."
    )
  })
})

describe("nearest name", () => {
  it("is the Levenshtein distance", () => {
    expect(editDistance("kitten", "sitting")).toBe(3)
    expect(editDistance("", "abc")).toBe(3)
    expect(editDistance("abc", "abc")).toBe(0)
    expect(editDistance("platfrom", "platform")).toBe(2)
    // Past the limit it stops early, reporting limit + 1.
    expect(editDistance("abcdefgh", "zyxwvuts", 2)).toBe(3)
    expect(editDistance("a", "abcdefgh", 2)).toBe(3)
  })

  it("suggests within 2 edits, or a third of the name for long names; ties go to the first listed", () => {
    expect(nearest("usernme", ["password", "username"])).toBe("username")
    expect(nearest("bogus", ["username", "password"])).toBeUndefined()
    expect(nearest("crdentialSorces", ["credentialSources"])).toBe("credentialSources")
    expect(nearest("xxxxxxxxxx", ["credentialSources"])).toBeUndefined()
    expect(nearest("skap", ["skip", "snap"])).toBe("skip")
    expect(nearest("x".repeat(10_000), ["only"])).toBeUndefined()
  })
})
