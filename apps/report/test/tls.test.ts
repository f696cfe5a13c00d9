/**
 * TLS through the report binary: a real TLS terminator on loopback in front of the simulator, with
 * certificates the test makes (a private CA, another host's, an expired one), and a plain server on an
 * https URL. Each failure has its own diagnosis and fix; --ca-file and NODE_EXTRA_CA_CERTS make the
 * private CA trusted; no output ever suggests turning verification off.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import * as net from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as tls from "node:tls"
import type { CheckResult } from "@arlo-ready/core"
import { type SimulatorHandle, startSimulator } from "@arlo-ready/simulator"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { type TestCerts, testCerts } from "../../../scripts/test-certs.mjs"
import { assertBuilt, auditEnv, run, validReport } from "./helpers.js"

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 })

let sim: SimulatorHandle
let certs: TestCerts
let env: Record<string, string>
let dir: string
let caFile: string
const servers: Array<net.Server> = []

beforeAll(async () => {
  assertBuilt()
  ;[sim, certs] = await Promise.all([startSimulator({ scenario: "ready" }), testCerts()])
  env = auditEnv(sim, "acme")
  dir = mkdtempSync(join(tmpdir(), "arlo-ready-tls-"))
  caFile = join(dir, "ca.pem")
  writeFileSync(caFile, certs.ca)
})
afterAll(async () => {
  for (const s of servers) s.close()
  await sim?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
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

/** The platform's base URL at `https://localhost:PORT`. */
const baseAt = (port: number) => `https://localhost:${port}${new URL(env.ARLO_BASE_URL!).pathname}`

const disabling = /NODE_TLS_REJECT_UNAUTHORIZED|rejectUnauthorized|insecure|--no-verify|verification off|disable/i

const reachable = async (port: number, args: ReadonlyArray<string> = [], extraEnv: Record<string, string> = {}) => {
  const r = await run(["--format", "json", "--auth", "basic", "--only", "target.reachable", ...args], {
    env: { ...env, ARLO_BASE_URL: baseAt(port), ...extraEnv }
  })
  expect(`${r.stdout}${r.stderr}`).not.toMatch(disabling)
  const report = validReport(JSON.parse(r.stdout))
  const check = report.checks.find((c) => c.id === "target.reachable") as CheckResult
  return { ...r, report, check }
}

describe("TLS through the report binary", () => {
  it("a private CA, not given: unknown issuer, the fix names --ca-file", async () => {
    const { code, check } = await reachable(await terminator(certs.localhost))
    expect(code).toBe(1)
    expect(check).toMatchObject({ status: "fail", cause: { code: "tls" }, facts: { tls: "unknown_issuer" } })
    expect(check.summary).toBe(
      "localhost presents a certificate from a CA this machine does not trust, issued by arlo-ready test CA."
    )
    expect(check.cause?.message).toMatch(
      /^the certificate for localhost, issued by arlo-ready test CA, does not chain to a CA this machine trusts \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)$/
    )
    expect(check.remediation?.steps[0]).toMatch(/TLS-inspecting proxy or a private CA.*--ca-file PATH/)
  })

  it("a private CA given with --ca-file: passes", async () => {
    const { code, check, stderr } = await reachable(await terminator(certs.localhost), ["--ca-file", caFile])
    expect(code, stderr).toBe(0)
    expect(check.status).toBe("pass")
  })

  it("a private CA given with NODE_EXTRA_CA_CERTS: passes", async () => {
    const { code, check, stderr } = await reachable(await terminator(certs.localhost), [], {
      NODE_EXTRA_CA_CERTS: caFile
    })
    expect(code, stderr).toBe(0)
    expect(check.status).toBe("pass")
  })

  it("another host's certificate: the base URL's host is not the certificate's", async () => {
    const { check } = await reachable(await terminator(certs.wrongHost), ["--ca-file", caFile])
    expect(check).toMatchObject({ status: "fail", facts: { tls: "hostname_mismatch" } })
    expect(check.summary).toBe("The certificate at localhost is not for localhost: it is for other.example.")
    expect(check.cause?.message).toMatch(/^the certificate is for other\.example, not localhost/)
    expect(check.remediation?.steps[0]).toMatch(/^The base URL's host is not the certificate's/)
  })

  it("an expired certificate: the dates in the cause", async () => {
    const { check } = await reachable(await terminator(certs.expired), ["--ca-file", caFile])
    expect(check).toMatchObject({ status: "fail", facts: { tls: "expired" } })
    expect(check.cause?.message).toBe(
      "the certificate for localhost expired on 2021-01-01 (valid from 2020-01-01), issued by arlo-ready test CA"
    )
    expect(check.remediation?.steps[0]).toMatch(/^Check this machine's clock/)
  })

  it("a plain server on the https port: the handshake is refused, the fix is the scheme and port", async () => {
    const port = await listen(net.createServer((s) => s.on("error", () => {}).end("HTTP/1.1 400 Bad Request\r\n\r\n")))
    const { check } = await reachable(port)
    expect(check).toMatchObject({ status: "fail", facts: { tls: "handshake_refused" } })
    expect(check.cause?.message).toBe("the server does not answer in TLS on this port (ERR_SSL_WRONG_VERSION_NUMBER)")
    expect(check.remediation?.steps[0]).toMatch(/port and scheme/)
  })

  it("the text report says the same, and nothing about turning verification off", async () => {
    const port = await terminator(certs.expired)
    const r = await run(["--format", "text", "--auth", "basic", "--only", "target.reachable"], {
      env: { ...env, ARLO_BASE_URL: baseAt(port) }
    })
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/expired on 2021-01-01/)
    expect(`${r.stdout}${r.stderr}`).not.toMatch(disabling)
  })
})
