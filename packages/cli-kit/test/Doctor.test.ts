/**
 * The network doctor against real servers on loopback: a refused port, TLS servers with certificates
 * made here (a private CA, an expired one), a plain TCP server on an https URL, a server that never
 * answers the handshake, proxies (reachable, refused, bypassed by NO_PROXY), and a name that does not
 * resolve (RFC 2606's .invalid).
 */
import * as net from "node:net"
import * as tls from "node:tls"
import type { NetworkStep } from "@arlo-ready/core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type TestCerts, testCerts } from "../../../scripts/test-certs.mjs"
import { type DoctorInput, diagnoseNetwork } from "../src/Doctor.js"

let certs: TestCerts
const servers: Array<net.Server> = []
beforeAll(async () => {
  certs = await testCerts()
})
afterAll(() => {
  for (const s of servers) s.close()
})

const listen = async (server: net.Server): Promise<number> => {
  servers.push(server)
  server.on("connection", (s) => s.on("error", () => {}))
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return (server.address() as net.AddressInfo).port
}

const freePort = async (): Promise<number> => {
  const s = net.createServer()
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve))
  const port = (s.address() as net.AddressInfo).port
  await new Promise<void>((resolve) => s.close(() => resolve()))
  return port
}

const tlsServer = (cert: { key: string; cert: string }) =>
  listen(tls.createServer(cert, (s) => s.on("error", () => {}).end()))

const doctor = (url: string, extra: Partial<DoctorInput> = {}) =>
  diagnoseNetwork({
    url: new URL(url),
    proxy: null,
    noProxyMatch: null,
    ca: undefined,
    budgetMs: 3000,
    signal: new AbortController().signal,
    ...extra
  })

const byStep = (steps: ReadonlyArray<NetworkStep>) => Object.fromEntries(steps.map((s) => [s.step, s]))

/** Every detail is one secret-free line of at most 200 characters. */
const wellFormed = (steps: ReadonlyArray<NetworkStep>, secrets: ReadonlyArray<string> = []) => {
  for (const s of steps) {
    expect(s.detail.length).toBeLessThanOrEqual(200)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
    expect(s.detail).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/)
    for (const secret of secrets) expect(s.detail).not.toContain(secret)
    expect(s.durationMs).toBeGreaterThanOrEqual(0)
  }
}

