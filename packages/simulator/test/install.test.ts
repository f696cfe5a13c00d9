/**
 * The simulator as a user installs it: `pnpm pack`, then `npm install --global` of that one tarball
 * into an empty prefix (its dependencies come from the registry). The bin lists the built-in scenarios
 * and serves one on loopback.
 */
import { execFile, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Installed, packInstall } from "../../../scripts/pack-install.mjs"

const run = promisify(execFile)
const dir = fileURLToPath(new URL("..", import.meta.url))
let installed: Installed

beforeAll(async () => {
  installed = await packInstall(dir)
}, 180_000)

afterAll(() => installed?.cleanup())

describe("the installed arlo-simulator", () => {
  it("lists its scenarios", async () => {
    const { stdout } = await run(installed.bins["arlo-simulator"]!, ["--list-scenarios"], { timeout: 30_000 })
    expect(stdout).toContain("demo")
  })

  it("serves a scenario on loopback", async () => {
    const child = spawn(installed.bins["arlo-simulator"]!, ["--scenario", "demo", "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"]
    })
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = ""
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString()
          const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out)
          if (m) resolve(m[0])
        })
        child.on("exit", (code) => reject(new Error(`exited ${code}: ${out}`)))
      })
      const res = await fetch(url)
      expect(res.status).toBeLessThan(500)
    } finally {
      child.kill("SIGTERM")
    }
  })
})
