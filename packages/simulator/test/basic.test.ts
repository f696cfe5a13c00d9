import { beforeEach, describe, expect, it } from "vitest"
import type { Scenario } from "../src/index.js"
import { apiError, basic, get, RES, useSimulator } from "./helpers.js"

const scenario: Scenario.ScenarioInput = {
  name: "auth-matrix",
  description: "one user per Basic-auth outcome",
  platforms: [
    {
      name: "tenant",
      users: [
        { username: "ok@tenant.test", password: "pw-ok-1", roles: ["API User", "Administrator"] },
        { username: "locked@tenant.test", password: "pw-locked-2", roles: ["API User", "Administrator"], locked: true },
        { username: "mfa@tenant.test", password: "pw-mfa-3", roles: ["API User", "Administrator"], mfaEnabled: true },
        { username: "noapi@tenant.test", password: "pw-noapi-4", roles: ["Administrator"] },
        {
          username: "int@tenant.test",
          password: "pw-int-5",
          roles: ["API User", "Administrator"],
          accountType: "integration",
          mfaEnabled: true
        }
      ],
      audit: {}
    }
  ]
}

const ctx = useSimulator({ scenario })
const url = (path = "") => `${ctx.sim.platforms.tenant!.baseUrl}${RES}${path}`
const as = (u: string, p: string, extra: Record<string, string> = {}) =>
  get(url(), { authorization: basic(u, p), ...extra })

const OPAQUE = "Authentication failed. The credentials supplied are invalid."

beforeEach(() => {
  ctx.sim.updatePlatform("tenant", {
    mfaSetting: "optional",
    dialect: { mfaFailure: "explicit", lockedFailure: "explicit", noApiAccessStatus: 403 }
  })
})

describe("the opaque 401", () => {
  it("answers every missing or wrong credential with the same challenge and byte-identical body", async () => {
    const answers = await Promise.all([
      get(url()),
      get(url(), { authorization: "Basic !!!not-base64" }),
      get(url(), { authorization: `Basic ${Buffer.from("no-colon-here").toString("base64")}` }),
      get(url(), { authorization: "Digest username=ok@tenant.test" }),
      as("nobody@tenant.test", "pw-ok-1"),
      as("ok@tenant.test", "pw-wrong"),
      as("ok@tenant.test", "")
    ])
    for (const a of answers) {
      expect(a.status).toBe(401)
      expect(a.headers.get("www-authenticate")).toBe('Basic realm="Arlo"')
      expect(a.headers.get("content-type")).toBe("application/xml; charset=utf-8")
      expect(apiError(a)).toEqual({ code: "Unauthorized", message: OPAQUE })
      expect(a.body).toBe(answers[0]!.body)
    }
  })

  it("lets the right credentials through (username case-insensitive, password exact)", async () => {
    expect((await as("ok@tenant.test", "pw-ok-1")).status).toBe(200)
    expect((await as("OK@Tenant.TEST", "pw-ok-1")).status).toBe(200)
    expect((await as("ok@tenant.test", "PW-OK-1")).status).toBe(401)
  })
})

describe("dialect lockedFailure", () => {
  it("explicit: 401 AccountLocked with the Basic challenge", async () => {
    const a = await as("locked@tenant.test", "pw-locked-2")
    expect(a.status).toBe(401)
    expect(a.headers.get("www-authenticate")).toBe('Basic realm="Arlo"')
    expect(apiError(a).code).toBe("AccountLocked")
    expect(apiError(a).message).toMatch(/locked/)
  })

  it("opaque: the opaque 401 byte for byte", async () => {
    ctx.sim.updatePlatform("tenant", { dialect: { lockedFailure: "opaque" } })
    const wrong = await as("ok@tenant.test", "nope")
    const locked = await as("locked@tenant.test", "pw-locked-2")
    expect(locked.status).toBe(401)
    expect(locked.body).toBe(wrong.body)
    expect(locked.headers.get("www-authenticate")).toBe(wrong.headers.get("www-authenticate"))
  })

  it("a wrong password for a locked user is the opaque 401 in either dialect", async () => {
    const wrong = await as("ok@tenant.test", "nope")
    expect((await as("locked@tenant.test", "nope")).body).toBe(wrong.body)
  })
})

