/**
 * The dialects that make one protocol answer differently: where the authorize endpoint sends a browser
 * to sign in (`signIn`), the shape of its error page (`authorizeError`), how a resource's 401 looks
 * (`unauthorized`), and an MFA-blocked user refused with 403 (`mfaFailure: forbidden`). Every request is
 * real HTTP against the simulator on loopback; most dialects are set in the scenario, some patched.
 */
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { Scenario } from "../src/index.js"
import { apiError, basic, get, postForm, RES, useSimulator } from "./helpers.js"

const REDIRECT = "https://app.test/callback"
const FULL = ["openid", "profile", "roles", "offline_access", "all_claims"]

const platform = (
  name: string,
  dialect: Scenario.DialectInput = {},
  extra: Partial<Scenario.ScenarioInput["platforms"][number]> = {}
) => ({
  name,
  dialect,
  users: [
    {
      username: "admin@dialects.test",
      password: "pw-admin",
      contactId: 31,
      roles: ["API User", "Administrator"] as const
    },
    {
      username: "mfa@dialects.test",
      password: "pw-mfa",
      contactId: 32,
      roles: ["API User", "Administrator"] as const,
      mfaEnabled: true
    },
    {
      username: "locked@dialects.test",
      password: "pw-locked",
      contactId: 33,
      roles: ["API User", "Administrator"] as const,
      locked: true
    },
    { username: "noapi@dialects.test", password: "pw-noapi", contactId: 34, roles: ["Administrator"] as const },
    {
      username: "sync@dialects.test",
      password: "pw-sync",
      contactId: 35,
      roles: ["API User", "Administrator"] as const,
      accountType: "integration" as const
    }
  ],
  clients: [
    { clientId: "app", clientSecret: "app-secret", redirectUris: [REDIRECT] },
    { clientId: "pending-app", clientSecret: "pending-secret", redirectUris: [REDIRECT], status: "pending" as const },
    { clientId: "revoked-app", clientSecret: "revoked-secret", redirectUris: [REDIRECT], status: "revoked" as const }
  ],
  audit: {},
  ...extra
})

const scenario: Scenario.ScenarioInput = {
  name: "dialects",
  description: "one platform per dialect value",
  platforms: [
    platform("is3"),
    platform("is4", { signIn: "identityserver4" }),
    platform("oidc", { signIn: "oidc-provider" }),
    platform("central", { signIn: "central" }),
    platform("page", { signIn: "page" }),
    platform("paragraph", { authorizeError: "paragraph" }),
    platform("pre", { authorizeError: "pre" }),
    platform("json", { authorizeError: "json" }),
    platform("nochallenge", { unauthorized: "no_challenge" }),
    platform("gateway", { unauthorized: "gateway_html" }),
    platform("forbidden", { mfaFailure: "forbidden" }),
    platform("forbidden-required", { mfaFailure: "forbidden" }, { mfaSetting: "required" }),
    platform("flex")
  ]
}

const ctx = useSimulator({ scenario })
const base = (p: string) => ctx.sim.platforms[p]!.baseUrl

const query = (params: Record<string, string> = {}) =>
  new URLSearchParams({
    client_id: "app",
    response_type: "code",
    scope: FULL.join(" "),
    redirect_uri: REDIRECT,
    state: "st-42",
    login_hint: "tenant:whoever",
    ...params
  }).toString()
const authorize = (p: string, params: Record<string, string> = {}) =>
  get(`${base(p)}/oauth/connect/authorize?${query(params)}`, {}, { redirect: "manual" })
const follow = (location: string) => get(new URL(location, ctx.sim.url).toString(), {}, { redirect: "manual" })

const isSignInPage = (g: { status: number; headers: Headers; body: string }) => {
  expect(g.status).toBe(200)
  expect(g.headers.get("content-type")).toMatch(/^text\/html/)
  expect(g.body).toContain("<form")
  expect(g.body).toContain('type="password"')
}

