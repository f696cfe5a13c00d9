import { beforeEach, describe, expect, it } from "vitest"
import type { Scenario } from "../src/index.js"
import { apiError, basic, get, postForm, RES, useSimulator, xmlOf } from "./helpers.js"
import { links } from "./xml.js"

const REDIRECT = "https://app.test/callback"
const scenario: Scenario.ScenarioInput = {
  name: "oauth",
  description: "clients in every state",
  platforms: [
    {
      name: "campus",
      users: [
        { username: "admin@campus.test", password: "pw-admin", contactId: 21, roles: ["API User", "Administrator"] },
        {
          username: "presenter@campus.test",
          password: "pw-presenter",
          contactId: 22,
          roles: ["Presenter", "API User"]
        },
        { username: "noapi@campus.test", password: "pw-noapi", contactId: 23, roles: ["Administrator"] },
        {
          username: "mfa@campus.test",
          password: "pw-mfa",
          contactId: 24,
          roles: ["API User", "Administrator"],
          mfaEnabled: true
        }
      ],
      clients: [
        { clientId: "app", clientSecret: "app-secret", redirectUris: [REDIRECT] },
        { clientId: "pending-app", clientSecret: "pending-secret", redirectUris: [REDIRECT], status: "pending" },
        { clientId: "revoked-app", clientSecret: "revoked-secret", redirectUris: [REDIRECT], status: "revoked" },
        {
          clientId: "narrow",
          clientSecret: "narrow-secret",
          redirectUris: [REDIRECT],
          allowedScopes: ["openid", "profile", "events"]
        }
      ],
      audit: {}
    },
    {
      name: "shortcode",
      codeLifetimeSeconds: 0,
      users: [{ username: "admin@short.test", password: "pw-short", roles: ["API User", "Administrator"] }],
      clients: [{ clientId: "app", clientSecret: "app-secret", redirectUris: [REDIRECT] }],
      audit: {}
    },
    {
      name: "shorttoken",
      tokenLifetimeSeconds: 0,
      users: [{ username: "admin@short.test", password: "pw-short", roles: ["API User", "Administrator"] }],
      clients: [{ clientId: "app", clientSecret: "app-secret", redirectUris: [REDIRECT] }],
      audit: {}
    }
  ]
}

const ctx = useSimulator({ scenario })
const base = (p = "campus") => ctx.sim.platforms[p]!.baseUrl
const FULL = ["openid", "profile", "roles", "offline_access", "all_claims"]

const authorizeUrl = (params: Record<string, string>) =>
  `${base()}/oauth/connect/authorize?${new URLSearchParams({
    client_id: "app",
    response_type: "code",
    scope: FULL.join(" "),
    redirect_uri: REDIRECT,
    state: "st-123",
    ...params
  })}`
const authorize = (params: Record<string, string> = {}) => get(authorizeUrl(params), {}, { redirect: "manual" })

const consent = async (body: Record<string, unknown>, platform = "campus") => {
  const r = await fetch(`${ctx.sim.url}/__admin/platforms/${platform}/oauth/consent`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      clientId: "app",
      username: "admin@campus.test",
      scopes: FULL,
      redirectUri: REDIRECT,
      ...body
    })
  })
  return { status: r.status, json: (await r.json()) as { code?: string; error?: string } }
}
const codeFor = async (body: Record<string, unknown> = {}, platform = "campus") => {
  const c = await consent(body, platform)
  expect(c.status).toBe(200)
  return c.json.code!
}

const token = (
  fields: Record<string, string>,
  client: [string, string] | null = ["app", "app-secret"],
  platform = "campus"
) =>
  postForm(
    `${base(platform)}/oauth/connect/token`,
    fields,
    client === null ? {} : { authorization: basic(client[0], client[1]) }
  )

interface Tokens {
  access_token: string
  token_type: string
  expires_in: number
  id_token: string
  refresh_token?: string
}
const tokensFor = async (body: Record<string, unknown> = {}, platform = "campus"): Promise<Tokens> => {
  const code = await codeFor(body, platform)
  const t = await token(
    { grant_type: "authorization_code", code, redirect_uri: REDIRECT },
    ["app", "app-secret"],
    platform
  )
  expect(t.status, t.body).toBe(200)
  return JSON.parse(t.body) as Tokens
}
const bearer = (t: string, path = "", platform = "campus") =>
  get(`${base(platform)}${RES}${path}`, { authorization: `Bearer ${t}` })

