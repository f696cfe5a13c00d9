/**
 * The report at a terminal: in a real pseudo-terminal, without --format, it prints text (checks in
 * catalogue order, grouped, the verdict last); piped, JSON. A person reads the first, a program the second.
 */
import { type SimulatorHandle, startSimulator } from "@arlo-ready/simulator"
import * as pty from "node-pty"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { assertBuilt, auditEnv, binPath, run, validReport } from "./helpers.js"

let sim: SimulatorHandle

beforeAll(async () => {
  assertBuilt()
  sim = await startSimulator({ scenario: "ready" })
})
afterAll(async () => {
  await sim?.close()
})

/** Runs the binary in a pseudo-terminal; resolves with everything it printed and its exit code. */
const inTerminal = (args: ReadonlyArray<string>, env: Record<string, string>) =>
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
        ...env
      }
    })
    let output = ""
    child.onData((d) => {
      output += d
    })
    child.onExit((e) => resolve({ output, code: e.exitCode }))
  })

describe("the default format", () => {
  it("is text at a terminal: every check in catalogue order under its group, the verdict last", async () => {
    const platform = Object.keys(sim.platforms)[0]!
    const { output, code } = await inTerminal([], { ...auditEnv(sim, platform), NO_COLOR: "1" })
    expect(code).toBe(0)
    const text = output.replace(/\r/g, "")
    expect(text.trimStart().startsWith("{")).toBe(false)
    const ids = [...text.matchAll(/ (?:PASS|WARN|FAIL|ERROR|SKIP|N\/A) {2}([a-z.-]+) /g)].map((m) => m[1])
    expect(ids.slice(0, 2)).toEqual(["target.url", "target.reachable"])
    const order = [
      "target.url",
      "target.reachable",
      "basic.credentials",
      "roles.api-user",
      "oauth.server",
      "policy.rate-limit"
    ]
    const positions = order.map((id) => ids.indexOf(id))
    expect(positions.every((p) => p >= 0)).toBe(true)
    expect([...positions].sort((a, b) => a - b)).toEqual(positions)
    expect(text).toMatch(/\nTarget\n/)
    const lines = text.trimEnd().split("\n")
    expect(lines.at(-1)).toMatch(/READY/)
  })

  it("is JSON when stdout is a pipe", async () => {
    const platform = Object.keys(sim.platforms)[0]!
    const r = await run([], { env: auditEnv(sim, platform) })
    expect(validReport(JSON.parse(r.stdout)).verdict).toMatch(/ready/)
  })
})
