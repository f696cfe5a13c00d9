/**
 * TLS failures, each its own diagnosis: real TLS servers on loopback with certificates made here (a
 * private CA, another host's, expired, not yet valid, self-signed), a plain server on an https URL,
 * through both HTTP clients (fetch, and node:https with the private CA trusted).
 */
import * as net from "node:net"
import * as tls from "node:tls"
import { startSimulator } from "@arlo-ready/simulator"
import { FetchHttpClient, type HttpClient } from "@effect/platform"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Effect, Layer } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type TestCerts, testCerts } from "../../../scripts/test-certs.mjs"
import { classifyTransport } from "../src/ArloHttp.js"
import { type CheckResult, configFromOptions, noTlsInspector, runEngine, TlsInspector } from "../src/index.js"
import { byId, optionsFor, type Sim } from "./helpers.js"

let sim: Sim
let certs: TestCerts
const servers: Array<net.Server> = []
beforeAll(async () => {
  ;[sim, certs] = await Promise.all([startSimulator({ scenario: "ready" }), testCerts()])
})
afterAll(() => {
  for (const s of servers) s.close()
  sim?.close()
})

const listen = async (server: net.Server): Promise<number> => {
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return (server.address() as net.AddressInfo).port
}

/** A TLS terminator in front of the simulator, presenting `cert`. */
const terminator = (cert: { key: string; cert: string }) =>
  listen(
    tls.createServer(cert, (s) => {
      const upstream = net.connect(Number(new URL(sim.url).port), "127.0.0.1")
      s.on("error", () => upstream.destroy())
      upstream.on("error", () => s.destroy())
      s.pipe(upstream).pipe(s)
    })
  )

const basicOnly = () => {
  const { clientId: _c, clientSecret: _s, redirectUri: _r, scopes: _sc, ...rest } = optionsFor(sim)
  return rest
}

/** node:https trusting the private CA alone. */
const trustingCa = (): Layer.Layer<HttpClient.HttpClient> =>
  NodeHttpClient.layerWithoutAgent.pipe(Layer.provide(NodeHttpClient.makeAgentLayer({ ca: certs.ca })))

const reachable = async (
  port: number,
  client: Layer.Layer<HttpClient.HttpClient> = FetchHttpClient.layer,
  inspector = false
): Promise<CheckResult> => {
  const config = configFromOptions({
    ...basicOnly(),
    baseUrl: `https://localhost:${port}/acme`,
    only: ["target.reachable"]
  })
  const r = await Effect.runPromise(
    runEngine(config).pipe(
      inspector ? Effect.provideService(TlsInspector, noTlsInspector) : (e) => e,
      Effect.provide(client)
    )
  )
  return byId(r)["target.reachable"]!
}

const noDisabling = (c: CheckResult) => {
  const text = JSON.stringify(c)
  expect(text).not.toMatch(/NODE_TLS_REJECT_UNAUTHORIZED|rejectUnauthorized|insecure|--no-verify|verification off/i)
}

describe("target.reachable over TLS", () => {
  it("a private CA's certificate, not trusted: unknown issuer, the fix names --ca-file and NODE_EXTRA_CA_CERTS", async () => {
    const c = await reachable(await terminator(certs.localhost))
    expect(c).toMatchObject({ status: "fail", cause: { code: "tls" }, facts: { tls: "unknown_issuer" } })
    expect(c.summary).toMatch(/from a CA this machine does not trust, issued by arlo-ready test CA/)
    expect(c.cause?.message).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE/)
    expect(c.remediation?.steps.join(" ")).toMatch(
      /TLS-inspecting proxy or a private CA.*--ca-file PATH.*NODE_EXTRA_CA_CERTS/
    )
    noDisabling(c)
  })

  it("the private CA trusted (node:https with its ca): passes", async () => {
    const c = await reachable(await terminator(certs.localhost), trustingCa())
    expect(c.status).toBe("pass")
  })

  it("another host's certificate: hostname mismatch, naming the certificate's host", async () => {
    const c = await reachable(await terminator(certs.wrongHost), trustingCa())
    expect(c).toMatchObject({ status: "fail", facts: { tls: "hostname_mismatch" } })
    expect(c.cause?.message).toMatch(
      /^the certificate is for other\.example, not localhost \(ERR_TLS_CERT_ALTNAME_INVALID\)$/
    )
    expect(c.remediation?.steps[0]).toMatch(/base URL's host is not the certificate's/)
    noDisabling(c)
  })

  it("an untrusted certificate for another host: unknown issuer, and the wrong host is said too", async () => {
    const c = await reachable(await terminator(certs.wrongHost))
    expect(c.cause?.message).toMatch(/for other\.example, not localhost/)
  })

  it("an expired certificate: its dates in the cause, the clock in the fix", async () => {
    const port = await terminator(certs.expired)
    for (const client of [FetchHttpClient.layer, trustingCa()]) {
      const c = await reachable(port, client)
      expect(c).toMatchObject({ status: "fail", facts: { tls: "expired" } })
      expect(c.summary).toBe("The certificate at localhost has expired (on 2021-01-01).")
      expect(c.cause?.message).toBe(
        "the certificate for localhost expired on 2021-01-01 (valid from 2020-01-01), issued by arlo-ready test CA"
      )
      expect(c.remediation?.steps[0]).toMatch(/Check this machine's clock/)
      noDisabling(c)
    }
  })

  it("a certificate not yet valid: its start date in the cause", async () => {
    const c = await reachable(await terminator(certs.notYetValid))
    expect(c).toMatchObject({ status: "fail", facts: { tls: "not_yet_valid" } })
    expect(c.cause?.message).toMatch(/^the certificate for localhost is valid from 2099-01-01 \(until 2100-01-01\)/)
  })

  it("a self-signed certificate: unknown issuer, self-signed", async () => {
    const c = await reachable(await terminator(certs.selfSigned))
    expect(c).toMatchObject({ status: "fail", facts: { tls: "unknown_issuer" } })
    expect(c.summary).toMatch(/self-signed certificate/)
    expect(c.cause?.message).toMatch(/DEPTH_ZERO_SELF_SIGNED_CERT/)
  })

  it("a plain server on an https URL: handshake refused, through both clients", async () => {
    const port = await listen(net.createServer((s) => s.end("HTTP/1.1 400 Bad Request\r\n\r\n")))
    for (const client of [FetchHttpClient.layer, trustingCa()]) {
      const c = await reachable(port, client)
      expect(c).toMatchObject({ status: "fail", facts: { tls: "handshake_refused" } })
      expect(c.summary).toMatch(/does not answer in TLS/)
      expect(c.cause?.message).toMatch(/ERR_SSL_WRONG_VERSION_NUMBER/)
      expect(c.remediation?.steps[0]).toMatch(/port and scheme/)
      noDisabling(c)
    }
  })

  it("a server that closes during the handshake: handshake refused, after the retries", async () => {
    const c = await reachable(await listen(net.createServer((s) => s.destroy())))
    expect(c).toMatchObject({ status: "fail", facts: { tls: "handshake_refused" } })
    expect(c.cause?.message).toBe("the server closed the connection during the TLS handshake")
    expect(c.evidence.length).toBeGreaterThan(1)
  })

  it("an inspector that does not look (behind a proxy): the diagnosis without the certificate's dates", async () => {
    const c = await reachable(await terminator(certs.expired), FetchHttpClient.layer, true)
    expect(c).toMatchObject({ status: "fail", facts: { tls: "expired" } })
    expect(c.facts).not.toHaveProperty("certificate")
    expect(c.cause?.message).toBe("the certificate has expired (CERT_HAS_EXPIRED)")
  })
})

