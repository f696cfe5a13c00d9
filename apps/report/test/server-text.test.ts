/**
 * Text a server sends lands in the report (a challenge's realm, an ApiException code): through the
 * binary, JSON and NDJSON carry no raw control or bidi character, and Markdown makes no mention or link
 * of it. The server is a tiny node:http one on loopback that answers 401 to everything.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { assertBuilt, events, run, validReport } from "./helpers.js"

// Real subprocesses on a shared machine: generous hang guards, never timing assertions.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 })

let dir: string
beforeAll(() => {
  assertBuilt()
  dir = mkdtempSync(join(tmpdir(), "arlo-ready-server-text-"))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("what a server says, through the binary", () => {
  // C1 controls, DEL, separators and bidi controls; a mention, a team mention, a URL, an issue reference.
  const said =
    "A\u007fB\u0085C\u009fD\u2028E\u2029F\u202eG\u2066H\u2069I\u200eJ\u200fK\u061cL @octocat @acme/security https://evil.example/x #12"
  let server: Server
  let baseUrl: string

  beforeAll(async () => {
    server = createServer((_req, res) => {
      // A header carries Latin-1 only (Node sends it as UTF-8, read back as Latin-1: C1 controls arrive).
      res.setHeader("www-authenticate", 'Basic realm="x\u0085y\u009f @octocat www.evil.example"')
      res.setHeader("content-type", "application/xml; charset=utf-8")
      res.statusCode = 401
      res.end(
        `<?xml version="1.0" encoding="utf-8"?><ApiException><Code>${said}</Code><Message>${said}</Message></ApiException>`
      )
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/acme`
  })
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve))
  })

  const unsafe = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/
  const serverEnv = () => ({ ARLO_BASE_URL: baseUrl, ARLO_USERNAME: "api@acme.example", ARLO_PASSWORD: "pw-123456" })

  it("json, ndjson and their --output files carry no raw control or bidi character, and parse", async () => {
    const json = await run(["--format", "json", "--output", `ndjson=${dir}/r.ndjson`], { env: serverEnv() })
    expect(json.code, json.stderr).toBe(1)
    expect(json.stdout).not.toMatch(unsafe)
    const report = validReport(JSON.parse(json.stdout))
    expect(report.checks.find((c) => c.id === "basic.credentials")?.status).toBe("fail")
    const file = readFileSync(join(dir, "r.ndjson"), "utf8")
    expect(file).not.toMatch(unsafe)
    events(file)
    const ndjson = await run(["--format", "ndjson"], { env: serverEnv() })
    expect(ndjson.stdout).not.toMatch(unsafe)
    events(ndjson.stdout)
  })

  it("markdown turns none of it into a mention or a link", async () => {
    const md = await run(["--format", "markdown"], { env: serverEnv() })
    expect(md.code, md.stderr).toBe(1)
    const prose = md.stdout.replace(/(`+)[^`]*?\1/g, "").replace(/\]\(https:\/\/[^)]*\)/g, "]")
    expect(prose).not.toMatch(/@[A-Za-z0-9]/)
    expect(prose).not.toMatch(/:\/\/|\bwww\./)
    expect(md.stdout).not.toMatch(unsafe)
  })
})
