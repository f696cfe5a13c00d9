import { checkIds } from "@arlo-ready/core"
import { Effect, Either, Exit, Option, Redacted } from "effect"
import { describe, expect, it } from "vitest"
import {
  parseCheckList,
  parseDuration,
  type ResolvedAudit,
  resolveAudit,
  type SharedFlags,
  stdinLineMaxBytes,
  UsageError
} from "../src/index.js"

const none = Option.none()
const flags = (patch: Partial<SharedFlags> = {}): SharedFlags => ({
  platform: none,
  baseUrl: none,
  username: none,
  password: none,
  passwordStdin: false,
  passwordCommand: none,
  clientId: none,
  clientSecret: none,
  clientSecretStdin: false,
  clientSecretCommand: none,
  redirectUri: none,
  scopes: none,
  accessToken: none,
  accessTokenCommand: none,
  auth: none,
  mfaSetting: none,
  expectAccess: none,
  timeout: none,
  deadline: none,
  concurrency: none,
  maxRequests: none,
  proxy: none,
  caFile: none,
  envFile: none,
  only: [],
  skip: [],
  assume: [],
  ...patch
})

const env = {
  ARLO_BASE_URL: "http://127.0.0.1:9/acme",
  ARLO_USERNAME: "api@acme.example",
  ARLO_PASSWORD: "correct-horse-42",
  ARLO_CLIENT_ID: "acme-integration",
  ARLO_CLIENT_SECRET: "acme-client-secret"
}

const resolve = (f: SharedFlags, e: Record<string, string> = env, stdin?: string): ResolvedAudit | string => {
  const exit = Effect.runSyncExit(
    resolveAudit(f, {
      env: e,
      readStdin: () => (stdin === undefined ? Effect.die("stdin read") : Effect.succeed(stdin))
    })
  )
  if (Exit.isSuccess(exit)) return exit.value
  const failure = exit.cause._tag === "Fail" ? exit.cause.error : undefined
  if (failure instanceof UsageError) return failure.message
  throw new Error(`unexpected ${String(exit.cause)}`)
}

const ok = (r: ResolvedAudit | string): ResolvedAudit => {
  if (typeof r === "string") throw new Error(r)
  return r
}