describe("the TLS inspector", () => {
  it("reads the certificate without sending a byte", async () => {
    let received = 0
    const server = tls.createServer(certs.expired, (s) => s.on("data", (d: Buffer) => (received += d.length)))
    const port = await listen(server)
    const inspector = await Effect.runPromise(TlsInspector)
    const cert = await Effect.runPromise(inspector.inspect({ host: "localhost", port, ca: [certs.ca] }))
    expect(cert).toMatchObject({
      subject: "localhost",
      issuer: "arlo-ready test CA",
      validFrom: "2020-01-01T00:00:00.000Z",
      validTo: "2021-01-01T00:00:00.000Z",
      altNames: ["localhost", "127.0.0.1"],
      authorizationError: "CERT_HAS_EXPIRED"
    })
    await new Promise((r) => setTimeout(r, 50))
    expect(received).toBe(0)
  })

  it("interrupted, it closes its socket; on a refused port it answers undefined", async () => {
    let closed: () => void = () => {}
    const closedP = new Promise<void>((resolve) => (closed = resolve))
    // A server that accepts and never answers the handshake.
    const port = await listen(net.createServer((s) => s.resume().on("close", () => closed())))
    const inspector = await Effect.runPromise(TlsInspector)
    const started = Date.now()
    const r = await Effect.runPromise(
      inspector.inspect({ host: "127.0.0.1", port }).pipe(Effect.timeout(100), Effect.option)
    )
    expect(r._tag).toBe("None")
    await closedP
    expect(Date.now() - started).toBeLessThan(2000)
    const refused = net.createServer()
    await new Promise<void>((resolve) => refused.listen(0, "127.0.0.1", resolve))
    const gone = (refused.address() as net.AddressInfo).port
    await new Promise<void>((resolve) => refused.close(() => resolve()))
    expect(await Effect.runPromise(inspector.inspect({ host: "127.0.0.1", port: gone }))).toBeUndefined()
  })
})

describe("classifyTransport's TLS kinds", () => {
  const err = (code: string, message = code) => ({ cause: Object.assign(new Error(message), { code }) })
  it.each([
    ["SELF_SIGNED_CERT_IN_CHAIN", "unknown_issuer"],
    ["UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "unknown_issuer"],
    ["ERR_TLS_CERT_ALTNAME_INVALID", "hostname_mismatch"],
    ["CERT_NOT_YET_VALID", "not_yet_valid"],
    ["ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE", "handshake_refused"],
    ["CERT_REVOKED", "other"]
  ])("%s: %s", (code, kind) => {
    expect(classifyTransport(err(code), "connect")).toMatchObject({ code: "tls", tls: kind, retryable: false })
  })

  it("node:https's EPROTO reads as OpenSSL's reason; a reset outside the handshake stays a reset", () => {
    const eproto = err("EPROTO", "write EPROTO 80:error:0A00010B:SSL routines:ssl3_get_record:wrong version number")
    expect(classifyTransport(eproto, "connect")).toMatchObject({
      tls: "handshake_refused",
      message: "the server does not answer in TLS on this port (ERR_SSL_WRONG_VERSION_NUMBER)"
    })
    const handshake = err(
      "ECONNRESET",
      "Client network socket disconnected before secure TLS connection was established"
    )
    expect(classifyTransport(handshake, "connect")).toMatchObject({
      code: "tls",
      tls: "handshake_refused",
      retryable: true
    })
    expect(classifyTransport(err("ECONNRESET", "read ECONNRESET"), "connect")).toMatchObject({
      code: "connection_reset",
      retryable: true
    })
    expect(classifyTransport(err("ECONNRESET"), "connect")).not.toHaveProperty("tls")
  })
})
