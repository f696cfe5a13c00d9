/**
 * A hostile server against the core: its text reaches a report only through the door (evidence notes,
 * redirect hops, facts, role names); contact ids it chooses never become a foreign request path; its
 * XML is read in linear time; and a target that does not answer like Arlo never receives a credential.
 */
import * as nodeHttp from "node:http"
import type { AddressInfo } from "node:net"
import { FetchHttpClient, HttpClient, HttpClientResponse } from "@effect/platform"
import { Effect, Either } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { credentialsWaitFor, makeArloHttp } from "../src/ArloHttp.js"
import { audit, fromOptions, type Report, runAudit } from "../src/index.js"
import { apiException, itemLinks, parseXml } from "../src/Xml.js"

const PW = "Hunter2-pass-xyz"
const USER = "api@acme.example"
const CLIENT_SECRET = "client-secret-xyz"
const TOKEN = "at-token-0123456789"
const RES = "/api/2012-02-01/auth/resources/"
const ESC = "\u001b"

const b64 = (s: string) => Buffer.from(s).toString("base64")
const apiEx = (code: string, message = "refused") =>
  `<?xml version="1.0" encoding="utf-8"?><ApiException><Code>${code}</Code><Message>${message}</Message></ApiException>`

/** No secret, plain or base64, and no control character anywhere in a report. */
const expectClean = (report: Report) => {
  const text = JSON.stringify(report)
  for (const s of [PW, CLIENT_SECRET, TOKEN, b64(`${USER}:${PW}`), b64(PW)]) expect(text).not.toContain(s)
  const strings: Array<string> = []
  const walk = (v: unknown) => {
    if (typeof v === "string") strings.push(v)
    else if (Array.isArray(v)) v.forEach(walk)
    else if (v !== null && typeof v === "object") Object.values(v).forEach(walk)
  }
  walk(report)
  for (const s of strings) expect(s, JSON.stringify(s)).not.toMatch(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/u)
}

// ---------------------------------------------------------------------------------------------------
// A tiny platform on loopback, hostile where the test says

interface Seen {
  readonly method: string
  readonly url: string
  readonly authorization: string | undefined
}

const serve = async (handler: (req: nodeHttp.IncomingMessage, res: nodeHttp.ServerResponse) => void) => {
  const seen: Array<Seen> = []
  const server = nodeHttp.createServer((req, res) => {
    seen.push({ method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization })
    req.resume()
    req.on("end", () => handler(req, res))
  })
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { base, seen, close: () => new Promise<void>((r) => server.close(() => r())) }
}

const xml = (res: nodeHttp.ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/xml; charset=utf-8", ...headers })
  res.end(body)
}

/** Arlo's Auth API as far as Basic sign-in and the contacts lookup; the lookup's link and the roles are the test's. */
const platform = (contactHref: (base: string) => string, roles: ReadonlyArray<string>) => {
  let base = ""
  const p = serve((req, res) => {
    const url = req.url ?? ""
    const signedIn = req.headers.authorization === `Basic ${b64(`${USER}:${PW}`)}`
    if (url === RES) {
      if (!req.headers.authorization)
        return xml(res, 401, apiEx("Unauthorized"), { "www-authenticate": `Basic realm="${PW}"` })
      if (!signedIn) return xml(res, 401, apiEx("Unauthorized"))
      return xml(res, 200, `<Resources><Link rel="self" type="application/xml" href="${base}${RES}"/></Resources>`)
    }
    if (!signedIn) return xml(res, 401, apiEx("Unauthorized"))
    if (url.startsWith(`${RES}contacts/?`)) {
      return xml(
        res,
        200,
        `<Contacts><Link rel="http://schemas.arlo.co/api/2012/02/auth/contact" type="application/xml" href="${contactHref(base)}"/></Contacts>`
      )
    }
    if (/^\/api\/2012-02-01\/auth\/resources\/contacts\/\d+\/security\/roles$/.test(url)) {
      return xml(res, 200, `<Roles>${roles.map((r) => `<Role>${r}</Role>`).join("")}</Roles>`)
    }
    if (url.startsWith(`${RES}contacts/`)) return xml(res, 200, "<Contacts/>")
    return xml(res, 404, apiEx("NotFound"))
  })
  return p.then((s) => {
    base = s.base
    return s
  })
}

const basicAudit = (base: string) =>
  runAudit({ baseUrl: base, username: USER, password: PW, expectAccess: "full", timeoutMs: 5_000 })

