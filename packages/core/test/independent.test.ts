/**
 * The OAuth checks against OAuth servers this repository did not write (see `independent.ts`): for each
 * server and each case, first what the server answers on the wire to the two probes the checks send
 * (a plain `fetch`, redirects not followed), then the audit's verdict, asserted to RFC 6749 (and
 * ../shared/docs/protocols.md) rather than to any one server's wording.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type CheckId, type CheckResult, type Report, runAudit } from "../src/index.js"
import { type IndependentPlatform, independentServers, readyClient, type ServerName } from "./independent.js"

interface ClientOptions {
  readonly clientId: string
  readonly clientSecret: string
  readonly redirectUri: string
  readonly scopes: ReadonlyArray<string>
}

const ready: ClientOptions = {
  clientId: readyClient.clientId,
  clientSecret: readyClient.clientSecret,
  redirectUri: readyClient.redirectUri,
  scopes: readyClient.scopes
}

/** A wire answer, as a browser or client would see it. */
interface Wire {
  readonly status: number
  readonly location: string | null
  readonly contentType: string
  readonly wwwAuthenticate: string | null
  readonly body: string
}

const wire = async (res: Response): Promise<Wire> => ({
  status: res.status,
  location: res.headers.get("location"),
  contentType: res.headers.get("content-type") ?? "",
  wwwAuthenticate: res.headers.get("www-authenticate"),
  body: await res.text()
})

/** The authorize probe: what the checks send (client_id, response_type=code, scope, redirect_uri, state). */
const authorize = async (p: IndependentPlatform, o: ClientOptions, state = "probe-state-1"): Promise<Wire> => {
  const q = new URLSearchParams({
    client_id: o.clientId,
    response_type: "code",
    scope: o.scopes.join(" "),
    redirect_uri: o.redirectUri,
    state
  })
  return wire(
    await fetch(`${p.baseUrl}/oauth/connect/authorize?${q.toString().replace(/\+/g, "%20")}`, {
      redirect: "manual",
      headers: { accept: "text/html" }
    })
  )
}

/** The token probe: authorization_code with an invented code, client auth by HTTP Basic (RFC 6749 §2.3.1). */
const token = async (p: IndependentPlatform, o: ClientOptions): Promise<Wire> =>
  wire(
    await fetch(`${p.baseUrl}/oauth/connect/token`, {
      method: "POST",
      redirect: "manual",
      headers: {
        accept: "application/json",
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(o.clientId)}:${encodeURIComponent(o.clientSecret)}`).toString("base64")}`
      },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: `arlo-ready-invalid-${crypto.randomUUID()}`,
        redirect_uri: o.redirectUri
      }).toString()
    })
  )

const json = (w: Wire): Record<string, unknown> => JSON.parse(w.body) as Record<string, unknown>

/** Where a redirect goes, resolved against the authorize URL. */
const target = (p: IndependentPlatform, w: Wire): URL => new URL(w.location!, `${p.baseUrl}/oauth/connect/authorize`)

const oauthChecks = [
  "oauth.server",
  "oauth.client.registered",
  "oauth.client.approved",
  "oauth.client.secret",
  "oauth.redirect-uri",
  "oauth.scopes"
] as const satisfies ReadonlyArray<CheckId>

/** The audit with OAuth options only (no Basic identity), reporting the OAuth checks. */
const auditOf = (p: IndependentPlatform, o: ClientOptions): Promise<Report> =>
  runAudit({
    baseUrl: p.baseUrl,
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    redirectUri: o.redirectUri,
    scopes: [...o.scopes],
    only: ["oauth"]
  })

type Seen = Pick<CheckResult, "status" | "blockedBy" | "basis"> & { readonly cause: string | null }

/** Each OAuth check's status, cause code, blockers and basis. */
const verdicts = (r: Report): Record<(typeof oauthChecks)[number], Seen> => {
  const out = {} as Record<(typeof oauthChecks)[number], Seen>
  for (const id of oauthChecks) {
    const c = r.checks.find((x) => x.id === id)
    if (!c) throw new Error(`${id} is not in the report`)
    out[id] = {
      status: c.status,
      cause: c.cause?.code ?? null,
      blockedBy: c.blockedBy,
      ...(c.basis !== undefined ? { basis: c.basis } : {})
    }
  }
  return out
}

