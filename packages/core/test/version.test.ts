/**
 * The version the code carries is the package's: each package's committed `packageVersion.ts` (written
 * from package.json at build time) says what its package.json says, so a release never ships 0.0.0.
 */
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"

const root = new URL("../../../", import.meta.url)
const read = (rel: string) => readFileSync(new URL(rel, root), "utf8")

describe("packageVersion.ts", () => {
  it.each(["packages/core", "apps/report", "apps/tui"])("%s carries its package.json's name and version", (dir) => {
    const pkg = JSON.parse(read(`${dir}/package.json`)) as { name: string; version: string }
    const file = read(`${dir}/src/internal/packageVersion.ts`)
    expect(file).toContain(`export const packageName = ${JSON.stringify(pkg.name)}`)
    expect(file).toContain(`export const packageVersion = ${JSON.stringify(pkg.version)}`)
  })
})
