import * as http from "node:http"
import { afterAll, beforeEach, describe, expect, it } from "vitest"
import { startSimulator } from "../src/index.js"
import { apiError, basic, get, postForm, RES, useSimulator } from "./helpers.js"
import { parseXml } from "./xml.js"

const ctx = useSimulator({ scenario: "ready" })
const base = () => ctx.sim.platforms.acme!.baseUrl
const auth = () => basic("api@acme.example", "correct-horse-42")
const events = () => `${base()}${RES}events/`
const read = (url = events()) => get(url, { authorization: auth() })
const faults = (list: ReadonlyArray<Record<string, unknown>>) =>
  ctx.sim.updatePlatform("acme", { faults: list as never, rateLimit: { perMinute: 100_000 } })

beforeEach(() => {
  faults([])
  ctx.sim.clearJournal()
})

/** A raw GET that reports every chunk as it arrives, and how the response ended. */
const rawGet = (url: string) =>
  new Promise<{ status: number; headers: http.IncomingHttpHeaders; chunks: Array<Buffer>; ended: "end" | "error" }>(
    (resolve, reject) => {
      const req = http.get(url, { headers: { authorization: auth(), connection: "close" } }, (res) => {
        const chunks: Array<Buffer> = []
        let done = false
        const finish = (ended: "end" | "error") => {
          if (done) return
          done = true
          resolve({ status: res.statusCode!, headers: res.headers, chunks, ended })
        }
        res.on("data", (c: Buffer) => chunks.push(c))
        res.on("end", () => finish("end"))
        res.on("error", () => finish("error"))
        res.on("aborted", () => finish("error"))
        res.on("close", () => finish(res.complete ? "end" : "error"))
      })
      req.on("error", reject)
    }
  )

describe("latency", () => {
  it("latencyMs delays the response and shows in the journal's durationMs", async () => {
    faults([{ match: "/api/2012-02-01/auth/resources/events/", latencyMs: 150 }])
    const started = performance.now()
    expect((await read()).status).toBe(200)
    expect(performance.now() - started).toBeGreaterThanOrEqual(145)
    const [entry] = ctx.sim.journal()
    expect(entry!.durationMs).toBeGreaterThanOrEqual(145)
    expect(entry!.fault).toBe("latency")
    expect((await read(`${base()}${RES}`)).status).toBe(200)
    expect(ctx.sim.journal()[1]!.durationMs).toBeLessThan(145)
  })

  it("jitterMs adds a seeded random delay on top", async () => {
    faults([{ match: "/api/**", latencyMs: 20, jitterMs: 200 }])
    for (let i = 0; i < 8; i++) await read()
    const durations = ctx.sim.journal().map((e) => e.durationMs)
    expect(Math.min(...durations)).toBeGreaterThanOrEqual(19)
    expect(Math.max(...durations)).toBeGreaterThan(40)
  })
})

describe("status", () => {
  it("answers the status with an ApiException and Retry-After when retryAfter is set", async () => {
    faults([{ match: "/api/2012-02-01/auth/resources/**", status: 503, retryAfter: 7 }])
    const g = await read()
    expect(g.status).toBe(503)
    expect(g.headers.get("retry-after")).toBe("7")
    expect(apiError(g).code).toBe("ServiceUnavailable")
    faults([{ match: "/api/2012-02-01/auth/resources/**", status: 500 }])
    const h = await read()
    expect(h.status).toBe(500)
    expect(h.headers.get("retry-after")).toBeNull()
    expect(apiError(h).code).toBe("InternalServerError")
    expect(ctx.sim.journal().map((e) => [e.status, e.fault])).toEqual([
      [503, "status"],
      [500, "status"]
    ])
  })
})

describe("reset", () => {
  it("destroys the connection without a response", async () => {
    faults([{ match: "/api/2012-02-01/auth/resources/events/", reset: true }])
    await expect(fetch(events(), { headers: { authorization: auth() } })).rejects.toThrow()
    expect(ctx.sim.journal()[0]).toMatchObject({ status: 0, fault: "reset" })
    expect((await read(`${base()}${RES}`)).status).toBe(200)
  })
})

