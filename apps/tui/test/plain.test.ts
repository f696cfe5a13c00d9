/**
 * The built binary with stdout piped, against the simulator over real HTTP: the plain lines come in
 * catalogue order under a heading per group, however the checks finish, and the verdict comes last.
 */
import { execFile, spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { checkGroups, checkIds, groupTitles } from "@arlo-ready/core"
import { type SimulatorHandle, startSimulator } from "@arlo-ready/simulator"
import { beforeAll, describe, expect, it } from "vitest"
import { bin, cleanEnv, sleep } from "./pty.js"

beforeAll(() => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: build the app first`)
})

const credentials = (s: SimulatorHandle, platform: string): Record<string, string> => {
  const p = s.platforms[platform]!
  return {
    ARLO_BASE_URL: p.baseUrl,
    ARLO_USERNAME: p.audit.username!,
    ARLO_PASSWORD: p.audit.password!,
    ARLO_MFA_SETTING: p.audit.mfaSetting ?? "optional"
  }
}

const run = (env: Record<string, string>) =>
  new Promise<{ code: number; stdout: string }>((res) => {
    const child = execFile(process.execPath, [bin], { env: cleanEnv(env), timeout: 30_000 }, (error, stdout) =>
      res({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout })
    )
    child.stdin?.end()
  })

/** The check ids the check lines name, in order (the "what to fix" section left out). */
const checkLines = (stdout: string): Array<string> =>
  stdout
    .slice(0, stdout.includes("What to fix:") ? stdout.indexOf("What to fix:") : undefined)
    .split("\n")
    .map((l) => /^\S \S+ +(\S+) {2}/.exec(l)?.[1])
    .filter((id): id is string => id !== undefined && (checkIds as ReadonlyArray<string>).includes(id))

const headings = (stdout: string): Array<string> =>
  stdout.split("\n").filter((l) => (Object.values(groupTitles) as Array<string>).includes(l))

const inCatalogueOrder = (ids: ReadonlyArray<string>): boolean => {
  const at = ids.map((id) => (checkIds as ReadonlyArray<string>).indexOf(id))
  return at.every((p, i) => i === 0 || p > at[i - 1]!)
}

describe("arlo-ready's plain lines", () => {
  it("list every check in catalogue order under its group, the OAuth N/A lines after the target's", async () => {
    const local = await startSimulator({ scenario: "mfa-optional" })
    try {
      // Basic credentials only: the OAuth checks settle at once, before the target has answered.
      const r = await run(credentials(local, "delta"))
      expect(r.code).toBe(1)
      expect(checkLines(r.stdout)).toEqual([...checkIds])
      expect(headings(r.stdout)).toEqual(checkGroups.map((g) => groupTitles[g]))
      expect(r.stdout.indexOf("target.reachable")).toBeLessThan(r.stdout.indexOf("N/A   oauth."))
      expect(r.stdout.trimEnd().split("\n").at(-1)).toMatch(/^✘ NOT READY/)
    } finally {
      await local.close()
    }
  })

  it("stay in catalogue order when SIGINT stops the audit, the interrupted verdict last", async () => {
    const local = await startSimulator({ scenario: "slow" })
    try {
      const p = local.platforms[Object.keys(local.platforms)[0]!]!
      const child = spawn(process.execPath, [bin], { env: cleanEnv(credentials(local, p.name)), stdio: "pipe" })
      child.stdin.end()
      let stdout = ""
      child.stdout.on("data", (d) => {
        stdout += d
      })
      const code = new Promise<number | null>((res) => child.on("exit", (c) => res(c)))
      for (let i = 0; i < 200 && !/PASS {2}target\.url/.test(stdout); i++) await sleep(50)
      child.kill("SIGINT")
      expect(await code).toBe(130)
      const ids = checkLines(stdout)
      expect(ids[0]).toBe("target.url")
      expect(inCatalogueOrder(ids)).toBe(true)
      expect(new Set(ids).size).toBe(ids.length)
      expect(stdout.trimEnd().split("\n").at(-1)).toMatch(/INCOMPLETE .*\(interrupted\)$/)
    } finally {
      await local.close()
    }
  })
})
