/**
 * Adding a check takes one new file under `checks/<group>/`, one line (and its import) in the array of
 * checks, and the id in the public id list (the contract). This test does exactly that to a copy of the
 * sources, type-checks the copy, and audits the simulator with it: the new check is in the catalogue,
 * in the report in its place, in the report's JSON Schema, selectable with `only`, and re-checkable.
 */
import { execFile } from "node:child_process"
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { promisify } from "node:util"
import { startSimulator } from "@arlo-ready/simulator"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { checkIds } from "../src/Catalogue.js"
import type * as Core from "../src/index.js"
import { optionsFor, type Sim } from "./helpers.js"

vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 })

const pkg = fileURLToPath(new URL("..", import.meta.url))

/** The new check's file, as a contributor would write it. */
const newCheck = `/** policy.https: the base URL the integration calls uses HTTPS. */
import { Effect } from "effect"
import { defineCheck, pass, warn } from "../../internal/check.js"
import { docs } from "../../internal/docs.js"

export const policyHttps = defineCheck({
  id: "policy.https",
  title: "HTTPS",
  decides: "The base URL the integration calls uses HTTPS.",
  needs: ["target.reachable"],
  docs: [docs.requests],
  run: (ctx) =>
    Effect.sync(() =>
      ctx.config.baseUrl.startsWith("https://")
        ? pass("The base URL uses HTTPS.")
        : warn("The base URL uses plain HTTP.", {
            cause: { code: "plain_http", message: "the base URL is http://" },
            remediation: { steps: ["Call the platform over https://."], who: "developer" }
          })
    )
})
`

/** Replaces one anchor in a copied file, failing when it is not there exactly once. */
const edit = (file: string, anchor: string, replacement: string) => {
  const text = readFileSync(file, "utf8")
  expect(text.split(anchor).length - 1, `${anchor} in ${file}`).toBe(1)
  writeFileSync(file, text.replace(anchor, replacement))
}

let dir: string
let core: typeof Core
let sim: Sim

beforeAll(async () => {
  // Inside the package, so the copy resolves the package's own dependencies.
  dir = mkdtempSync(join(pkg, ".add-a-check-"))
  cpSync(join(pkg, "src"), join(dir, "src"), { recursive: true })
  const src = join(dir, "src")
  // 1. One new file.
  writeFileSync(join(src, "checks/policy/https.ts"), newCheck)
  // 2. One line in the array of checks, and its import.
  edit(
    join(src, "checks/index.ts"),
    'import { policyRateLimit } from "./policy/rate-limit.js"\n',
    'import { policyHttps } from "./policy/https.js"\nimport { policyRateLimit } from "./policy/rate-limit.js"\n'
  )
  edit(join(src, "checks/index.ts"), "  policyRateLimit\n]", "  policyRateLimit,\n  policyHttps\n]")
  // 3. The id in the public id list.
  edit(
    join(src, "Catalogue.ts"),
    '  "policy.rate-limit"\n] as const',
    '  "policy.rate-limit",\n  "policy.https"\n] as const'
  )
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({ extends: "../../../tsconfig.base.json", compilerOptions: { noEmit: true }, include: ["src"] })
  )
  core = (await import(pathToFileURL(join(src, "index.ts")).href)) as typeof Core
  sim = await startSimulator({ scenario: "ready" })
})

afterAll(async () => {
  await sim?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe("adding a check", () => {
  it("type-checks with nothing else changed", async () => {
    const tsc = createRequire(join(pkg, "package.json")).resolve("typescript/bin/tsc")
    const run = promisify(execFile)
    const r = await run(process.execPath, [tsc, "-p", join(dir, "tsconfig.json")]).catch(
      (e: { stdout?: string; code?: number }) => ({ stdout: e.stdout ?? String(e), code: e.code })
    )
    expect(r.stdout).toBe("")
  })

  it("is in the catalogue, after the checks before it, in its group", () => {
    expect(core.checkIds).toEqual([...checkIds, "policy.https"])
    expect(core.catalogue.map((d) => d.id)).toEqual([...checkIds, "policy.https"])
    expect(core.definition("policy.https" as Core.CheckId)).toMatchObject({
      group: "policy",
      title: "HTTPS",
      needs: ["target.reachable"]
    })
  })

  it("runs in an audit: reported in its place, with the engine's re-check hint, and in the report's schema", async () => {
    const report = await core.runAudit(optionsFor(sim))
    expect(report.checks.map((c) => c.id)).toEqual([...checkIds, "policy.https"])
    const https = report.checks.at(-1)!
    expect(https).toMatchObject({ status: "warn", cause: { code: "plain_http" } })
    expect(https.remediation?.recheck).toBe('rerunChecks(options, ["policy.https"])')
    expect(report.verdict).toBe("ready_with_warnings")
    const schema = core.reportJsonSchema() as { $defs: { CheckId: { enum: Array<string> } } }
    expect(schema.$defs.CheckId.enum).toContain("policy.https")
  })

  it("is selectable: only runs it and what it needs", async () => {
    const report = await core.runAudit({ ...optionsFor(sim), only: ["policy.https"] })
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ["target.url", "pass"],
      ["target.reachable", "pass"],
      ["policy.https", "warn"]
    ])
  })
})
