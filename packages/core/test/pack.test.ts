/**
 * The package as a user gets it: `pnpm pack`, `npm install` of the tarball into an empty project, then
 * plain Node ESM runs `runAudit` against a simulator, and `tsc` resolves its types.
 */
import { execFile } from "node:child_process"
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { startSimulator } from "@arlo-ready/simulator"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { optionsFor, type Sim } from "./helpers.js"

const run = promisify(execFile)
const coreDir = fileURLToPath(new URL("..", import.meta.url))
let dir: string
let sim: Sim

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "arlo-ready-pack-"))
  sim = await startSimulator({ scenario: "presenter" })
  // `prepack` builds dist and the JSON Schemas first.
  await run("pnpm", ["pack", "--pack-destination", dir], { cwd: coreDir, timeout: 170_000 })
  const tarball = (await readdir(dir)).find((f) => f.endsWith(".tgz"))!
  const project = join(dir, "project")
  await run("mkdir", ["-p", project])
  await writeFile(join(project, "package.json"), JSON.stringify({ name: "probe", private: true, type: "module" }))
  await run("npm", ["install", join(dir, tarball), "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], {
    cwd: project,
    timeout: 170_000
  })
}, 180_000)

afterAll(async () => {
  await sim?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe("the published package", () => {
  it("works from plain Node ESM: runAudit against the simulator, the catalogue, the report schema", async () => {
    const project = join(dir, "project")
    await writeFile(
      join(project, "probe.mjs"),
      `import { createRequire } from "node:module"
import { readFileSync } from "node:fs"
import { runAudit, catalogue } from "@arlo-ready/core"
const report = await runAudit(JSON.parse(process.argv[2]))
const schema = JSON.parse(readFileSync(createRequire(import.meta.url).resolve("@arlo-ready/core/report.schema.json"), "utf8"))
console.log(JSON.stringify({ verdict: report.verdict, checks: report.checks.length, catalogue: catalogue.length, schema: schema.$id, version: report.tool.version }))
`
    )
    const { stdout, stderr } = await run("node", ["probe.mjs", JSON.stringify(optionsFor(sim))], {
      cwd: project,
      timeout: 60_000
    })
    const pkg = JSON.parse(await readFile(join(coreDir, "package.json"), "utf8")) as { version: string }
    expect(JSON.parse(stdout)).toEqual({
      verdict: "ready_with_warnings",
      checks: 16,
      catalogue: 16,
      schema: `https://unpkg.com/@arlo-ready/core@${pkg.version}/report.schema.json`,
      version: pkg.version
    })
    expect(stderr).toBe("")
  })

  it("ships types that tsc resolves", async () => {
    const project = join(dir, "project")
    await writeFile(
      join(project, "check.ts"),
      `import { type AuditOptions, type Report, runAudit, catalogue } from "@arlo-ready/core"
const options: AuditOptions = { platform: "acme", username: "u", password: "p", mfaSetting: "required" }
export const pending: Promise<Report> = runAudit(options)
export const ids: ReadonlyArray<string> = catalogue.map((d) => d.id)
// @ts-expect-error: not an MFA setting
export const bad: AuditOptions = { mfaSetting: "sometimes" }
`
    )
    await writeFile(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          lib: ["es2022", "dom"],
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: []
        },
        files: ["check.ts"]
      })
    )
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc")
    const result = await run("node", [tsc, "-p", "tsconfig.json"], { cwd: project, timeout: 120_000 }).catch(
      (e: { stdout: string }) => ({ stdout: e.stdout, stderr: "failed" })
    )
    expect(result.stdout).toBe("")
  })
})
