#!/usr/bin/env node
/**
 * A browser for the tests, run as `BROWSER`: given an authorize URL, it follows it over real HTTP as a
 * person's browser would (redirects, the sign-in page and its form), signs in as SIGN_IN_USER with
 * SIGN_IN_PASSWORD, answers the consent with SIGN_IN_CONSENT (allow, the default, or deny), and stops
 * at the redirect URI. Then, like a browser, it loads that URL (a loopback listener takes it there);
 * with SIGN_IN_OUT it also writes the URL to that file, for a test that pastes it. Errors go to
 * SIGN_IN_OUT as `error: …`.
 */
import { writeFileSync } from "node:fs"

const attr = (tag, name) => {
  const m = new RegExp(`\\b${name}\\s*=\\s*("([^"]*)"|'([^']*)')`, "i").exec(tag)
  return m ? (m[2] ?? m[3] ?? "").replace(/&amp;/g, "&").replace(/&quot;/g, '"') : null
}

const readForm = (html, base) => {
  const form = /<form\b[^>]*>([\s\S]*?)<\/form>/i.exec(html)
  if (!form) return null
  const open = /<form\b[^>]*>/i.exec(form[0])[0]
  const action = new URL(attr(open, "action") ?? base, base).toString()
  const fields = []
  const names = new Set()
  for (const m of form[1].matchAll(/<(input|button)\b[^>]*>/gi)) {
    const name = attr(m[0], "name")
    if (!name) continue
    names.add(name)
    if (/type\s*=\s*["']?hidden/i.test(m[0])) fields.push([name, attr(m[0], "value") ?? ""])
  }
  return { action, fields, names }
}

/** Follows `start` until the next URL leaves for a page without a form; returns the URL it was sent to last. */
export const browse = async (start, person, isRedirectUri) => {
  let url = start
  let init = {}
  for (let hop = 0; hop < 20; hop++) {
    if (isRedirectUri(url)) return url
    const res = await fetch(url, { ...init, redirect: "manual" })
    const location = res.headers.get("location")
    if (res.status >= 300 && res.status < 400 && location) {
      url = new URL(location, url).toString()
      init = {}
      continue
    }
    const form = readForm(await res.text(), url)
    if (!form) throw new Error(`stopped at ${res.status} ${new URL(url).pathname}`)
    const body = new URLSearchParams(form.fields)
    if (form.names.has("username")) body.set("username", person.username)
    if (form.names.has("password")) body.set("password", person.password)
    if (form.names.has("consent")) body.set("consent", person.consent)
    url = form.action
    init = { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: body.toString() }
  }
  throw new Error("too many pages")
}

const main = async () => {
  const start = process.argv[2]
  const out = process.env.SIGN_IN_OUT
  const redirectUri = new URL(new URL(start).searchParams.get("redirect_uri"))
  const person = {
    username: process.env.SIGN_IN_USER ?? "",
    password: process.env.SIGN_IN_PASSWORD ?? "",
    consent: process.env.SIGN_IN_CONSENT ?? "allow"
  }
  try {
    const back = await browse(start, person, (u) => {
      const x = new URL(u)
      return x.origin === redirectUri.origin && x.pathname === redirectUri.pathname
    })
    if (out) writeFileSync(out, back)
    // The page at a redirect URI that nobody serves may well not load: the URL is what counts.
    await fetch(back).catch(() => {})
  } catch (e) {
    if (out) writeFileSync(out, `error: ${e instanceof Error ? e.message : String(e)}`)
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop())) await main()
