/**
 * A fleet at a terminal, in a real pseudo-terminal: text by default (a line per target as it finishes,
 * the fleet's verdict last) and the progress as one line rewritten in place, naming the slowest
 * platforms still running; in CI the same run prints plain progress lines instead.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fleetFileOf, type SimulatorHandle, startSimulator } from "@arlo-ready/simulator"
import * as pty from "node-pty"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { assertBuilt, binPath } from "./helpers.js"

vi.setConfig({ testTimeout: 60_000, hookTimeout: 30_000 })

const dir = mkdtempSync(join(tmpdir(), "arlo-ready-fleet-terminal-"))
let sim: SimulatorHandle
let fleetPath: string
let env: Record<string, string>

beforeAll(async () => {
  assertBuilt()
  sim = await startSimulator({ scenario: "fleet:4", latencyMs: 30 })
  const fleet = fleetFileOf(sim)
  fleetPath = join(dir, "fleet.json")
  writeFileSync(fleetPath, JSON.stringify(fleet.file))
  env = { ...fleet.env }
})
afterAll(async () => {
  await sim?.close()
  rmSync(dir, { recursive: true, force: true })
})

const inTerminal = (args: ReadonlyArray<string>, extra: Record<string, string>) =>
  new Promise<{ output: string; code: number }>((resolve) => {
    const child = pty.spawn(process.execPath, [binPath, ...args], {
      name: "xterm-256color",
      cols: 120,
      rows: 40,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        TERM: "xterm-256color",
        LANG: "C.UTF-8",
        NO_COLOR: "1",
        ...extra
      }
    })
    let output = ""
    child.onData((d) => {
      output += d
    })
    child.onExit((e) => resolve({ output, code: e.exitCode }))
  })

describe("a fleet at a terminal", () => {
  it("prints text as targets finish, with a live progress line naming the slowest", async () => {
    const { output } = await inTerminal(["--fleet", fleetPath], env)
    expect(output.trimStart().startsWith("{")).toBe(false)
    // The live line is rewritten in place and names what is still running.
    expect(output).toContain("\r\u001b[2K")
    expect(output).toMatch(/\d\/4 done[^\r\n]* · slowest: p000\d \d+\.\ds/)
    const lines = output
      .replaceAll("\r\u001b[2K", "\n")
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== "")
    for (const name of Object.keys(sim.platforms)) expect(lines.some((l) => l.includes(`  ${name}  `))).toBe(true)
    expect(lines.some((l) => /^. fleet [A-Z ]+: 4 of 4 targets/.test(l))).toBe(true)
    expect(output).toContain("4/4 done: ")
  })

  it("in CI prints plain progress lines, no rewriting", async () => {
    const { output } = await inTerminal(["--fleet", fleetPath], { ...env, CI: "true" })
    expect(output).not.toContain("\u001b[2K")
    expect(output).toMatch(/\r?\n4\/4 done: /)
  })
})
