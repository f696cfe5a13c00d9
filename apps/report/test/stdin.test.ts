/**
 * Secrets read from stdin: one line per stdin flag (the password first), a bounded length, and not a
 * byte more of stdin read than that, so a pipe that stays open or carries much more cannot hold the
 * audit or fill the memory.
 */
import { type SimulatorHandle, startSimulator } from "@arlo-ready/simulator"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { assertBuilt, auditEnv, oneLineError, run, validReport } from "./helpers.js"

// Real subprocesses on a shared machine: generous hang guards; the few timings asserted are far apart.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 })

let sim: SimulatorHandle
let env: Record<string, string>

beforeAll(async () => {
  assertBuilt()
  sim = await startSimulator({ scenario: "ready" })
  env = auditEnv(sim, "acme")
})
afterAll(async () => {
  await sim?.close()
})

describe("secrets on stdin", () => {
  const credentials = () => {
    const { ARLO_PASSWORD: password, ARLO_CLIENT_SECRET: secret, ...others } = env
    return { password: password!, secret: secret!, others }
  }

  it("a password line followed by a pipe that never ends: the audit runs and finishes within its deadline", async () => {
    const { password, secret, others } = credentials()
    const started = Date.now()
    const r = await run(["--password-stdin", "--deadline", "20s"], {
      env: { ...others, ARLO_CLIENT_SECRET: secret },
      stdin: `${password}\n`,
      keepStdinOpen: true,
      timeoutMs: 40_000
    })
    expect(r.code, r.stderr).toBe(0)
    expect(Date.now() - started).toBeLessThan(20_000)
    expect(validReport(JSON.parse(r.stdout)).verdict).toBe("ready")
  })

  it("both secrets, then a pipe that never ends: password first, then the client secret", async () => {
    const { password, secret, others } = credentials()
    const r = await run(["--password-stdin", "--client-secret-stdin", "--deadline", "20s"], {
      env: others,
      stdin: `${password}\n${secret}\n`,
      keepStdinOpen: true,
      timeoutMs: 40_000
    })
    expect(r.code, r.stderr).toBe(0)
    const report = validReport(JSON.parse(r.stdout))
    expect(report.verdict).toBe("ready")
    expect(Object.fromEntries(report.target.credentials.map((c) => [c.name, c.source]))).toMatchObject({
      password: "stdin",
      clientSecret: "stdin"
    })
  })

  it("a second line that never comes: a usage error once the deadline has passed, not a hang", async () => {
    const { password, others } = credentials()
    const r = await run(["--password-stdin", "--client-secret-stdin", "--deadline", "2s"], {
      env: others,
      stdin: `${password}\n`,
      keepStdinOpen: true,
      timeoutMs: 40_000
    })
    expect(r.code, r.stderr).toBe(2)
    expect(oneLineError(r.stderr)).toMatch(/--client-secret-stdin: stdin gave no line 2 within the deadline \(2s\)/)
  })

  it("a value without a trailing newline, then end of input, is the value", async () => {
    const { password, secret, others } = credentials()
    const r = await run(["--password-stdin"], { env: { ...others, ARLO_CLIENT_SECRET: secret }, stdin: password })
    expect(r.code, r.stderr).toBe(0)
  })

  it("a password line followed by a lot of data: only what is needed is read", async () => {
    const { password, secret, others } = credentials()
    const offered = 256 * 1024 * 1024
    const chunk = Buffer.alloc(1024 * 1024, "x")
    let accepted = 0
    const started = Date.now()
    const r = await run(["--password-stdin"], {
      env: { ...others, ARLO_CLIENT_SECRET: secret },
      keepStdinOpen: true,
      timeoutMs: 60_000,
      onSpawn: (child) => {
        const stdin = child.stdin!
        let sent = 0
        let gone = false
        stdin.on("error", () => {
          gone = true
        })
        stdin.write(`${password}\n`)
        // Offer data as fast as the binary takes it, and no faster; count what the pipe accepted.
        const pump = () => {
          while (!gone && sent < offered) {
            sent += chunk.length
            const more = stdin.write(chunk, (e) => {
              if (!e) accepted += chunk.length
            })
            if (!more) {
              stdin.once("drain", pump)
              return
            }
          }
          if (!gone) stdin.end()
        }
        pump()
      }
    })
    expect(r.code, r.stderr).toBe(0)
    expect(validReport(JSON.parse(r.stdout)).verdict).toBe("ready")
    // Reading all of it would take the whole 256 MiB in (and keep it in memory).
    expect(accepted).toBeLessThan(16 * 1024 * 1024)
    expect(Date.now() - started).toBeLessThan(30_000)
  })
})
