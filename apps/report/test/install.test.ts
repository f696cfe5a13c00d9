/**
 * The app as a user installs it: `pnpm pack`, then `npm install --global` of that one tarball into an
 * empty prefix, nothing else given. The installed bin answers --version with the package's version and
 * audits a simulator on loopback; the package is the bundle alone (no dependencies to fetch).
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { type SimulatorHandle, startSimulator } from "@arlo-ready/simulator"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Installed, packInstall } from "../../../scripts/pack-install.mjs"
import { assertBuilt, auditEnv, runCommand, validReport } from "./helpers.js"

const appDir = fileURLToPath(new URL("..", import.meta.url))
const pkg = JSON.parse(readFileSync(join(appDir, "package.json"), "utf8")) as { version: string }
let installed: Installed
let sim: SimulatorHandle

beforeAll(async () => {
  assertBuilt()
  sim = await startSimulator({ scenario: "demo" })
  installed = await packInstall(appDir)
}, 180_000)

afterAll(async () => {
  await sim?.close()
  installed?.cleanup()
})

describe("the installed arlo-ready-report", () => {
  it("declares no dependencies and installs nothing beside itself", () => {
    const manifest = JSON.parse(readFileSync(join(installed.installed, "package.json"), "utf8")) as {
      dependencies?: object
    }
    expect(manifest.dependencies ?? {}).toEqual({})
    expect(installed.installedBytes).toBeLessThan(10 * 1024 * 1024)
    // The schemas the report names ship inside the package.
    for (const file of [
      "dist/report.schema.json",
      "dist/events.schema.json",
      "dist/fleet.schema.json",
      "dist/fleet-report.schema.json"
    ]) {
      expect(JSON.parse(readFileSync(join(installed.installed, file), "utf8"))).toHaveProperty("$schema")
    }
  })

  it("answers --version with the package's version", async () => {
    const r = await runCommand(installed.bins["arlo-ready-report"]!, ["--version"])
    expect(r.stderr).toBe("")
    expect(r.stdout.trim()).toBe(pkg.version)
    expect(r.code).toBe(0)
  })

  it("audits a platform on loopback and writes a valid report", async () => {
    const platform = Object.keys(sim.platforms)[0]!
    const r = await runCommand(installed.bins["arlo-ready-report"]!, ["--format", "json"], {
      env: auditEnv(sim, platform),
      timeoutMs: 60_000
    })
    const report = validReport(JSON.parse(r.stdout))
    expect(report.tool.version).toBe(pkg.version)
    expect(report.$schema).toBe(`https://unpkg.com/@arlo-ready/core@${pkg.version}/report.schema.json`)
    expect(report.checks.length).toBeGreaterThan(0)
    expect([0, 1]).toContain(r.code)
  })
})
