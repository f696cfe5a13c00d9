/**
 * Generated inputs (fast-check) for everything that reads what a platform or a user hands the audit:
 * the XML reader, the JSON answers of the OAuth endpoints and of a 429, the 401/403 classifier and the
 * diagnoses built on it, and the config and URL rules. No input may crash them; a bad one is a typed
 * error with a clear message; nothing expands an entity or echoes a secret.
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { startSimulator } from "@arlo-ready/simulator"
import { FetchHttpClient } from "@effect/platform"
import { Effect, Either, Redacted } from "effect"
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  type ArloResponse,
  classifyTransport,
  displayQuery,
  HttpFailure,
  type HttpFailureCode,
  makeArloHttp,
  parseRetryAfter
} from "../src/ArloHttp.js"
import {
  ConfigError,
  type ConfigInput,
  fromOptions,
  type OAuthClient,
  resolveConfig,
  splitScopes,
  targetFromBaseUrl,
  targetFromPlatform,
  validateBaseUrl
} from "../src/Config.js"
import { diagnoseCredentials } from "../src/checks/basic/credentials.js"
import { diagnoseMfa } from "../src/checks/basic/mfa.js"
import { classifyBasicSignIn } from "../src/checks/basic/probes.js"
import { type AuthorizeView, classifyAuthorize, classifyToken, type TokenView } from "../src/checks/oauth/classify.js"
import { diagnoseApproved } from "../src/checks/oauth/client-approved.js"
import { diagnoseRegistered } from "../src/checks/oauth/client-registered.js"
import { diagnoseSecret } from "../src/checks/oauth/client-secret.js"
import { diagnoseRedirectUri } from "../src/checks/oauth/redirect-uri.js"
import { diagnoseReachable } from "../src/checks/target/reachable.js"
import { CheckStatus } from "../src/Report.js"
import { apiException, itemLinks, links, parseXml, roles, type XmlElement, XmlParseError } from "../src/Xml.js"

const RUNS = 3_000

// ---------------------------------------------------------------------------------------------------
// Arbitraries

const anyText = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 200 }),
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.string({
    unit: fc.constantFrom(
      "<",
      ">",
      "/",
      "=",
      '"',
      "'",
      "&",
      ";",
      "!",
      "?",
      "[",
      "]",
      "-",
      " ",
      "a",
      "#",
      "x",
      "\n",
      "\r",
      "\t",
      "\u0000"
    ),
    maxLength: 80
  })
)

const xmlName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,8}$/)
const xmlText = fc.string({ unit: "grapheme", maxLength: 30 })

const escapeXml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;")

/** A random element tree: text children are never empty nor adjacent (the reader merges those). */
const { tree } = fc.letrec<{ tree: XmlElement; node: XmlElement | string }>((tie) => ({
  tree: fc
    .record({
      name: xmlName,
      attributes: fc.dictionary(xmlName, xmlText, { maxKeys: 3 }),
      children: fc.array(tie("node"), { maxLength: 4, depthIdentifier: "xml" })
    })
    .map(({ name, attributes, children }) => {
      const merged: Array<XmlElement | string> = []
      for (const c of children) {
        if (typeof c === "string") {
          if (c === "") continue
          const last = merged[merged.length - 1]
          if (typeof last === "string") merged[merged.length - 1] = last + c
          else merged.push(c)
        } else merged.push(c)
      }
      return { name, attributes, children: merged }
    }),
  node: fc.oneof({ depthIdentifier: "xml", maxDepth: 4 }, xmlText, tie("tree"))
}))

const serialize = (el: XmlElement): string => {
  const attrs = Object.entries(el.attributes)
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join("")
  if (el.children.length === 0) return `<${el.name}${attrs}/>`
  return `<${el.name}${attrs}>${el.children.map((c) => (typeof c === "string" ? escapeXml(c) : serialize(c))).join("")}</${el.name}>`
}

/** The text an element holds, all the way down, attributes included. */
const textSize = (el: XmlElement): number =>
  Object.values(el.attributes).reduce((n, v) => n + v.length, 0) +
  el.children.reduce<number>((n, c) => n + (typeof c === "string" ? c.length : textSize(c)), 0)