describe("resolveAudit", () => {
  it("takes target and credentials from the environment, recording env as their source", () => {
    const r = ok(resolve(flags()))
    expect(r.config.baseUrl).toBe("http://127.0.0.1:9/acme")
    expect(r.config.basic?.username).toBe("api@acme.example")
    expect(r.config.oauth?.clientId).toBe("acme-integration")
    expect(r.config.credentials.map((c) => [c.name, c.source])).toEqual([
      ["username", "env"],
      ["password", "env"],
      ["clientId", "env"],
      ["clientSecret", "env"]
    ])
    expect(r.secrets.map(Redacted.value)).toEqual(["correct-horse-42", "acme-client-secret"])
    expect(r.warnings).toEqual([])
  })

  it("reads secrets from stdin, one line each, and records stdin as their source", () => {
    const { ARLO_PASSWORD: _p, ARLO_CLIENT_SECRET: _s, ...rest } = env
    const r = ok(
      resolve(flags({ passwordStdin: true, clientSecretStdin: true }), rest, "pw-from-stdin\r\nsecret-from-stdin\n")
    )
    expect(Redacted.value(r.config.basic!.password)).toBe("pw-from-stdin")
    expect(Redacted.value(r.config.oauth!.clientSecret!)).toBe("secret-from-stdin")
    expect(r.config.credentials.find((c) => c.name === "password")?.source).toBe("stdin")
    expect(r.config.credentials.find((c) => c.name === "clientSecret")?.source).toBe("stdin")
  })

  it("asks stdin for one line per stdin flag, and refuses a line longer than 4 KiB", () => {
    const { ARLO_PASSWORD: _p, ARLO_CLIENT_SECRET: _s, ...rest } = env
    const asked: Array<number> = []
    const reader = (text: string) => (lines: number) => {
      asked.push(lines)
      return Effect.succeed(text)
    }
    const run = (f: SharedFlags, text: string) => {
      const exit = Effect.runSyncExit(resolveAudit(f, { env: rest, readStdin: reader(text) }))
      return Exit.isSuccess(exit) ? exit.value : exit.cause._tag === "Fail" ? exit.cause.error.message : "defect"
    }
    const max = "p".repeat(stdinLineMaxBytes)
    const one = run(flags({ passwordStdin: true }), `${max}\r\n`)
    expect(typeof one === "string" ? one : Redacted.value(one.config.basic!.password)).toBe(max)
    expect(run(flags({ passwordStdin: true }), `${max}p\n`)).toBe(
      "--password-stdin: line 1 of stdin is longer than 4096 bytes: pipe the secret alone on its line"
    )
    expect(run(flags({ passwordStdin: true, clientSecretStdin: true }), `pw\n${max}é\n`)).toBe(
      "--client-secret-stdin: line 2 of stdin is longer than 4096 bytes: pipe the secret alone on its line"
    )
    expect(asked).toEqual([1, 1, 2])
  })

  it("accepts a secret as a plain flag with a warning, and records flag as its source", () => {
    const r = ok(resolve(flags({ password: Option.some(Redacted.make("flag-pw")) })))
    expect(r.warnings).toEqual([
      "--password is visible in the process list and shell history: prefer ARLO_PASSWORD or --password-stdin"
    ])
    expect(r.config.credentials.find((c) => c.name === "password")?.source).toBe("flag")
  })

  it("parses durations, counts and choices into the config", () => {
    const r = ok(
      resolve(
        flags({
          timeout: Option.some("1500ms"),
          deadline: Option.some("2m"),
          concurrency: Option.some("2"),
          maxRequests: Option.some("40"),
          mfaSetting: Option.some("Required"),
          expectAccess: Option.some("presenter"),
          only: ["roles", "basic.mfa"],
          skip: ["policy.basic-auth"],
          assume: ["target.reachable"]
        })
      )
    )
    expect(r.config).toMatchObject({
      timeoutMs: 1500,
      deadlineMs: 120_000,
      concurrency: 2,
      maxRequests: 40,
      mfaSetting: "required",
      expectAccess: "presenter",
      skip: ["policy.basic-auth"],
      assume: ["target.reachable"]
    })
    expect(r.config.only).toEqual(["basic.mfa", "roles.api-user", "roles.administrator", "roles.presenter-limits"])
    // A check both selected and skipped is refused, naming the flags.
    expect(resolve(flags({ only: ["roles"], skip: ["roles.presenter-limits"] }))).toMatch(/both selected/)
  })

  it("narrows the methods with --auth and requires their credentials", () => {
    expect(ok(resolve(flags({ auth: Option.some("basic") }))).config.oauth).toBeNull()
    expect(ok(resolve(flags({ auth: Option.some("oauth") }))).config.basic).toBeNull()
    const { ARLO_CLIENT_ID: _c, ...noClient } = env
    expect(resolve(flags({ auth: Option.some("both") }), noClient)).toMatch(/^--auth both needs an OAuth client/)
    expect(resolve(flags({ auth: Option.some("basic"), clientId: Option.some("x") }))).toBe(
      "--client-id contradicts --auth basic"
    )
  })

  it("names the flag in the core's errors", () => {
    expect(resolve(flags({ baseUrl: Option.some("ftp://x") }))).toBe("--base-url must be an https URL (got ftp)")
    expect(resolve(flags({ timeout: Option.some("50ms") }))).toBe(
      "--timeout (in ms) must be a whole number from 100 to 600000 (got 50)"
    )
    expect(resolve(flags(), { ARLO_USERNAME: "u", ARLO_PASSWORD: "p" })).toMatch(
      /^No target: give --platform NAME .* or --base-url URL, or set ARLO_PLATFORM or ARLO_BASE_URL$/
    )
    expect(resolve(flags({ passwordStdin: true }), { ...env, ARLO_PASSWORD: "" }, "\n")).toMatch(
      /^--password-stdin: stdin is empty/
    )
  })
})

describe("parsers", () => {
  it("reads durations with or without a unit (seconds by default)", () => {
    const ms = (s: string) => Either.getOrThrow(parseDuration("--timeout", s))
    expect([ms("10s"), ms("1500ms"), ms("2m"), ms("3"), ms("1.5s")]).toEqual([10_000, 1500, 120_000, 3000, 1500])
    expect(Either.isLeft(parseDuration("--timeout", "ten"))).toBe(true)
    expect(Either.isLeft(parseDuration("--timeout", "-1s"))).toBe(true)
  })

  it("names every valid id when a check id is unknown", () => {
    const r = parseCheckList("--only", ["basic.credentials,nope"])
    expect(Either.isLeft(r)).toBe(true)
    if (Either.isLeft(r)) for (const id of checkIds) expect(r.left.message).toContain(id)
    expect(Either.getOrThrow(parseCheckList("--skip", ["oauth", "policy.*"]))).toEqual(["oauth", "policy.*"])
  })
})