describe("contact ids the server chooses never become a foreign path", () => {
  const hostile = [
    "..",
    "%2e%2e",
    "%2E%2E",
    ".%2e",
    "1/../x",
    "1/..",
    "..%2f..%2fsecurity",
    "5/security",
    "562%2F..",
    "-1",
    "abc"
  ]
  for (const id of hostile) {
    it(`a contact link to contacts/${id}/: no roles request, roles.administrator cannot read the roles`, async () => {
      const p = await platform((base) => `${base}${RES}contacts/${id}/`, ["API User", "Administrator"])
      try {
        const r = await basicAudit(p.base)
        const paths = p.seen.map((s) => s.url)
        // The root (anonymous and signed in) and the lookup: nothing else, nothing outside contacts/?filter.
        for (const path of paths)
          expect(
            [RES, `${RES}contacts/`].some((ok) => path.split("?")[0] === ok),
            path
          ).toBe(true)
        expect(paths.some((x) => x.includes("security"))).toBe(false)
        const admin = r.checks.find((c) => c.id === "roles.administrator")!
        expect(admin.status).toBe("error")
        expect(admin.cause?.message).toMatch(/ContactID is not a number/)
        expect(admin.summary).toMatch(/its roles were not requested/)
        const apiUser = r.checks.find((c) => c.id === "roles.api-user")!
        expect(apiUser).toMatchObject({ status: "pass", basis: "inferred" })
        expect(apiUser.summary).toMatch(/roles could not be read to confirm it/)
        expectClean(r)
      } finally {
        await p.close()
      }
    })
  }

  it("a well-formed ContactID is read, and role names reach facts and summaries through the door", async () => {
    const p = await platform(
      (base) => `${base}${RES}contacts/562/`,
      ["API User", `${PW}${ESC}]0;owned\u0007`, `Presenter\u202e${ESC}[2J`]
    )
    try {
      const r = await basicAudit(p.base)
      expect(p.seen.map((s) => s.url)).toContain(`${RES}contacts/562/security/roles`)
      const admin = r.checks.find((c) => c.id === "roles.administrator")!
      expect(admin).toMatchObject({ basis: "confirmed" })
      expect(admin.summary).toMatch(/lists API User, REDACTED \]0;owned, Presenter \[2J/)
      expect(admin.facts?.roles).toEqual(["API User", "REDACTED ]0;owned", "Presenter [2J"])
      // The anonymous challenge's realm was the password: target.reachable's facts hold it no more.
      const reachable = r.checks.find((c) => c.id === "target.reachable")!
      expect(reachable.status).toBe("pass")
      expect(JSON.stringify(reachable.facts)).toContain('realm=\\"REDACTED\\"')
      expectClean(r)
    } finally {
      await p.close()
    }
  })
})

// ---------------------------------------------------------------------------------------------------
// Evidence

describe("evidence carries server text only through the door", () => {
  let p: Awaited<ReturnType<typeof serve>>
  beforeAll(async () => {
    p = await serve((req, res) => {
      const url = req.url ?? ""
      if (url === "/location") {
        res.writeHead(302, { location: `/x%1b]0;pwned%07/${encodeURIComponent(PW)}/%E2%80%AEevil` })
        return res.end()
      }
      if (url === "/follow") {
        res.writeHead(302, { location: `/api%1b[2J/${encodeURIComponent(PW)}/` })
        return res.end()
      }
      if (url === "/challenge") {
        res.writeHead(401, { "www-authenticate": `Basic realm="${PW}", error="${b64(`${USER}:${PW}`)}"` })
        return res.end()
      }
      if (url === "/apiex") return xml(res, 403, apiEx(`${PW}${ESC}[31mred`))
      if (url === "/json") {
        res.writeHead(400, { "content-type": "application/json" })
        return res.end(JSON.stringify({ error: `bad ${b64(`${USER}:${PW}`)}${ESC}]0;t\u0007` }))
      }
      res.writeHead(404)
      res.end()
    })
  })
  afterAll(() => p?.close())

  const exchangesOf = async (path: string, redirects: "follow" | "manual" = "manual") => {
    const config = Either.getOrThrow(
      fromOptions({ baseUrl: p.base, username: USER, password: PW, clientId: "crm", clientSecret: CLIENT_SECRET })
    )
    return Effect.runPromise(
      Effect.gen(function* () {
        const http = yield* makeArloHttp(config, Date.now() + 10_000)
        const r = yield* Effect.either(
          http.request({ method: "GET", url: `${p.base}${path}`, auth: { _tag: "none" }, redirects })
        )
        return Either.isRight(r) ? r.right.exchanges : r.left.exchanges
      }).pipe(Effect.provide(FetchHttpClient.layer))
    )
  }

  const expectSafe = (s: string | undefined) => {
    expect(s).toBeDefined()
    expect(s).not.toContain(PW)
    expect(s).not.toContain(b64(`${USER}:${PW}`))
    expect(s).not.toMatch(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/u)
  }

  it("a Location is decoded, then scrubbed and neutralised", async () => {
    const [ex] = await exchangesOf("/location")
    expectSafe(ex!.note)
    expect(ex!.note).toBe("Location: /x ]0;pwned /REDACTED/ evil")
  })

  it("a followed redirect's hop shows the server's path through the door", async () => {
    const exs = await exchangesOf("/follow", "follow")
    expect(exs).toHaveLength(2)
    for (const ex of exs) {
      expectSafe(ex.path)
      expectSafe(ex.note ?? "")
    }
    expect(exs[1]!.path).toBe("/api [2J/REDACTED/")
  })

  it("the audit's own path and messages are not scrubbed: no oracle for a password that is one of their words", async () => {
    const config = Either.getOrThrow(fromOptions({ baseUrl: p.base, username: USER, password: "resources" }))
    const exs = await Effect.runPromise(
      Effect.gen(function* () {
        const http = yield* makeArloHttp(config, Date.now() + 10_000)
        const r = yield* http.request({ method: "GET", url: `${p.base}${RES}`, auth: { _tag: "none" } })
        return r.exchanges
      }).pipe(Effect.provide(FetchHttpClient.layer))
    )
    expect(exs[0]!.path).toBe(RES)
  })

  it("WWW-Authenticate, an ApiException code and a JSON error are scrubbed and neutralised", async () => {
    const [challenge] = await exchangesOf("/challenge")
    expect(challenge!.note).toBe('WWW-Authenticate: Basic realm="REDACTED", error="REDACTED"')
    const [ex] = await exchangesOf("/apiex")
    expectSafe(ex!.note)
    expect(ex!.note).toBe("ApiException REDACTED [31mred")
    const [json] = await exchangesOf("/json")
    expectSafe(json!.note)
    expect(json!.note).toBe("error: bad REDACTED ]0;t")
  })
})

