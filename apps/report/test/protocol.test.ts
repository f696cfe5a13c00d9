/**
 * Verdicts from the protocol and a selection that cannot lie, through the real binary: the simulator's
 * dialects (sign-in redirects, error-page shapes, a 401 without a challenge, MFA as 403), --only/--skip/
 * --assume, a machine without DNS, and an access token tested alone.
 */
import { mkdtempSync, writeFileSync } from "node:fs"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { startSimulator } from "@arlo-ready/simulator"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { assertBuilt, auditEnv, oneLineError, run, validReport } from "./helpers.js"

type Sim = Awaited<ReturnType<typeof startSimulator>>
let sim: Sim
beforeAll(async () => {
  assertBuilt()
  sim = await startSimulator({ scenario: "ready" })
})
afterAll(async () => {
  await sim.close()
})

const statusOf = (stdout: string, id: string) => validReport(JSON.parse(stdout)).checks.find((c) => c.id === id)

const deadPort = async () => {
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe("dialects the simulator did not speak before", () => {
  it("an oidc-provider style 303 to /interaction/{uid} is sign-in: ready", async () => {
    sim.updatePlatform("acme", { dialect: { signIn: "oidc-provider" } })
    try {
      const r = await run(["--format", "json"], { env: auditEnv(sim, "acme") })
      expect(r.code).toBe(0)
      expect(statusOf(r.stdout, "oauth.server")?.status).toBe("pass")
      expect(statusOf(r.stdout, "oauth.redirect-uri")?.status).toBe("pass")
    } finally {
      sim.updatePlatform("acme", { dialect: { signIn: "identityserver3" } })
    }
  })

  it("an unregistered redirect URI on a plain <p> error page: fail, exit 1", async () => {
    sim.updatePlatform("acme", { dialect: { authorizeError: "paragraph" } })
    try {
      const env = { ...auditEnv(sim, "acme"), ARLO_REDIRECT_URI: "https://arlo-ready.example/elsewhere" }
      const r = await run(["--format", "json", "--only", "oauth.redirect-uri"], { env })
      expect(r.code).toBe(1)
      expect(statusOf(r.stdout, "oauth.redirect-uri")).toMatchObject({
        status: "fail",
        cause: { code: "redirect_uri_not_registered" }
      })
    } finally {
      sim.updatePlatform("acme", { dialect: { authorizeError: "classes" } })
    }
  })

  it("a gateway's HTML 401 without a challenge: reachable (warn), and a wrong password is still diagnosed", async () => {
    sim.updatePlatform("acme", { dialect: { unauthorized: "gateway_html" } })
    try {
      const env = { ...auditEnv(sim, "acme"), ARLO_PASSWORD: "wrong" }
      const r = await run(["--format", "json", "--auth", "basic"], { env })
      expect(r.code).toBe(1)
      expect(statusOf(r.stdout, "target.reachable")?.status).toBe("warn")
      expect(statusOf(r.stdout, "basic.credentials")).toMatchObject({ status: "fail", cause: { code: "rejected" } })
    } finally {
      sim.updatePlatform("acme", { dialect: { unauthorized: "challenge" } })
    }
  })

  it("MFA named in a 403: basic.mfa fails, exit 1", async () => {
    const mfa = await startSimulator({ scenario: "mfa-optional", dialect: { mfaFailure: "forbidden" } })
    try {
      const platform = Object.keys(mfa.platforms)[0]!
      const r = await run(["--format", "json", "--auth", "basic"], { env: auditEnv(mfa, platform) })
      expect(r.code).toBe(1)
      expect(statusOf(r.stdout, "basic.mfa")).toMatchObject({ status: "fail", cause: { code: "mfa_enabled" } })
    } finally {
      await mfa.close()
    }
  })
})

describe("a selection never turns a check that did not run into ready", () => {
  it("--only basic.mfa against a dead host: not ready (exit 1), the failed prerequisite reported", async () => {
    const env = { ...auditEnv(sim, "acme"), ARLO_BASE_URL: `http://127.0.0.1:${await deadPort()}/acme` }
    const r = await run(["--format", "text", "--only", "basic.mfa"], { env })
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/NOT READY/)
    expect(r.stdout).not.toMatch(/^\S*\s*READY\b/m)
    expect(r.stdout).toMatch(/target\.reachable/)
    const json = await run(["--format", "json", "--only", "basic.mfa"], { env })
    expect(statusOf(json.stdout, "target.reachable")).toMatchObject({ status: "fail", prerequisiteOf: ["basic.mfa"] })
  })

  it("--only the role checks with a wrong password, or for an MFA-blocked user: not ready", async () => {
    const wrong = await run(["--format", "json", "--only", "roles.api-user,roles.administrator"], {
      env: { ...auditEnv(sim, "acme"), ARLO_PASSWORD: "wrong" }
    })
    expect(wrong.code).toBe(1)
    expect(statusOf(wrong.stdout, "basic.credentials")?.status).toBe("fail")
    const mfa = await startSimulator({ scenario: "mfa-optional" })
    try {
      const r = await run(["--format", "json", "--only", "roles.administrator"], {
        env: auditEnv(mfa, Object.keys(mfa.platforms)[0]!)
      })
      expect(statusOf(r.stdout, "basic.mfa")).toMatchObject({ status: "fail", prerequisiteOf: ["roles.administrator"] })
      expect(r.code).toBe(1)
      expect(validReport(JSON.parse(r.stdout)).verdict).toBe("not_ready")
    } finally {
      await mfa.close()
    }
  })

  it("--skip target.reachable: the checks that need it did not run: incomplete (exit 3)", async () => {
    const r = await run(["--format", "json", "--skip", "target.reachable"], { env: auditEnv(sim, "acme") })
    expect(r.code).toBe(3)
    expect(validReport(JSON.parse(r.stdout)).verdict).toBe("incomplete")
  })

  it("--assume target.reachable: the user takes it on; the rest runs and decides", async () => {
    const r = await run(["--format", "json", "--only", "basic.mfa", "--assume", "target.reachable"], {
      env: auditEnv(sim, "acme")
    })
    expect(r.code).toBe(0)
    expect(statusOf(r.stdout, "target.reachable")).toMatchObject({ status: "skipped", cause: { code: "assumed" } })
  })

  it("one id both selected and skipped, or nothing left to run: a usage error (exit 2)", async () => {
    const both = await run(["--only", "basic.mfa", "--skip", "basic.mfa"], { env: auditEnv(sim, "acme") })
    expect(both.code).toBe(2)
    expect(oneLineError(both.stderr)).toMatch(/both selected/)
    const none = await run(["--skip", "target,basic,roles,oauth,policy"], { env: auditEnv(sim, "acme") })
    expect(none.code).toBe(2)
    expect(oneLineError(none.stderr)).toMatch(/no check to run/)
  })

  it("--help states the rule", async () => {
    const r = await run(["--help"])
    expect(r.stdout).toMatch(/--assume/)
    expect(r.stdout).toMatch(/incomplete \(exit 3\)/)
  })
})

