/**
 * `pnpm demo` as the README's Quick start runs it, in a real pseudo-terminal: the build is quiet (no
 * build tool banner), and quitting exits 0 (the demo's identities are meant to fail), so pnpm reports
 * no failure.
 */
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { open, registerPtyHooks } from "./pty.js"

registerPtyHooks()
const root = fileURLToPath(new URL("../../../", import.meta.url))

describe("pnpm demo", () => {
  it("shows the screen without a build banner and exits 0 on q, with no failure from pnpm", async () => {
    const s = open([], {}, 120, 40, root, { file: "pnpm", args: ["demo"] })
    await s.waitText("Verdict:", 120_000)
    await s.press("q")
    expect(await s.exit).toBe(0)
    expect(s.raw()).not.toMatch(/ELIFECYCLE|turbo \d|Packages in scope/)
  }, 150_000)
})