// ---------------------------------------------------------------------------------------------------
// The XML reader: linear on adversarial input

describe("the XML reader is linear", () => {
  const MiB = 1 << 20
  const fill = (unit: string) => unit.repeat(Math.ceil(MiB / unit.length)).slice(0, MiB)
  const inputs: Record<string, string> = {
    "'<' repeated": fill("<"),
    "an unclosed attribute": `<a b="${fill("x")}`,
    "unclosed attributes": `<a${fill(' b="1')}`,
    "deep nesting": fill("<a>"),
    "nesting to the limit, then siblings": `${"<a>".repeat(60)}${fill("<b/>")}${"</a>".repeat(60)}`,
    "many attributes": `<a${Array.from({ length: 60_000 }, (_, i) => ` a${i}="v"`).join("")}/>`,
    "a long element name": `<${fill("a")}/>`,
    "a long attribute name": `<a ${fill("b")}="1"/>`,
    "entity-like text": `<a>${fill("&a")}</a>`,
    "character references": `<a>${fill("&#1")}</a>`,
    "a long hex reference": `<a>&#x${fill("f")};</a>`,
    "unterminated comments": `<a>${fill("<!--")}</a>`,
    "text and comments": `<a>${fill("x<!---->")}</a>`,
    "unterminated CDATA": `<a>${fill("<![CDATA[")}</a>`,
    "processing instructions": `${fill("<?x?>")}<a/>`,
    "many links": `<Contacts>${'<Link rel="r" href="https://x/contacts/1/"/>'.repeat(MiB / 44)}</Contacts>`,
    "an ApiException of many codes": `<ApiException>${"<Code>x</Code>".repeat(MiB / 14)}</ApiException>`,
    "white space": `<a${fill(" \t\n")}/>`,
    "mixed content": `<a>${"x<b>y</b>&amp;".repeat(MiB / 14)}</a>`
  }
  for (const [name, doc] of Object.entries(inputs)) {
    it(`${name} (1 MiB)`, () => {
      const t = performance.now()
      const r = parseXml(doc)
      if (Either.isRight(r)) {
        apiException(r.right)
        itemLinks(r.right)
      }
      const ms = performance.now() - t
      console.log(`xml, ${name}: ${ms.toFixed(0)} ms (${Either.isLeft(r) ? r.left.message : "read"})`)
      // A guard against a super-linear path, not a timing: a linear reader takes well under a second.
      expect(ms).toBeLessThan(5_000)
    })
  }
})

// ---------------------------------------------------------------------------------------------------
// Credentials wait for a target that answers like Arlo