describe("diagnoseNetwork, direct", () => {
  it("a refused port: DNS (an address), TCP refused, no TLS", async () => {
    const port = await freePort()
    const steps = await doctor(`https://127.0.0.1:${port}/acme`)
    expect(steps.map((s) => [s.step, s.ok])).toEqual([
      ["proxy", true],
      ["dns", true],
      ["tcp", false]
    ])
    expect(byStep(steps).proxy?.detail).toBe("none: a direct connection")
    expect(byStep(steps).dns?.detail).toBe("127.0.0.1 is an address (no lookup)")
    expect(byStep(steps).tcp?.detail).toBe(`127.0.0.1:${port}: ECONNREFUSED`)
    wellFormed(steps)
  })

  it("a private CA's certificate: verified with its CA, else the failure with subject, issuer and dates", async () => {
    const port = await tlsServer(certs.localhost)
    const trusted = await doctor(`https://localhost:${port}/acme`, { ca: [certs.ca] })
    expect(trusted.map((s) => s.step)).toEqual(["proxy", "dns", "tcp", "tls"])
    expect(byStep(trusted).dns?.detail).toMatch(/^localhost → .*127\.0\.0\.1/)
    expect(byStep(trusted).tcp?.detail).toMatch(new RegExp(`127\\.0\\.0\\.1:${port} connected in \\d+ ms$`))
    expect(byStep(trusted).tls).toMatchObject({ ok: true })
    expect(byStep(trusted).tls?.detail).toMatch(
      /^verified \(TLSv1\.[23]\): CN=localhost, issued by arlo-ready test CA, valid until \d{4}-\d\d-\d\d$/
    )
    const untrusted = await doctor(`https://localhost:${port}/acme`)
    expect(byStep(untrusted).tls).toMatchObject({ ok: false })
    expect(byStep(untrusted).tls?.detail).toMatch(
      /^UNABLE_TO_VERIFY_LEAF_SIGNATURE: CN=localhost, issued by arlo-ready test CA, valid \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d, for localhost, 127\.0\.0\.1$/
    )
    wellFormed([...trusted, ...untrusted])
  })

  it("an expired certificate: the code and its dates", async () => {
    const port = await tlsServer(certs.expired)
    const steps = await doctor(`https://127.0.0.1:${port}/acme`, { ca: [certs.ca] })
    expect(byStep(steps).tls).toMatchObject({
      ok: false,
      detail:
        "CERT_HAS_EXPIRED: CN=localhost, issued by arlo-ready test CA, valid 2020-01-01 to 2021-01-01, for localhost, 127.0.0.1"
    })
  })

  it("another host's certificate: the mismatch and the names it is for", async () => {
    const port = await tlsServer(certs.wrongHost)
    const steps = await doctor(`https://localhost:${port}/acme`, { ca: [certs.ca] })
    expect(byStep(steps).tls?.detail).toMatch(/^ERR_TLS_CERT_ALTNAME_INVALID: CN=other\.example, .*for other\.example$/)
  })

  it("a plain TCP server on an https URL: TCP connects, the handshake fails", async () => {
    const port = await listen(net.createServer((s) => s.end("HTTP/1.1 400 Bad Request\r\n\r\n")))
    const steps = await doctor(`https://127.0.0.1:${port}/acme`)
    expect(byStep(steps).tcp?.ok).toBe(true)
    expect(byStep(steps).tls).toMatchObject({ ok: false, detail: "ERR_SSL_WRONG_VERSION_NUMBER" })
    const closing = await listen(net.createServer((s) => s.destroy()))
    const closed = await doctor(`https://127.0.0.1:${closing}/acme`)
    expect(byStep(closed).tls).toMatchObject({ ok: false, detail: "ECONNRESET (closed during the handshake)" })
  })

  it("an http URL: no TLS step", async () => {
    const port = await listen(net.createServer((s) => s.end()))
    const steps = await doctor(`http://127.0.0.1:${port}/acme`)
    expect(steps.map((s) => [s.step, s.ok])).toEqual([
      ["proxy", true],
      ["dns", true],
      ["tcp", true]
    ])
  })

  it("a name that does not resolve: the DNS step fails with the resolver's code, nothing after it", async () => {
    const steps = await doctor("https://arlo-ready-doctor-test.invalid/acme")
    expect(steps.map((s) => s.step)).toEqual(["proxy", "dns"])
    expect(byStep(steps).dns).toMatchObject({ ok: false })
    expect(byStep(steps).dns?.detail).toMatch(
      /^arlo-ready-doctor-test\.invalid: (ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL)$/
    )
  })

  it("a server that never answers the handshake: the budget ends the step", async () => {
    const port = await listen(net.createServer((s) => s.resume()))
    const started = performance.now()
    const steps = await doctor(`https://127.0.0.1:${port}/acme`, { budgetMs: 300 })
    expect(performance.now() - started).toBeLessThan(1500)
    expect(byStep(steps).tls).toMatchObject({ ok: false })
    expect(byStep(steps).tls?.detail).toMatch(/^no handshake within \d+ ms$/)
  })

  it("aborted: stops at once with what it found", async () => {
    const port = await listen(net.createServer((s) => s.resume()))
    const abort = new AbortController()
    setTimeout(() => abort.abort(), 100)
    const started = performance.now()
    const steps = await doctor(`https://127.0.0.1:${port}/acme`, { budgetMs: 5000, signal: abort.signal })
    expect(performance.now() - started).toBeLessThan(1000)
    expect(steps.map((s) => s.step)).toEqual(["proxy", "dns", "tcp"])
    const already = new AbortController()
    already.abort()
    expect(await doctor(`https://127.0.0.1:${port}/acme`, { signal: already.signal })).toEqual([])
  })
})

describe("diagnoseNetwork, with a proxy", () => {
  it("a reachable proxy: its DNS and TCP, shown without its credentials; the target is the proxy's", async () => {
    const port = await listen(net.createServer((s) => s.end()))
    const steps = await doctor("https://acme.arlo.co/", {
      proxy: new URL(`http://audit-user:pr0xy-s3cret@127.0.0.1:${port}`)
    })
    expect(steps).toHaveLength(1)
    expect(steps[0]).toMatchObject({ step: "proxy", ok: true })
    expect(steps[0]?.detail).toMatch(
      new RegExp(
        `^http://127\\.0\\.0\\.1:${port}: 127\\.0\\.0\\.1 is an address \\(no lookup\\), 127\\.0\\.0\\.1:${port} connected in \\d+ ms; acme\\.arlo\\.co:443's DNS and TCP are the proxy's to do$`
      )
    )
    wellFormed(steps, ["pr0xy-s3cret", "audit-user"])
  })

  it("a refused proxy: the proxy step fails with ECONNREFUSED", async () => {
    const port = await freePort()
    const steps = await doctor("https://acme.arlo.co/", { proxy: new URL(`http://127.0.0.1:${port}`) })
    expect(steps[0]).toMatchObject({ step: "proxy", ok: false })
    expect(steps[0]?.detail).toContain(`127.0.0.1:${port}: ECONNREFUSED`)
  })

  it("a NO_PROXY match: the proxy is not used, and the target is tried directly", async () => {
    const port = await freePort()
    const steps = await doctor(`https://127.0.0.1:${port}/acme`, {
      proxy: new URL("http://user:secret@proxy.invalid:3128"),
      noProxyMatch: "127.0.0.1"
    })
    expect(steps.map((s) => [s.step, s.ok])).toEqual([
      ["proxy", true],
      ["dns", true],
      ["tcp", false]
    ])
    expect(steps[0]?.detail).toBe("not used: NO_PROXY entry 127.0.0.1 matches 127.0.0.1")
    wellFormed(steps, ["secret", "user"])
  })
})