beforeEach(() => {
  ctx.sim.updatePlatform("campus", {
    dialect: {
      unapprovedClient: "unauthorized_client",
      discovery: true,
      missingScope: "empty",
      noApiAccessStatus: 403,
      lockedFailure: "explicit"
    }
  })
})

const errorPage = (body: string) => ({
  code: /<p class="error-code">([^<]*)<\/p>/.exec(body)?.[1],
  description: /<p class="error-description">([^<]*)<\/p>/.exec(body)?.[1]
})

describe("authorize", () => {
  it("shows a 400 error page, without redirecting, for an unknown client; a revoked client gets the same page", async () => {
    const unknown = await authorize({ client_id: "nope" })
    expect(unknown.status).toBe(400)
    expect(unknown.headers.get("location")).toBeNull()
    expect(unknown.headers.get("content-type")).toMatch(/^text\/html/)
    expect(errorPage(unknown.body).code).toBe("unauthorized_client")
    expect(errorPage(unknown.body).description).toBeTruthy()
    const revoked = await authorize({ client_id: "revoked-app" })
    expect(revoked.status).toBe(400)
    expect(revoked.body).toBe(unknown.body)
  })

  it("shows an invalid_request page for a redirect URI not registered for the client", async () => {
    for (const redirect_uri of ["https://evil.test/callback", `${REDIRECT}/extra`]) {
      const g = await authorize({ redirect_uri })
      expect(g.status).toBe(400)
      expect(g.headers.get("location")).toBeNull()
      expect(errorPage(g.body).code).toBe("invalid_request")
    }
  })

  it("redirects with error=unsupported_response_type and the state for a response_type other than code", async () => {
    const g = await authorize({ response_type: "token" })
    expect(g.status).toBe(302)
    const loc = new URL(g.headers.get("location")!)
    expect(`${loc.origin}${loc.pathname}`).toBe(REDIRECT)
    expect(loc.searchParams.get("error")).toBe("unsupported_response_type")
    expect(loc.searchParams.get("state")).toBe("st-123")
  })

  it("redirects with error=invalid_scope for an unknown scope or one the client may not ask for", async () => {
    for (const [client_id, scope] of [
      ["app", "openid superpowers"],
      ["narrow", "openid contacts"],
      ["app", ""]
    ] as const) {
      const g = await authorize({ client_id, scope })
      expect(g.status).toBe(302)
      const loc = new URL(g.headers.get("location")!)
      expect(loc.searchParams.get("error")).toBe("invalid_scope")
      expect(loc.searchParams.get("state")).toBe("st-123")
    }
  })

  it("sends a valid request to the sign-in page and issues nothing", async () => {
    const g = await authorize()
    expect(g.status).toBe(302)
    const loc = g.headers.get("location")!
    expect(loc).toMatch(/^\/campus\/oauth\/account\/login\?signin=[0-9a-f]+$/)
    expect(loc).not.toContain("code=")
    const page = await get(`${ctx.sim.url}${loc}`)
    expect(page.status).toBe(200)
    expect(page.body).toContain("<form")
    expect((await authorize({ client_id: "narrow", scope: "openid events" })).status).toBe(302)
  })
})