describe("truncate", () => {
  it("sends the full Content-Length, half the body, then closes", async () => {
    const whole = await read()
    faults([{ match: "/api/2012-02-01/auth/resources/events/", truncate: true }])
    const r = await rawGet(events())
    expect(r.status).toBe(200)
    expect(Number(r.headers["content-length"])).toBe(Buffer.byteLength(whole.body))
    const received = Buffer.concat(r.chunks)
    expect(r.ended).toBe("error")
    expect(received.length).toBe(Math.floor(Buffer.byteLength(whole.body) / 2))
    expect(received.toString()).toBe(Buffer.from(whole.body).subarray(0, received.length).toString())
    const viaFetch = await fetch(events(), { headers: { authorization: auth() } })
    await expect(viaFetch.text()).rejects.toThrow()
  })
})

describe("malformedXml", () => {
  it("answers 200 with an XML content type and a body that is not well-formed", async () => {
    faults([{ match: "/api/2012-02-01/auth/resources/events/", malformedXml: true }])
    const g = await read()
    expect(g.status).toBe(200)
    expect(g.headers.get("content-type")).toBe("application/xml; charset=utf-8")
    expect(() => parseXml(g.body)).toThrow()
    const root = await read(`${base()}${RES}`)
    expect(() => parseXml(root.body)).not.toThrow()
  })
})

describe("html", () => {
  it("answers 200 text/html instead of XML", async () => {
    faults([{ match: "/api/2012-02-01/auth/resources/events/", html: true }])
    const g = await read()
    expect(g.status).toBe(200)
    expect(g.headers.get("content-type")).toMatch(/^text\/html/)
    expect(g.body).toMatch(/^<!DOCTYPE html>/)
  })
})

describe("trickleMs", () => {
  it("sends the body in trickleBytes chunks, one every trickleMs, and the body is intact", async () => {
    const whole = await read()
    faults([{ match: "/api/2012-02-01/auth/resources/events/", trickleMs: 20, trickleBytes: 2048 }])
    const started = performance.now()
    const r = await rawGet(events())
    const elapsed = performance.now() - started
    const expectedChunks = Math.ceil(Buffer.byteLength(whole.body) / 2048)
    expect(r.ended).toBe("end")
    expect(Buffer.concat(r.chunks).toString()).toBe(whole.body)
    expect(r.chunks.length).toBeGreaterThan(1)
    expect(elapsed).toBeGreaterThanOrEqual((expectedChunks - 1) * 20 - 5)
    expect(ctx.sim.journal().at(-1)).toMatchObject({ status: 200, fault: "trickleMs" })
  })
})

describe("redirectLoop", () => {
  it("answers 302 to the same URL, so a following client gives up", async () => {
    faults([{ match: "/api/2012-02-01/auth/resources/events/", redirectLoop: true }])
    const g = await get(`${events()}?top=5`, { authorization: auth() }, { redirect: "manual" })
    expect(g.status).toBe(302)
    expect(g.headers.get("location")).toBe("/acme/api/2012-02-01/auth/resources/events/?top=5")
    const failure = await fetch(events(), { headers: { authorization: auth() } }).then(
      () => undefined,
      (e: Error) => e
    )
    expect(String((failure?.cause as Error | undefined)?.message)).toMatch(/redirect/)
  })
})

describe("oversizeBytes", () => {
  it("answers 200 with a body of exactly that many bytes", async () => {
    faults([{ match: "/api/2012-02-01/auth/resources/events/", oversizeBytes: 300_000 }])
    const r = await fetch(events(), { headers: { authorization: auth() } })
    expect(r.status).toBe(200)
    expect(r.headers.get("content-length")).toBe("300000")
    expect((await r.arrayBuffer()).byteLength).toBe(300_000)
  })
})