const NOT_FOUND = 404

describe("dialect signIn: where a valid authorize request goes to sign in", () => {
  it("identityserver3 (default): 302 to /{platform}/oauth/account/login?signin=…, a sign-in page", async () => {
    const g = await authorize("is3")
    expect(g.status).toBe(302)
    const loc = g.headers.get("location")!
    expect(loc).toMatch(/^\/is3\/oauth\/account\/login\?signin=[0-9a-f]{24}$/)
    isSignInPage(await follow(loc))
    expect((await follow("/is3/Account/Login?ReturnUrl=%2F")).status).toBe(NOT_FOUND)
    expect((await follow("/is3/oauth/interaction/abc")).status).toBe(NOT_FOUND)
  })

  it("identityserver4: 302 to /{platform}/Account/Login?ReturnUrl=<the callback path with the original query>", async () => {
    const q = query()
    const g = await get(`${base("is4")}/oauth/connect/authorize?${q}`, {}, { redirect: "manual" })
    expect(g.status).toBe(302)
    const loc = g.headers.get("location")!
    expect(loc).toBe(`/is4/Account/Login?ReturnUrl=${encodeURIComponent(`/is4/oauth/connect/authorize/callback?${q}`)}`)
    expect(loc).not.toContain("code=")
    const returnUrl = new URL(loc, ctx.sim.url).searchParams.get("ReturnUrl")!
    expect(returnUrl).toBe(`/is4/oauth/connect/authorize/callback?${q}`)
    isSignInPage(await follow(loc))
    // Nobody signed in: the callback sends the browser to the same sign-in again.
    const callback = await follow(returnUrl)
    expect(callback.status).toBe(302)
    expect(callback.headers.get("location")).toBe(loc)
    expect((await follow("/is4/oauth/account/login?signin=0")).status).toBe(NOT_FOUND)
    expect((await follow(`/is3/oauth/connect/authorize/callback?${q}`)).status).toBe(NOT_FOUND)
  })

  it("oidc-provider: 303 See Other to /{platform}/oauth/interaction/{uid}, a fresh uid each time", async () => {
    const a = await authorize("oidc")
    const b = await authorize("oidc")
    expect(a.status).toBe(303)
    const loc = a.headers.get("location")!
    expect(loc).toMatch(/^\/oidc\/oauth\/interaction\/[A-Za-z0-9_-]{22}$/)
    expect(b.headers.get("location")).not.toBe(loc)
    isSignInPage(await follow(loc))
    expect((await follow("/oidc/oauth/account/login?signin=0")).status).toBe(NOT_FOUND)
  })

  it("central: 302 to another origin of the same server, /identity/login with login_hint=tenant:{platform}", async () => {
    const g = await authorize("central")
    expect(g.status).toBe(302)
    const loc = g.headers.get("location")!
    const url = new URL(loc)
    expect(url.origin).toBe(`http://localhost:${ctx.sim.port}`)
    expect(url.origin).not.toBe(new URL(ctx.sim.url).origin)
    expect(url.pathname).toBe("/identity/login")
    expect(url.searchParams.get("login_hint")).toBe("tenant:central")
    expect(url.searchParams.get("signin")).toMatch(/^[0-9a-f]{24}$/)
    expect(loc).toMatch(/&login_hint=tenant:central$/)
    ctx.sim.clearJournal()
    isSignInPage(await get(loc, {}, { redirect: "manual" }))
    expect(ctx.sim.journal()).toMatchObject([
      { platform: "central", method: "GET", path: "/identity/login", status: 200, credentials: "none" }
    ])
  })

  it("central: the identity host answers only on its own origin and for a tenant that signs in there", async () => {
    const port = ctx.sim.port
    const own = await get(`${ctx.sim.url}/identity/login?login_hint=tenant:central`)
    expect(own.status).toBe(NOT_FOUND)
    const notCentral = await get(`http://localhost:${port}/identity/login?login_hint=tenant:is3`)
    expect(notCentral.status).toBe(NOT_FOUND)
    const unknown = await get(`http://localhost:${port}/identity/login?login_hint=tenant:nowhere`)
    expect(unknown.status).toBe(NOT_FOUND)
    const noHint = await get(`http://localhost:${port}/identity/login`)
    expect(noHint.status).toBe(NOT_FOUND)
    expect((await follow("/central/oauth/account/login?signin=0")).status).toBe(NOT_FOUND)
  })

  it("page: the authorize endpoint itself answers 200 text/html with a sign-in form, no redirect", async () => {
    const g = await authorize("page")
    expect(g.headers.get("location")).toBeNull()
    isSignInPage(g)
    expect(g.body).not.toContain("code=")
    expect((await follow("/page/oauth/account/login?signin=0")).status).toBe(NOT_FOUND)
  })

  it.each(["is3", "is4", "oidc", "central", "page"])(
    "%s: errors before sign-in are unchanged (error page, redirect to the redirect URI)",
    async (p) => {
      const unknown = await authorize(p, { client_id: "nope" })
      expect(unknown.status).toBe(400)
      expect(unknown.headers.get("location")).toBeNull()
      expect(unknown.body).toContain('<p class="error-code">unauthorized_client</p>')
      const badScope = await authorize(p, { scope: "openid superpowers" })
      expect(badScope.status).toBe(302)
      const loc = new URL(badScope.headers.get("location")!)
      expect(`${loc.origin}${loc.pathname}`).toBe(REDIRECT)
      expect(loc.searchParams.get("error")).toBe("invalid_scope")
      const badType = await authorize(p, { response_type: "token" })
      expect(new URL(badType.headers.get("location")!).searchParams.get("error")).toBe("unsupported_response_type")
    }
  )

  it.each(["identityserver3", "identityserver4", "oidc-provider", "central", "page"] as const)(
    "unapprovedClient login_then_denied follows signIn %s: a pending client signs in as if approved",
    async (signIn) => {
      ctx.sim.updatePlatform("flex", { dialect: { signIn, unapprovedClient: "login_then_denied" } })
      const approved = await authorize("flex")
      const pending = await authorize("flex", { client_id: "pending-app" })
      expect(pending.status).toBe(approved.status)
      const shape = (loc: string | null) =>
        loc?.replace(/[0-9a-f]{24}/g, "HEX").replace(/interaction\/[A-Za-z0-9_-]{22}/, "interaction/UID")
      expect(shape(pending.headers.get("location"))).toBe(
        shape(approved.headers.get("location"))?.replace("client_id%3Dapp", "client_id%3Dpending-app")
      )
      if (signIn === "page") isSignInPage(pending)
      else if (signIn === "central") isSignInPage(await get(pending.headers.get("location")!))
      else isSignInPage(await follow(pending.headers.get("location")!))
      const t = await postForm(
        `${base("flex")}/oauth/connect/token`,
        { grant_type: "authorization_code", code: "x", redirect_uri: REDIRECT },
        { authorization: basic("pending-app", "pending-secret") }
      )
      expect(t.status).toBe(400)
      expect(JSON.parse(t.body).error).toBe("unauthorized_client")
      ctx.sim.updatePlatform("flex", {
        dialect: { signIn: "identityserver3", unapprovedClient: "unauthorized_client" }
      })
    }
  )
})

