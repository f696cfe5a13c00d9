import { type ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { beforeAll, describe, expect, it } from "vitest"
import { basic, RES } from "./helpers.js"

/** The bin runs as a real subprocess, from the build that `pnpm test` makes before the tests. */
const pkg = fileURLToPath(new URL("..", import.meta.url))
const bin = path.join(pkg, "dist", "bin.js")

beforeAll(() => {
  if (!fs.existsSync(bin) || !fs.existsSync(path.join(pkg, "dist", "scenarios"))) {
    throw new Error("packages/simulator/dist is missing: run `pnpm --filter @arlo-ready/simulator build` first")
  }
})

interface Run {
  readonly child: ChildProcess
  readonly stdout: () => string
  readonly stderr: () => string
  readonly exited: Promise<number | null>
}

const start = (args: ReadonlyArray<string>): Run => {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "pipe", "pipe"] })
  let stdout = ""
  let stderr = ""
  child.stdout!.on("data", (c: Buffer) => (stdout += c.toString()))
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()))
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
  return { child, stdout: () => stdout, stderr: () => stderr, exited }
}

const run = async (args: ReadonlyArray<string>) => {
  const r = start(args)
  const code = await r.exited
  return { code, stdout: r.stdout(), stderr: r.stderr() }
}

const waitFor = async (r: Run, pattern: RegExp) => {
  for (let i = 0; i < 300; i++) {
    if (pattern.test(r.stdout())) return
    if (r.child.exitCode !== null) break
    await new Promise((res) => setTimeout(res, 50))
  }
  throw new Error(`never printed ${pattern}: stdout=${r.stdout()} stderr=${r.stderr()}`)
}

const oneLine = (s: string) => {
  expect(s.endsWith("\n")).toBe(true)
  expect(s.trimEnd().split("\n")).toHaveLength(1)
  expect(s).not.toMatch(/\n\s+at /)
}

describe("arlo-simulator", () => {
  it.each(["SIGINT", "SIGTERM"] as const)(
    "prints each platform's base URL and credentials, serves Basic auth, and exits 0 on %s",
    async (signal) => {
      const r = start(["--scenario", "ready", "--port", "0"])
      try {
        await waitFor(r, /Press Ctrl\+C to stop\./)
        const out = r.stdout()
        const base = /^ {2}acme\s+(http:\/\/127\.0\.0\.1:\d+\/acme)\b/m.exec(out)?.[1]
        expect(base).toBeDefined()
        expect(out).toContain("api@acme.example / correct-horse-42")
        expect(out).toContain("acme-integration / acme-client-secret-7f2c")
        const ok = await fetch(`${base}${RES}events/?top=1`, {
          headers: { authorization: basic("api@acme.example", "correct-horse-42"), accept: "application/xml" }
        })
        expect(ok.status).toBe(200)
        expect(await ok.text()).toContain("<Events>")
        const denied = await fetch(`${base}${RES}`, { headers: { authorization: basic("api@acme.example", "nope") } })
        expect(denied.status).toBe(401)
        expect(denied.headers.get("www-authenticate")).toBe('Basic realm="Arlo"')
        r.child.kill(signal)
        expect(await r.exited).toBe(0)
        expect(r.stderr()).toBe("")
        await expect(fetch(`${base}${RES}`)).rejects.toThrow()
      } finally {
        r.child.kill("SIGKILL")
      }
    }
  )

  it("serves the demo by default and listens on the port it is given", async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as net.AddressInfo).port
        s.close(() => resolve(p))
      })
    })
    const r = start(["--port", String(port)])
    try {
      await waitFor(r, /Press Ctrl\+C/)
      expect(r.stdout()).toContain(`scenario "demo" on http://127.0.0.1:${port}`)
      for (const name of ["acme", "globex", "initech", "umbrella"])
        expect(r.stdout()).toContain(`http://127.0.0.1:${port}/${name}`)
      const platforms = (await (await fetch(`http://127.0.0.1:${port}/__admin/platforms`)).json()) as {
        platforms: Array<{ name: string }>
      }
      expect(platforms.platforms.map((p) => p.name)).toEqual(["acme", "globex", "initech", "umbrella"])
      r.child.kill("SIGINT")
      expect(await r.exited).toBe(0)
    } finally {
      r.child.kill("SIGKILL")
    }
  })

  it("--list-scenarios lists every built-in scenario with its description", async () => {
    const r = await run(["--list-scenarios"])
    expect(r.code).toBe(0)
    const names = r.stdout
      .trim()
      .split("\n")
      .map((l) => l.split(/\s+/)[0])
    expect(names).toContain("ready")
    expect(names.at(-1)).toBe("demo")
    expect(names).toHaveLength(17)
    expect(r.stdout).toMatch(/^ready\s+API User \+ Administrator/m)
  })

  it("--help prints usage and exits 0", async () => {
    const r = await run(["--help"])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Usage: arlo-simulator/)
    expect(r.stdout).toContain("default: 4010")
  })

  it("a bad scenario file: one line naming the field, exit 2", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arlo-sim-bin-"))
    try {
      const file = path.join(dir, "bad.json")
      fs.writeFileSync(
        file,
        JSON.stringify({
          name: "bad",
          description: "",
          platforms: [{ name: "p", users: [{ username: "u@p.test", password: "x", roles: ["Owner"] }], audit: {} }]
        })
      )
      const r = await run(["--scenario", file])
      expect(r.code).toBe(2)
      expect(r.stdout).toBe("")
      oneLine(r.stderr)
      expect(r.stderr).toContain("platforms[0].users[0].roles[0]")
      expect(r.stderr).toContain('"Owner"')
      fs.writeFileSync(file, "{")
      const j = await run(["--scenario", file])
      expect(j.code).toBe(2)
      oneLine(j.stderr)
      expect(j.stderr).toContain("not valid JSON")
    } finally {
      fs.rmSync(dir, { recursive: true })
    }
  })

  it.each([
    [["--scenario", "nope"], /unknown scenario "nope"/],
    [["--scenario", "./missing.json"], /cannot read the scenario file/],
    [["--host", "0.0.0.0"], /--host must be a loopback address/],
    [["--port", "http"], /--port must be an integer/],
    [["--port", "70000"], /--port must be an integer/],
    [["--bogus"], /Unknown option '--bogus'/]
  ])("%j: one line on stderr, exit 2", async (args, message) => {
    const r = await run(args)
    expect(r.code).toBe(2)
    oneLine(r.stderr)
    expect(r.stderr).toMatch(message)
  })

  it("a port in use: one line on stderr, exit 1", async () => {
    const blocker = net.createServer()
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r))
    try {
      const port = (blocker.address() as net.AddressInfo).port
      const r = await run(["--scenario", "ready", "--port", String(port)])
      expect(r.code).toBe(1)
      oneLine(r.stderr)
      expect(r.stderr).toContain("EADDRINUSE")
    } finally {
      await new Promise((r) => blocker.close(r))
    }
  })
})
