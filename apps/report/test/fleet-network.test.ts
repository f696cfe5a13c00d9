/**
 * A fleet's requests take the network the single audit would: through a real forward proxy on
 * loopback (`--proxy`, or the proxy variables), and past it for the platforms NO_PROXY names, in one run
 * whose targets are split between the two ways.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { createServer, type IncomingMessage } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { FleetReport } from "@arlo-ready/core"
import { fleetFileOf, type SimulatorHandle, startSimulator } from "@arlo-ready/simulator"
import { createProxy, type ProxyServer } from "proxy"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { assertBuilt, run } from "./helpers.js"

vi.setConfig({ testTimeout: 60_000, hookTimeout: 30_000 })

const dir = mkdtempSync(join(tmpdir(), "arlo-ready-fleet-network-"))
let a: SimulatorHandle
let b: SimulatorHandle
let server: ProxyServer
let proxyUrl: string
const tunnels: Array<string> = []
let fleetPath: string
let env: Record<string, string>

beforeAll(async () => {
  assertBuilt()
  a = await startSimulator({ scenario: "fleet:2" })
  b = await startSimulator({ scenario: "fleet:2" })
  const fa = fleetFileOf(a, { envPrefix: "A_" })
  const fb = fleetFileOf(b, { envPrefix: "B_" })
  const closed = createServer()
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve))
  const closedPort = (closed.address() as AddressInfo).port
  await new Promise((resolve) => closed.close(resolve))
  const targets = [
    ...fa.file.targets.map((t) => ({ ...t, name: `a-${t.name}` })),
    ...fb.file.targets.map((t) => ({ ...t, name: `b-${t.name}` })),
    // Nothing listens there: the doctor says so in the target's report.
    {
      name: "gone",
      baseUrl: `http://127.0.0.1:${closedPort}/gone`,
      username: "api@gone.example",
      password: { env: "GONE_PASSWORD" }
    }
  ]
  fleetPath = join(dir, "fleet.json")
  writeFileSync(fleetPath, JSON.stringify({ name: "two", targets }))
  env = { ...fa.env, ...fb.env, GONE_PASSWORD: "gone-password-1234" }
  server = createProxy(createServer())
  server.on("connect", (req: IncomingMessage) => tunnels.push(req.url ?? ""))
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  proxyUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve))
  await a?.close()
  await b?.close()
  rmSync(dir, { recursive: true, force: true })
})

const audit = async (extraEnv: Record<string, string>, args: ReadonlyArray<string> = []) => {
  tunnels.length = 0
  const r = await run(["--fleet", fleetPath, "--format", "json", ...args], { env: { ...env, ...extraEnv } })
  const report = JSON.parse(r.stdout) as FleetReport
  const reached = report.targets.map((t) => t.report?.checks.find((c) => c.id === "target.reachable")?.status)
  return { ...r, report, reached }
}

describe("a fleet's network", () => {
  it("--proxy sends every target's requests through the proxy", async () => {
    const r = await audit({}, ["--proxy", proxyUrl, "--target", "a-p0001,a-p0002,b-p0001,b-p0002"])
    expect(r.reached).toEqual(["pass", "pass", "pass", "pass"])
    const hosts = new Set(tunnels)
    expect(hosts).toEqual(new Set([new URL(a.url).host, new URL(b.url).host]))
    for (const t of r.report.targets) expect(t.report?.network?.proxy?.url).toBe(proxyUrl)
  })

  it("NO_PROXY sends its platforms past the proxy, the others through it, in one run", async () => {
    const r = await audit({ http_proxy: proxyUrl, NO_PROXY: new URL(b.url).host }, [
      "--target",
      "a-p0001,a-p0002,b-p0001,b-p0002"
    ])
    expect(r.reached).toEqual(["pass", "pass", "pass", "pass"])
    expect(tunnels.length).toBeGreaterThan(0)
    expect(new Set(tunnels)).toEqual(new Set([new URL(a.url).host]))
    expect(r.report.targets.map((t) => t.report?.network?.noProxyMatch ?? null)).toEqual([
      null,
      null,
      new URL(b.url).host,
      new URL(b.url).host
    ])
  })

  it("an unreachable platform's report carries the network doctor's findings; the others run on", async () => {
    const r = await audit({})
    expect(r.reached).toEqual(["pass", "pass", "pass", "pass", "fail"])
    const gone = r.report.targets.find((t) => t.name === "gone")!
    expect(gone.verdict).toBe("not_ready")
    expect(gone.report?.network?.doctor?.length).toBeGreaterThan(0)
    expect(r.stdout + r.stderr).not.toContain("gone-password-1234")
  })
})