describe("a machine without DNS", () => {
  const stubDir = mkdtempSync(join(tmpdir(), "arlo-ready-dns-"))
  /** A resolver for the child process: every name fails, or every name but arlo.co. */
  const stub = (arloResolves: boolean) => {
    const path = join(stubDir, `dns-${arloResolves}.cjs`)
    writeFileSync(
      path,
      `const dns = require("node:dns");
const fail = (host) => Object.assign(new Error("getaddrinfo ENOTFOUND " + host), { code: "ENOTFOUND", hostname: host });
const lookup = dns.lookup;
dns.lookup = function (host, options, cb) {
  const done = typeof options === "function" ? options : cb;
  if (${arloResolves} && host === "arlo.co") return process.nextTick(() => done(null, "192.0.2.1", 4));
  if (host === "127.0.0.1" || host === "localhost") return lookup.apply(this, arguments);
  process.nextTick(() => done(fail(host)));
};
`
    )
    return path
  }

  it("no name resolves: the network is the cause, incomplete (exit 3), not 'no platform named'", async () => {
    const r = await run(["--format", "json", "--platform", "acme"], {
      env: { ARLO_USERNAME: "a@acme.example", ARLO_PASSWORD: "pw", NODE_OPTIONS: `--require ${stub(false)}` }
    })
    expect(r.code).toBe(3)
    const reachable = statusOf(r.stdout, "target.reachable")
    expect(reachable).toMatchObject({ status: "error", cause: { code: "dns_unavailable" } })
    expect(reachable?.summary).not.toMatch(/No platform named/)
  })

  it("other names resolve: the platform name is wrong (exit 1)", async () => {
    const r = await run(["--format", "json", "--platform", "acme"], {
      env: { ARLO_USERNAME: "a@acme.example", ARLO_PASSWORD: "pw", NODE_OPTIONS: `--require ${stub(true)}` }
    })
    expect(r.code).toBe(1)
    expect(statusOf(r.stdout, "target.reachable")?.summary).toMatch(/No platform named 'acme'/)
  })
})

describe("an access token tested alone", () => {
  it("ARLO_ACCESS_TOKEN without a client: the token and its identity's roles are tested", async () => {
    const a = sim.platforms.acme!.audit
    const consent = await fetch(`${sim.url}/__admin/platforms/acme/oauth/consent`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        clientId: a.clientId,
        username: a.username,
        scopes: "openid profile roles all_claims",
        redirectUri: a.redirectUri
      })
    })
    const { code } = (await consent.json()) as { code: string }
    const token = await fetch(`${sim.platforms.acme!.baseUrl}/oauth/connect/token`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${Buffer.from(`${a.clientId}:${a.clientSecret}`).toString("base64")}`
      },
      body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: a.redirectUri! }).toString()
    })
    const { access_token } = (await token.json()) as { access_token: string }
    sim.clearJournal()
    const r = await run(["--format", "json"], {
      env: { ARLO_BASE_URL: sim.platforms.acme!.baseUrl, ARLO_ACCESS_TOKEN: access_token }
    })
    expect(r.code).toBe(0)
    const report = validReport(JSON.parse(r.stdout))
    expect(report.checks.find((c) => c.id === "oauth.token")?.status).toBe("pass")
    expect(report.checks.find((c) => c.id === "roles.api-user")?.status).toBe("pass")
    expect(report.checks.find((c) => c.id === "oauth.client.registered")?.status).toBe("not_applicable")
    // No client was given: nothing was asked of the authorize or token endpoints.
    expect(sim.journal().some((j) => j.path.includes("connect/authorize") || j.path.includes("connect/token"))).toBe(
      false
    )
  })
})
