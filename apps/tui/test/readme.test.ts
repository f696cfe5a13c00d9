/** The README's flag table is the help's flags: the same flags, placeholders and variables. */
import { execFile } from "node:child_process"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { describe, expect, it } from "vitest"
import { helpFlags, readmeFlags } from "../../../scripts/flag-table.mjs"

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url))

describe("the README", () => {
  it("lists every flag of --help, with its placeholder and environment variable, and no other", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [bin, "--help"], { timeout: 30_000 })
    const fromHelp = helpFlags(stdout)
    expect(fromHelp.size).toBeGreaterThan(20)
    for (const line of stdout.split("\n")) expect(line.length, line).toBeLessThanOrEqual(100)
    expect(stdout).toContain("Examples:")
    expect(stdout).toContain("globex · it.admin@globex.example")
    const readme = readmeFlags(readFileSync(new URL("../README.md", import.meta.url), "utf8"))
    expect(Object.fromEntries([...readme].sort())).toEqual(Object.fromEntries([...fromHelp].sort()))
  })
})
