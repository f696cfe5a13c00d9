/**
 * The package as a user gets it: `pnpm pack`, `npm install` of the tarball into an empty project, then
 * plain Node ESM runs `runAudit` against a simulator, and `tsc` resolves its types.
 */
import { execFile } from "node:child_process"
import { readFile, writeFile } from "node:fs/promises"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { startSimulator } from "@arlo-ready/simulator"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Installed, packInstall } from "../../../scripts/pack-install.mjs"
import { optionsFor, type Sim } from "./helpers.js"

const run = promisify(execFile)
const coreDir = fileURLToPath(new URL("..", import.meta.url))
let dir: string
let sim: Sim
let installed: Installed

beforeAll(async () => {
  sim = await startSimulator({ scenario: "presenter" })
  // `prepack` builds dist and the JSON Schemas first; the peers (effect, @effect/platform) come with npm.
  installed = await packInstall(coreDir, { mode: "project" })
  dir = installed.dir
}, 180_000)

afterAll(async () => {
  await sim?.close()
  installed?.cleanup()
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

  it("declares exports that every ESM resolution finds, with types (are-the-types-wrong, esm-only profile)", async () => {
    const attw = join(
      dirname(createRequire(import.meta.url).resolve("@arethetypeswrong/cli/package.json")),
      "dist/index.js"
    )
    const result = await run("node", [attw, installed.tarball, "--profile", "esm-only", "--format", "json"], {
      timeout: 120_000
    }).catch((e: { stdout: string }) => ({ stdout: e.stdout }))
    type Problem = { kind: string; entrypoint?: string; resolutionKind?: string }
    const problems = (JSON.parse(result.stdout) as { analysis: { problems: Array<Problem> } }).analysis.problems
    // The package is ESM only: CommonJS and node10 resolution are out of scope (the profile ignores them).
    const esm = problems.filter((p) => p.resolutionKind !== "node10" && p.resolutionKind !== "node16-cjs")
    expect(esm).toEqual([])
  })

  it("declares effect and @effect/platform as peers, and only the YAML parser (no dependencies of its own) as a dependency", async () => {
    const pkg = JSON.parse(await readFile(join(coreDir, "package.json"), "utf8")) as {
      dependencies?: object
      peerDependencies?: Record<string, string>
    }
    // Fleet files may be YAML; `yaml` has no dependencies, and a caret range lets an app share its copy.
    expect(Object.keys(pkg.dependencies ?? {})).toEqual(["yaml"])
    expect(Object.keys(pkg.peerDependencies ?? {}).sort()).toEqual(["@effect/platform", "effect"])
  })
})
