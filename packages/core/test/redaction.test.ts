/**
 * Redaction: every configured secret (password, client secret, access and refresh tokens) in every form a
 * server may send it back in is gone from what the door lets into a report. Forms: plain, URL-encoded,
 * hex (both cases), base64 alone and of `user:secret` (standard and URL-safe, padded and not), any change
 * of case, and split by line breaks, spaces, controls or zero-width characters. Generated secrets and
 * generated hostile text around them (fast-check); the expected forms are computed here with Node's own
 * encoders, independently of the core's.
 */
import { FetchHttpClient } from "@effect/platform"
import { Effect, Either } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { type ArloHttpService, makeArloHttp } from "../src/ArloHttp.js"
import { fromOptions } from "../src/index.js"
import { makeScrubber, neutralise, SHORT_FORM, UNTRUSTED_MAX } from "../src/internal/untrusted.js"

interface Secrets {
  readonly username: string
  readonly password: string
  readonly clientId: string
  readonly clientSecret: string
  readonly accessToken: string
  readonly refreshToken: string
}

const service = (s: Secrets): Promise<ArloHttpService> =>
  Effect.runPromise(
    makeArloHttp(
      Either.getOrThrow(
        fromOptions({
          baseUrl: "https://acme.arlo.co",
          username: s.username,
          password: s.password,
          clientId: s.clientId,
          clientSecret: s.clientSecret,
          accessToken: s.accessToken,
          refreshToken: s.refreshToken
        })
      ),
      Date.now() + 10_000
    ).pipe(Effect.provide(FetchHttpClient.layer))
  )

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64")
const b64url = (s: string) => Buffer.from(s, "utf8").toString("base64url")
const hexOf = (s: string) => Buffer.from(s, "utf8").toString("hex")

/** Every encoding of one secret (with the identifier it is paired with in a Basic header, if any). */
const encodings = (secret: string, user?: string): Array<string> => {
  const pair = user === undefined ? [] : [`${user}:${secret}`]
  const out = [
    secret,
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    encodeURIComponent(secret).replace(/%20/g, "+"),
    new URLSearchParams({ v: secret }).toString().slice(2),
    hexOf(secret),
    hexOf(secret).toUpperCase()
  ]
  for (const v of [secret, ...pair]) {
    const std = b64(v)
    out.push(std, std.replace(/=+$/, ""), b64url(v), `${b64url(v)}${"=".repeat((4 - (b64url(v).length % 4)) % 4)}`)
    out.push(encodeURIComponent(std), encodeURIComponent(std).toLowerCase())
  }
  return [...new Set(out)].filter((f) => f !== "")
}

/** A form as a hostile server may vary it: case changed, split by a line break, spaces, a control, a zero-width space. */
const variants = (form: string, cut: number): Array<string> => {
  const at = form.length < 2 ? 0 : 1 + (cut % (form.length - 1))
  const split = (sep: string) => (at === 0 ? form : `${form.slice(0, at)}${sep}${form.slice(at)}`)
  return [
    form,
    form.toUpperCase(),
    form.toLowerCase(),
    split("\r\n"),
    split("\n  "),
    split("\u0000"),
    split("\u001b\u0007"),
    split("\u200b"),
    split("\u202e"),
    split(" \t ")
  ]
}

/** What a reader could read the secret in: ASCII case ignored, and everything the door collapses skipped. */
const readable = (s: string) =>
  s
    .replace(/[A-Z]/g, (c) => c.toLowerCase())
    .replace(/[\s\p{Cc}\u200b-\u200f\u202a-\u202e\u2060-\u2069\u00ad\u180e\ufeff\u061c]/gu, "")

const leaks = (out: string, secrets: Secrets): Array<string> => {
  const shown = readable(out)
  const all = [
    ...encodings(secrets.password, secrets.username),
    ...encodings(secrets.clientSecret, secrets.clientId),
    ...encodings(secrets.accessToken),
    ...encodings(secrets.refreshToken)
  ]
  return all.filter((f) => readable(f) !== "" && shown.includes(readable(f)))
}

// Secrets: printable ASCII (with the characters encodings care about), some Unicode, any length from 1.
const secretChar = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.constantFrom(" ", "é", "ß", "€", "💡", "漢", "+", "/", "=", "%", "&") }
)
const secret = (min: number, max: number) =>
  fc.array(secretChar, { minLength: min, maxLength: max }).map((cs) => cs.join("").trim() || "x")