describe("dialect unapprovedClient (a pending client)", () => {
  it("unauthorized_client: a 400 page saying the client is not approved; token answers 400 unauthorized_client", async () => {
    const g = await authorize({ client_id: "pending-app" })
    expect(g.status).toBe(400)
    expect(errorPage(g.body).code).toBe("unauthorized_client")
    expect(errorPage(g.body).description).toMatch(/not approved/)
    const t = await token({ grant_type: "authorization_code", code: "x", redirect_uri: REDIRECT }, [
      "pending-app",
      "pending-secret"
    ])
    expect(t.status).toBe(400)
    const body = JSON.parse(t.body)
    expect(body.error).toBe("unauthorized_client")
    expect(body.error_description).toMatch(/not approved/)
  })

  it("invalid_client: indistinguishable from an unknown client at authorize and token", async () => {
    ctx.sim.updatePlatform("campus", { dialect: { unapprovedClient: "invalid_client" } })
    const unknown = await authorize({ client_id: "nope" })
    const pending = await authorize({ client_id: "pending-app" })
    expect(pending.status).toBe(400)
    expect(pending.body).toBe(unknown.body)
    const tUnknown = await token({ grant_type: "authorization_code", code: "x", redirect_uri: REDIRECT }, ["nope", "x"])
    const tPending = await token({ grant_type: "authorization_code", code: "x", redirect_uri: REDIRECT }, [
      "pending-app",
      "pending-secret"
    ])
    expect(tPending.status).toBe(401)
    expect(tPending.body).toBe(tUnknown.body)
    expect(tPending.headers.get("www-authenticate")).toBe(tUnknown.headers.get("www-authenticate"))
  })

  it("login_then_denied: authorize goes to sign-in as if approved; token answers 400 unauthorized_client", async () => {
    ctx.sim.updatePlatform("campus", { dialect: { unapprovedClient: "login_then_denied" } })
    const g = await authorize({ client_id: "pending-app" })
    expect(g.status).toBe(302)
    expect(g.headers.get("location")).toMatch(/\/oauth\/account\/login\?signin=/)
    const code = await codeFor({ clientId: "pending-app" })
    const t = await token({ grant_type: "authorization_code", code, redirect_uri: REDIRECT }, [
      "pending-app",
      "pending-secret"
    ])
    expect(t.status).toBe(400)
    expect(JSON.parse(t.body).error).toBe("unauthorized_client")
  })
})

describe("token", () => {
  it("answers 401 invalid_client, identically, for no, unknown, revoked or wrongly-authenticated clients", async () => {
    const fields = { grant_type: "authorization_code", code: "x", redirect_uri: REDIRECT }
    const answers = await Promise.all([
      token(fields, null),
      token(fields, ["nope", "whatever"]),
      token(fields, ["revoked-app", "revoked-secret"]),
      token(fields, ["app", "wrong-secret"]),
      token({ ...fields, client_id: "app", client_secret: "wrong-secret" }, null),
      token({ ...fields, client_id: "app" }, null)
    ])
    for (const a of answers) {
      expect(a.status, a.body).toBe(401)
      expect(JSON.parse(a.body)).toEqual({ error: "invalid_client" })
      expect(a.body).toBe(answers[0]!.body)
      expect(a.headers.get("content-type")).toMatch(/^application\/json/)
    }
  })

  it("answers 400 invalid_grant for an unknown code (the auditor's probe), 400 unsupported_grant_type otherwise", async () => {
    const probe = await token({
      grant_type: "authorization_code",
      code: "deliberately-invalid",
      redirect_uri: REDIRECT
    })
    expect(probe.status).toBe(400)
    expect(JSON.parse(probe.body)).toEqual({ error: "invalid_grant" })
    for (const grant_type of ["password", "client_credentials", "implicit"]) {
      const g = await token({ grant_type, username: "admin@campus.test", password: "pw-admin" })
      expect(g.status).toBe(400)
      expect(JSON.parse(g.body).error).toBe("unsupported_grant_type")
    }
    expect(JSON.parse((await token({ code: "x" })).body).error).toBe("invalid_request")
  })

  it("accepts client_secret_post as well as HTTP Basic client authentication", async () => {
    const code = await codeFor()
    const t = await token(
      { grant_type: "authorization_code", code, redirect_uri: REDIRECT, client_id: "app", client_secret: "app-secret" },
      null
    )
    expect(t.status).toBe(200)
  })

  it("issues access, id and refresh tokens for a valid code; codes are single-use", async () => {
    const code = await codeFor()
    const t = await token({ grant_type: "authorization_code", code, redirect_uri: REDIRECT })
    expect(t.status).toBe(200)
    expect(t.headers.get("cache-control")).toBe("no-store")
    const body = JSON.parse(t.body) as Tokens
    expect(body.token_type).toBe("Bearer")
    expect(body.expires_in).toBe(3600)
    expect(body.access_token).toMatch(/^[\w-]{20,}$/)
    expect(body.refresh_token).toMatch(/^[\w-]{20,}$/)
    expect(body.id_token.split(".")).toHaveLength(3)
    const claims = JSON.parse(Buffer.from(body.id_token.split(".")[1]!, "base64url").toString())
    expect(claims).toMatchObject({ aud: "app", sub: "21", tenant: "campus" })
    const again = await token({ grant_type: "authorization_code", code, redirect_uri: REDIRECT })
    expect(again.status).toBe(400)
    expect(JSON.parse(again.body).error).toBe("invalid_grant")
  })

  it("issues no refresh token without offline_access", async () => {
    const t = await tokensFor({ scopes: ["openid", "profile", "all_claims"] })
    expect(t.refresh_token).toBeUndefined()
  })

  it("refuses a code redeemed with another redirect URI or by another client", async () => {
    const code = await codeFor()
    const t = await token({ grant_type: "authorization_code", code, redirect_uri: "https://app.test/other" })
    expect(JSON.parse(t.body).error).toBe("invalid_grant")
    const code2 = await codeFor()
    const other = await token({ grant_type: "authorization_code", code: code2, redirect_uri: REDIRECT }, [
      "narrow",
      "narrow-secret"
    ])
    expect(other.status).toBe(400)
    expect(JSON.parse(other.body).error).toBe("invalid_grant")
  })

  it("refuses an expired code", async () => {
    const code = await codeFor({ username: "admin@short.test" }, "shortcode")
    const t = await token(
      { grant_type: "authorization_code", code, redirect_uri: REDIRECT },
      ["app", "app-secret"],
      "shortcode"
    )
    expect(t.status).toBe(400)
    expect(JSON.parse(t.body).error).toBe("invalid_grant")
  })
})

