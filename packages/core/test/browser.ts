/**
 * A browser for the tests: follows an authorize URL over real HTTP the way a person's browser would
 * (redirects, the sign-in page, its form), signs in and answers the consent, and stops at the redirect
 * URI, returning the URL it was sent to. It reads pages by their HTML forms, not by our shapes: the
 * simulator's page and oidc-provider's dev interactions both work. Cookies are kept per origin.
 */

export interface Person {
  readonly username: string
  readonly password: string
  /** Allow (default) or deny the consent. */
  readonly consent?: "allow" | "deny"
}

const attr = (tag: string, name: string): string | null => {
  const m = new RegExp(`\\b${name}\\s*=\\s*("([^"]*)"|'([^']*)')`, "i").exec(tag)
  return m ? (m[2] ?? m[3] ?? "").replace(/&amp;/g, "&").replace(/&quot;/g, '"') : null
}

/** The first form of a page: where it posts and its hidden fields and inputs. */
const readForm = (html: string, base: string) => {
  const form = /<form\b[^>]*>([\s\S]*?)<\/form>/i.exec(html)
  if (!form) return null
  const open = /<form\b[^>]*>/i.exec(form[0])![0]
  const action = new URL(attr(open, "action") ?? base, base).toString()
  const fields: Array<[string, string]> = []
  const names: Array<string> = []
  for (const m of form[1]!.matchAll(/<(input|button)\b[^>]*>/gi)) {
    const name = attr(m[0], "name")
    if (!name) continue
    names.push(name)
    if (/type\s*=\s*["']?hidden/i.test(m[0])) fields.push([name, attr(m[0], "value") ?? ""])
  }
  return { action, fields, names }
}

/** Plays the browser until it is sent to `redirectUri`; returns that URL. */
export const browse = async (authorizeUrl: string, redirectUri: string, person: Person): Promise<string> => {
  const jar = new Map<string, Map<string, string>>()
  const cookieHeader = (url: string) => {
    const c = jar.get(new URL(url).origin)
    return c ? [...c].map(([k, v]) => `${k}=${v}`).join("; ") : ""
  }
  const keep = (url: string, res: Response) => {
    const origin = new URL(url).origin
    for (const raw of res.headers.getSetCookie()) {
      const [pair] = raw.split(";")
      const eq = pair!.indexOf("=")
      if (!jar.has(origin)) jar.set(origin, new Map())
      jar.get(origin)!.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim())
    }
  }
  const target = new URL(redirectUri)
  let url = authorizeUrl
  let init: RequestInit = {}
  for (let hop = 0; hop < 20; hop++) {
    const u = new URL(url)
    if (u.origin === target.origin && u.pathname === target.pathname) return url
    const res = await fetch(url, {
      ...init,
      redirect: "manual",
      headers: { ...(init.headers as Record<string, string>), cookie: cookieHeader(url) }
    })
    keep(url, res)
    const location = res.headers.get("location")
    if (res.status >= 300 && res.status < 400 && location) {
      url = new URL(location, url).toString()
      init = {}
      continue
    }
    const body = await res.text()
    const form = readForm(body, url)
    if (!form) throw new Error(`the browser stopped at ${res.status} ${u.pathname}: no form`)
    const fields = new URLSearchParams(form.fields)
    const names = new Set(form.names)
    for (const n of ["username", "login"]) if (names.has(n)) fields.set(n, person.username)
    if (names.has("password")) fields.set("password", person.password)
    if (names.has("consent")) fields.set("consent", person.consent ?? "allow")
    else if (person.consent === "deny") {
      // A consent page without a choice field offers its refusal as a link (oidc-provider's "abort").
      const abort = /href\s*=\s*["']([^"']*abort[^"']*)["']/i.exec(body)
      if (abort && !names.has("password")) {
        url = new URL(abort[1]!.replace(/&amp;/g, "&"), url).toString()
        init = {}
        continue
      }
    }
    url = form.action
    init = {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: fields.toString()
    }
  }
  throw new Error("the browser followed too many pages")
}
