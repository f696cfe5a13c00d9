#!/usr/bin/env node
/**
 * The baseline: the probes a person would script by hand with curl, made one after another with
 * Node's `fetch` (no concurrency, no retries, no cleverness). It covers what an arlo-ready audit of
 * the `ready` scenario covers, request for request:
 *
 *   1. GET  the Auth API root without credentials      (reachable, asks for credentials)
 *   2. GET  the root with Basic auth                    (credentials accepted, MFA not blocking)
 *   3. GET  contacts/?filter=Email eq '<user>'          (find the user's own contact)
 *   4. GET  contacts/<id>/security/roles                (API User and Administrator roles)
 *   5. GET  oauth/.well-known/openid-configuration      (OAuth server)
 *   6. GET  oauth/connect/authorize (no redirect follow) (client registered, redirect URI)
 *   7. POST oauth/connect/token with an invalid code    (client secret, approval: invalid_grant)
 *
 * With `--coverage full` it also probes what the audit probes only when Administrator is missing
 * (the presenter limits: nine collections, one event and the user's own contact), the way a script
 * that does not branch would.
 *
 * Usage: ARLO_BASE_URL=… ARLO_USERNAME=… ARLO_PASSWORD=… ARLO_CLIENT_ID=… ARLO_CLIENT_SECRET=…
 *        ARLO_REDIRECT_URI=… [ARLO_SCOPES=…] node bench/baseline.mjs [--coverage same|full]
 * Prints one JSON object: the facts found, the request count and the wall time.
 */
import { pathToFileURL } from "node:url"

const resources = "/api/2012-02-01/auth/resources/"
const collections = [
  "events",
  "eventsessions",
  "eventtemplates",
  "onlineactivities",
  "venues",
  "contacts",
  "registrations",
  "organisations",
  "orders"
]

const basic = (user, secret) => `Basic ${Buffer.from(`${user}:${secret}`).toString("base64")}`

/**
 * Runs the baseline probes against one platform and resolves with what they found.
 * @param {{ baseUrl: string, username: string, password: string, clientId: string, clientSecret: string,
 *   redirectUri: string, scopes?: ReadonlyArray<string> }} target
 * @param {{ coverage?: "same" | "full" }} [options]
 */
export const baseline = async (target, options = {}) => {
  const started = performance.now()
  let requests = 0
  const call = async (path, init = {}) => {
    requests++
    const res = await fetch(`${target.baseUrl}${path}`, { redirect: "manual", ...init })
    return { status: res.status, headers: res.headers, body: await res.text() }
  }
  const xml = { accept: "application/xml" }
  const asUser = { ...xml, authorization: basic(target.username, target.password) }
  const facts = {}

  const anon = await call(resources, { headers: xml })
  facts.reachable = anon.status === 401 && /basic/i.test(anon.headers.get("www-authenticate") ?? "")

  const signIn = await call(resources, { headers: asUser })
  facts.basicStatus = signIn.status

  const filter = encodeURIComponent(`Email eq '${target.username.replace(/'/g, "''")}'`)
  const found = await call(`${resources}contacts/?filter=${filter}&top=2`, { headers: asUser })
  const contactId = /\/contacts\/(\d+)\/?"/.exec(found.body)?.[1] ?? null
  facts.contactId = contactId

  if (contactId !== null) {
    const roles = await call(`${resources}contacts/${contactId}/security/roles`, { headers: asUser })
    facts.roles = [...roles.body.matchAll(/<Role>([^<]*)<\/Role>/g)].map((m) => m[1])
  }

  if (options.coverage === "full") {
    facts.routes = {}
    let eventHref = null
    for (const c of collections) {
      const r = await call(`${resources}${c}/?top=1`, { headers: asUser })
      facts.routes[c] = r.status
      if (c === "events") eventHref = /<Link rel="[^"]*\/Event" [^>]*href="[^"]*(\/events\/\d+\/)"/.exec(r.body)?.[1]
    }
    if (eventHref) facts.event = (await call(`${resources}${eventHref.slice(1)}`, { headers: asUser })).status
    if (contactId !== null)
      facts.ownContact = (await call(`${resources}contacts/${contactId}/`, { headers: asUser })).status
  }

  const discovery = await call("/oauth/.well-known/openid-configuration", { headers: { accept: "application/json" } })
  facts.discovery = discovery.status

  const query = new URLSearchParams({
    client_id: target.clientId,
    response_type: "code",
    scope: (target.scopes ?? ["openid", "profile", "offline_access", "all_claims"]).join(" "),
    redirect_uri: target.redirectUri,
    state: "baseline"
  })
  const authorize = await call(`/oauth/connect/authorize?${query}`, { headers: { accept: "text/html" } })
  facts.authorize =
    `${authorize.status} ${authorize.headers.get("location")?.includes("/account/login") ? "sign-in" : ""}`.trim()

  const token = await call("/oauth/connect/token", {
    method: "POST",
    headers: {
      accept: "application/json",
      "content-type": "application/x-www-form-urlencoded",
      authorization: basic(target.clientId, target.clientSecret)
    },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code: "baseline-invalid-code",
      redirect_uri: target.redirectUri
    }).toString()
  })
  try {
    facts.token = JSON.parse(token.body).error ?? token.status
  } catch {
    facts.token = token.status
  }

  return { facts, requests, wallMs: performance.now() - started }
}

const fromEnv = (env) => {
  const need = (name) => {
    const v = env[name]
    if (v === undefined || v === "") {
      process.stderr.write(`baseline: set ${name}\n`)
      process.exit(2)
    }
    return v
  }
  return {
    baseUrl: need("ARLO_BASE_URL").replace(/\/+$/, ""),
    username: need("ARLO_USERNAME"),
    password: need("ARLO_PASSWORD"),
    clientId: need("ARLO_CLIENT_ID"),
    clientSecret: need("ARLO_CLIENT_SECRET"),
    redirectUri: need("ARLO_REDIRECT_URI"),
    ...(env.ARLO_SCOPES ? { scopes: env.ARLO_SCOPES.split(/[\s,]+/).filter(Boolean) } : {})
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const i = process.argv.indexOf("--coverage")
  const coverage = i === -1 ? "same" : process.argv[i + 1]
  if (coverage !== "same" && coverage !== "full") {
    process.stderr.write("baseline: --coverage must be same or full\n")
    process.exit(2)
  }
  const result = await baseline(fromEnv(process.env), { coverage })
  process.stdout.write(`${JSON.stringify(result)}\n`)
}