const secrets = (min: number, max: number) =>
  fc.record({
    username: fc.constantFrom("api@acme.example", "svc", "ap.user@acme.test"),
    password: secret(min, max),
    clientId: fc.constantFrom("crm-client", "acme-integration"),
    clientSecret: secret(min, max),
    accessToken: secret(Math.max(min, 8), max * 2),
    refreshToken: secret(Math.max(min, 8), max * 2)
  })

/** Server text: anything, controls, bidi, escapes, markup. */
const hostile = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom('Basic realm="', "\u001b]0;title\u0007", "\u202e", "<b>", "%1b%5b", "\r\n", "REDACTED", "TED", "")
)

describe("the door scrubs every form of every secret", () => {
  it("named forms: plain, URL-encoded, hex, base64 alone and in user:secret, case-folded, split", async () => {
    const s: Secrets = {
      username: "api@acme.example",
      password: "pa ss+w/rd?Hunter2",
      clientId: "crm-client",
      clientSecret: "cl1ent~secret/with+signs",
      accessToken: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl",
      refreshToken: "rt-5f1c2d9e8a7b6c5d4e3f"
    }
    const http = await service(s)
    const forms = [
      ...encodings(s.password, s.username),
      ...encodings(s.clientSecret, s.clientId),
      ...encodings(s.accessToken),
      ...encodings(s.refreshToken)
    ]
    for (const form of forms) {
      for (const v of variants(form, 5)) {
        const out = http.untrusted(`WWW-Authenticate: Basic realm="${v}", error="${v}"`)
        expect(leaks(out, s), `${JSON.stringify(v)} -> ${out}`).toEqual([])
        expect(out).toContain("REDACTED")
        // A long secret is replaced where it stands: the server's own words stay readable.
        expect(out).toContain("WWW-Authenticate: Basic realm=")
      }
    }
  })

  it("a secret inside a longer base64 text, at any alignment, and in a Bearer header", async () => {
    const s: Secrets = {
      username: "svc",
      password: "correct-horse-battery-staple",
      clientId: "crm",
      clientSecret: "s3cr3t-client-value",
      accessToken: "at-0123456789abcdef",
      refreshToken: "rt-0123456789abcdef"
    }
    const http = await service(s)
    for (const prefix of ["", "x", "xy", "xyz"]) {
      const inner = b64(`{"user":"${prefix}${s.password}","n":1}`)
      const out = http.untrusted(`token=${inner}`)
      expect(out).not.toContain(b64(s.password).slice(4, 24))
      expect(leaks(out, s)).toEqual([])
    }
    expect(http.untrusted(`Bearer ${s.accessToken}`)).toBe("Bearer REDACTED")
  })

  it("property: random secrets in every form inside random hostile text never come out", async () => {
    await fc.assert(
      fc.asyncProperty(
        secrets(1, 24),
        fc.constantFrom("password", "clientSecret", "accessToken", "refreshToken"),
        fc.nat(),
        fc.nat(),
        hostile,
        hostile,
        async (s, which, pick, cut, before, after) => {
          const http = await service(s)
          const user = which === "password" ? s.username : which === "clientSecret" ? s.clientId : undefined
          const forms = encodings(s[which], user)
          const form = forms[pick % forms.length]!
          const vs = variants(form, cut)
          const v = vs[cut % vs.length]!
          const out = http.untrusted(`${before}${v}${after}`)
          expect(leaks(out, s), JSON.stringify({ s, v, out })).toEqual([])
          // Nothing a terminal would act on, and never longer than the cap (and its ellipsis).
          expect([...out].some((c) => /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u.test(c))).toBe(false)
          expect(out.length).toBeLessThanOrEqual(UNTRUSTED_MAX + 2)
        }
      ),
      { numRuns: 400 }
    )
  })

  it("property: the door is idempotent (a check's text may pass it twice: the check, then the engine)", async () => {
    const http = await service({
      username: "api@acme.example",
      password: "Hunter2-pass",
      clientId: "crm",
      clientSecret: "cl1ent~secret",
      accessToken: "at-0123456789abcdef",
      refreshToken: "rt-0123456789abcdef"
    })
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ maxLength: 120 }), fc.constantFrom("Hunter2-pass", "\u001b", "cl1ent~secret")), {
          maxLength: 8
        }),
        (parts) => {
          const once = http.untrusted(parts.join(""))
          expect(http.untrusted(once)).toBe(once)
        }
      ),
      { numRuns: 1_000 }
    )
  })

  it("the cap comes after the scrub: no prefix of a secret is left at the cut", async () => {
    const s: Secrets = {
      username: "svc",
      password: "Zq7-long-password-value-0123456789",
      clientId: "crm",
      clientSecret: "client-secret-value",
      accessToken: "at-0123456789abcdef",
      refreshToken: "rt-0123456789abcdef"
    }
    const http = await service(s)
    for (let pad = UNTRUSTED_MAX - 40; pad <= UNTRUSTED_MAX; pad += 3) {
      const out = http.untrusted(`${"·".repeat(pad)}${s.password}`)
      expect(out).not.toContain("Zq7-long")
    }
  })
})