describe("dialect mfaFailure", () => {
  it("explicit: 401 MfaEnabled with the documented message", async () => {
    const a = await as("mfa@tenant.test", "pw-mfa-3")
    expect(a.status).toBe(401)
    expect(a.headers.get("www-authenticate")).toBe('Basic realm="Arlo"')
    expect(apiError(a).code).toBe("MfaEnabled")
    expect(apiError(a).message).toMatch(/^Users with MFA enabled are not able to authenticate using the API\. /)
  })

  it("opaque: the opaque 401 byte for byte", async () => {
    ctx.sim.updatePlatform("tenant", { dialect: { mfaFailure: "opaque" } })
    const wrong = await as("ok@tenant.test", "nope")
    const mfa = await as("mfa@tenant.test", "pw-mfa-3")
    expect(mfa.status).toBe(401)
    expect(mfa.body).toBe(wrong.body)
  })

  it("a Required platform setting blocks a standard user without MFA turned on", async () => {
    expect((await as("ok@tenant.test", "pw-ok-1")).status).toBe(200)
    ctx.sim.updatePlatform("tenant", { mfaSetting: "required" })
    const a = await as("ok@tenant.test", "pw-ok-1")
    expect(a.status).toBe(401)
    expect(apiError(a).code).toBe("MfaEnabled")
  })

  it("never blocks an Integration Account, under Optional or Required, even with MFA on", async () => {
    expect((await as("int@tenant.test", "pw-int-5")).status).toBe(200)
    ctx.sim.updatePlatform("tenant", { mfaSetting: "required" })
    expect((await as("int@tenant.test", "pw-int-5")).status).toBe(200)
  })

  it("turning MFA off lets the user in", async () => {
    ctx.sim.updateUser("tenant", "mfa@tenant.test", { mfaEnabled: false })
    expect((await as("mfa@tenant.test", "pw-mfa-3")).status).toBe(200)
    ctx.sim.updateUser("tenant", "mfa@tenant.test", { mfaEnabled: true })
    expect((await as("mfa@tenant.test", "pw-mfa-3")).status).toBe(401)
  })
})

describe("dialect noApiAccessStatus", () => {
  it("403: Forbidden, without a challenge", async () => {
    const a = await as("noapi@tenant.test", "pw-noapi-4")
    expect(a.status).toBe(403)
    expect(a.headers.get("www-authenticate")).toBeNull()
    expect(apiError(a).code).toBe("Forbidden")
  })

  it("401: the opaque 401 byte for byte", async () => {
    ctx.sim.updatePlatform("tenant", { dialect: { noApiAccessStatus: 401 } })
    const wrong = await as("ok@tenant.test", "nope")
    const a = await as("noapi@tenant.test", "pw-noapi-4")
    expect(a.status).toBe(401)
    expect(a.body).toBe(wrong.body)
    expect(a.headers.get("www-authenticate")).toBe('Basic realm="Arlo"')
  })

  it("granting API User gives access", async () => {
    ctx.sim.updateUser("tenant", "noapi@tenant.test", { roles: ["Administrator", "API User"] })
    expect((await as("noapi@tenant.test", "pw-noapi-4")).status).toBe(200)
    ctx.sim.updateUser("tenant", "noapi@tenant.test", { roles: ["Administrator"] })
  })
})

describe("content negotiation", () => {
  it.each([
    "application/xml",
    "text/xml",
    "application/*",
    "*/*",
    "application/json, application/xml;q=0.9",
    "TEXT/XML; charset=utf-8"
  ])("serves XML for Accept: %s", async (accept) => {
    const a = await as("ok@tenant.test", "pw-ok-1", { accept })
    expect(a.status).toBe(200)
    expect(a.headers.get("content-type")).toBe("application/xml; charset=utf-8")
  })

  it.each(["application/json", "text/html", "text/plain, application/json"])(
    "answers 406 NotAcceptable for Accept: %s, before authentication",
    async (accept) => {
      const authed = await as("ok@tenant.test", "pw-ok-1", { accept })
      const anonymous = await get(url(), { accept })
      for (const a of [authed, anonymous]) {
        expect(a.status).toBe(406)
        expect(apiError(a).code).toBe("NotAcceptable")
      }
    }
  )
})

describe("methods", () => {
  it.each(["POST", "PUT", "PATCH", "DELETE"])("refuses %s with 405 after authentication", async (method) => {
    const a = await get(url("events/"), { authorization: basic("ok@tenant.test", "pw-ok-1") }, { method, body: "<x/>" })
    expect(a.status).toBe(405)
    expect(a.headers.get("allow")).toBe("GET, HEAD")
    expect(apiError(a).code).toBe("MethodNotAllowed")
    const anonymous = await get(url("events/"), {}, { method, body: "<x/>" })
    expect(anonymous.status).toBe(401)
  })

  it("serves HEAD with the GET status and no body", async () => {
    const a = await get(url("events/"), { authorization: basic("ok@tenant.test", "pw-ok-1") }, { method: "HEAD" })
    expect(a.status).toBe(200)
    expect(a.body).toBe("")
    const denied = await get(url("events/"), {}, { method: "HEAD" })
    expect(denied.status).toBe(401)
  })
})