/** Mutations of a valid document: cut, insert, duplicate, replace. */
const mutated = (docs: ReadonlyArray<string>) =>
  fc
    .tuple(
      fc.constantFrom(...docs),
      fc.array(
        fc.tuple(
          fc.constantFrom("cut", "insert", "duplicate", "replace", "truncate"),
          fc.nat(),
          fc.nat({ max: 40 }),
          anyText
        ),
        { minLength: 1, maxLength: 4 }
      )
    )
    .map(([doc, edits]) => {
      let s = doc
      for (const [op, at, len, text] of edits) {
        const i = s.length === 0 ? 0 : at % s.length
        if (op === "cut") s = s.slice(0, i) + s.slice(i + len)
        else if (op === "insert") s = s.slice(0, i) + text + s.slice(i)
        else if (op === "duplicate") s = s.slice(0, i + len) + s.slice(i, i + len) + s.slice(i + len)
        else if (op === "replace") s = s.slice(0, i) + text + s.slice(i + text.length)
        else s = s.slice(0, i)
      }
      return s
    })

const headerValue = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 60
})

const jsonBody = fc.oneof(
  anyText,
  fc.json(),
  fc
    .record(
      {
        error: fc.oneof(
          fc.constantFrom(
            "invalid_grant",
            "invalid_client",
            "unauthorized_client",
            "invalid_request",
            "rate_limit_exceeded"
          ),
          fc.string(),
          fc.jsonValue()
        ),
        error_description: fc.oneof(fc.string(), fc.jsonValue()),
        access_token: fc.oneof(fc.string(), fc.jsonValue()),
        retryAfter: fc.oneof(fc.integer(), fc.string())
      },
      { requiredKeys: [] }
    )
    .map((o) => JSON.stringify(o))
)

const apiExceptionBody = fc
  .record({
    code: fc.oneof(fc.constantFrom("MfaEnabled", "AccountLocked", "Unauthorized", "Forbidden"), xmlText),
    message: xmlText
  })
  .map(
    ({ code, message }) =>
      `<ApiException><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></ApiException>`
  )

const status = fc.oneof(
  fc.constantFrom(200, 302, 400, 401, 403, 404, 429, 500, 502, 503),
  fc.integer({ min: 100, max: 599 })
)

const response = (bodies: fc.Arbitrary<string>): fc.Arbitrary<ArloResponse> =>
  fc
    .record({
      status,
      body: bodies,
      contentType: fc.constantFrom("application/xml; charset=utf-8", "text/html", "application/json", "text/plain", ""),
      challenge: fc.option(
        fc.oneof(fc.constantFrom('Basic realm="Arlo"', 'Bearer error="invalid_token"'), headerValue)
      ),
      location: fc.option(
        fc.oneof(fc.webUrl(), anyText, fc.constantFrom("/acme/oauth/account/login?signin=1", "http://[", "//"))
      ),
      retryAfter: fc.option(headerValue)
    })
    .map((r) => {
      const headers: Record<string, string> = {}
      if (r.contentType !== "") headers["content-type"] = r.contentType
      if (r.challenge !== null) headers["www-authenticate"] = r.challenge
      if (r.location !== null) headers.location = r.location
      if (r.retryAfter !== null) headers["retry-after"] = r.retryAfter
      return {
        status: r.status,
        headers,
        body: r.body,
        url: "https://acme.arlo.co/oauth/connect/authorize?client_id=x",
        exchanges: [{ method: "GET", path: "/", status: r.status, durationMs: 1 }]
      }
    })

const failureCodes: ReadonlyArray<HttpFailureCode> = [
  "timeout",
  "connection_reset",
  "connection_refused",
  "dns_not_found",
  "tls",
  "network",
  "body_too_large",
  "redirect_loop",
  "budget_exhausted",
  "rate_limited",
  "read_only"
]
const failure = fc
  .record({ code: fc.constantFrom(...failureCodes), message: fc.string() })
  .map((f) => new HttpFailure({ ...f, exchanges: [] }))

const fetched = (bodies: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 5, arbitrary: response(bodies).map((r) => Either.right(r)) },
    { weight: 1, arbitrary: failure.map((f) => Either.left(f)) }
  )

const statuses = new Set<string>(CheckStatus.literals)
const expectOutcome = (o: { status: string; summary: string; cause?: { code: string } | null }) => {
  expect(statuses.has(o.status)).toBe(true)
  expect(typeof o.summary).toBe("string")
  expect(o.summary.length).toBeGreaterThan(0)
  if (o.status === "fail" || o.status === "error" || o.status === "warn") expect(o.cause?.code).toMatch(/^[a-z_]+$/)
}

// ---------------------------------------------------------------------------------------------------
// The XML reader