describe("credentials wait for a target that answers like Arlo", () => {
  it("credentialsWaitFor: only https *.arlo.co and loopback start with credentials", () => {
    for (const u of [
      "https://acme.arlo.co",
      "https://ACME.Arlo.Co",
      "https://api.arlo.co/acme",
      "http://127.0.0.1:8080",
      "http://127.1.2.3",
      "http://localhost:3000",
      "http://app.localhost",
      "http://[::1]:9000"
    ])
      expect(credentialsWaitFor(u), u).toBe(false)
    for (const u of [
      "https://arlo.co",
      "https://acme.arlo.co.evil.example",
      "https://evilarlo.co",
      "https://acme.arlo.com",
      "https://proxy.example.test",
      "https://10.0.0.5",
      "https://128.0.0.1",
      "http://acme.arlo.co",
      "not a url"
    ])
      expect(credentialsWaitFor(u), u).toBe(true)
  })

  interface Sent {
    readonly method: string
    readonly url: string
    readonly authorization: string | undefined
    readonly body: string
    readonly start: number
    end: number
  }

  /** An HttpClient that answers from memory, after `delayMs`, and records what was sent and when. */
  const fake = (
    answer: (s: Sent) => { status: number; headers?: Record<string, string>; body?: string },
    delayMs = 150
  ) => {
    const sent: Array<Sent> = []
    const client = HttpClient.make((request, url) =>
      Effect.gen(function* () {
        const body = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""
        const s: Sent = {
          method: request.method,
          url: url.href,
          authorization: request.headers.authorization,
          body,
          start: Date.now(),
          end: 0
        }
        sent.push(s)
        yield* Effect.sleep(delayMs)
        const a = answer(s)
        s.end = Date.now()
        return HttpClientResponse.fromWeb(
          request,
          new Response(a.body ?? "", { status: a.status, headers: a.headers ?? {} })
        )
      })
    )
    return { sent, client }
  }

  const configFor = (baseUrl: string) =>
    Either.getOrThrow(
      fromOptions({
        baseUrl,
        username: USER,
        password: PW,
        clientId: "crm-client",
        clientSecret: CLIENT_SECRET,
        accessToken: TOKEN,
        redirectUri: "https://app.example/callback",
        retries: 0
      })
    )

  const run = (baseUrl: string, client: HttpClient.HttpClient) =>
    Effect.runPromise(audit(configFor(baseUrl)).pipe(Effect.provideService(HttpClient.HttpClient, client)))

  const credentialed = (s: Sent) =>
    s.authorization !== undefined ||
    s.method === "POST" ||
    [PW, CLIENT_SECRET, TOKEN].some((x) => s.url.includes(x) || s.body.includes(x))

  const isRoot = (baseUrl: string) => (s: Sent) => s.url === `${baseUrl}${RES}` && s.authorization === undefined

  it("a custom host whose root is nginx's welcome page gets no credential, no client secret, no token", async () => {
    const base = "https://proxy.example.test"
    const { sent, client } = fake(() => ({
      status: 200,
      headers: { "content-type": "text/html" },
      body: "<html><body><h1>Welcome to nginx!</h1></body></html>"
    }))
    const r = await run(base, client)
    expect(r.checks.find((c) => c.id === "target.reachable")?.status).toBe("fail")
    expect(sent.length).toBeGreaterThan(0)
    expect(sent.filter(credentialed)).toEqual([])
    // What it did get: the anonymous probes.
    expect(sent.some(isRoot(base))).toBe(true)
  })

  const arloLike = (s: Sent) =>
    s.url.endsWith(RES)
      ? {
          status: 401,
          headers: { "content-type": "application/xml", "www-authenticate": 'Basic realm="arlo"' },
          body: apiEx("Unauthorized")
        }
      : { status: 404, headers: { "content-type": "application/xml" }, body: apiEx("NotFound") }

  it("a custom host that answers like the Auth API gets the credentials once that answer is in", async () => {
    const base = "https://proxy.example.test"
    const { sent, client } = fake(arloLike)
    await run(base, client)
    const root = sent.find(isRoot(base))!
    const secret = sent.filter(credentialed)
    expect(secret.length).toBeGreaterThan(0)
    for (const s of secret) expect(s.start, `${s.method} ${s.url}`).toBeGreaterThanOrEqual(root.end)
    // The probes without a secret left with the root.
    expect(sent.filter((s) => !credentialed(s) && s.start < root.end).length).toBeGreaterThan(1)
  })

  it("an arlo.co host keeps the parallel start: credentials leave with the anonymous root", async () => {
    const base = "https://acme.arlo.co"
    const { sent, client } = fake(arloLike)
    await run(base, client)
    const root = sent.find(isRoot(base))!
    expect(sent.filter((s) => credentialed(s) && s.start < root.end).length).toBeGreaterThan(0)
  })
})
