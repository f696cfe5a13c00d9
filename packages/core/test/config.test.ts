import { Either, Redacted } from "effect"
import { describe, expect, it } from "vitest"
import {
  type AuditConfig,
  type ConfigError,
  defaults,
  fromOptions,
  isLoopbackHost,
  maskedHint,
  resolveConfig,
  targetFromBaseUrl,
  targetFromPlatform
} from "../src/index.js"

const ok = <A>(e: Either.Either<A, ConfigError>): A => {
  if (Either.isLeft(e)) throw new Error(`expected a config, got: ${e.left.message}`)
  return e.right
}
const err = (e: Either.Either<AuditConfig, ConfigError>): ConfigError => {
  if (Either.isRight(e)) throw new Error("expected a ConfigError")
  return e.left
}

describe("target rule", () => {
  it("turns a platform name into https://NAME.arlo.co", () => {
    expect(ok(targetFromPlatform("acme"))).toEqual({ baseUrl: "https://acme.arlo.co", platform: "acme" })
    expect(ok(targetFromPlatform(" Acme-Training "))).toEqual({
      baseUrl: "https://acme-training.arlo.co",
      platform: "acme-training"
    })
  })

  it("refuses names that are not a DNS label, and says what to use", () => {
    for (const bad of ["acme.arlo.co", "-acme", "acme-", "ac me", "a_b", "x".repeat(64), "https://acme.arlo.co"]) {
      expect(Either.isLeft(targetFromPlatform(bad)), bad).toBe(true)
    }
    const e = targetFromPlatform("acme.arlo.co")
    expect(Either.isLeft(e) && e.left.message).toContain("use 'acme'")
  })

  it("accepts https base URLs, normalises the trailing slash and the API path", () => {
    expect(ok(targetFromBaseUrl("https://acme.arlo.co/"))).toEqual({
      baseUrl: "https://acme.arlo.co",
      platform: "acme"
    })
    expect(ok(targetFromBaseUrl("https://acme.arlo.co/api/2012-02-01/auth/resources/")).baseUrl).toBe(
      "https://acme.arlo.co"
    )
    expect(ok(targetFromBaseUrl("https://api.arlo.co/acme"))).toEqual({
      baseUrl: "https://api.arlo.co/acme",
      platform: "acme"
    })
    expect(ok(targetFromBaseUrl("https://proxy.example.com:8443/arlo/")).platform).toBeNull()
  })

  it("allows http only on loopback hosts", () => {
    for (const u of [
      "http://127.0.0.1:8080/acme",
      "http://localhost:3000",
      "http://[::1]:9000/x",
      "http://127.9.8.7"
    ]) {
      expect(Either.isRight(targetFromBaseUrl(u)), u).toBe(true)
    }
    const e = targetFromBaseUrl("http://acme.arlo.co")
    expect(Either.isLeft(e) && e.left.message).toMatch(/plain http .*https:\/\/acme\.arlo\.co/)
    expect(Either.isLeft(targetFromBaseUrl("http://128.0.0.1"))).toBe(true)
    expect(Either.isLeft(targetFromBaseUrl("http://localhost.evil.com"))).toBe(true)
  })

  it("refuses credentials, queries, fragments, other schemes and relative URLs", () => {
    for (const bad of [
      "https://user:pass@acme.arlo.co",
      "https://acme.arlo.co/?x=1",
      "https://acme.arlo.co/#f",
      "ftp://acme.arlo.co",
      "acme.arlo.co",
      "/api"
    ]) {
      expect(Either.isLeft(targetFromBaseUrl(bad)), bad).toBe(true)
    }
    const e = targetFromBaseUrl("https://user:hunter2@acme.arlo.co")
    expect(Either.isLeft(e) && e.left.message).not.toContain("hunter2")
  })

  it("knows loopback", () => {
    expect(isLoopbackHost("127.0.0.1")).toBe(true)
    expect(isLoopbackHost("[::1]")).toBe(true)
    expect(isLoopbackHost("LOCALHOST")).toBe(true)
    expect(isLoopbackHost("127.0.0.256")).toBe(false)
    expect(isLoopbackHost("10.0.0.1")).toBe(false)
  })
})

