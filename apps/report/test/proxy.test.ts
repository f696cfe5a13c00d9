/**
 * Proxies, through the report binary and a real forward proxy on loopback (the `proxy` package from the
 * npm registry, which undici's own tests use): the proxy variables as curl and undici read them
 * (lowercase first), NO_PROXY with hosts, ports and `*`, `--proxy`, a proxy that refuses, one that asks
 * for credentials (407), and the report's word on which proxy was used, never with its credentials.
 */
import { mkdtempSync, writeFileSync } from "node:fs"
import { createServer, type IncomingMessage } from "node:http"
import type { AddressInfo } from "node:net"
import * as net from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as tls from "node:tls"
import type { Report } from "@arlo-ready/core"
import { type SimulatorHandle, startSimulator } from "@arlo-ready/simulator"
import { createProxy, type ProxyServer } from "proxy"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { testCerts } from "../../../scripts/test-certs.mjs"
import { assertBuilt, auditEnv, oneLineError, run, validReport } from "./helpers.js"

vi.setConfig({ testTimeout: 60_000, hookTimeout: 30_000 })

interface RunningProxy {
  readonly server: ProxyServer
  readonly url: string
  /** The CONNECT targets seen, in order. */
  readonly tunnels: Array<string>
}

const startProxy = async (authenticate?: (req: IncomingMessage) => boolean): Promise<RunningProxy> => {
  const server = createProxy(createServer())
  if (authenticate) server.authenticate = authenticate
  const tunnels: Array<string> = []
  server.on("connect", (req: IncomingMessage) => tunnels.push(req.url ?? ""))
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, tunnels }
}

/** A port with nothing listening on it: a proxy that refuses. */
const closedPort = async (): Promise<number> => {
  const s = createServer()
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve))
  const port = (s.address() as AddressInfo).port
  await new Promise((resolve) => s.close(resolve))
  return port
}

const proxyUser = "proxy-user"
const proxyPassword = "pr0xy-s3cret-pa55"
const basicOf = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`

let sim: SimulatorHandle
let env: Record<string, string>
let open: RunningProxy
let guarded: RunningProxy
let refusing: string

beforeAll(async () => {
  assertBuilt()
  sim = await startSimulator({ scenario: "ready" })
  env = auditEnv(sim, "acme")
  open = await startProxy()
  guarded = await startProxy((req) => req.headers["proxy-authorization"] === basicOf(proxyUser, proxyPassword))
  refusing = `http://127.0.0.1:${await closedPort()}`
})
afterAll(async () => {
  for (const p of [open, guarded]) await new Promise((resolve) => p?.server.close(resolve))
  await sim?.close()
})

const simHost = () => new URL(sim.url).host

const audit = async (extraEnv: Record<string, string>, args: ReadonlyArray<string> = []) => {
  const r = await run(["--format", "json", "--auth", "basic", ...args], { env: { ...env, ...extraEnv } })
  const report = r.stdout ? validReport(JSON.parse(r.stdout)) : undefined
  return { ...r, report }
}

const reachable = (report: Report | undefined) => report?.checks.find((c) => c.id === "target.reachable")

describe("through a forward proxy", () => {
  it("HTTP_PROXY: every request goes through the proxy, and the report says which one", async () => {
    const direct = await audit({})
    expect(direct.report?.network?.proxy).toBeNull()
    open.tunnels.length = 0
    const r = await audit({ HTTP_PROXY: open.url })
    expect(r.code, r.stderr).toBe(0)
    expect(r.report?.verdict).toBe(direct.report?.verdict)
    expect(r.report?.checks.map((c) => c.status)).toEqual(direct.report?.checks.map((c) => c.status))
    expect(open.tunnels.length).toBeGreaterThan(0)
    expect(new Set(open.tunnels)).toEqual(new Set([simHost()]))
    expect(r.report?.network?.proxy).toEqual({ url: open.url, from: "HTTP_PROXY" })
    expect(r.report?.network?.noProxyMatch).toBeNull()
  })

  it("the lowercase variable wins over the uppercase one", async () => {
    const r = await audit({ http_proxy: open.url, HTTP_PROXY: refusing })
    expect(r.code, r.stderr).toBe(0)
    expect(r.report?.network?.proxy?.from).toBe("http_proxy")
  })

  it("a proxy that refuses the connection: the check names the proxy, not the platform", async () => {
    const r = await audit({ HTTP_PROXY: refusing })
    expect(r.code).toBe(1)
    const check = reachable(r.report)
    expect(check?.status).toBe("fail")
    expect(check?.cause?.code).toBe("proxy")
    expect(check?.cause?.message).toMatch(/proxy refused the connection/)
    expect(check?.remediation?.steps.join(" ")).toMatch(/--proxy|HTTPS_PROXY/)
    expect(r.report?.network?.proxy?.url).toBe(refusing)
    // The network doctor tried the proxy itself, and says so.
    const step = r.report?.network?.doctor?.find((s) => s.step === "proxy")
    expect(step?.ok).toBe(false)
    expect(step?.detail).toMatch(/ECONNREFUSED/)
  })

  it("a proxy that asks for credentials (407), then the same proxy with them in its URL", async () => {
    guarded.tunnels.length = 0
    const denied = await audit({ HTTP_PROXY: guarded.url })
    expect(denied.code).toBe(1)
    const check = reachable(denied.report)
    expect(check?.cause?.code).toBe("proxy")
    expect(check?.cause?.message).toMatch(/407/)
    expect(check?.remediation?.steps.join(" ")).toMatch(/USER:PASSWORD@/)

    const withAuth = `http://${proxyUser}:${proxyPassword}@${new URL(guarded.url).host}`
    const allowed = await audit({ HTTPS_PROXY: "", HTTP_PROXY: withAuth })
    expect(allowed.code, allowed.stderr).toBe(0)
    expect(allowed.report?.network?.proxy).toEqual({ url: guarded.url, from: "HTTP_PROXY" })
    expect(guarded.tunnels.length).toBeGreaterThan(0)
    // The proxy's credentials appear nowhere, in no encoding.
    for (const text of [allowed.stdout, allowed.stderr, denied.stdout, denied.stderr]) {
      expect(text).not.toContain(proxyPassword)
      expect(text).not.toContain(Buffer.from(`${proxyUser}:${proxyPassword}`).toString("base64"))
    }
  })

  it("--proxy wins over the variables and over NO_PROXY", async () => {
    open.tunnels.length = 0
    const r = await audit({ HTTP_PROXY: refusing, NO_PROXY: "127.0.0.1" }, ["--proxy", open.url])
    expect(r.code, r.stderr).toBe(0)
    expect(r.report?.network?.proxy).toEqual({ url: open.url, from: "--proxy" })
    expect(open.tunnels.length).toBeGreaterThan(0)
  })

  it("a bad --proxy is a usage error of one line", async () => {
    const r = await audit({}, ["--proxy", "socks5://127.0.0.1:1080"])
    expect(r.code).toBe(2)
    expect(oneLineError(r.stderr)).toMatch(
      /^arlo-ready-report: --proxy: socks5 proxies are not supported; give a URL such as/
    )
  })
})

