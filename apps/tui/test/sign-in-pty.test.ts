/**
 * The sign-in from the interactive screen, in a real pseudo-terminal against the simulator over real
 * HTTP: `s` on an OAuth check leaves the screen for the sign-in, the browser (test/browser.mjs, run as
 * BROWSER) signs in, the URL it was sent to is pasted at the prompt, and the proven statuses follow.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { type SimulatorHandle, startSimulator } from "@arlo-ready/simulator"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { open, registerPtyHooks, selectRow, sleep } from "./pty.js"

registerPtyHooks()

const browser = fileURLToPath(new URL("./browser.mjs", import.meta.url))
let sim: SimulatorHandle
let dir: string

beforeAll(async () => {
  sim = await startSimulator({ scenario: "ready" })
  dir = mkdtempSync(join(tmpdir(), "arlo-ready-sign-in-pty-"))
})
afterAll(async () => {
  expect(sim.liveTokens("acme")).toEqual([])
  await sim.close()
  rmSync(dir, { recursive: true, force: true })
})

const written = async (file: string): Promise<string> => {
  for (let i = 0; i < 200; i++) {
    if (existsSync(file) && readFileSync(file, "utf8") !== "") return readFileSync(file, "utf8")
    await sleep(50)
  }
  throw new Error("the browser wrote nothing")
}

describe("the screen's sign-in", () => {
  it("s on an OAuth check: sign in, paste the URL, and the report shows what the sign-in proved", async () => {
    const out = join(dir, "back.txt")
    const s = open(
      [],
      {
        ARLO_BASE_URL: sim.platforms.acme!.baseUrl,
        ARLO_CLIENT_ID: "acme-integration",
        ARLO_CLIENT_SECRET: "acme-client-secret-7f2c",
        ARLO_REDIRECT_URI: "https://arlo-ready.example/oauth/callback",
        ARLO_SCOPES: "openid profile roles offline_access all_claims",
        BROWSER: browser,
        SIGN_IN_OUT: out,
        SIGN_IN_USER: "api@acme.example",
        SIGN_IN_PASSWORD: "correct-horse-42"
      },
      100,
      40
    )
    await s.waitText("Verdict:")
    await selectRow(s, "OAuth access token")
    await s.press("s")
    await s.waitText("Paste the URL the browser was sent to")
    const back = await written(out)
    expect(back).toMatch(/^https:\/\/arlo-ready\.example\/oauth\/callback\?code=/)
    await s.press(`${back}\r`)
    await s.waitText("Sign-in: the access token revoked; the refresh token revoked.")
    const text = s.screen().join("\n")
    expect(text).toMatch(/✔ \S* +oauth\.client\.approved/)
    expect(text).toMatch(/✔ \S* +oauth\.token/)
    expect(text).toMatch(/✔ \S* +roles\.administrator/)
    expect(await s.exit).toBe(0)
  })

  it("--demo: s on the first identity's OAuth check signs in on the demo's acme platform and proves it", async () => {
    const out = join(dir, "demo-back.txt")
    const s = open(
      ["--demo"],
      {
        BROWSER: browser,
        SIGN_IN_OUT: out,
        SIGN_IN_USER: "integrations@acme.example",
        SIGN_IN_PASSWORD: "demo-acme-battery-staple-9"
      },
      100,
      40
    )
    await s.waitText("Verdict:")
    await selectRow(s, "OAuth access token")
    await s.press("s")
    await s.waitText("Paste the URL the browser was sent to")
    const back = await written(out)
    expect(back).toMatch(/^https:\/\/arlo-ready\.example\/oauth\/callback\?code=/)
    await s.press(`${back}\r`)
    await s.waitText("Sign-in: the access token revoked; the refresh token revoked.")
    const text = s.screen().join("\n")
    expect(text).toMatch(/✔ \S* +oauth\.client\.approved/)
    expect(text).toMatch(/✔ \S* +oauth\.token/)
    expect(text).toMatch(/✔ \S* +roles\.administrator/)
    expect(await s.exit).toBe(0)
  })
})
