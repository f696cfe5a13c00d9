/**
 * SIGINT (or SIGTERM) mid-audit: the audit stops, what was done so far is still written in the chosen
 * format and to every --output file, and the process exits 130.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type SimulatorHandle, startSimulator } from "@arlo-ready/simulator"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest"
import { assertBuilt, auditEnv, events, run, validReport } from "./helpers.js"
import { childrenNamed, parseXml } from "./xml.js"

// Real subprocesses on a shared machine: generous hang guards, never timing assertions.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 })

let sim: SimulatorHandle
let dir: string

beforeAll(() => {
  assertBuilt()
  dir = mkdtempSync(join(tmpdir(), "arlo-ready-interrupt-"))
})
// A fresh simulator per test: a slow answer to the previous run could otherwise land in the journal.
beforeEach(async () => {
  sim = await startSimulator({ scenario: "slow" })
})
afterEach(async () => {
  await sim?.close()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Sends a signal as soon as the platform has received the audit's first request. */
const signalOnFirstRequest = (signal: NodeJS.Signals) => (child: { kill: (s: NodeJS.Signals) => boolean }) => {
  const timer = setInterval(() => {
    if (sim.journal().length > 0) {
      clearInterval(timer)
      child.kill(signal)
    }
  }, 20)
}

describe("interrupted", () => {
  it.each(["SIGINT", "SIGTERM"] as const)(
    "%s mid-audit: exit 130, a valid JSON report and every output file",
    async (signal) => {
      const junitPath = join(dir, `${signal}.xml`)
      const ndjsonPath = join(dir, `${signal}.ndjson`)
      const result = await run(
        ["--format", "json", "--output", `junit=${junitPath}`, "--output", `ndjson=${ndjsonPath}`],
        {
          env: auditEnv(sim, "pukeko"),
          onSpawn: signalOnFirstRequest(signal)
        }
      )
      expect(result.code).toBe(130)
      expect(result.stderr).toBe("")
      const report = validReport(JSON.parse(result.stdout))
      expect(report.interrupted).toBe(true)
      expect(report.verdict).toBe("incomplete")
      expect(report.checks.some((c) => c.status === "error" && c.cause?.code === "interrupted")).toBe(true)
      const junit = parseXml(readFileSync(junitPath, "utf8"))
      const cases = childrenNamed(junit, "testsuite").flatMap((s) => childrenNamed(s, "testcase"))
      expect(cases).toHaveLength(report.checks.length)
      const stream = events(readFileSync(ndjsonPath, "utf8"))
      const last = stream.at(-1)
      expect(last?._tag === "audit_finished" && last.report).toEqual(report)
      // Written whole through temporary files, none of which is left behind.
      expect(readdirSync(dir).filter((f) => f.startsWith(`.${signal}.`))).toEqual([])
    }
  )

  it("SIGINT with --format ndjson: the events so far, then audit_finished with the interrupted report", async () => {
    let sent = false
    const result = await run(["--format", "ndjson"], {
      env: auditEnv(sim, "pukeko"),
      onLine: (line, child) => {
        // Interrupt once the first check that needs the platform has finished.
        if (!sent && line.includes('"check_finished"') && line.includes('"target.reachable"')) {
          sent = true
          child.kill("SIGINT")
        }
      }
    })
    expect(sent).toBe(true)
    expect(result.code).toBe(130)
    const stream = events(result.stdout)
    expect(stream[0]?._tag).toBe("audit_started")
    const last = stream.at(-1)!
    expect(last._tag).toBe("audit_finished")
    if (last._tag !== "audit_finished") return
    const report = validReport(last.report)
    expect(report.interrupted).toBe(true)
    expect(report.checks.find((c) => c.id === "target.reachable")?.status).toBe("pass")
  })
})