describe("the XML reader", () => {
  let arloDocs: Array<string> = []

  beforeAll(async () => {
    // Real representations, from the simulator: the documents the reader is written for.
    const sim = await startSimulator({ scenario: "ready" })
    try {
      const p = sim.platforms.acme!
      const auth = `Basic ${Buffer.from(`${p.audit.username}:${p.audit.password}`).toString("base64")}`
      const base = `${p.baseUrl}/api/2012-02-01/auth/resources/`
      for (const [path, withAuth] of [
        ["", false],
        ["", true],
        ["contacts/?top=3", true],
        ["contacts/562/security/roles", true],
        ["events/?top=2&expand=Event", true],
        ["no-such-collection/", true]
      ] as const) {
        const res = await fetch(`${base}${path}`, { headers: withAuth ? { authorization: auth } : {} })
        arloDocs.push(await res.text())
      }
      const events = parseXml(arloDocs[4]!)
      const first = Either.isRight(events) ? itemLinks(events.right)[0] : undefined
      if (first) arloDocs.push(await (await fetch(first.href, { headers: { authorization: auth } })).text())
    } finally {
      await sim.close()
    }
    arloDocs = arloDocs.filter((d) => d.startsWith("<?xml") || d.startsWith("<"))
    expect(arloDocs.length).toBeGreaterThanOrEqual(6)
    for (const d of arloDocs) expect(Either.isRight(parseXml(d))).toBe(true)
  })

  const expectTyped = (input: string) => {
    const r = parseXml(input)
    if (Either.isLeft(r)) {
      expect(r.left).toBeInstanceOf(XmlParseError)
      expect(r.left.message.length).toBeGreaterThan(0)
      expect(Number.isInteger(r.left.offset) && r.left.offset >= 0 && r.left.offset <= input.length).toBe(true)
    } else {
      // Never more text out than in: nothing was expanded.
      expect(textSize(r.right)).toBeLessThanOrEqual(input.length)
      // The readers built on it take any tree.
      links(r.right)
      itemLinks(r.right)
      apiException(r.right)
      roles(r.right)
    }
    return r
  }

  it("arbitrary strings: a tree or a typed error, never a throw", () => {
    fc.assert(
      fc.property(anyText, (s) => void expectTyped(s)),
      { numRuns: 5_000 }
    )
  })

  it("mutated Arlo XML: a tree or a typed error, never a throw", () => {
    fc.assert(
      fc.property(mutated(arloDocs), (s) => void expectTyped(s)),
      { numRuns: 5_000 }
    )
  })

  it("generated documents read back exactly as written", () => {
    fc.assert(
      fc.property(tree, fc.boolean(), (el, declared) => {
        const doc = `${declared ? '<?xml version="1.0" encoding="utf-8"?>\n' : ""}${serialize(el)}`
        const r = parseXml(doc)
        expect(Either.isRight(r) && r.right).toEqual(el)
      }),
      { numRuns: 2_000 }
    )
  })

  it("DOCTYPE and entity declarations (billion laughs, external and parameter entities) are refused", () => {
    const bomb = fc
      .record({
        name: xmlName,
        depth: fc.integer({ min: 1, max: 12 }),
        fanout: fc.integer({ min: 2, max: 10 }),
        kind: fc.constantFrom("laughs", "external", "parameter", "bare"),
        before: fc.constantFrom("", '<?xml version="1.0"?>\n', "<!-- c -->\n")
      })
      .map(({ name, depth, fanout, kind, before }) => {
        const e = (i: number) => `${name}${i}`
        const decls =
          kind === "laughs"
            ? [
                `<!ENTITY ${e(0)} "lol">`,
                ...Array.from({ length: depth }, (_, i) => `<!ENTITY ${e(i + 1)} "${`&${e(i)};`.repeat(fanout)}">`)
              ].join("")
            : kind === "external"
              ? `<!ENTITY ${e(depth)} SYSTEM "file:///etc/passwd">`
              : kind === "parameter"
                ? `<!ENTITY % ${e(depth)} SYSTEM "http://127.0.0.1/evil.dtd"> %${e(depth)};`
                : ""
        return { doc: `${before}<!DOCTYPE r [${decls}]><r>&${e(depth)};</r>`, ref: `&${e(depth)};` }
      })
    fc.assert(
      fc.property(bomb, ({ doc }) => {
        const r = parseXml(doc)
        expect(Either.isLeft(r) && r.left.message).toMatch(/DOCTYPE/)
      }),
      { numRuns: 1_000 }
    )
  })

  it("an entity reference without a declaration is kept as written, never expanded", () => {
    fc.assert(
      fc.property(
        xmlName.filter((n) => !["lt", "gt", "amp", "quot", "apos"].includes(n)),
        xmlText,
        (name, around) => {
          const r = parseXml(`<r a="&${name};">${escapeXml(around)}&${name};</r>`)
          expect(Either.isRight(r)).toBe(true)
          if (Either.isRight(r)) {
            expect(r.right.attributes.a).toBe(`&${name};`)
            expect(r.right.children.join("")).toBe(`${around}&${name};`)
          }
        }
      ),
      { numRuns: 2_000 }
    )
  })

  it("deep nesting is refused without exhausting the stack", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200_000 }), (depth) => {
        const r = parseXml(`${"<a>".repeat(depth)}${"</a>".repeat(depth)}`)
        if (depth <= 65) expect(Either.isRight(r)).toBe(true)
        else expect(Either.isLeft(r) && r.left.message).toMatch(/nested too deeply/)
      }),
      { numRuns: 300 }
    )
  })
})