describe("rule selection", () => {
  it("after skips the first N matching requests and times limits how many are affected", async () => {
    faults([{ match: "/api/2012-02-01/auth/resources/events/", status: 500, after: 2, times: 2 }])
    const statuses: Array<number> = []
    for (let i = 0; i < 6; i++) statuses.push((await read()).status)
    expect(statuses).toEqual([200, 200, 500, 500, 200, 200])
  })

  it("method restricts a rule to one method", async () => {
    faults([{ match: "/oauth/connect/token", method: "POST", status: 502 }])
    expect((await postForm(`${base()}/oauth/connect/token`, { grant_type: "authorization_code" })).status).toBe(502)
    expect((await get(`${base()}/oauth/connect/token`)).status).toBe(405)
  })

  it("* matches one segment, ** any rest, and a trailing slash does not matter", async () => {
    faults([{ match: "/api/2012-02-01/auth/resources/*", status: 503 }])
    expect((await read()).status).toBe(503)
    expect((await read(`${events()}1/`)).status).toBe(200)
    expect((await read(`${base()}${RES}`)).status).toBe(200)
    faults([{ match: "/api/2012-02-01/auth/resources/**", status: 503 }])
    expect((await read(`${events()}1/`)).status).toBe(503)
    expect((await read(`${base()}${RES}`)).status).toBe(503)
    expect((await get(`${base()}/oauth/.well-known/openid-configuration`)).status).toBe(200)
    faults([{ match: "/api/2012-02-01/auth/resources/events", status: 504 }])
    expect((await read()).status).toBe(504)
  })

  it("combines latency with a status", async () => {
    faults([{ match: "/api/**", latencyMs: 80, status: 502 }])
    expect((await read()).status).toBe(502)
    expect(ctx.sim.journal()[0]!.durationMs).toBeGreaterThanOrEqual(75)
    expect(ctx.sim.journal()[0]!.fault).toBe("latency+status")
  })

  it("faults from a scenario file: flaky", async () => {
    const sim = await startSimulator({ scenario: "flaky" })
    try {
      const { baseUrl, audit } = sim.platforms.orbit!
      const h = { authorization: basic(audit.username!, audit.password!) }
      expect((await get(`${baseUrl}${RES}`, h)).status).toBe(503)
      expect((await get(`${baseUrl}${RES}`, h)).status).toBe(200)
      await expect(fetch(`${baseUrl}${RES}contacts/`, { headers: h })).rejects.toThrow()
      expect((await get(`${baseUrl}${RES}contacts/`, h)).status).toBe(200)
      expect((await get(`${baseUrl}${RES}events/`, h)).status).toBe(200)
      expect((await get(`${baseUrl}${RES}events/`, h)).status).toBe(500)
      expect((await get(`${baseUrl}${RES}events/`, h)).status).toBe(200)
      expect((await postForm(`${baseUrl}/oauth/connect/token`, {})).status).toBe(502)
      expect((await postForm(`${baseUrl}/oauth/connect/token`, {})).status).toBe(401)
    } finally {
      await sim.close()
    }
  })
})

describe("server-wide latency", () => {
  const sims: Array<{ close: () => Promise<void> }> = []
  afterAll(() => Promise.all(sims.map((s) => s.close())))

  it("latencyMs delays every platform route, OAuth included", async () => {
    const sim = await startSimulator({ scenario: "ready", latencyMs: 120 })
    sims.push(sim)
    const b = sim.platforms.acme!.baseUrl
    await get(`${b}${RES}`)
    await get(`${b}/oauth/.well-known/openid-configuration`)
    const durations = sim.journal().map((e) => e.durationMs)
    expect(durations).toHaveLength(2)
    for (const d of durations) expect(d).toBeGreaterThanOrEqual(115)
  })

  it("the slow scenario answers correctly, late", async () => {
    const sim = await startSimulator({ scenario: "slow" })
    sims.push(sim)
    const { baseUrl, audit } = sim.platforms.pukeko!
    const g = await get(`${baseUrl}${RES}`, { authorization: basic(audit.username!, audit.password!) })
    expect(g.status).toBe(200)
    expect(sim.journal()[0]!.durationMs).toBeGreaterThanOrEqual(1195)
  })
})
