import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { checkIds } from "@arlo-ready/core"
import { Effect, Either, Exit, Option, Redacted } from "effect"
import { afterAll, describe, expect, it } from "vitest"
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

describe("secrets from files, commands and dotenv files", () => {
  const dir = mkdtempSync(join(tmpdir(), "arlo-audit-input-"))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  let n = 0
  const file = (content: string) => {
    const path = join(dir, `f${n++}`)
    writeFileSync(path, content)
    return path
  }
  /** A command line that prints `value` (and, given `marker`, creates that file first). */
  const printer = (value: string, marker?: string) =>
    JSON.stringify([
      process.execPath,
      "-e",
      `${marker ? `require("fs").writeFileSync(${JSON.stringify(marker)}, "")\n` : ""}console.log(${JSON.stringify(value)})`
    ])
  const { ARLO_PASSWORD: _p, ARLO_CLIENT_SECRET: _s, ...noSecrets } = env
  const some = Option.some
  const sourceOf = (r: ResolvedAudit, name: string) => r.config.credentials.find((c) => c.name === name)?.source
  const resolveAsync = async (f: SharedFlags, e: Record<string, string>): Promise<ResolvedAudit | string> => {
    const exit = await Effect.runPromiseExit(resolveAudit(f, { env: e, readStdin: () => Effect.succeed("stdin-pw\n") }))
    if (Exit.isSuccess(exit)) return exit.value
    if (exit.cause._tag === "Fail") return exit.cause.error.message
    throw new Error(String(exit.cause))
  }

  it("reads the _FILE variables, trimmed, as source file, listing them among the secrets", () => {
    const r = ok(
      resolve(flags(), {
        ...noSecrets,
        ARLO_PASSWORD_FILE: file("pw-from-file\n"),
        ARLO_CLIENT_SECRET_FILE: file("cs\r\n")
      })
    )
    expect(Redacted.value(r.config.basic!.password)).toBe("pw-from-file")
    expect([sourceOf(r, "password"), sourceOf(r, "clientSecret")]).toEqual(["file", "file"])
    expect(r.secrets.map(Redacted.value)).toEqual(["pw-from-file", "cs"])
    expect(r.warnings).toEqual([])
    // A message of the core names the variable the secret came from.
    const { ARLO_CLIENT_ID: _c, ...noClient } = noSecrets
    expect(resolve(flags(), { ...noClient, ARLO_PASSWORD: "p", ARLO_CLIENT_SECRET_FILE: file("cs") })).toBe(
      "ARLO_CLIENT_SECRET_FILE was given without a client id: set ARLO_CLIENT_ID"
    )
  })

  it("runs the commands of flags and variables, as source command, without a warning", async () => {
    const r = ok(
      await resolveAsync(flags({ passwordCommand: some(printer("pw-from-command")) }), {
        ...noSecrets,
        ARLO_CLIENT_SECRET_COMMAND: printer("cs-from-command"),
        ARLO_ACCESS_TOKEN_COMMAND: printer("token-from-command")
      })
    )
    expect(Redacted.value(r.config.basic!.password)).toBe("pw-from-command")
    expect(Redacted.value(r.config.oauth!.accessToken!)).toBe("token-from-command")
    expect(r.config.credentials.map((c) => [c.name, c.source])).toEqual([
      ["username", "env"],
      ["password", "command"],
      ["clientId", "env"],
      ["clientSecret", "command"],
      ["accessToken", "command"]
    ])
    expect(r.secrets.map(Redacted.value)).toEqual(["pw-from-command", "cs-from-command", "token-from-command"])
    expect(r.warnings).toEqual([])
  })

  it("refuses two explicit sources of a secret, and two forms of it in the environment", () => {
    const cmd = some("pass show arlo")
    expect(resolve(flags({ password: some(Redacted.make("x")), passwordCommand: cmd }))).toBe(
      "Give --password or --password-command, not both"
    )
    expect(resolve(flags({ password: some(Redacted.make("x")), passwordStdin: true, passwordCommand: cmd }))).toBe(
      "Give only one of --password, --password-stdin or --password-command"
    )
    expect(resolve(flags({ clientSecretStdin: true, clientSecretCommand: cmd }))).toBe(
      "Give --client-secret-stdin or --client-secret-command, not both"
    )
    expect(resolve(flags({ accessToken: some(Redacted.make("t")), accessTokenCommand: cmd }))).toBe(
      "Give --access-token or --access-token-command, not both"
    )
    expect(resolve(flags(), { ...env, ARLO_PASSWORD_FILE: "/run/secrets/pw" })).toBe(
      "Both ARLO_PASSWORD and ARLO_PASSWORD_FILE are set: unset one of them"
    )
    expect(resolve(flags(), { ...noSecrets, ARLO_CLIENT_SECRET_FILE: "/x", ARLO_CLIENT_SECRET_COMMAND: "y" })).toBe(
      "Both ARLO_CLIENT_SECRET_FILE and ARLO_CLIENT_SECRET_COMMAND are set: unset one of them"
    )
  })

  it("lets a flag win over every form in the environment, which is then neither read nor run", async () => {
    const marker = join(dir, `ran${n++}`)
    const r = ok(
      await resolveAsync(flags({ passwordStdin: true, clientSecretCommand: some(printer("cs-flag")) }), {
        ...noSecrets,
        ARLO_PASSWORD_FILE: join(dir, "missing"),
        ARLO_CLIENT_SECRET: "cs-env",
        ARLO_CLIENT_SECRET_COMMAND: printer("cs-env-command", marker)
      })
    )
    expect(Redacted.value(r.config.basic!.password)).toBe("stdin-pw")
    expect(Redacted.value(r.config.oauth!.clientSecret!)).toBe("cs-flag")
    expect(existsSync(marker)).toBe(false)
  })

  it("--auth leaves out the other method's files and commands, and counts its own as present", () => {
    const marker = join(dir, `ran${n++}`)
    const basicOnly = ok(
      resolve(flags({ auth: some("basic") }), {
        ...noSecrets,
        ARLO_PASSWORD_FILE: file("pw"),
        ARLO_CLIENT_SECRET_FILE: join(dir, "missing"),
        ARLO_ACCESS_TOKEN_COMMAND: printer("t", marker)
      })
    )
    expect(basicOnly.config.oauth).toBeNull()
    expect(sourceOf(basicOnly, "password")).toBe("file")
    expect(existsSync(marker)).toBe(false)
    const oauthOnly = ok(
      resolve(flags({ auth: some("oauth") }), {
        ...noSecrets,
        ARLO_PASSWORD_COMMAND: printer("pw", marker),
        ARLO_CLIENT_SECRET_FILE: file("cs")
      })
    )
    expect(oauthOnly.config.basic).toBeNull()
    expect(existsSync(marker)).toBe(false)
    expect(resolve(flags({ auth: some("oauth"), passwordCommand: some("pass x") }))).toBe(
      "--password-command contradicts --auth oauth"
    )
    expect(resolve(flags({ auth: some("basic"), clientSecretCommand: some("pass x") }))).toBe(
      "--client-secret-command contradicts --auth basic"
    )
    expect(resolve(flags({ auth: some("basic") }), { ...noSecrets })).toMatch(/^--auth basic needs Basic credentials/)
  })

  it("a failing command or a bad file is a usage error naming where it came from", async () => {
    const fail = JSON.stringify([
      process.execPath,
      "-e",
      'console.log("leaked-pw"); console.error("vault locked"); process.exit(3)'
    ])
    const message = await resolveAsync(flags({ passwordCommand: some(fail) }), noSecrets)
    expect(message).toBe(`--password-command: ${process.execPath} exited with 3: vault locked`)
    expect(await resolveAsync(flags(), { ...noSecrets, ARLO_PASSWORD_COMMAND: "arlo-ready-missing-xyz" })).toBe(
      "ARLO_PASSWORD_COMMAND: command not found: arlo-ready-missing-xyz"
    )
    const hang = JSON.stringify([process.execPath, "-e", "setInterval(() => {}, 1000)"])
    const started = Date.now()
    expect(await resolveAsync(flags({ deadline: some("1s"), passwordCommand: some(hang) }), noSecrets)).toBe(
      `--password-command: ${process.execPath} did not finish within 1s and was killed (no stderr)`
    )
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(resolve(flags(), { ...noSecrets, ARLO_PASSWORD_FILE: file("") })).toMatch(
      /^ARLO_PASSWORD_FILE names .*, which is empty/
    )
  })

  it("--env-file fills in under the environment; its credentials are reported as env-file, its proxy is used", () => {
    const envFile = file(
      `ARLO_PASSWORD=pw-in-file\nARLO_CLIENT_SECRET=cs-in-file\nARLO_CLIENT_ID=ignored\nhttp_proxy=http://127.0.0.1:3128\n`
    )
    const { ARLO_PASSWORD: _pw, ...withSecret } = env
    const r = ok(resolve(flags({ envFile: some(envFile) }), withSecret))
    expect(Redacted.value(r.config.basic!.password)).toBe("pw-in-file")
    expect(Redacted.value(r.config.oauth!.clientSecret!)).toBe("acme-client-secret")
    expect(r.config.oauth!.clientId).toBe("acme-integration")
    expect(r.config.credentials.map((c) => [c.name, c.source])).toEqual([
      ["username", "env"],
      ["password", "env-file"],
      ["clientId", "env"],
      ["clientSecret", "env"]
    ])
    expect(r.network.proxy?.url.host).toBe("127.0.0.1:3128")
    expect(r.network.proxy?.from).toBe("http_proxy")
    const pwFile = file("pw-via-file-var")
    const viaFile = ok(resolve(flags({ envFile: some(file(`ARLO_PASSWORD_FILE=${pwFile}\n`)) }), noSecrets))
    expect(sourceOf(viaFile, "password")).toBe("file")
    expect(resolve(flags({ envFile: some(join(dir, "none.env")) }))).toMatch(
      /^--env-file .*none\.env: cannot read it \(ENOENT\)/
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