const PAGE_HEAD = "<!DOCTYPE html>\n<html>\n<head><title>Error</title></head>\n<body>\n<h1>Error</h1>\n"
const PAGE_TAIL = "\n</body>\n</html>\n"

describe("dialect authorizeError: the authorize endpoint's error page (never a redirect)", () => {
  const cases = {
    unknown: { client_id: "nope" },
    revoked: { client_id: "revoked-app" },
    redirect: { redirect_uri: "https://evil.test/callback" },
    pending: { client_id: "pending-app" }
  } as const
  const expected = {
    paragraph: {
      type: /^text\/html/,
      unknown: `${PAGE_HEAD}<p>invalid_client: Unknown client.</p>${PAGE_TAIL}`,
      redirect: `${PAGE_HEAD}<p>invalid_request: The redirect_uri is not registered for this client.</p>${PAGE_TAIL}`,
      pending: `${PAGE_HEAD}<p>unauthorized_client: The client is registered but not approved.</p>${PAGE_TAIL}`
    },
    pre: {
      type: /^text\/html/,
      unknown: `${PAGE_HEAD}<pre>error: invalid_client\nerror_description: Unknown client.</pre>${PAGE_TAIL}`,
      redirect: `${PAGE_HEAD}<pre>error: invalid_redirect_uri\nerror_description: The redirect_uri is not registered for this client.</pre>${PAGE_TAIL}`,
      pending: `${PAGE_HEAD}<pre>error: unauthorized_client\nerror_description: The client is registered but not approved.</pre>${PAGE_TAIL}`
    },
    json: {
      type: /^application\/json/,
      unknown: '{"error":"invalid_client","error_description":"Unknown client."}',
      redirect: '{"error":"invalid_request","error_description":"The redirect_uri is not registered for this client."}',
      pending: '{"error":"unauthorized_client","error_description":"The client is registered but not approved."}'
    }
  } as const

  it.each(["paragraph", "pre", "json"] as const)("%s: 400, the exact body for each failure", async (dialect) => {
    for (const [name, params] of Object.entries(cases)) {
      const g = await authorize(dialect, params)
      expect(g.status, name).toBe(400)
      expect(g.headers.get("location"), name).toBeNull()
      expect(g.headers.get("content-type"), name).toMatch(expected[dialect].type)
      const want = expected[dialect][name === "revoked" ? "unknown" : (name as "unknown" | "redirect" | "pending")]
      expect(g.body, name).toBe(want)
      expect(g.body, name).not.toContain("class=")
    }
  })

  it("classes (default): today's page with error-code and error-description paragraphs", async () => {
    const page = (code: string, description: string) =>
      `<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Arlo: sign-in error</title></head>\n<body>\n<h1>Sorry, there was an error</h1>\n<p class="error-code">${code}</p>\n<p class="error-description">${description}</p>\n</body>\n</html>\n`
    expect((await authorize("is3", cases.unknown)).body).toBe(
      page("unauthorized_client", "Unknown client or client not enabled.")
    )
    expect((await authorize("is3", cases.redirect)).body).toBe(
      page("invalid_request", "The redirect_uri is not registered for this client.")
    )
    expect((await authorize("is3", cases.pending)).body).toBe(
      page("unauthorized_client", "The client is registered but not approved: ask Arlo support to approve it.")
    )
  })

  it("unapprovedClient invalid_client shows the unknown-client page of the dialect", async () => {
    ctx.sim.updatePlatform("json", { dialect: { unapprovedClient: "invalid_client" } })
    try {
      const g = await authorize("json", cases.pending)
      expect(g.status).toBe(400)
      expect(g.body).toBe(expected.json.unknown)
    } finally {
      ctx.sim.updatePlatform("json", { dialect: { unapprovedClient: "unauthorized_client" } })
    }
  })

  it.each(["paragraph", "pre", "json"] as const)("%s: the errors sent to the redirect URI are unchanged", async (p) => {
    const g = await authorize(p, { scope: "" })
    expect(g.status).toBe(302)
    expect(new URL(g.headers.get("location")!).searchParams.get("error")).toBe("invalid_scope")
    expect((await authorize(p)).status).toBe(302)
  })
})

