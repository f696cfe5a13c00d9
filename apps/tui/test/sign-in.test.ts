/**
 * `arlo-ready --sign-in`, the built binary against the simulator over real HTTP: the authorize URL it
 * prints is followed by a browser (test/browser.mjs, run as BROWSER, or played by the test), the
 * redirect comes back pasted or to the binary's loopback listener, and the report shows what the
 * sign-in proved. After the file, the platform holds no live token.
 */
import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { type SimulatorHandle, startSimulator } from "@arlo-ready/simulator"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
// @ts-expect-error: a plain ES module, run as a program too
import { browse } from "./browser.mjs"
import { bin, cleanEnv, sleep } from "./pty.js"

const browser = fileURLToPath(new URL("./browser.mjs", import.meta.url))
const platform = "acme"
const clientId = "acme-integration"
const secret = "acme-client-secret-7f2c"
const person = { SIGN_IN_USER: "api@acme.example", SIGN_IN_PASSWORD: "correct-horse-42" }
/** The demo scenario's acme identity (packages/simulator/scenarios/demo.json). */
const demoPerson = { SIGN_IN_USER: "integrations@acme.example", SIGN_IN_PASSWORD: "demo-acme-battery-staple-9" }
let sim: SimulatorHandle
let dir: string

beforeAll(async () => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: build the app first`)
  sim = await startSimulator({ scenario: "ready" })
  dir = mkdtempSync(join(tmpdir(), "arlo-ready-sign-in-"))
})
afterAll(async () => {
  expect(sim.liveTokens(platform)).toEqual([])
  await sim.close()
  rmSync(dir, { recursive: true, force: true })
})

const oauthEnv = (extra: Record<string, string> = {}) =>
  cleanEnv({
    ARLO_BASE_URL: sim.platforms[platform]!.baseUrl,
    ARLO_CLIENT_ID: clientId,
    ARLO_CLIENT_SECRET: secret,
    ARLO_REDIRECT_URI: "https://arlo-ready.example/oauth/callback",
    ARLO_SCOPES: "openid profile roles offline_access all_claims",
    ...extra
  })

interface Ran {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs the binary; `paste` is called once the browser has written where it was sent, and its answer typed in. */
const run = (
  args: ReadonlyArray<string>,
  env: Record<string, string>,
  paste?: (stderrSoFar: () => string) => Promise<string>
) =>
  new Promise<Ran>((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ["pipe", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d) => {
      stdout += d
    })
    child.stderr.on("data", (d) => {
      stderr += d
    })
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000)
    child.on("close", (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
    if (paste) paste(() => stderr).then((line) => child.stdin.write(`${line}\n`))
  })

/** The URL the BROWSER script wrote, once it has. */
const written = async (file: string): Promise<string> => {
  for (let i = 0; i < 200; i++) {
    if (existsSync(file)) {
      const text = readFileSync(file, "utf8")
      if (text !== "") return text
    }
    await sleep(50)
  }
  throw new Error("the browser wrote nothing")
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer()
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })

/** The plain line of a check: `MARK STATUS  id  title — summary`. */
const line = (stdout: string, id: string) => stdout.split("\n").find((l) => l.split(/\s+/)[2] === id) ?? ""

describe("arlo-ready --sign-in", () => {
  it("pasted URL: the browser signs in, the URL is pasted, the report proves approval, token and roles, and both tokens are revoked", async () => {
    const out = join(dir, "pasted.txt")
    const r = await run(["--sign-in"], oauthEnv({ BROWSER: browser, SIGN_IN_OUT: out, ...person }), () => written(out))
    expect(r.stderr).toContain("/acme/oauth/connect/authorize?client_id=acme-integration")
    expect(r.stderr).toContain("code_challenge_method=S256")
    expect(r.code).toBe(0)
    expect(line(r.stdout, "oauth.client.approved")).toMatch(/^✔/)
    expect(r.stdout).toContain("a sign-in with it was issued an access token")
    expect(line(r.stdout, "oauth.token")).toMatch(/^✔/)
    expect(line(r.stdout, "roles.administrator")).toMatch(/^✔/)
    expect(r.stderr).toContain("Sign-in: the access token revoked; the refresh token revoked.")
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/code=[A-Za-z0-9_-]{20}/)
    expect(sim.liveTokens(platform)).toEqual([])
  })

  it("loopback: the binary listens on the registered redirect URI and the browser lands there", async () => {
    const port = await freePort()
    const redirectUri = `http://127.0.0.1:${port}/callback`
    sim.updateClient(platform, clientId, { redirectUris: ["https://arlo-ready.example/oauth/callback", redirectUri] })
    const r = await run(["--sign-in"], oauthEnv({ ARLO_REDIRECT_URI: redirectUri, BROWSER: browser, ...person }))
    expect(r.stderr).toContain(`Waiting for the browser at ${redirectUri}`)
    expect(r.code).toBe(0)
    expect(line(r.stdout, "oauth.token")).toMatch(/^✔/)
    expect(r.stderr).toContain("the access token revoked")
  })

  it("consent refused: the report says access_denied and the run is not ready", async () => {
    const out = join(dir, "denied.txt")
    const r = await run(
      ["--sign-in"],
      oauthEnv({ BROWSER: browser, SIGN_IN_OUT: out, SIGN_IN_CONSENT: "deny", ...person }),
      () => written(out)
    )
    expect(r.code).toBe(1)
    expect(line(r.stdout, "oauth.token")).toMatch(/^✘/)
    expect(r.stdout).toContain("access_denied")
  })

  it("no browser here: the URL is printed, the person follows it and pastes; --keep-token prints only the token", async () => {
    const env = oauthEnv({ BROWSER: join(dir, "no-such-browser") })
    const r = await run(["--sign-in", "--keep-token"], env, async (stderr) => {
      // Played by the test: the URL the binary printed.
      let printed: string | undefined
      for (let i = 0; i < 200 && printed === undefined; i++) {
        printed = /^ {2}(http\S+)$/m.exec(stderr())?.[1]
        if (printed === undefined) await sleep(50)
      }
      const you = { username: person.SIGN_IN_USER, password: person.SIGN_IN_PASSWORD, consent: "allow" }
      return browse(printed, you, (u: string) => u.startsWith("https://arlo-ready.example/oauth/callback"))
    })
    expect(r.code).toBe(0)
    const token = r.stdout.trim()
    expect(token).toMatch(/^[A-Za-z0-9_-]{20,}$/)
    expect(r.stderr).toContain("the access token kept (--keep-token)")
    expect(r.stderr).toContain("the refresh token revoked")
    expect(r.stderr).not.toContain(token)
    expect(sim.liveTokens(platform)).toEqual([{ kind: "access_token", clientId, username: "api@acme.example" }])
    // Revoked here, as a later audit's owner would.
    const res = await fetch(`${sim.platforms[platform]!.baseUrl}/oauth/connect/revocation`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded"
      },
      body: new URLSearchParams({ token, token_type_hint: "access_token" }).toString()
    })
    expect(res.status).toBe(200)
  })

  it("--demo --sign-in: the embedded demo's first OAuth client signs in, and the report proves approval, token and roles", async () => {
    const out = join(dir, "demo-embedded.txt")
    const r = await run(["--demo", "--sign-in"], cleanEnv({ BROWSER: browser, SIGN_IN_OUT: out, ...demoPerson }), () =>
      written(out)
    )
    expect(r.stderr).toContain("/acme/oauth/connect/authorize?client_id=acme-crm-sync")
    expect(r.code).toBe(0)
    expect(line(r.stdout, "oauth.client.approved")).toMatch(/^✔/)
    expect(line(r.stdout, "oauth.token")).toMatch(/^✔/)
    expect(line(r.stdout, "roles.administrator")).toMatch(/^✔/)
    expect(r.stderr).toContain("Sign-in: the access token revoked; the refresh token revoked.")
  })

  it("bad input: one line naming what to fix, exit 2", async () => {
    const a = await run(["--keep-token"], oauthEnv())
    expect(a.code).toBe(2)
    expect(a.stderr.trim()).toBe("arlo-ready: --keep-token keeps the token of a sign-in: add --sign-in")
    const b = await run(["--sign-in"], oauthEnv({ ARLO_REDIRECT_URI: "" }))
    expect(b.code).toBe(2)
    expect(b.stderr.trim().split("\n")).toHaveLength(1)
    expect(b.stderr).toContain("--redirect-uri")
  })
})

