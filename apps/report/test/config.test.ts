/**
 * The config file through the built binary: found in the working directory or given with --config,
 * its waivers and settings applied, flags over the file over the environment, --print-config naming
 * each setting's source and no secret, and each bad input a usage error naming the key path.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type SimulatorHandle, startSimulator } from "@arlo-ready/simulator"
import { Ajv } from "ajv"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { assertBuilt, auditEnv, oneLineError, run, validReport } from "./helpers.js"

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

let dir: string
let sim: SimulatorHandle
beforeAll(async () => {
  assertBuilt()
  dir = mkdtempSync(join(tmpdir(), "arlo-ready-config-"))
  sim = await startSimulator({ scenario: "integration-account" })
})
afterAll(async () => {
  await sim?.close()
  rmSync(dir, { recursive: true, force: true })
})

const waiver = {
  check: "policy.basic-auth",
  reason: "Basic stays until the OAuth client ships",
  owner: "ops@acme.test",
  expires: "2027-06-30"
}
const project = (name: string, config: unknown, file = "arlo-ready.config.json"): string => {
  const cwd = join(dir, name)
  mkdirSync(cwd, { recursive: true })
  writeFileSync(join(cwd, file), typeof config === "string" ? config : JSON.stringify(config))
  return cwd
}
const schema = JSON.parse(
  readFileSync(new URL("../../../packages/core/config.schema.json", import.meta.url), "utf8")
) as object

describe("the config file", () => {
  it("in the working directory carries the waivers, the outputs and failOn; a flag still wins", async () => {
    const config = {
      $schema: "https://unpkg.com/@arlo-ready/core/config.schema.json",
      failOn: "warn",
      outputs: { junit: "arlo-ready.xml" },
      waivers: [waiver]
    }
    expect(new Ajv({ strict: false }).validate(schema, config)).toBe(true)
    const cwd = project("ok", config)
    const env = { ...auditEnv(sim, "fjord"), ARLO_READY_NOW: "2026-12-01" }
    const result = await run(["--format", "json"], { env, cwd })
    expect(result.stderr).toBe("")
    expect(result.code).toBe(0)
    const report = validReport(JSON.parse(result.stdout))
    expect(report.checks.find((c) => c.id === "policy.basic-auth")?.status).toBe("waived")
    expect(readFileSync(join(cwd, "arlo-ready.xml"), "utf8")).toContain("Waived (warn)")
    // Without the waiver (an empty waivers file by flag) the file's failOn: warn fails the run.
    writeFileSync(join(cwd, "none.json"), "[]")
    expect((await run(["--format", "json", "--waivers", "none.json"], { env, cwd })).code).toBe(1)
    expect((await run(["--format", "json", "--waivers", "none.json", "--fail-on", "fail"], { env, cwd })).code).toBe(0)
  })

  it("in YAML, by --config, overrides the environment and --print-config names each source, no secret", async () => {
    const cwd = project("yaml", "target:\n  platform: acme\nmfaSetting: required\nmethods: basic\n", "team.yaml")
    const env = { ARLO_BASE_URL: "https://env.example", ARLO_EXPECT_ACCESS: "full", ARLO_PASSWORD: "s3cret-value" }
    const result = await run(["--config", "team.yaml", "--print-config", "--format", "text"], { env, cwd })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^config file: team\.yaml$/m)
    expect(result.stdout).toMatch(/^platform +acme {2}\(file\)$/m)
    expect(result.stdout).toMatch(/^mfaSetting +required {2}\(file\)$/m)
    expect(result.stdout).toMatch(/^expectAccess +full {2}\(env\)$/m)
    expect(result.stdout).toMatch(/^format +text {2}\(flag\)$/m)
    expect(result.stdout).not.toContain("env.example")
    expect(result.stdout).not.toContain("s3cret-value")
  })
})

describe("a bad config file is a usage error naming the key path", () => {
  const cases: ReadonlyArray<readonly [string, unknown, RegExp]> = [
    ["an unknown key", { failOnn: "warn" }, /failOnn is not a config key \(did you mean failOn\?\)/],
    [
      "an unknown nested key",
      { target: { platfrom: "acme" } },
      /target\.platfrom is not a config key \(did you mean platform\?\)/
    ],
    [
      "a secret",
      { target: { platform: "acme" }, password: "hunter2" },
      /password: a secret does not belong in the config file/
    ],
    [
      "a URL with a password",
      { target: { baseUrl: "https://u:hunter2@acme.arlo.co" } },
      /target\.baseUrl: a URL with a password in it/
    ],
    [
      "a bad date",
      { waivers: [{ ...waiver, expires: "2027-13-01" }] },
      /waivers\[0\]\.expires: 2027-13-01 is not a date/
    ],
    ["a waiver without an owner", { waivers: [{ ...waiver, owner: "" }] }, /waivers\[0\]\.owner is required/],
    ["a bad choice", { failOn: "sometimes" }, /failOn: "sometimes" is not one of fail, warn, new/]
  ]
  it.each(cases)("%s", async (name, config, message) => {
    const cwd = project(`bad-${name.replace(/\W+/g, "-")}`, config)
    const result = await run(["--format", "json"], { env: auditEnv(sim, "fjord"), cwd })
    expect(result.code).toBe(2)
    expect(result.stdout).toBe("")
    const line = oneLineError(result.stderr)
    expect(line).toMatch(message)
    expect(line).not.toContain("hunter2")
  })
})