describe("the code flow end to end", () => {
  it("consent -> code -> token -> Bearer on resources -> userinfo -> refresh rotation -> revocation", async () => {
    const tokens = await tokensFor()
    const root = await bearer(tokens.access_token)
    expect(root.status).toBe(200)
    expect(links(xmlOf(root)).some((l) => l.attrs.title === "Orders")).toBe(true)
    expect((await bearer(tokens.access_token, "contacts/21/security/roles")).status).toBe(200)

    const info = await get(`${base()}/oauth/connect/userinfo`, { authorization: `Bearer ${tokens.access_token}` })
    expect(info.status).toBe(200)
    expect(JSON.parse(info.body)).toEqual({
      sub: "21",
      name: expect.any(String),
      email: "admin@campus.test",
      preferred_username: "admin@campus.test",
      tenant: "campus",
      role: ["API User", "Administrator"]
    })

    const refreshed = await token({
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token!,
      redirect_uri: REDIRECT
    })
    expect(refreshed.status).toBe(200)
    const r1 = JSON.parse(refreshed.body) as Tokens
    expect(r1.refresh_token).toBeDefined()
    expect(r1.refresh_token).not.toBe(tokens.refresh_token)
    expect(r1.access_token).not.toBe(tokens.access_token)
    const stale = await token({ grant_type: "refresh_token", refresh_token: tokens.refresh_token! })
    expect(stale.status).toBe(400)
    expect(JSON.parse(stale.body).error).toBe("invalid_grant")
    expect((await bearer(r1.access_token, "events/")).status).toBe(200)
    const otherClient = await token({ grant_type: "refresh_token", refresh_token: r1.refresh_token! }, [
      "narrow",
      "narrow-secret"
    ])
    expect(JSON.parse(otherClient.body).error).toBe("invalid_grant")

    const revoke = await postForm(
      `${base()}/oauth/connect/revocation`,
      { token: r1.access_token, token_type_hint: "access_token" },
      {
        authorization: basic("app", "app-secret")
      }
    )
    expect(revoke.status).toBe(200)
    const after = await bearer(r1.access_token, "events/")
    expect(after.status).toBe(401)
    expect(after.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"')
    expect(apiError(after).code).toBe("Unauthorized")
    const infoAfter = await get(`${base()}/oauth/connect/userinfo`, { authorization: `Bearer ${r1.access_token}` })
    expect(infoAfter.status).toBe(401)
    expect(infoAfter.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"')

    const revokeRefresh = await postForm(
      `${base()}/oauth/connect/revocation`,
      { token: r1.refresh_token! },
      {
        authorization: basic("app", "app-secret")
      }
    )
    expect(revokeRefresh.status).toBe(200)
    expect((await token({ grant_type: "refresh_token", refresh_token: r1.refresh_token! })).status).toBe(400)
  })

  it("revocation answers 200 for any token of a known client, 401 invalid_client for an unknown one", async () => {
    const ok = await postForm(
      `${base()}/oauth/connect/revocation`,
      { token: "never-issued" },
      { authorization: basic("app", "app-secret") }
    )
    expect(ok.status).toBe(200)
    const bad = await postForm(
      `${base()}/oauth/connect/revocation`,
      { token: "x" },
      { authorization: basic("nope", "x") }
    )
    expect(bad.status).toBe(401)
    expect(JSON.parse(bad.body).error).toBe("invalid_client")
  })

  it("userinfo leaves role out without the roles scope", async () => {
    const t = await tokensFor({ scopes: ["openid", "profile", "all_claims"] })
    const info = JSON.parse(
      (await get(`${base()}/oauth/connect/userinfo`, { authorization: `Bearer ${t.access_token}` })).body
    )
    expect(info.role).toBeUndefined()
    expect(info.preferred_username).toBe("admin@campus.test")
  })
})

describe("Bearer tokens on resources", () => {
  it("refuses a missing, unknown, malformed or expired token with 401 Bearer invalid_token and an ApiException", async () => {
    const expired = await tokensFor({ username: "admin@short.test" }, "shorttoken")
    expect(expired.expires_in).toBe(0)
    const answers = await Promise.all([
      bearer("made-up-token"),
      get(`${base()}${RES}`, { authorization: "Bearer" }),
      bearer(expired.access_token, "", "shorttoken")
    ])
    for (const a of answers) {
      expect(a.status).toBe(401)
      expect(a.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"')
      expect(apiError(a).code).toBe("Unauthorized")
    }
  })

  it("stops honouring tokens of a client that is no longer approved", async () => {
    const t = await tokensFor()
    expect((await bearer(t.access_token)).status).toBe(200)
    ctx.sim.updateClient("campus", "app", { status: "pending" })
    try {
      expect((await bearer(t.access_token)).status).toBe(401)
      ctx.sim.updateClient("campus", "app", { status: "revoked" })
      expect((await bearer(t.access_token)).status).toBe(401)
    } finally {
      ctx.sim.updateClient("campus", "app", { status: "approved" })
    }
    expect((await bearer(t.access_token)).status).toBe(200)
  })

  it("applies the user's roles: a presenter's token is route-controlled", async () => {
    const t = await tokensFor({ username: "presenter@campus.test" })
    expect((await bearer(t.access_token, "events/")).status).toBe(200)
    expect((await bearer(t.access_token, "contacts/22/")).status).toBe(200)
    expect((await bearer(t.access_token, "registrations/")).status).toBe(403)
  })

  it("applies noApiAccessStatus: 403 Forbidden, or a 401 identical to an invalid token", async () => {
    const t = await tokensFor({ username: "noapi@campus.test" })
    const a = await bearer(t.access_token, "events/")
    expect(a.status).toBe(403)
    expect(apiError(a).code).toBe("Forbidden")
    ctx.sim.updatePlatform("campus", { dialect: { noApiAccessStatus: 401 } })
    const b = await bearer(t.access_token, "events/")
    const invalid = await bearer("made-up-token", "events/")
    expect(b.status).toBe(401)
    expect(b.body).toBe(invalid.body)
    expect(b.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"')
  })

  it("does not apply MFA to a token (the user signed in interactively)", async () => {
    const t = await tokensFor({ username: "mfa@campus.test" })
    expect((await bearer(t.access_token, "events/")).status).toBe(200)
    const viaBasic = await get(`${base()}${RES}`, { authorization: basic("mfa@campus.test", "pw-mfa") })
    expect(viaBasic.status).toBe(401)
  })

  it("applies lockedFailure to a locked user's token", async () => {
    const t = await tokensFor({ username: "mfa@campus.test" })
    ctx.sim.updateUser("campus", "mfa@campus.test", { locked: true })
    try {
      const a = await bearer(t.access_token, "events/")
      expect(a.status).toBe(401)
      expect(apiError(a).code).toBe("AccountLocked")
      ctx.sim.updatePlatform("campus", { dialect: { lockedFailure: "opaque" } })
      expect((await bearer(t.access_token, "events/")).body).toBe((await bearer("made-up-token", "events/")).body)
    } finally {
      ctx.sim.updateUser("campus", "mfa@campus.test", { locked: false })
    }
  })
})

describe("scopes on resources (dialect missingScope)", () => {
  const itemCount = async (t: string, path: string) => {
    const g = await bearer(t, path)
    expect(g.status, `${path}: ${g.body}`).toBe(200)
    return links(xmlOf(g)).filter((l) => l.attrs.rel !== "self" && l.attrs.rel !== "next").length
  }

  it("empty: without all_claims or a functional scope, collections are empty and instances 404", async () => {
    const t = (await tokensFor({ scopes: ["openid", "profile", "roles"] })).access_token
    expect(await itemCount(t, "events/")).toBe(0)
    expect(await itemCount(t, "contacts/")).toBe(0)
    expect((await bearer(t, "events/1/")).status).toBe(404)
    expect((await bearer(t, "contacts/21/security/roles")).status).toBe(404)
    expect(await itemCount(t, "")).toBe(0)
  })

  it("403: without all_claims or a functional scope, every resource is 403 insufficient_scope", async () => {
    ctx.sim.updatePlatform("campus", { dialect: { missingScope: "403" } })
    const t = (await tokensFor({ scopes: ["openid", "profile", "roles"] })).access_token
    for (const path of ["", "events/", "events/1/", "contacts/21/security/roles"]) {
      const g = await bearer(t, path)
      expect(g.status).toBe(403)
      expect(g.headers.get("www-authenticate")).toBe('Bearer error="insufficient_scope"')
      expect(apiError(g).code).toBe("InsufficientScope")
    }
  })

  it("functional scopes open their own collections only; orders need all_claims", async () => {
    const t = (await tokensFor({ scopes: ["openid", "events", "venues"] })).access_token
    for (const path of ["events/", "eventtemplates/", "eventsessions/", "onlineactivities/", "venues/"]) {
      expect(await itemCount(t, path)).toBeGreaterThan(0)
    }
    for (const path of ["contacts/", "registrations/", "organisations/", "orders/"])
      expect(await itemCount(t, path)).toBe(0)
    expect(links(xmlOf(await bearer(t, ""))).map((l) => l.attrs.title)).toEqual([
      "Events",
      "EventTemplates",
      "EventSessions",
      "OnlineActivities",
      "Venues",
      undefined
    ])
    ctx.sim.updatePlatform("campus", { dialect: { missingScope: "403" } })
    expect((await bearer(t, "orders/")).status).toBe(403)
    expect((await bearer(t, "events/")).status).toBe(200)
    const contacts = (await tokensFor({ scopes: ["openid", "contacts"] })).access_token
    expect((await bearer(contacts, "contacts/21/security/roles")).status).toBe(200)
    expect((await bearer(contacts, "orders/")).status).toBe(403)
    const all = (await tokensFor({ scopes: ["openid", "all_claims"] })).access_token
    expect(await itemCount(all, "orders/")).toBeGreaterThan(0)
  })
})

describe("dialect discovery", () => {
  it("true: serves the openid-configuration listing the endpoints", async () => {
    const g = await get(`${base()}/oauth/.well-known/openid-configuration`)
    expect(g.status).toBe(200)
    const d = JSON.parse(g.body)
    expect(d).toMatchObject({
      issuer: `${base()}/oauth`,
      authorization_endpoint: `${base()}/oauth/connect/authorize`,
      token_endpoint: `${base()}/oauth/connect/token`,
      userinfo_endpoint: `${base()}/oauth/connect/userinfo`,
      revocation_endpoint: `${base()}/oauth/connect/revocation`,
      response_types_supported: ["code"],
      grant_types_supported: ["authorization_code", "refresh_token"]
    })
  })

  it("false: answers 404", async () => {
    ctx.sim.updatePlatform("campus", { dialect: { discovery: false } })
    expect((await get(`${base()}/oauth/.well-known/openid-configuration`)).status).toBe(404)
  })
})

describe("the consent route", () => {
  it.each([
    [{ clientId: "nope" }, "unknown_client"],
    [{ username: "nobody@campus.test" }, "unknown_user"],
    [{ redirectUri: "https://evil.test/" }, "invalid_request"],
    [{ scopes: ["openid", "superpowers"] }, "invalid_scope"]
  ])("refuses %j with 400 %s", async (body, error) => {
    const c = await consent(body)
    expect(c.status).toBe(400)
    expect(c.json.error).toBe(error)
  })

  it("answers 404 for an unknown platform and accepts scopes as a space-separated string", async () => {
    expect((await consent({}, "nope")).status).toBe(404)
    expect((await consent({ scopes: "openid all_claims" })).status).toBe(200)
  })
})

describe("methods on OAuth routes", () => {
  it("the token endpoint takes POST only", async () => {
    const g = await get(`${base()}/oauth/connect/token`)
    expect(g.status).toBe(405)
    expect(g.headers.get("allow")).toBe("POST")
  })
})
