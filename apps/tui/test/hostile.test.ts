/**
 * The built binary in a real pseudo-terminal against a hostile platform: a node:http server on loopback
 * whose Auth API and OAuth authorize answers carry terminal escape sequences, bidi overrides and
 * enormous strings. The terminal must receive none of the escapes and the screen must stay responsive.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { keys, open, registerPtyHooks, selectRow } from "./pty.js"

registerPtyHooks()

const ESC = "\u001b"
const BEL = "\u0007"
/** A colour Ink never emits (it names colours): any occurrence in the terminal came from the server. */
const MARKER_SGR = `${ESC}[38;5;201m`

/**
 * Server text that would act on a terminal written raw: a window title, a colour, a hyperlink, a C1
 * CSI, and the bidi characters that disguise text. Visible words around them show it was rendered.
 */
const hostile = (word: string): string =>
  `MFA blocks ${word} ${ESC}]0;PWNED-TITLE${BEL}${MARKER_SGR}tinted${ESC}[0m ${ESC}[31mred${ESC}[39m ` +
  `${ESC}]8;;https://evil.example/${BEL}linked${ESC}]8;;${BEL} \u009b2J\u007f ` +
  `\u202egnirts-desrever\u202c \u2066isolated\u2069 \u200emarks\u200f \u061cend`

/** What the terminal must never receive from server text. */
const forbidden: ReadonlyArray<[string, string]> = [
  ["an OSC sequence (title, hyperlink)", `${ESC}]`],
  ["the injected colour", MARKER_SGR],
  ["a C1 CSI", "\u009b"],
  ["DEL", "\u007f"],
  ["U+202E RIGHT-TO-LEFT OVERRIDE", "\u202e"],
  ["U+202C POP DIRECTIONAL FORMATTING", "\u202c"],
  ["U+2066 LEFT-TO-RIGHT ISOLATE", "\u2066"],
  ["U+2069 POP DIRECTIONAL ISOLATE", "\u2069"],
  ["U+200E LEFT-TO-RIGHT MARK", "\u200e"],
  ["U+200F RIGHT-TO-LEFT MARK", "\u200f"],
  ["U+061C ARABIC LETTER MARK", "\u061c"]
]

const expectClean = (raw: string) => {
  for (const [what, s] of forbidden) expect(raw.includes(s), `the terminal received ${what}`).toBe(false)
}

const xmlText = (s: string): string =>
  s
    .replace(/[&<>]/g, (c) => `&${{ "&": "amp", "<": "lt", ">": "gt" }[c]};`)
    .replace(
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters go out as character references
      /[\u0000-\u001f\u007f-\u009f]/g,
      (c) => `&#x${c.charCodeAt(0).toString(16)};`
    )

const htmlText = (s: string): string => s.replace(/[&<>]/g, (c) => `&${{ "&": "amp", "<": "lt", ">": "gt" }[c]};`)

interface Hostile {
  /** The ApiException Message of the authenticated (and unauthenticated) Auth API root. */
  readonly message: string
  /** How the authorize endpoint refuses: a redirect to the redirect URI, or a 400 error page. */
  readonly authorize:
    | { readonly kind: "redirect"; readonly error: string; readonly description: string }
    | { readonly kind: "page"; readonly error: string; readonly description: string }
}

interface HostileServer {
  readonly base: string
  readonly env: Record<string, string>
}

const servers: Array<Server> = []

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((res) => s.close(() => res()))))
})

/** A platform on 127.0.0.1 that answers like Arlo, with `h`'s text in its answers. */
const hostileServer = async (h: Hostile): Promise<HostileServer> => {
  let base = ""
  const redirectUri = () => `${base}/callback`
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", base)
    if (req.method === "GET" && url.pathname === "/api/2012-02-01/auth/resources/") {
      res.writeHead(401, {
        "WWW-Authenticate": 'Basic realm="Arlo"',
        "Content-Type": "application/xml; charset=utf-8"
      })
      res.end(
        `<?xml version="1.0" encoding="utf-8"?><ApiException><Code>Unauthorized</Code><Message>${xmlText(h.message)}</Message></ApiException>`
      )
      return
    }
    if (req.method === "GET" && url.pathname === "/oauth/connect/authorize") {
      const a = h.authorize
      if (a.kind === "redirect") {
        const q = new URLSearchParams({ error: a.error, error_description: a.description })
        const state = url.searchParams.get("state")
        if (state) q.set("state", state)
        res.writeHead(302, { Location: `${redirectUri()}?${q.toString().replace(/\+/g, "%20")}` })
        res.end()
      } else {
        res.writeHead(400, { "Content-Type": "text/html; charset=utf-8" })
        res.end(
          `<!doctype html><html><body><h1>Error</h1><div class="error-code">${htmlText(a.error)}</div><div class="error-description">${htmlText(a.description)}</div></body></html>`
        )
      }
      return
    }
    if (req.method === "POST" && url.pathname === "/oauth/connect/token") {
      req.resume()
      res.writeHead(400, { "Content-Type": "application/json" })
      res.end(JSON.stringify({ error: "invalid_grant" }))
      return
    }
    res.writeHead(404, { "Content-Type": "text/plain" })
    res.end("not found")
  })
  servers.push(server)
  await new Promise<void>((res) => server.listen(0, "127.0.0.1", () => res()))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    base,
    env: {
      ARLO_USERNAME: "api@hostile.example",
      ARLO_PASSWORD: "hostile-password-1",
      ARLO_CLIENT_ID: "hostile-client",
      ARLO_CLIENT_SECRET: "hostile-secret-1",
      ARLO_REDIRECT_URI: redirectUri(),
      ARLO_SCOPES: "openid profile all_claims offline_access",
      ARLO_MFA_SETTING: "optional"
    }
  }
}