const evidenceOf = (r: Report, id: CheckId) => r.checks.find((c) => c.id === id)?.evidence ?? []

const wrongSecret: ClientOptions = { ...ready, clientSecret: "not-the-secret-0000" }
const unknownClient: ClientOptions = { ...ready, clientId: "no-such-client", clientSecret: "whatever-secret-0000" }
const unregisteredRedirect: ClientOptions = { ...ready, redirectUri: "https://app.example.test/elsewhere" }
/** `write`: a scope the platform knows (and Arlo documents) that the client is not allowed. */
const disallowedScope: ClientOptions = { ...ready, scopes: [...ready.scopes, "write"] }
/** `admin`: a scope neither Arlo nor the platform knows. */
const unknownScope: ClientOptions = { ...ready, scopes: [...ready.scopes, "admin"] }

/** What each server answers on the wire, case by case: the facts the audit is then held to. */
const wireExpectations: Record<
  ServerName,
  Record<
    "ready" | "wrongSecret" | "unknownClient" | "unregisteredRedirect" | "disallowedScope" | "unknownScope",
    {
      authorize: (p: IndependentPlatform, w: Wire) => void
      token: (w: Wire, p: IndependentPlatform) => void
    }
  >
> = (() => {
  const invalidGrant = (w: Wire) => {
    expect(w.status).toBe(400)
    expect(w.contentType).toMatch(/^application\/json/)
    expect(json(w)).toMatchObject({ error: "invalid_grant" })
  }
  const invalidClient = (w: Wire) => {
    expect(w.status).toBe(401)
    // RFC 6749 §5.2: a 401 to a client that tried HTTP Basic carries the Basic challenge.
    expect(w.wwwAuthenticate).toMatch(/^Basic realm="/)
    expect(w.contentType).toMatch(/^application\/json/)
    expect(json(w)).toMatchObject({ error: "invalid_client" })
  }
  // oidc-provider: a valid request starts an interaction (303 to its path-absolute /interaction/{uid});
  // a request it cannot trust renders its error page (400 HTML), never redirecting.
  const interaction = (p: IndependentPlatform, w: Wire) => {
    expect(w.status).toBe(303)
    expect(w.location).toMatch(/^\/interaction\/[A-Za-z0-9_-]+$/)
    expect(target(p, w).origin).toBe(p.url)
  }
  const oidcErrorPage = (error: string, description: RegExp) => (_p: IndependentPlatform, w: Wire) => {
    expect(w.status).toBe(400)
    expect(w.location).toBeNull()
    expect(w.contentType).toMatch(/^text\/html/)
    expect(w.body).toMatch(/<title>oops! something went wrong<\/title>/)
    expect(w.body).toContain(`<strong>error</strong>: ${error}`)
    expect(w.body).toMatch(description)
    expect(w.body).not.toMatch(/class=["'][^"']*error-(code|description)/)
  }
  // @node-oauth/oauth2-server: the library checks the client and redirect URI, then asks for the user:
  // nobody is signed in, so a 302 to /login; what it refuses before that is shown on an error page.
  const login = (p: IndependentPlatform, w: Wire) => {
    expect(w.status).toBe(302)
    expect(w.location).toMatch(/^\/login\?next=/)
    expect(target(p, w).origin).toBe(p.url)
    expect(target(p, w).pathname).toBe("/login")
  }
  const libraryErrorPage = (error: string, message: RegExp) => (_p: IndependentPlatform, w: Wire) => {
    expect(w.status).toBe(400)
    expect(w.location).toBeNull()
    expect(w.contentType).toMatch(/^text\/html/)
    expect(w.body).toContain(`<h1>${error}</h1>`)
    expect(w.body).toMatch(message)
  }
  return {
    "oidc-provider": {
      ready: { authorize: interaction, token: invalidGrant },
      wrongSecret: {
        authorize: interaction,
        token: (w, p) => {
          invalidClient(w)
          expect(json(w).error_description).toBe("client authentication failed")
          expect(w.wwwAuthenticate).toBe(
            `Basic realm="${p.baseUrl}/oauth", error="invalid_client", error_description="client authentication failed"`
          )
        }
      },
      unknownClient: {
        authorize: oidcErrorPage("invalid_client", /client is invalid/),
        token: invalidClient
      },
      unregisteredRedirect: {
        authorize: oidcErrorPage(
          "invalid_redirect_uri",
          /redirect_uri did not match any of the client&#39;s registered redirect_uris/
        ),
        token: invalidGrant
      },
      disallowedScope: {
        // The scope is known and refused: back to the redirect URI with invalid_scope and the state.
        authorize: (p, w) => {
          expect(w.status).toBe(303)
          const loc = target(p, w)
          expect(`${loc.origin}${loc.pathname}`).toBe(readyClient.redirectUri)
          expect(loc.searchParams.get("error")).toBe("invalid_scope")
          expect(loc.searchParams.get("error_description")).toBe("requested scope is not allowed")
          expect(loc.searchParams.get("scope")).toBe("write")
          expect(loc.searchParams.get("state")).toBe("probe-state-1")
          expect(loc.searchParams.get("iss")).toBe(`${p.baseUrl}/oauth`)
        },
        token: invalidGrant
      },
      // A scope the provider does not know is dropped from the request (never refused): on to the interaction.
      unknownScope: { authorize: interaction, token: invalidGrant }
    },
    "@node-oauth/oauth2-server": {
      ready: { authorize: login, token: invalidGrant },
      wrongSecret: {
        authorize: login,
        token: (w) => {
          invalidClient(w)
          expect(w.wwwAuthenticate).toBe('Basic realm="Service"')
        }
      },
      unknownClient: {
        authorize: libraryErrorPage("invalid_client", /Invalid client: client credentials are invalid/),
        token: invalidClient
      },
      unregisteredRedirect: {
        authorize: libraryErrorPage("invalid_client", /Invalid client: `redirect_uri` does not match client value/),
        token: invalidGrant
      },
      // The library looks at the scope only once a user is signed in (and then only through the model's
      // optional validateScope): the unsigned request goes to /login whatever the scope.
      disallowedScope: { authorize: login, token: invalidGrant },
      unknownScope: { authorize: login, token: invalidGrant }
    }
  }
})()

describe.each(independentServers)("$name", ({ name, start }) => {
  let p: IndependentPlatform
  beforeAll(async () => {
    p = await start()
  })
  afterAll(() => p?.close())

  const expectWire = async (c: keyof (typeof wireExpectations)[ServerName], o: ClientOptions) => {
    const [a, t] = await Promise.all([authorize(p, o), token(p, o)])
    wireExpectations[name][c].authorize(p, a)
    wireExpectations[name][c].token(t, p)
  }

  it("the Auth API behind it is the simulator's", async () => {
    const res = await fetch(`${p.baseUrl}/api/2012-02-01/auth/resources/`)
    expect(res.status).toBe(401)
    expect(res.headers.get("www-authenticate")).toBe('Basic realm="Arlo"')
    await res.text()
  })

  it("discovery: oidc-provider publishes it at BASE/oauth; the library has none", async () => {
    const res = await fetch(`${p.baseUrl}/oauth/.well-known/openid-configuration`)
    if (name === "oidc-provider") {
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({
        issuer: `${p.baseUrl}/oauth`,
        authorization_endpoint: `${p.baseUrl}/oauth/connect/authorize`,
        token_endpoint: `${p.baseUrl}/oauth/connect/token`,
        userinfo_endpoint: `${p.baseUrl}/oauth/connect/userinfo`
      })
    } else {
      expect(res.status).toBe(404)
      await res.text()
    }
  })

  describe("ready client", () => {
    it("wire", () => expectWire("ready", ready))
    it("audit: every OAuth check passes", async () => {
      const r = await auditOf(p, ready)
      expect(verdicts(r)).toMatchObject({
        "oauth.server": { status: "pass" },
        "oauth.client.registered": { status: "pass" },
        "oauth.client.approved": { status: "pass" },
        "oauth.client.secret": { status: "pass" },
        "oauth.redirect-uri": { status: "pass" },
        // The requested set is complete (openid, profile, all_claims, offline_access): no static warning.
        "oauth.scopes": { status: "pass" }
      })
    })
  })

  describe("wrong secret", () => {
    it("wire", () => expectWire("wrongSecret", wrongSecret))
    it("audit: the client is known, its secret rejected, approval untestable", async () => {
      const r = await auditOf(p, wrongSecret)
      expect(verdicts(r)).toMatchObject({
        "oauth.server": { status: "pass" },
        // The authorize endpoint moved on to the resource owner: the client (and redirect URI) are trusted.
        "oauth.client.registered": { status: "pass" },
        "oauth.client.secret": { status: "fail", cause: "secret_rejected" },
        "oauth.client.approved": { status: "skipped", blockedBy: ["oauth.client.secret"] },
        "oauth.redirect-uri": { status: "pass" }
      })
    })
  })

  describe("unknown client id", () => {
    it("wire", () => expectWire("unknownClient", unknownClient))
    it("audit: not registered; what depends on the client is skipped", async () => {
      const r = await auditOf(p, unknownClient)
      expect(verdicts(r)).toMatchObject({
        "oauth.server": { status: "pass" },
        "oauth.client.registered": { status: "fail" },
        "oauth.client.approved": { status: "skipped", blockedBy: ["oauth.client.registered"] },
        "oauth.client.secret": { status: "skipped", blockedBy: ["oauth.client.registered"] },
        "oauth.redirect-uri": { status: "skipped", blockedBy: ["oauth.client.registered"] }
      })
    })
  })

  describe("unregistered redirect URI", () => {
    it("wire", () => expectWire("unregisteredRedirect", unregisteredRedirect))
    it("audit: an error page without redirect, and the client authenticated: the redirect URI", async () => {
      const r = await auditOf(p, unregisteredRedirect)
      // Confirmed where the page names a redirect-URI error code (oidc-provider: invalid_redirect_uri),
      // inferred where only its words or the two probes together say so (oauth2-server: invalid_client).
      const basis = name === "oidc-provider" ? "confirmed" : "inferred"
      expect(verdicts(r)).toMatchObject({
        "oauth.server": { status: "pass" },
        "oauth.client.registered": { status: "pass" },
        "oauth.client.secret": { status: "pass" },
        "oauth.client.approved": { status: "pass" },
        "oauth.redirect-uri": { status: "fail", cause: "redirect_uri_not_registered", basis }
      })
    })
  })

  describe("a scope the client is not allowed (write)", () => {
    it("wire", () => expectWire("disallowedScope", disallowedScope))
    it("audit: the scopes check does not pass on the server's word", async () => {
      const r = await auditOf(p, disallowedScope)
      const v = verdicts(r)
      expect(v).toMatchObject({
        "oauth.server": { status: "pass" },
        "oauth.client.registered": { status: "pass" },
        "oauth.client.secret": { status: "pass" },
        "oauth.client.approved": { status: "pass" },
        "oauth.redirect-uri": { status: "pass" }
      })
      if (name === "oidc-provider") {
        // The server redirected back with error=invalid_scope (RFC 6749 §4.1.2.1): the scopes fail.
        expect(v["oauth.scopes"]).toMatchObject({ status: "fail", cause: "scope_refused" })
      } else {
        // The server does not look at the scope before sign-in, so the probe (which signs nobody in and
        // issues nothing) gets no verdict on it. RFC 6749 §3.3 lets a server ignore or narrow a requested
        // scope and say so only in the token response's `scope`, so nothing on this wire refuses it:
        // the check may rest on the static rules alone (openid, profile, all_claims, offline_access are
        // there; write is named in the summary), and must not cite the authorize exchange as a verdict.
        expect(v["oauth.scopes"]).toMatchObject({ status: "pass", cause: null })
        expect(evidenceOf(r, "oauth.scopes")).toEqual([])
        expect(r.checks.find((c) => c.id === "oauth.scopes")?.summary).toMatch(/\bwrite\b/)
      }
    })
  })

  describe("a scope nobody knows (admin)", () => {
    it("wire", () => expectWire("unknownScope", unknownScope))
    it("audit: the unknown scope is a warning, whatever the server does with it", async () => {
      const r = await auditOf(p, unknownScope)
      // Neither server refuses it on the wire (oidc-provider drops scopes it does not know; the library
      // does not look before sign-in), which RFC 6749 §3.3 allows: the warning comes from the static
      // rules (admin is not a documented Arlo scope), so the check does not pass silently.
      expect(verdicts(r)).toMatchObject({
        "oauth.server": { status: "pass" },
        "oauth.client.registered": { status: "pass" },
        "oauth.redirect-uri": { status: "pass" },
        "oauth.scopes": { status: "warn", cause: "scope_unknown" }
      })
    })
  })
})
