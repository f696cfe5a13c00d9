import { type ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { afterEach, beforeAll, describe, expect, it } from "vitest"
import type { SimulatedFleetFile } from "../src/index.js"
import { basic, get, RES } from "./helpers.js"

/** The bin runs as a real subprocess, from the build that `pnpm test` makes before the tests. */
const pkg = fileURLToPath(new URL("..", import.meta.url))
const bin = path.join(pkg, "dist", "bin.js")

beforeAll(() => {
  if (!fs.existsSync(bin) || !fs.existsSync(path.join(pkg, "dist", "scenarios"))) {
    throw new Error("packages/simulator/dist is missing: run `pnpm --filter @arlo-ready/simulator build` first")
  }
})

const running: Array<ChildProcess> = []
afterEach(() => {
  for (const c of running.splice(0)) if (c.exitCode === null) c.kill("SIGTERM")
})

/** Starts the bin in `cwd` and resolves once stdout holds `until`, with everything printed so far. */
const start = (args: ReadonlyArray<string>, cwd: string, until: RegExp) => {
  const child = spawn(process.execPath, [bin, "--port", "0", ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] })
  running.push(child)
  let stdout = ""
  let stderr = ""
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (c: Buffer) => {
      stdout += c.toString()
      if (until.test(stdout)) resolve()
    })
    child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()))
    void exited.then((code) => reject(new Error(`the bin exited (${code}): ${stderr}`)))
  })
  return { child, ready, exited, stdout: () => stdout, stderr: () => stderr }
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "arlo-fleet-"))

/** `NAME=value` lines. */
const parseDotenv = (text: string) =>
  Object.fromEntries(
    text
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)])
  )

describe("arlo-simulator --scenario fleet:N --write-fleet", () => {
  it("summarises the fleet, writes the fleet file and its credentials apart, prints no secret", async () => {
    const dir = tmp()
    const r = start(["--scenario", "fleet:25:3", "--write-fleet", "fleet.json"], dir, /^Fleet file: .*$/m)
    await r.ready
    expect(r.stdout()).toMatch(/scenario "fleet:25:3" on http:\/\/127\.0\.0\.1:\d+/)
    expect(r.stdout()).toMatch(/25 platforms, p0001 … p0025/)
    expect(r.stdout()).toMatch(/^ {2}ready +\d+$/m)
    expect(r.stdout()).toContain("Fleet file: fleet.json (25 targets); its credentials: fleet.env")
    const fileText = fs.readFileSync(path.join(dir, "fleet.json"), "utf8")
    const file = JSON.parse(fileText) as SimulatedFleetFile
    // A target a line, so a fleet of 10,000 stays small.
    expect(fileText.split("\n").filter((l) => l.startsWith('    {"name":"p0'))).toHaveLength(25)
    const envText = fs.readFileSync(path.join(dir, "fleet.env"), "utf8")
    expect(fs.statSync(path.join(dir, "fleet.env")).mode & 0o077).toBe(0)
    const env = parseDotenv(envText)
    expect(file.targets.map((t) => t.name)).toEqual(
      Array.from({ length: 25 }, (_, i) => `p${String(i + 1).padStart(4, "0")}`)
    )
    for (const secret of Object.values(env)) {
      expect(fileText).not.toContain(secret)
      expect(r.stdout()).not.toContain(secret)
    }
    // The file and the env audit the running fleet: a ready target authenticates with them.
    const ready = file.targets.find((t) => t.tags.includes("ready"))!
    const ok = await get(`${ready.baseUrl}${RES}`, { authorization: basic(ready.username!, env[ready.password!.env]!) })
    expect(ok.status).toBe(200)
    r.child.kill("SIGTERM")
    expect(await r.exited).toBe(0)
  })

  it("prints the credentials on stdout only when asked with --write-fleet-env -", async () => {
    const dir = tmp()
    const r = start(
      ["--scenario", "fleet:all", "--write-fleet", "all.json", "--write-fleet-env", "-"],
      dir,
      /_PASSWORD=/
    )
    await r.ready
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(r.stdout()).toContain("ARLO_FLEET_READY_ACME_PASSWORD=correct-horse-42\n")
    expect(fs.existsSync(path.join(dir, "all.env"))).toBe(false)
    const file = JSON.parse(fs.readFileSync(path.join(dir, "all.json"), "utf8")) as SimulatedFleetFile
    expect(file.targets.find((t) => t.name === "demo-globex")?.tags).toEqual(["demo"])
  })

  it.each([
    [["--scenario", "fleet:0"], 2, /fleet scenario "fleet:0": N must be an integer from 1 to 10000/],
    [["--write-fleet-env", "x.env"], 2, /--write-fleet-env needs --write-fleet PATH/],
    [
      ["--scenario", "ready", "--write-fleet", "no/such/dir/f.json"],
      1,
      /cannot write no\/such\/dir\/f\.json \(ENOENT\)/
    ]
  ])("%j exits %i with one line", async (args, code, message) => {
    const r = start(args, tmp(), /(?!)/)
    r.ready.catch(() => undefined)
    expect(await r.exited).toBe(code)
    expect(r.stderr()).toMatch(message)
    expect(r.stderr().trim().split("\n")).toHaveLength(1)
  })
})
