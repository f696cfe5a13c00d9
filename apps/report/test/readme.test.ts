/** The README's flag tables are the help's flags: the same flags, placeholders and variables. */
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { helpFlags, readmeFlags } from "../../../scripts/flag-table.mjs"
import { assertBuilt, run } from "./helpers.js"

describe("the README", () => {
  it("lists every flag of --help, with its placeholder and environment variable, and no other", async () => {
    assertBuilt()
    const help = await run(["--help"])
    const fromHelp = helpFlags(help.stdout)
    expect(fromHelp.size).toBeGreaterThan(20)
    const readme = readmeFlags(readFileSync(new URL("../README.md", import.meta.url), "utf8"))
    expect(Object.fromEntries([...readme].sort())).toEqual(Object.fromEntries([...fromHelp].sort()))
  })
})

describe("the README's Many platforms section", () => {
  it("embeds docs/ci/github-fleet.yml word for word", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8")
    const workflow = readFileSync(new URL("../../../docs/ci/github-fleet.yml", import.meta.url), "utf8")
    expect(readme).toContain(`\`\`\`yaml\n${workflow}\`\`\``)
  })
})