describe("NO_PROXY", () => {
  it("a matching host sends the requests direct, and the report names the entry", async () => {
    const r = await audit({ HTTP_PROXY: refusing, NO_PROXY: "example.test, 127.0.0.1" })
    expect(r.code, r.stderr).toBe(0)
    expect(r.report?.network?.proxy).toBeNull()
    expect(r.report?.network?.noProxyMatch).toBe("127.0.0.1")
  })

  it("`*` bypasses every host; a lowercase no_proxy wins over NO_PROXY", async () => {
    const star = await audit({ HTTP_PROXY: refusing, NO_PROXY: "*" })
    expect(star.code, star.stderr).toBe(0)
    expect(star.report?.network?.noProxyMatch).toBe("*")
    const lower = await audit({ HTTP_PROXY: refusing, no_proxy: "nothing.test", NO_PROXY: "*" })
    expect(lower.code).toBe(1)
    expect(reachable(lower.report)?.cause?.code).toBe("proxy")
  })

  it("an entry with another port does not match; one with the platform's port does", async () => {
    const port = Number(new URL(sim.url).port)
    const other = await audit({ HTTP_PROXY: refusing, NO_PROXY: `127.0.0.1:${port + 1}` })
    expect(reachable(other.report)?.cause?.code).toBe("proxy")
    const same = await audit({ HTTP_PROXY: refusing, NO_PROXY: `127.0.0.1:${port}` })
    expect(same.code, same.stderr).toBe(0)
    expect(same.report?.network?.noProxyMatch).toBe(`127.0.0.1:${port}`)
  })
})

describe("an https platform through the proxy", () => {
  /** A TLS terminator in front of the simulator, with a certificate from a private CA. */
  const startTls = async () => {
    const certs = await testCerts()
    const server = tls.createServer(certs.localhost, (s) => {
      const upstream = net.connect(Number(new URL(sim.url).port), "127.0.0.1")
      s.on("error", () => upstream.destroy())
      upstream.on("error", () => s.destroy())
      s.pipe(upstream).pipe(s)
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const caFile = join(mkdtempSync(join(tmpdir(), "arlo-ready-proxy-")), "ca.pem")
    writeFileSync(caFile, certs.ca)
    const base = `https://localhost:${(server.address() as AddressInfo).port}${new URL(env.ARLO_BASE_URL!).pathname}`
    return { server, caFile, base }
  }

  it("HTTPS_PROXY tunnels to the https platform; --ca-file verifies its private CA through the tunnel", async () => {
    const { server, caFile, base } = await startTls()
    try {
      open.tunnels.length = 0
      const untrusted = await audit({ ARLO_BASE_URL: base, HTTPS_PROXY: open.url }, ["--only", "target.reachable"])
      expect(reachable(untrusted.report)?.cause?.code).toBe("tls")
      expect(reachable(untrusted.report)?.remediation?.steps.join(" ")).toMatch(/--ca-file/)
      const trusted = await audit({ ARLO_BASE_URL: base, HTTPS_PROXY: open.url }, ["--ca-file", caFile])
      expect(trusted.code, trusted.stderr).toBe(0)
      expect(trusted.report?.network?.proxy).toEqual({ url: open.url, from: "HTTPS_PROXY" })
      expect(trusted.report?.network?.extraCa).toContainEqual({ from: "--ca-file", path: caFile })
      expect(open.tunnels.every((t) => t.startsWith("localhost:"))).toBe(true)
      expect(open.tunnels.length).toBeGreaterThan(0)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