// ---------------------------------------------------------------------------------------------------
// The answers of the OAuth endpoints and the 401/403 classifier

const oauthClient = fc.record({
  clientId: fc.string({ minLength: 1, maxLength: 20 }),
  clientSecret: fc.option(fc.string({ minLength: 1 }).map((s) => Redacted.make(s))),
  redirectUri: fc.option(fc.oneof(fc.webUrl(), fc.string())),
  scopes: fc.array(fc.string({ minLength: 1, maxLength: 12 }), { maxLength: 5 }),
  scopesGiven: fc.boolean(),
  accessToken: fc.constant(null),
  refreshToken: fc.constant(null),
  allowRefresh: fc.constant(false)
}) satisfies fc.Arbitrary<OAuthClient>

describe("the OAuth endpoints' answers", () => {
  const tokenTags = new Set(["invalid_grant", "invalid_client", "unauthorized_client", "other", "failed"])
  const authorizeTags = new Set(["signin", "redirect_error", "error_page", "not_found", "unexpected", "failed"])

  it("token endpoint: any status and body (OAuth errors, token responses, garbage) is classified", () => {
    fc.assert(
      fc.property(fetched(jsonBody), (f) => {
        const t = classifyToken(f)
        expect(tokenTags.has(t._tag)).toBe(true)
        // The RFC 6749 error code decides, whatever the status.
        if (Either.isRight(f)) {
          let error: unknown
          try {
            error = (JSON.parse(f.right.body) as { error?: unknown }).error
          } catch {
            error = undefined
          }
          if (error === "invalid_grant" || error === "invalid_client" || error === "unauthorized_client") {
            expect(t._tag).toBe(error)
          }
        }
      }),
      { numRuns: RUNS }
    )
  })

  it("authorize endpoint: any status, Location and page is classified", () => {
    fc.assert(
      fc.property(
        fetched(fc.oneof(anyText, fc.constantFrom('<p class="error-code">unauthorized_client</p>'))),
        fc.option(fc.oneof(fc.webUrl(), fc.string())),
        (f, redirectUri) => {
          expect(authorizeTags.has(classifyAuthorize(f, redirectUri)._tag)).toBe(true)
        }
      ),
      { numRuns: RUNS }
    )
  })

  it("the OAuth diagnoses take any pair of answers", () => {
    fc.assert(
      fc.property(fetched(anyText), fetched(jsonBody), oauthClient, fc.boolean(), (af, tf, o, sent) => {
        const a: AuthorizeView = classifyAuthorize(af, o.redirectUri)
        const t: TokenView = sent ? classifyToken(tf) : { _tag: "not_sent" }
        for (const outcome of [
          diagnoseRegistered(a, t, o),
          diagnoseApproved(a, t, o),
          diagnoseSecret(t, o),
          diagnoseRedirectUri(a, t, o)
        ]) {
          expectOutcome(outcome)
        }
      }),
      { numRuns: RUNS }
    )
  })

  it("Retry-After: any value gives a whole number of seconds or nothing", () => {
    fc.assert(
      fc.property(
        fc.option(
          fc.oneof(
            headerValue,
            fc.nat().map(String),
            fc.date({ noInvalidDate: true }).map((d) => d.toUTCString())
          )
        ),
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        (value, now) => {
          const s = parseRetryAfter(value ?? undefined, now)
          if (s !== null) expect(Number.isFinite(s) && s >= 0 && Number.isInteger(s)).toBe(true)
        }
      ),
      { numRuns: RUNS }
    )
  })

  it("a secret parameter's value is hidden under another name too (a counterexample found once)", () => {
    expect(displayQuery("?password=ZqvalueOf&_=ZqvalueOf")).toBe("?password=REDACTED&_=REDACTED")
    expect(displayQuery("?code=abc123&state=abc123&top=1")).toBe("?code=REDACTED&state=REDACTED&top=1")
  })

  it("a query shown in evidence never shows a secret parameter's value", () => {
    const secretName = fc
      .tuple(
        fc.constantFrom("password", "client_secret", "code", "refresh_token", "access_token", "token", "id_token"),
        fc.boolean(),
        fc.boolean()
      )
      .map(([n, upper, encoded]) => {
        const k = upper ? n.toUpperCase() : n
        return encoded ? encodeURIComponent(k).replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`) : k
      })
    const secretValue = fc.stringMatching(/^[A-Za-z0-9]{6,20}$/).map((v) => `Zq${v}`)
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.oneof(secretName, fc.stringMatching(/^[a-z_]{1,8}$/)), fc.oneof(secretValue, fc.string())),
          { maxLength: 6 }
        ),
        (pairs) => {
          const search = `?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&")}`
          const shown = displayQuery(search)
          for (const [k, v] of pairs) {
            let name = k
            try {
              name = decodeURIComponent(k)
            } catch {
              // shown as given
            }
            if (
              ["password", "client_secret", "code", "refresh_token", "access_token", "token", "id_token"].includes(
                name.toLowerCase()
              ) &&
              v.startsWith("Zq")
            ) {
              expect(shown.includes(v)).toBe(false)
            }
          }
        }
      ),
      { numRuns: RUNS }
    )
  })

  it("transport errors of any shape are classified", () => {
    const codes = fc.constantFrom(
      "ECONNRESET",
      "ECONNREFUSED",
      "ENOTFOUND",
      "ETIMEDOUT",
      "EPIPE",
      "CERT_HAS_EXPIRED",
      "UND_ERR_SOCKET",
      "X"
    )
    const { error } = fc.letrec<{ error: unknown }>((tie) => ({
      error: fc.oneof(
        { depthIdentifier: "err", maxDepth: 5 },
        fc.anything(),
        fc.record(
          {
            code: fc.oneof(codes, fc.anything()),
            message: fc.anything(),
            cause: tie("error"),
            errors: fc.array(tie("error"), { maxLength: 2 })
          },
          { requiredKeys: [] }
        )
      )
    }))
    fc.assert(
      fc.property(error, fc.constantFrom("connect" as const, "body" as const), (e, phase) => {
        const f = classifyTransport(e, phase)
        expect(failureCodes).toContain(f.code)
        expect(f.message).not.toMatch(/\n/)
      }),
      { numRuns: RUNS }
    )
  })
})