describe("resolveConfig", () => {
  const env = {
    ARLO_PLATFORM: "acme",
    ARLO_USERNAME: "api@acme.example",
    ARLO_PASSWORD: "correct-horse-42",
    ARLO_CLIENT_ID: "acme-integration",
    ARLO_CLIENT_SECRET: "s3cret-value",
    ARLO_REDIRECT_URI: "https://app.example/cb",
    ARLO_SCOPES: "openid profile,all_claims  offline_access",
    ARLO_ACCESS_TOKEN: "tok-123456",
    ARLO_MFA_SETTING: "Required",
    ARLO_EXPECT_ACCESS: "presenter"
  }

  it("reads every ARLO_* variable, secrets as Redacted, with sources and masked hints", () => {
    const c = ok(resolveConfig({ env }))
    expect(c.baseUrl).toBe("https://acme.arlo.co")
    expect(c.basic?.username).toBe("api@acme.example")
    expect(Redacted.isRedacted(c.basic?.password)).toBe(true)
    expect(Redacted.value(c.basic!.password)).toBe("correct-horse-42")
    expect(c.oauth?.scopes).toEqual(["openid", "profile", "all_claims", "offline_access"])
    expect(c.oauth?.scopesGiven).toBe(true)
    expect(Redacted.isRedacted(c.oauth?.clientSecret)).toBe(true)
    expect(Redacted.isRedacted(c.oauth?.accessToken)).toBe(true)
    expect(c.mfaSetting).toBe("required")
    expect(c.expectAccess).toBe("presenter")
    expect(c.credentials).toEqual([
      { name: "username", source: "env", hint: "ap…@acme.example" },
      { name: "password", source: "env", hint: "•••• (16 chars)" },
      { name: "clientId", source: "env", hint: "acme…" },
      { name: "clientSecret", source: "env", hint: "•••• (12 chars)" },
      { name: "accessToken", source: "env", hint: "•••• (10 chars)" }
    ])
    const text = `${JSON.stringify(c)} ${String(c.basic?.password)} ${JSON.stringify(c.credentials)}`
    for (const secret of ["correct-horse-42", "s3cret-value", "tok-123456"]) expect(text).not.toContain(secret)
  })

  it("applies the documented defaults", () => {
    const c = ok(resolveConfig({ env: { ARLO_PLATFORM: "acme", ARLO_USERNAME: "u", ARLO_PASSWORD: "p" } }))
    expect(c).toMatchObject({
      timeoutMs: defaults.timeoutMs,
      deadlineMs: defaults.deadlineMs,
      concurrency: defaults.concurrency,
      maxRequests: defaults.maxRequests,
      retries: defaults.retries,
      mfaSetting: "unknown",
      expectAccess: "full",
      oauth: null,
      only: null,
      skip: []
    })
  })

  it("lets explicit options win, recording their source", () => {
    const c = ok(
      resolveConfig({
        env,
        options: { baseUrl: "http://127.0.0.1:9/acme", password: "from-stdin" },
        optionSource: "flag",
        sources: { password: "stdin" }
      })
    )
    expect(c.baseUrl).toBe("http://127.0.0.1:9/acme")
    expect(Redacted.value(c.basic!.password)).toBe("from-stdin")
    expect(c.credentials.find((x) => x.name === "password")?.source).toBe("stdin")
    expect(c.credentials.find((x) => x.name === "username")?.source).toBe("env")
  })

  it("gives one-line errors that name what to fix", () => {
    const cases: Array<[Parameters<typeof resolveConfig>[0], RegExp]> = [
      [{ env: {} }, /No target: set ARLO_PLATFORM/],
      [{ env: { ARLO_PLATFORM: "a", ARLO_BASE_URL: "https://a.arlo.co" } }, /not both/],
      [{ env: { ARLO_PLATFORM: "acme" } }, /No credentials/],
      [{ env: { ARLO_PLATFORM: "acme", ARLO_USERNAME: "u" } }, /ARLO_PASSWORD/],
      [{ env: { ARLO_PLATFORM: "acme", ARLO_PASSWORD: "p" } }, /ARLO_USERNAME/],
      [
        { env: { ARLO_PLATFORM: "acme", ARLO_CLIENT_SECRET: "x", ARLO_USERNAME: "u", ARLO_PASSWORD: "p" } },
        /ARLO_CLIENT_SECRET was given without a client id/
      ],
      [
        { env: { ...env, ARLO_MFA_SETTING: "sometimes" } },
        /ARLO_MFA_SETTING must be one of optional, required, unknown/
      ],
      [{ env: { ...env, ARLO_EXPECT_ACCESS: "admin" } }, /ARLO_EXPECT_ACCESS must be one of full, presenter/],
      [{ env, options: { timeoutMs: 0 } }, /timeoutMs must be a whole number/],
      [{ env, options: { concurrency: 1.5 } }, /concurrency must be a whole number/],
      [{ env, options: { only: ["basic.nope"] } }, /Unknown check 'basic.nope' in only/],
      [{ env: { ...env, ARLO_BASE_URL: "http://acme.arlo.co", ARLO_PLATFORM: "" } }, /ARLO_BASE_URL uses plain http/]
    ]
    for (const [input, re] of cases) {
      const e = err(resolveConfig(input))
      expect(e.message, re.source).toMatch(re)
      expect(e.message.includes("\n")).toBe(false)
      expect(e.message).not.toContain("correct-horse-42")
      expect(e._tag).toBe("ConfigError")
    }
  })

  it("echoes input escaped and shortened, never over two lines", () => {
    const mfa = err(resolveConfig({ env: { ...env, ARLO_MFA_SETTING: "x\ny" } }))
    expect(mfa.message).toContain("(got 'x\\ny')")
    const platform = err(fromOptions({ platform: `a\r\n${"b".repeat(200)}`, username: "u", password: "p" }))
    expect(platform.message).toMatch(/^platform 'a\\r\\nb+…' is not a platform name/)
    expect(platform.message).not.toContain("b".repeat(60))
    const check = err(fromOptions({ platform: "acme", username: "u", password: "p", only: ["x\u2028y"] }))
    expect(check.message).toContain("Unknown check 'x\\u2028y'")
    for (const e of [mfa, platform, check]) expect(e.message).not.toMatch(/[\r\n\u2028\u2029]/)
  })

  it("never echoes the credentials of a base URL it cannot parse", () => {
    for (const raw of [
      "https://api:hunter2secret@exa mple.com",
      "https://api:hunter2secret@[x",
      "https://a@b:hunter2secret@c d"
    ]) {
      const e = err(fromOptions({ baseUrl: raw, username: "u", password: "p" }))
      expect(e.message).toMatch(/^baseUrl '.*' is not an absolute URL/)
      expect(e.message).not.toContain("hunter2secret")
    }
    expect(
      err(fromOptions({ baseUrl: "https://api:hunter2secret@exa mple.com", username: "u", password: "p" })).message
    ).toContain("'https://…@exa mple.com'")
  })

  it("expands groups in only/skip and keeps catalogue order", () => {
    const c = ok(
      fromOptions({ platform: "acme", username: "u", password: "p", only: ["policy", "basic.mfa,target.url"] })
    )
    expect(c.only).toEqual(["target.url", "basic.mfa", "policy.basic-auth", "policy.rate-limit"])
    const s = ok(fromOptions({ platform: "acme", username: "u", password: "p", skip: ["oauth.*"] }))
    expect(s.skip).toHaveLength(7)
  })

  it("audits the recommended scopes when none are given", () => {
    const c = ok(fromOptions({ platform: "acme", clientId: "c" }))
    expect(c.oauth?.scopesGiven).toBe(false)
    expect(c.oauth?.scopes).toEqual(["openid", "profile", "offline_access", "all_claims"])
    expect(c.oauth?.allowRefresh).toBe(false)
  })

  it("accepts Redacted secrets from callers", () => {
    const c = ok(fromOptions({ platform: "acme", username: "u", password: Redacted.make("pw") }))
    expect(Redacted.value(c.basic!.password)).toBe("pw")
  })
})

describe("maskedHint", () => {
  it("keeps an identifier's first characters and a secret's length only", () => {
    expect(maskedHint("api@acme.example", "identifier")).toBe("ap…@acme.example")
    expect(maskedHint("a@x.y", "identifier")).toBe("a…@x.y")
    expect(maskedHint("acme-integration", "identifier")).toBe("acme…")
    expect(maskedHint("abc", "identifier")).toBe("a…")
    expect(maskedHint("correct-horse-42")).toBe("•••• (16 chars)")
    expect(maskedHint(Redacted.make("x"), "identifier")).toBe("•••• (1 char)")
  })
})