const codeAndToken = async (p: string, username: string) => {
  const c = await fetch(`${ctx.sim.url}/__admin/platforms/${p}/oauth/consent`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ clientId: "app", username, scopes: FULL, redirectUri: REDIRECT })
  })
  const { code } = (await c.json()) as { code: string }
  const t = await postForm(
    `${base(p)}/oauth/connect/token`,
    { grant_type: "authorization_code", code, redirect_uri: REDIRECT },
    { authorization: basic("app", "app-secret") }
  )
  expect(t.status, t.body).toBe(200)
  return (JSON.parse(t.body) as { access_token: string }).access_token
}

const GATEWAY =
  "<html><head><title>401 Authorization Required</title></head><body><h1>401 Authorization Required</h1></body></html>\n"

describe("dialect unauthorized: how a 401 from the resources looks", () => {
  const basicCases: ReadonlyArray<[string, Record<string, string>]> = [
    ["anonymous", {}],
    ["wrong password", { authorization: basic("admin@dialects.test", "nope") }],
    ["unknown user", { authorization: basic("ghost@dialects.test", "nope") }],
    ["malformed", { authorization: "Basic !!!" }],
    ["another scheme", { authorization: "Digest username=x" }],
    ["MFA explicit", { authorization: basic("mfa@dialects.test", "pw-mfa") }],
    ["locked explicit", { authorization: basic("locked@dialects.test", "pw-locked") }],
    ["bogus bearer", { authorization: "Bearer not-a-token" }]
  ]

  it("challenge (default): WWW-Authenticate Basic (or Bearer for a token) and an ApiException", async () => {
    const anon = await get(`${base("is3")}${RES}`)
    expect(anon.status).toBe(401)
    expect(anon.headers.get("www-authenticate")).toBe('Basic realm="Arlo"')
    expect(apiError(anon).code).toBe("Unauthorized")
    const bearer = await get(`${base("is3")}${RES}`, { authorization: "Bearer not-a-token" })
    expect(bearer.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"')
  })

  it("no_challenge: every 401 carries the same ApiException, byte for byte, without WWW-Authenticate", async () => {
    for (const [name, headers] of basicCases) {
      const want = await get(`${base("is3")}${RES}events/`, headers)
      const g = await get(`${base("nochallenge")}${RES}events/`, headers)
      expect(want.status, name).toBe(401)
      expect(want.headers.get("www-authenticate"), name).not.toBeNull()
      expect(g.status, name).toBe(401)
      expect(g.headers.get("www-authenticate"), name).toBeNull()
      expect(g.headers.get("content-type"), name).toBe(want.headers.get("content-type"))
      expect(g.body, name).toBe(want.body)
    }
    expect(apiError(await get(`${base("nochallenge")}${RES}`, basicCases[5]![1])).code).toBe("MfaEnabled")
  })

  it("gateway_html: every 401 is the gateway's HTML page, no challenge, no ApiException (the MFA message is lost)", async () => {
    for (const [name, headers] of basicCases) {
      const g = await get(`${base("gateway")}${RES}events/`, headers)
      expect(g.status, name).toBe(401)
      expect(g.headers.get("www-authenticate"), name).toBeNull()
      expect(g.headers.get("content-type"), name).toMatch(/^text\/html/)
      expect(g.body, name).toBe(GATEWAY)
      expect(g.body, name).not.toMatch(/MFA|ApiException/)
    }
  })

  it("Bearer 401s of a real token follow the dialect too (a locked user's token)", async () => {
    for (const p of ["is3", "nochallenge", "gateway"]) {
      const token = await codeAndToken(p, "admin@dialects.test")
      ctx.sim.updateUser(p, "admin@dialects.test", { locked: true })
      try {
        const g = await get(`${base(p)}${RES}`, { authorization: `Bearer ${token}` })
        expect(g.status, p).toBe(401)
        if (p === "is3") {
          expect(g.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"')
          expect(apiError(g).code).toBe("AccountLocked")
        } else if (p === "nochallenge") {
          expect(g.headers.get("www-authenticate")).toBeNull()
          expect(apiError(g).code).toBe("AccountLocked")
        } else {
          expect(g.headers.get("www-authenticate")).toBeNull()
          expect(g.body).toBe(GATEWAY)
        }
      } finally {
        ctx.sim.updateUser(p, "admin@dialects.test", { locked: false })
      }
      expect((await get(`${base(p)}${RES}`, { authorization: `Bearer ${token}` })).status, p).toBe(200)
    }
  })

  it.each(["nochallenge", "gateway"])("%s: answers other than 401 are unchanged", async (p) => {
    const ok = await get(`${base(p)}${RES}`, { authorization: basic("admin@dialects.test", "pw-admin") })
    expect(ok.status).toBe(200)
    expect(ok.headers.get("content-type")).toMatch(/^application\/xml/)
    const noApi = await get(`${base(p)}${RES}`, { authorization: basic("noapi@dialects.test", "pw-noapi") })
    expect(noApi.status).toBe(403)
    expect(apiError(noApi).code).toBe("Forbidden")
    const notAcceptable = await get(`${base(p)}${RES}`, { accept: "application/json" })
    expect(notAcceptable.status).toBe(406)
    // The token endpoint is no resource: its 401 keeps its challenge.
    const t = await postForm(
      `${base(p)}/oauth/connect/token`,
      { grant_type: "authorization_code", code: "x", redirect_uri: REDIRECT },
      { authorization: basic("app", "wrong") }
    )
    expect(t.status).toBe(401)
    expect(t.headers.get("www-authenticate")).toBe('Basic realm="Arlo"')
  })

  it("gateway_html with mfaFailure opaque and noApiAccessStatus 401: still the gateway page", async () => {
    ctx.sim.updatePlatform("gateway", { dialect: { mfaFailure: "opaque", noApiAccessStatus: 401 } })
    try {
      for (const [u, pw] of [
        ["mfa@dialects.test", "pw-mfa"],
        ["noapi@dialects.test", "pw-noapi"]
      ] as const) {
        const g = await get(`${base("gateway")}${RES}`, { authorization: basic(u, pw) })
        expect(g.status, u).toBe(401)
        expect(g.body, u).toBe(GATEWAY)
      }
    } finally {
      ctx.sim.updatePlatform("gateway", { dialect: { mfaFailure: "explicit", noApiAccessStatus: 403 } })
    }
  })
})

describe("dialect mfaFailure forbidden: an MFA-blocked user gets 403", () => {
  it("403, no WWW-Authenticate, ApiException Forbidden naming multi-factor authentication", async () => {
    const g = await get(`${base("forbidden")}${RES}`, { authorization: basic("mfa@dialects.test", "pw-mfa") })
    expect(g.status).toBe(403)
    expect(g.headers.get("www-authenticate")).toBeNull()
    expect(g.headers.get("content-type")).toMatch(/^application\/xml/)
    expect(apiError(g)).toEqual({
      code: "Forbidden",
      message: "Users with multi-factor authentication (MFA) enabled are not able to access the API."
    })
  })

  it("under the Required setting a standard user is refused the same way; an Integration Account passes", async () => {
    const admin = await get(`${base("forbidden-required")}${RES}`, {
      authorization: basic("admin@dialects.test", "pw-admin")
    })
    expect(admin.status).toBe(403)
    expect(apiError(admin).message).toMatch(/multi-factor authentication/)
    const sync = await get(`${base("forbidden-required")}${RES}`, {
      authorization: basic("sync@dialects.test", "pw-sync")
    })
    expect(sync.status).toBe(200)
  })

  it("the checks before MFA are unchanged (wrong password, locked) and a token is not subject to MFA", async () => {
    const wrong = await get(`${base("forbidden")}${RES}`, { authorization: basic("mfa@dialects.test", "nope") })
    expect(wrong.status).toBe(401)
    expect(apiError(wrong).code).toBe("Unauthorized")
    const locked = await get(`${base("forbidden")}${RES}`, {
      authorization: basic("locked@dialects.test", "pw-locked")
    })
    expect(apiError(locked).code).toBe("AccountLocked")
    const token = await codeAndToken("forbidden", "mfa@dialects.test")
    expect((await get(`${base("forbidden")}${RES}`, { authorization: `Bearer ${token}` })).status).toBe(200)
  })

  it("is a 403, so unauthorized gateway_html leaves it alone", async () => {
    ctx.sim.updatePlatform("gateway", { dialect: { mfaFailure: "forbidden" } })
    try {
      const g = await get(`${base("gateway")}${RES}`, { authorization: basic("mfa@dialects.test", "pw-mfa") })
      expect(g.status).toBe(403)
      expect(apiError(g).code).toBe("Forbidden")
    } finally {
      ctx.sim.updatePlatform("gateway", { dialect: { mfaFailure: "explicit" } })
    }
  })
})

describe("setting the dialects", () => {
  const patch = (p: string, body: unknown) =>
    fetch(`${ctx.sim.url}/__admin/platforms/${p}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body)
    })

  it("the admin PATCH sets each new dialect, partially, and the platforms route shows it", async () => {
    try {
      const r = await patch("flex", {
        dialect: {
          signIn: "oidc-provider",
          authorizeError: "pre",
          unauthorized: "gateway_html",
          mfaFailure: "forbidden"
        }
      })
      expect(r.status).toBe(200)
      expect(await r.json()).toEqual({ ok: true })
      const view = (await (await fetch(`${ctx.sim.url}/__admin/platforms`)).json()) as {
        platforms: Array<{ name: string; dialect: Record<string, unknown> }>
      }
      expect(view.platforms.find((p) => p.name === "flex")!.dialect).toMatchObject({
        signIn: "oidc-provider",
        authorizeError: "pre",
        unauthorized: "gateway_html",
        mfaFailure: "forbidden",
        discovery: true
      })
      expect((await authorize("flex")).status).toBe(303)
      expect((await authorize("flex", { client_id: "nope" })).body).toContain("<pre>error: invalid_client")
      expect((await get(`${base("flex")}${RES}`)).body).toBe(GATEWAY)
      expect((await get(`${base("flex")}${RES}`, { authorization: basic("mfa@dialects.test", "pw-mfa") })).status).toBe(
        403
      )
    } finally {
      ctx.sim.updatePlatform("flex", {
        dialect: {
          signIn: "identityserver3",
          authorizeError: "classes",
          unauthorized: "challenge",
          mfaFailure: "explicit"
        }
      })
    }
    expect((await authorize("flex")).status).toBe(302)
  })

  it.each([
    ["signIn", "saml"],
    ["authorizeError", "xml"],
    ["unauthorized", "silent"],
    ["mfaFailure", "teapot"]
  ])("a PATCH with %s %j answers 400 naming the field", async (field, value) => {
    const r = await patch("flex", { dialect: { [field]: value } })
    expect(r.status).toBe(400)
    const body = (await r.json()) as { error: string; message: string }
    expect(body.error).toBe("invalid_request")
    expect(body.message).toContain(`dialect.${field}`)
  })

  it.each([
    ["signIn", "saml"],
    ["authorizeError", "xml"],
    ["unauthorized", "silent"],
    ["mfaFailure", "teapot"]
  ])("a scenario with %s %j is refused with one line naming the field", (field, value) => {
    const input = { ...scenario, platforms: [platform("one", { [field]: value } as Scenario.DialectInput)] }
    const r = Scenario.decode(input, "bad.json")
    expect(Either.isLeft(r)).toBe(true)
    if (Either.isLeft(r))
      expect(r.left.message).toMatch(new RegExp(`^bad\\.json: platforms\\[0\\]\\.dialect\\.${field}: `))
  })
})