describe("the 401/403 classifier", () => {
  const tags = new Set(["accepted", "forbidden", "mfa", "locked", "rejected", "unexpected", "failed"])
  const bodies = fc.oneof(
    apiExceptionBody,
    anyText,
    fc.constantFrom('<Resources><Link rel="self" href="x"/></Resources>')
  )

  it("any status, headers and body: a known cause, and diagnoses that hold together", () => {
    fc.assert(
      fc.property(
        fetched(bodies),
        fc.constantFrom("optional" as const, "required" as const, "unknown" as const),
        (f, setting) => {
          const s = classifyBasicSignIn(f)
          expect(tags.has(s._tag)).toBe(true)
          const credentials = diagnoseCredentials(s, setting)
          const mfa = diagnoseMfa(s, setting)
          expectOutcome(credentials)
          expectOutcome(mfa)
          // A 401 never passes the credentials; a 403 never fails them (the platform knew the user).
          if (Either.isRight(f) && f.right.status === 401) expect(credentials.status).not.toBe("pass")
          // ...unless its own words name MFA or a lock, which are read before the status.
          if (Either.isRight(f) && f.right.status === 403 && s._tag === "forbidden")
            expect(credentials.status).toBe("pass")
          if (Either.isRight(f) && f.right.status === 403) expect(credentials.status).not.toBe("error")
          // Anything that is not 200/401/403 (or no answer) can only be `error`: the audit could not decide.
          if (Either.isLeft(f) || ![200, 401, 403].includes(f.right.status)) {
            expect(credentials.status).toBe("error")
            expect(mfa.status).toBe("error")
          }
        }
      ),
      { numRuns: RUNS }
    )
  })

  it("a 401 ApiException is read by its code: MFA, lock, or opaque", () => {
    fc.assert(
      fc.property(apiExceptionBody, (body) => {
        const res: ArloResponse = { status: 401, headers: {}, body, url: "https://x", exchanges: [] }
        const s = classifyBasicSignIn(Either.right(res))
        const doc = parseXml(body)
        const ex = Either.isRight(doc) ? apiException(doc.right) : undefined
        if (ex && /^mfa/i.test(ex.code)) expect(s._tag).toBe("mfa")
        else if (ex && /lock/i.test(ex.code) && !/\bmfa\b|multi[- ]?factor|two[- ]?factor|2fa/i.test(ex.message)) {
          expect(s._tag).toBe("locked")
        } else expect(["mfa", "locked", "rejected"]).toContain(s._tag)
      }),
      { numRuns: RUNS }
    )
  })

  it("the unauthenticated root: any answer (any Location) is a finding or an error, never a throw", () => {
    fc.assert(
      fc.property(
        response(fc.oneof(apiExceptionBody, anyText)),
        fc.option(fc.constantFrom("acme")),
        (res, platform) => {
          const o = diagnoseReachable("https://acme.arlo.co", platform, res)
          expectOutcome(o)
          if (res.status >= 500) expect(o.status).toBe("error")
        }
      ),
      { numRuns: RUNS }
    )
  })
})

