/**
 * The app as a user installs it: `pnpm pack`, then `npm install --global` of that one tarball into an
 * empty prefix, nothing else given. The installed bin answers --version and runs the demo: the embedded
 * simulator and its scenarios ship inside the bundle.
 */
import { execFile } from "node:child_process"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Installed, packInstall } from "../../../scripts/pack-install.mjs"

const run = promisify(execFile)
const appDir = fileURLToPath(new URL("..", import.meta.url))
const pkg = JSON.parse(readFileSync(join(appDir, "package.json"), "utf8")) as { version: string }
let installed: Installed

const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" }
const exec = (args: ReadonlyArray<string>) =>
  run(installed.bins["arlo-ready"]!, [...args], { env, timeout: 60_000 }).then(
    (r) => ({ ...r, code: 0 }),
    (e: { stdout: string; stderr: string; code: number }) => e
  )

beforeAll(async () => {
  installed = await packInstall(appDir)
}, 180_000)

afterAll(() => installed?.cleanup())

describe("the installed arlo-ready", () => {
  it("declares no dependencies and is small", () => {
    const manifest = JSON.parse(readFileSync(join(installed.installed, "package.json"), "utf8")) as {
      dependencies?: object
    }
    expect(manifest.dependencies ?? {}).toEqual({})
    expect(installed.installedBytes).toBeLessThan(10 * 1024 * 1024)
  })

  it("answers --version with the package's version", async () => {
    const r = await exec(["--version"])
    expect(r.stderr).toBe("")
    expect(r.stdout.trim()).toBe(pkg.version)
    expect(r.code).toBe(0)
  })

  it("runs the demo against its embedded simulator", async () => {
    const r = await exec(["--demo", "--no-interactive"])
    expect(r.stdout).toMatch(/READY|NOT READY|INCOMPLETE/)
    expect(r.stdout).toContain("target.reachable")
    expect([0, 1]).toContain(r.code)
  })
})