/** Every check has finished. */
const verdict = /Verdict: (READY|NOT READY|INCOMPLETE)/

describe("arlo-ready against a hostile platform", () => {
  it("writes none of the server's escape sequences or bidi characters to the terminal, and exports them escaped", async () => {
    const server = await hostileServer({
      message: hostile("sign-in"),
      authorize: { kind: "redirect", error: "invalid_scope", description: hostile("scopes") }
    })
    const dir = mkdtempSync(join(tmpdir(), "arlo-ready-hostile-"))
    try {
      const s = open(["--base-url", server.base], server.env, 120, 50, dir)
      await s.waitText(verdict)
      // The checklist row carries the authorize endpoint's error_description in its summary.
      expect(s.screen().find((l) => l.includes("OAuth scopes"))).toMatch(/✖ OAuth scopes/)

      // basic.mfa: the ApiException Message is the cause.
      await selectRow(s, "MFA and API sign-in")
      await s.press(keys.enter)
      const mfa = (await s.waitText("Cause")).join("\n")
      expect(mfa).toContain("tinted")
      expect(mfa).toContain("linked")
      expect(mfa).toContain("gnirts-desrever")
      await s.press(keys.escape)
      await s.waitText(verdict)

      // oauth.scopes: the error_description is in the summary, and the Location (percent-decoded) in the evidence.
      await selectRow(s, "OAuth scopes")
      await s.press(keys.enter)
      const scopes = (await s.waitText("Evidence")).join("\n")
      expect(scopes).toContain("invalid_scope")
      expect(scopes).toMatch(/Location: .*callback/)
      await s.press(keys.escape)
      await s.waitText(verdict)
      expectClean(s.raw())

      await s.press("e")
      await s.waitText("Report written to")
      const reports = join(dir, "arlo-ready-reports")
      const [file] = readdirSync(reports)
      const body = readFileSync(join(reports, file!), "utf8")
      // Valid JSON with the server's words in, but not one raw control or bidi character: each is \uXXXX.
      const report = JSON.parse(body) as { checks: Array<{ id: string; cause: { message: string } | null }> }
      const message = report.checks.find((c) => c.id === "basic.mfa")?.cause?.message ?? ""
      expect(message).toContain("gnirts-desrever")
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the raw characters must not be in the file
      const unsafe = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu
      expect(body.replace(/\n/g, "").match(unsafe) ?? []).toEqual([])
      for (const c of new Set(message.match(unsafe) ?? [])) {
        expect(body).toContain(`\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
      }

      await s.press("q")
      expect(await s.exit).toBe(1)
      expectClean(s.raw())
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("stays responsive with a 300 KB single-word error description and ApiException message", async () => {
    const word = (head: string) => `${head}${"x".repeat(300 * 1024)}`
    const server = await hostileServer({
      message: word("MFA-"),
      authorize: { kind: "page", error: "invalid_request", description: word("redirect_uri-") }
    })
    const s = open(["--base-url", server.base], server.env, 100, 30)
    await s.waitText(verdict)

    // basic.mfa: the ApiException Message is the cause.
    await selectRow(s, "MFA and API sign-in")
    await s.press(keys.enter)
    expect((await s.waitText("esc back", 20_000)).join("\n")).toContain("MFA-xxxx")
    // The details scroll and go back at once.
    await s.press(keys.down)
    await s.press(keys.escape)
    await s.waitText(verdict, 20_000)

    // oauth.redirect-uri: the error page's description is in the cause.
    await selectRow(s, "OAuth redirect URI")
    await s.press(keys.enter)
    const text = (await s.waitText("esc back", 20_000)).join("\n")
    expect(text).toContain("redirect_uri-xxxx")
    expect(text).toContain("…")

    const asked = Date.now()
    await s.press("q")
    const code = await Promise.race([
      s.exit,
      new Promise<"late">((res) => setTimeout(() => res("late"), 20_000).unref())
    ])
    expect(code, `q took ${Date.now() - asked} ms`).toBe(1)
    expectClean(s.raw())
  })
})