// ---------------------------------------------------------------------------------------------------
// The HTTP service with a platform answering anything: 429s, OAuth errors, reflected secrets

describe("the HTTP service against a platform answering anything", () => {
  interface Answer {
    status: number
    headers: Record<string, string>
    body: string
  }
  let answer: Answer = { status: 200, headers: {}, body: "" }
  let server: http.Server
  let base = ""
  const password = "Hunter2-secret-pw"
  const username = "api@acme.example"
  const basic64 = Buffer.from(`${username}:${password}`).toString("base64")

  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      res.writeHead(answer.status, answer.headers)
      res.end(answer.body)
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  )

  const answers = (reflected: fc.Arbitrary<string>) =>
    fc
      .record({
        status: fc.oneof(fc.constantFrom(401, 403, 429, 400, 200, 404), fc.integer({ min: 200, max: 499 })),
        retryAfter: fc.option(fc.oneof(fc.nat({ max: 100_000 }).map(String), headerValue)),
        body: fc.oneof(jsonBody, apiExceptionBody, anyText),
        contentType: fc.constantFrom("application/json", "application/xml", "text/html"),
        reflected,
        where: fc.constantFrom("challenge", "location", "error", "code", "none")
      })
      .map((a): Answer => {
        const headers: Record<string, string> = { "content-type": a.contentType }
        if (a.retryAfter !== null) headers["retry-after"] = a.retryAfter
        let body = a.body
        if (a.where === "challenge") headers["www-authenticate"] = `Basic realm="${a.reflected}"`
        if (a.where === "location") headers.location = `/elsewhere?next=${encodeURIComponent(a.reflected)}`
        if (a.where === "error") body = JSON.stringify({ error: `bad ${a.reflected}` })
        if (a.where === "code") body = `<ApiException><Code>${a.reflected}</Code><Message>m</Message></ApiException>`
        return { status: a.status, headers, body }
      })

  /** One request through the service; the evidence and message it produced, as text. */
  const probe = async (a: Answer) => {
    answer = a
    const config = Either.getOrThrow(
      fromOptions({ baseUrl: base, username, password, timeoutMs: 1_000, deadlineMs: 2_000, retries: 0 })
    )
    const result = await Effect.runPromise(
      Effect.gen(function* () {
        // A deadline closer than any Retry-After: a 429 is never waited on here.
        const service = yield* makeArloHttp(config, Date.now() + 500)
        return yield* Effect.either(
          service.request({
            method: "GET",
            url: `${base}/api/2012-02-01/auth/resources/`,
            auth: { _tag: "basic", username, password: Redacted.make(password) },
            redirects: "manual"
          })
        )
      }).pipe(Effect.provide(FetchHttpClient.layer))
    )
    const exchanges = Either.isRight(result) ? result.right.exchanges : result.left.exchanges
    // One attempt, nothing waited for (the TestClock tests of http-clock.test.ts time the waits themselves).
    expect(exchanges).toHaveLength(1)
    if (Either.isLeft(result)) {
      expect(result.left).toBeInstanceOf(HttpFailure)
      if (a.status === 429) {
        expect(result.left.code).toBe("rate_limited")
        expect(result.left.message).toMatch(/reaches beyond the audit deadline$/)
      }
    } else {
      expect(result.right.status).toBe(a.status)
    }
    for (const note of exchanges.map((e) => e.note ?? "")) expect(note.length).toBeLessThanOrEqual(160)
    return JSON.stringify([exchanges, Either.isLeft(result) ? result.left.message : ""])
  }

  it("any answer (429s with any Retry-After, OAuth errors, garbage): typed, in time, no reflected secret in the evidence", async () => {
    await fc.assert(
      fc.asyncProperty(answers(fc.constantFrom(password, "")), async (a) => {
        expect((await probe(a)).includes(password)).toBe(false)
      }),
      { numRuns: 400 }
    )
  }, 120_000)

  // ArloHttp.ts scrubs the notes it copies out of an answer (WWW-Authenticate, Location, ApiException
  // code, JSON error) of every form of a secret: a platform or proxy that reflects the Basic header
  // does not put base64(user:password) into the report's evidence.
  it("the Basic header's base64 form reflected by the platform stays out of the evidence", async () => {
    await fc.assert(
      fc.asyncProperty(answers(fc.constantFrom(basic64, `Basic ${basic64}`)), async (a) => {
        expect((await probe(a)).includes(basic64)).toBe(false)
      }),
      { numRuns: 200 }
    )
  }, 120_000)
})