describe("arlo-ready --sign-in on the demo scenario's platform", () => {
  let demo: SimulatorHandle
  beforeAll(async () => {
    demo = await startSimulator({ scenario: "demo" })
  })
  afterAll(async () => {
    expect(demo.liveTokens("acme")).toEqual([])
    await demo.close()
  })

  it("acme: the sign-in proves approval, token and roles, then revokes both tokens", async () => {
    const out = join(dir, "demo.txt")
    const r = await run(
      ["--sign-in"],
      cleanEnv({
        ARLO_BASE_URL: demo.platforms.acme!.baseUrl,
        ARLO_CLIENT_ID: "acme-crm-sync",
        ARLO_CLIENT_SECRET: "demo-acme-client-secret-4e1f",
        ARLO_REDIRECT_URI: "https://arlo-ready.example/oauth/callback",
        ARLO_SCOPES: "openid profile roles offline_access all_claims",
        BROWSER: browser,
        SIGN_IN_OUT: out,
        ...demoPerson
      }),
      () => written(out)
    )
    expect(r.code).toBe(0)
    expect(line(r.stdout, "oauth.client.approved")).toMatch(/^✔/)
    expect(r.stdout).toContain("a sign-in with it was issued an access token")
    expect(line(r.stdout, "oauth.token")).toMatch(/^✔/)
    expect(line(r.stdout, "roles.api-user")).toMatch(/^✔/)
    expect(line(r.stdout, "roles.administrator")).toMatch(/^✔/)
    expect(r.stderr).toContain("Sign-in: the access token revoked; the refresh token revoked.")
    expect(demo.liveTokens("acme")).toEqual([])
  })
})