describe("short secrets", () => {
  it(`a form shorter than ${SHORT_FORM} characters withholds the whole server string (what surrounds a replacement would tell it)`, async () => {
    const http = await service({
      username: "u",
      password: "B",
      clientId: "crm",
      clientSecret: "ok-long-client-secret",
      accessToken: "at-0123456789abcdef",
      refreshToken: "rt-0123456789abcdef"
    })
    const out = http.untrusted('Basic realm="acme"')
    expect(out).not.toMatch(/asic/)
    expect(out).toBe("REDACTED")
    // Text without the secret (in any case) passes.
    expect(http.untrusted("realm=acme")).toBe("realm=acme")
    // The transitional scrub of our own sentences leaves one- and two-character forms alone.
    expect(http.scrub("Arlo accepted the Basic credentials")).toBe("Arlo accepted the Basic credentials")
  })

  it("the marker is never one a secret's form is in", () => {
    for (const secret of ["act", "E", "REDACTED", "withheld"]) {
      const s = makeScrubber([secret])
      expect(s.holds(s.marker), secret).toBe(false)
      const out = s.scrub(`x ${secret} y`)
      expect(out.toLowerCase()).not.toContain(secret.toLowerCase())
    }
  })

  it("a marker that would spell a secret with its neighbours withholds the text", () => {
    const s = makeScrubber(["tedx"])
    const out = s.scrub("seTEDxx")
    expect(out.toLowerCase()).not.toContain("tedx")
  })
})

describe("linear time", () => {
  it("1 MiB of hostile text through the door, for long secrets and near misses", async () => {
    const token = `eyJ${"a1B2c3D4".repeat(150)}`
    const http = await service({
      username: "api@acme.example",
      password: "aaaaaaaaaaaaaaab",
      clientId: "crm",
      clientSecret: "abababababababac",
      accessToken: token,
      refreshToken: `${token.slice(0, 600)}zz`
    })
    const MiB = 1 << 20
    const inputs: Record<string, string> = {
      "near misses of a periodic secret": "a".repeat(MiB),
      "periodic near misses": "ab".repeat(MiB / 2),
      "a long token's prefix, over and over": token.slice(0, 1000).repeat(MiB / 1000),
      "secrets split by line breaks": "aaaaaaaa\r\naaaaaaab ".repeat(MiB / 20),
      controls: "\u001b[\u0000\u202e".repeat(MiB / 4)
    }
    for (const [name, text] of Object.entries(inputs)) {
      const t = performance.now()
      const out = http.untrusted(text)
      const ms = performance.now() - t
      console.log(`door, ${name}: ${(text.length / MiB).toFixed(2)} MiB in ${ms.toFixed(0)} ms`)
      expect(ms).toBeLessThan(5_000)
      expect(out.length).toBeLessThanOrEqual(UNTRUSTED_MAX + 2)
    }
  })
})

describe("neutralise", () => {
  it("collapses controls, bidi and the typographic spaces to one space, caps, keeps surrogate pairs", () => {
    expect(neutralise("a\u001b]0;x\u0007b")).toBe("a ]0;x b")
    expect(neutralise("a\u2003\u3000b\u202ec")).toBe("a b c")
    expect(neutralise(`${"x".repeat(UNTRUSTED_MAX - 1)}💡tail`)).toBe(`${"x".repeat(UNTRUSTED_MAX - 1)}💡…`)
  })
})