// ---------------------------------------------------------------------------------------------------
// Config and URL parsing

const secretArb = fc.stringMatching(/^[A-Za-z0-9]{8,16}$/).map((s) => `Sx${s}`)

const urlish = fc.oneof(
  anyText,
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.constantFrom(
    "https://acme.arlo.co",
    "http://127.0.0.1:4010/acme",
    "http://localhost",
    "https://api.arlo.co/acme/api/2012-02-01/auth/resources/",
    "ftp://acme.arlo.co",
    "http://acme.arlo.co",
    "https://[::1]:8080/x",
    "HTTPS://ACME.ARLO.CO/"
  ),
  fc.tuple(fc.constantFrom("https://", "http://", ""), anyText).map(([a, b]) => a + b)
)

const expectConfigError = (e: unknown) => {
  expect(e).toBeInstanceOf(ConfigError)
  const err = e as ConfigError
  expect(err.message.length).toBeGreaterThan(0)
  expect(err.field.length).toBeGreaterThan(0)
}

describe("config and URL parsing", () => {
  it("a base URL: a usable https (or loopback http) target, or a ConfigError", () => {
    fc.assert(
      fc.property(urlish, (raw) => {
        const r = targetFromBaseUrl(raw)
        if (Either.isLeft(r)) return expectConfigError(r.left)
        const u = new URL(r.right.baseUrl)
        expect(u.username + u.password + u.search + u.hash).toBe("")
        expect(u.protocol === "https:" || (u.protocol === "http:" && /^(localhost|127\.|\[::1\])/.test(u.host))).toBe(
          true
        )
        // Normalised: validating it again gives the same target.
        expect(Either.getOrThrow(validateBaseUrl(r.right.baseUrl))).toEqual(r.right)
      }),
      { numRuns: 5_000 }
    )
  })

  it("a platform name: https://NAME.arlo.co for a DNS label, else a ConfigError", () => {
    fc.assert(
      fc.property(fc.oneof(anyText, fc.stringMatching(/^[a-z0-9-]{1,70}$/), fc.domain()), (raw) => {
        const r = targetFromPlatform(raw)
        if (Either.isLeft(r)) return expectConfigError(r.left)
        expect(new URL(r.right.baseUrl).hostname).toBe(`${r.right.platform}.arlo.co`)
      }),
      { numRuns: 5_000 }
    )
  })

  it("scopes split into distinct words", () => {
    fc.assert(
      fc.property(fc.option(anyText, { nil: undefined }), (raw) => {
        const scopes = splitScopes(raw)
        expect(new Set(scopes).size).toBe(scopes.length)
        for (const s of scopes) expect(s).toMatch(/^[^\s,]+$/)
      }),
      { numRuns: RUNS }
    )
  })

  const options = fc.record(
    {
      platform: fc.option(fc.oneof(anyText, fc.constant("acme")), { nil: undefined }),
      baseUrl: fc.option(urlish, { nil: undefined }),
      username: fc.option(fc.oneof(anyText, fc.emailAddress()), { nil: undefined }),
      clientId: fc.option(anyText, { nil: undefined }),
      redirectUri: fc.option(urlish, { nil: undefined }),
      scopes: fc.option(fc.oneof(anyText, fc.array(anyText, { maxLength: 4 })), { nil: undefined }),
      mfaSetting: fc.option(fc.oneof(anyText, fc.constantFrom("optional", "Required", "unknown")), { nil: undefined }),
      expectAccess: fc.option(fc.oneof(anyText, fc.constantFrom("full", "presenter")), { nil: undefined }),
      timeoutMs: fc.option(fc.oneof(fc.integer(), fc.double()), { nil: undefined }),
      deadlineMs: fc.option(fc.integer(), { nil: undefined }),
      concurrency: fc.option(fc.integer({ min: -5, max: 100 }), { nil: undefined }),
      maxRequests: fc.option(fc.integer(), { nil: undefined }),
      only: fc.option(fc.array(fc.oneof(anyText, fc.constantFrom("basic.mfa", "oauth", "roles.*")), { maxLength: 3 }), {
        nil: undefined
      }),
      skip: fc.option(fc.array(fc.oneof(anyText, fc.constantFrom("policy.rate-limit")), { maxLength: 3 }), {
        nil: undefined
      })
    },
    { requiredKeys: [] }
  )
  const secrets = fc.record({
    password: fc.option(secretArb, { nil: undefined }),
    clientSecret: fc.option(secretArb, { nil: undefined }),
    accessToken: fc.option(secretArb, { nil: undefined }),
    refreshToken: fc.option(secretArb, { nil: undefined })
  })

  const resolve = (o: ConfigInput, s: Record<string, string | undefined>, viaEnv: boolean) =>
    viaEnv
      ? resolveConfig({
          env: {
            ARLO_PLATFORM: o.platform,
            ARLO_BASE_URL: o.baseUrl,
            ARLO_USERNAME: o.username,
            ARLO_PASSWORD: s.password,
            ARLO_CLIENT_ID: o.clientId,
            ARLO_CLIENT_SECRET: s.clientSecret,
            ARLO_REDIRECT_URI: o.redirectUri,
            ARLO_SCOPES: typeof o.scopes === "string" ? o.scopes : undefined,
            ARLO_ACCESS_TOKEN: s.accessToken,
            ARLO_REFRESH_TOKEN: s.refreshToken,
            ARLO_MFA_SETTING: o.mfaSetting,
            ARLO_EXPECT_ACCESS: o.expectAccess
          }
        })
      : fromOptions({ ...o, ...s })

  it("options and environment: a valid config or a ConfigError, never a throw; secrets stay Redacted", () => {
    fc.assert(
      fc.property(options, secrets, fc.boolean(), (o, s, viaEnv) => {
        const r = resolve(o, s, viaEnv)
        if (Either.isLeft(r)) return expectConfigError(r.left)
        const c = r.right
        expect(Either.isRight(validateBaseUrl(c.baseUrl))).toBe(true)
        expect(c.basic !== null || c.oauth !== null).toBe(true)
        expect(c.timeoutMs >= 100 && c.concurrency >= 1 && c.maxRequests >= 1).toBe(true)
        // Secrets are Redacted, and the config as a whole never shows them.
        if (c.basic) expect(Redacted.isRedacted(c.basic.password)).toBe(true)
        const shown = `${JSON.stringify(c)} ${String(c.basic?.password)} ${String(c.oauth?.clientSecret)}`
        for (const v of Object.values(s)) if (v !== undefined) expect(shown.includes(v)).toBe(false)
      }),
      { numRuns: RUNS }
    )
  })

  it("a ConfigError never echoes a secret given as a secret", () => {
    fc.assert(
      fc.property(options, secrets, fc.boolean(), (o, s, viaEnv) => {
        const r = resolve(o, s, viaEnv)
        if (Either.isRight(r)) return
        for (const v of Object.values(s)) if (v !== undefined) expect(r.left.message.includes(v)).toBe(false)
      }),
      { numRuns: RUNS }
    )
  })

  // Config.ts echoes input in its messages (`baseUrl '…' is not an absolute URL`, `platform '…' is not
  // a platform name`, `(got '…')`, `Unknown check '…'`): escaped and shortened, so always one line.
  it("a ConfigError message is one line", () => {
    fc.assert(
      fc.property(options, secrets, fc.boolean(), (o, s, viaEnv) => {
        const r = resolve(o, s, viaEnv)
        if (Either.isLeft(r)) expect(r.left.message).not.toMatch(/[\r\n]/)
      }),
      { numRuns: RUNS }
    )
  })

  // targetFromBaseUrl echoes a base URL it cannot parse without its user:password@ part: a password
  // embedded in the URL never reaches the error message (nor the report app's stderr).
  it("a base URL with credentials is never echoed with them", () => {
    fc.assert(
      fc.property(secretArb, fc.oneof(anyText, fc.constantFrom("exa mple.com", "", "[x")), (secret, host) => {
        const r = targetFromBaseUrl(`https://api:${secret}@${host}`)
        if (Either.isLeft(r)) expect(r.left.message.includes(secret)).toBe(false)
      }),
      { numRuns: RUNS }
    )
  })
})
