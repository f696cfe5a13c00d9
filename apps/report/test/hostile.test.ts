/**
 * The built `arlo-ready-report` against a hostile platform (a node:http server on loopback, one
 * behaviour per path prefix, see hostile-server.ts), in every format: each run writes all six with
 * --output, and stdout carries each format in turn (all six for the text-heavy behaviours, two or three
 * for the others). For every run: the process ends
 * within its deadline and a little slack, the exit code is one the contract allows and follows the
 * verdict, the report is complete and valid in every format (JSON against the schema, NDJSON events,
 * JUnit XML), no form of any secret appears in stdout, stderr or any --output file, and no raw control
 * or bidi character does either. Each behaviour adds what it is about:
 *
 * - quadratic-html: error pages of 150,000 and 1,000,000 `<`: no super-linear reading;
 * - secret-echo: the password, client secret and access token echoed back in every form (plain, case
 *   changed, base64 and base64url alone and as `user:secret`, hex, URL-encoded, split by a CRLF);
 * - terminal-escapes: OSC title and hyperlink, SGR, C1 CSI, DEL and bidi overrides in message, code,
 *   challenge, error_description and a redirect's Location;
 * - markdown-mentions: `@user`, `@org/team` and bare URLs make no mention or link in Markdown;
 * - trickle: one byte a second (the head, the body, the authorize answer) against the deadline, and
 *   SIGINT / SIGTERM mid-trickle;
 * - nginx: a welcome page is not Arlo;
 * - cross-origin redirects are not followed with credentials; a gzip bomb is never inflated past the
 *   body cap; an XXE document is refused without reading the file it names.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import type { ServerResponse } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Report } from "@arlo-ready/core"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { formats } from "../src/Format.js"
import { assertBuilt, events, type RunResult, run, validReport } from "./helpers.js"
import {
  apiException,
  type Behaviour,
  challenge,
  type Exchange,
  gzipBomb,
  type Handler,
  type HostileServer,
  RESOURCES,
  startHostileServer,
  trickleBody,
  trickleRaw,
  xmlEscape
} from "./hostile-server.js"
import { childrenNamed, parseXml } from "./xml.js"

// Real subprocesses on a shared machine: generous hang guards; the timing assertions carry slack.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 })

type Format = (typeof formats)[number]

/** At most this many audits at once (two cores, shared). */
const MAX_PROCESSES = 4
/**
 * What a run may take beyond its --deadline, from the audit's start (`startedAt`) to the exit: the
 * deadline's own second of grace, writing every format, a loaded machine.
 */
const SLACK_MS = 3_000
/**
 * Node's start-up before the audit starts, on top of that: under a load of 5 on two cores it alone
 * reaches 2-3 s, so it is bounded separately (and printed) rather than charged to the audit.
 */
const STARTUP_MS = 5_000

// ---------------------------------------------------------------------------------------------------
// Credentials: long, random-looking, never a word of a sentence the report could contain.

const USERNAME = "api@hostile.example"
const PASSWORD = "Qz7vKp2wXr9LmT4s+Hj/"
const CLIENT_ID = "hostile-sync"
const CLIENT_SECRET = "cS8nWq3ZyV6bR1tUe0xG"
const ACCESS_TOKEN = "Nf4Jd9Ws2Lk7Qp1Zr6YbTt"
const REDIRECT_URI = "https://app.hostile.example/callback"

const envFor = (baseUrl: string): Record<string, string> => ({
  ARLO_BASE_URL: baseUrl,
  ARLO_USERNAME: USERNAME,
  ARLO_PASSWORD: PASSWORD,
  ARLO_CLIENT_ID: CLIENT_ID,
  ARLO_CLIENT_SECRET: CLIENT_SECRET,
  ARLO_REDIRECT_URI: REDIRECT_URI,
  ARLO_ACCESS_TOKEN: ACCESS_TOKEN
})

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64")
const b64url = (s: string) => Buffer.from(s, "utf8").toString("base64url")
const hex = (s: string) => Buffer.from(s, "utf8").toString("hex")

/**
 * Every form a secret could leak in, lower-cased (the outputs are lower-cased too, so an upper- or
 * lower-cased echo, upper-case hex or `%2b` is found): plain, URL-encoded, base64 (padded and not) and
 * base64url, hex, each half (a CRLF split), and base64 / base64url of `id:secret`.
 */
const formsOf = (secret: string, id?: string): Array<string> => {
  const half = Math.floor(secret.length / 2)
  const pair =
    id === undefined
      ? []
      : [b64(`${id}:${secret}`), b64(`${id}:${secret}`).replace(/=+$/, ""), b64url(`${id}:${secret}`)]
  return [
    secret,
    encodeURIComponent(secret),
    b64(secret),
    b64(secret).replace(/=+$/, ""),
    b64url(secret),
    hex(secret),
    secret.slice(0, half),
    secret.slice(half),
    ...pair
  ].map((f) => f.toLowerCase())
}

const secretForms: ReadonlyArray<{ readonly what: string; readonly form: string }> = [
  ...formsOf(PASSWORD, USERNAME).map((form) => ({ what: "password", form })),
  ...formsOf(CLIENT_SECRET, CLIENT_ID).map((form) => ({ what: "client secret", form })),
  ...formsOf(ACCESS_TOKEN).map((form) => ({ what: "access token", form }))
]

/**
 * The forms found in a text: searched in the text lower-cased, and again with white space, JSON, XML and
 * URL escapes of controls and spaces removed (a secret split across lines is still that secret).
 */
const leaks = (text: string): Array<string> => {
  const lower = text.toLowerCase()
  const squashed = lower.replace(/\\[rnt]|\\u00[0-9a-f]{2}|&#x?[0-9a-f]+;|%0d|%0a|%09|%20|\s+/g, "")
  return secretForms
    .filter((s) => lower.includes(s.form) || squashed.includes(s.form))
    .map((s) => `${s.what}: ${s.form}`)
}

/**
 * The first raw control (C0 but tab and line feed, DEL, C1) or bidi / separator character in a text,
 * as `U+XXXX at N`, or null.
 */
const unsafeChar = (text: string): string | null => {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    const bad =
      (c < 0x20 && c !== 0x09 && c !== 0x0a) ||
      (c >= 0x7f && c <= 0x9f) ||
      c === 0x2028 ||
      c === 0x2029 ||
      (c >= 0x202a && c <= 0x202e) ||
      (c >= 0x2066 && c <= 0x2069) ||
      c === 0x200e ||
      c === 0x200f ||
      c === 0x061c
    if (bad)
      return `U+${c.toString(16).toUpperCase().padStart(4, "0")} at ${i}: ${JSON.stringify(text.slice(Math.max(0, i - 40), i + 20))}`
  }
  return null
}

// ---------------------------------------------------------------------------------------------------
// Behaviours

const ESC = "\u001b"
const BEL = "\u0007"
/** A word the server text carries next to what it echoes: when it is in the report, the text was shown. */
const CANARY = "zebracanary"

const stateOf = (url: URL) => url.searchParams.get("state") ?? ""

/** A redirect back to the redirect URI with an RFC 6749 error. */
const redirectError = (url: URL, error: string, description: string) =>
  `${REDIRECT_URI}?${new URLSearchParams({ error, error_description: description, state: stateOf(url) }).toString().replace(/\+/g, "%20")}`

const sendJson = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8" })
  res.end(JSON.stringify(body))
}

/** Error pages made of nothing but `<`: a reader that rescans from each one is quadratic. */
const quadratic = (n: number): Behaviour => {
  const page = "<".repeat(n)
  const html =
    (status: number): Handler =>
    ({ req, res }) => {
      req.resume()
      res.writeHead(status, { "Content-Type": "text/html; charset=utf-8" })
      res.end(page)
    }
  return { authorize: html(400), token: html(400), signIn: html(401), openid: html(404) }
}

/** How a server may echo a secret back. */
const echoes: Readonly<Record<string, (secret: string, id: string) => string>> = {
  plain: (s) => s,
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
  base64: (s) => b64(s),
  base64url: (s) => b64url(s),
  hex: (s) => hex(s),
  HEX: (s) => hex(s).toUpperCase(),
  crlf: (s) => `${s.slice(0, 9)}\r\n${s.slice(9)}`,
  url: (s) => encodeURIComponent(s),
  pair: (s, id) => b64(`${id}:${s}`),
  "pair-url": (s, id) => b64url(`${id}:${s}`)
}

/** Every place a server can put text, each holding a secret in one form; the authorize error is a redirect or a page. */
const secretEcho = (echo: (secret: string, id: string) => string, authorizeAs: "redirect" | "page"): Behaviour => {
  const p = echo(PASSWORD, USERNAME)
  const c = echo(CLIENT_SECRET, CLIENT_ID)
  const t = echo(ACCESS_TOKEN, CLIENT_ID)
  // A header carries no CR or LF: there the split is a space.
  const header = (s: string) => s.replace(/\r\n/g, " ")
  return {
    root: ({ res }) => challenge(res, header(p), `Sign-in refused ${CANARY} ${p}`),
    signIn: ({ res }) => {
      res.writeHead(401, {
        "WWW-Authenticate": `Basic realm="${header(p)}"`,
        "Content-Type": "application/xml; charset=utf-8"
      })
      res.end(apiException(`Denied ${p}`, `MFA blocks sign-in ${CANARY} ${p}`))
    },
    bearer: ({ res }) => {
      res.writeHead(401, {
        "WWW-Authenticate": `Bearer realm="${header(t)}", error="invalid_token", error_description="${CANARY} ${header(t)}"`,
        "Content-Type": "application/xml; charset=utf-8"
      })
      res.end(apiException(`Denied ${t}`, `${CANARY} ${t}`))
    },
    authorize: ({ res, url }) => {
      if (authorizeAs === "redirect") {
        res.writeHead(302, { Location: redirectError(url, "invalid_scope", `${CANARY} ${c}`) })
        res.end()
        return
      }
      res.writeHead(400, { "Content-Type": "text/html; charset=utf-8" })
      res.end(
        `<!doctype html><html><body><h1>invalid_client</h1><p>error_description: ${CANARY} ${xmlEscape(c)}</p></body></html>`
      )
    },
    token: ({ req, res }) => {
      req.resume()
      sendJson(res, 400, { error: "unauthorized_client", error_description: `${CANARY} ${c}` })
    },
    openid: ({ res }) => sendJson(res, 404, { error: "not_found", error_description: `${CANARY} ${c} ${p}` })
  }
}

/** Server text that would act on a terminal written raw; `tinted` shows that it was rendered. */
const EVIL =
  `MFA blocks sign-in tinted ${ESC}]0;pwned${BEL} ${ESC}[31mred${ESC}[0m ` +
  `${ESC}]8;;http://evil${BEL}linked${ESC}]8;;${BEL} \u202eesrever\u202c csi\u009b2J del\u007f end`

const terminalEscapes: Behaviour = (() => {
  // The root first redirects (same origin, followed) through a Location that holds the escapes,
  // percent-encoded and (a C1 CSI, all a header can carry) raw.
  const hop: Handler = ({ res, base }) => {
    res.writeHead(302, { Location: `${base}${RESOURCES}?hop=${encodeURIComponent(EVIL)}&raw=\u009b31m` })
    res.end()
  }
  const refuse = (message: string) => (x: Exchange) => {
    if (!x.url.searchParams.has("hop")) return hop(x)
    x.res.writeHead(401, {
      "WWW-Authenticate": 'Basic realm="Arlo\u009b31m"',
      "Content-Type": "application/xml; charset=utf-8"
    })
    x.res.end(apiException(`Unauthorized${ESC}[31m\u202e`, message))
  }
  return {
    root: refuse(`Authorization has been denied ${EVIL}`),
    signIn: refuse(EVIL),
    bearer: ({ res }) => {
      res.writeHead(401, {
        "WWW-Authenticate": 'Bearer error="invalid_token", error_description="\u009b2J"',
        "Content-Type": "application/xml; charset=utf-8"
      })
      res.end(apiException("Unauthorized", EVIL))
    },
    authorize: ({ res, url }) => {
      res.writeHead(302, { Location: redirectError(url, "invalid_scope", EVIL) })
      res.end()
    },
    token: ({ req, res }) => {
      req.resume()
      sendJson(res, 400, { error: "unauthorized_client", error_description: EVIL })
    }
  }
})()

const MENTIONS = "MFA blocks sign-in for @octocat and @org/team, see https://evil.example/x or www.evil.example"
const markdownMentions: Behaviour = {
  signIn: ({ res }) => challenge(res, "Arlo", MENTIONS),
  authorize: ({ res, url }) => {
    res.writeHead(302, { Location: redirectError(url, "invalid_scope", MENTIONS) })
    res.end()
  },
  token: ({ req, res }) => {
    req.resume()
    sendJson(res, 400, { error: "unauthorized_client", error_description: MENTIONS })
  }
}

const NGINX =
  "<!DOCTYPE html><html><head><title>Welcome to nginx!</title></head><body><h1>Welcome to nginx!</h1><p>If you see this page, the nginx web server is successfully installed.</p></body></html>"
const nginxPage: Handler = ({ req, res }) => {
  req.resume()
  res.writeHead(200, { "Content-Type": "text/html" })
  res.end(NGINX)
}
const nginx: Behaviour = {
  root: nginxPage,
  signIn: nginxPage,
  bearer: nginxPage,
  resources: nginxPage,
  authorize: nginxPage,
  token: nginxPage,
  openid: nginxPage,
  other: nginxPage
}

/** Redirects to another origin (another host name for the same server): `other~TAG/…`. */
const crossOrigin: Behaviour = (() => {
  const away =
    (status: number, rest: string): Handler =>
    ({ req, res, port, tag }) => {
      req.resume()
      res.writeHead(status, { Location: `http://localhost:${port}/other~${tag}${rest}` })
      res.end()
    }
  return {
    root: away(302, RESOURCES),
    signIn: away(302, RESOURCES),
    bearer: away(302, RESOURCES),
    resources: away(302, `${RESOURCES}contacts/`),
    authorize: away(302, "/account/signin"),
    // 307 keeps the method and the body: a client that followed it would post its credentials there.
    token: away(307, "/oauth/connect/token"),
    openid: away(302, "/.well-known/openid-configuration")
  }
})()

const bomb =
  (status: number, contentType: string): Handler =>
  ({ req, res }) => {
    req.resume()
    const body = gzipBomb()
    res.writeHead(status, {
      "Content-Type": contentType,
      "Content-Encoding": "gzip",
      "Content-Length": String(body.length)
    })
    res.end(body)
  }
const gzipBombs: Behaviour = {
  signIn: bomb(200, "application/xml; charset=utf-8"),
  bearer: bomb(200, "application/xml; charset=utf-8"),
  resources: bomb(200, "application/xml; charset=utf-8"),
  authorize: bomb(400, "text/html; charset=utf-8"),
  token: bomb(400, "application/json"),
  openid: bomb(200, "application/json")
}

const XXE = `<?xml version="1.0" encoding="utf-8"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Resources>&e;</Resources>`
const xxeDoc: Handler = ({ res }) => {
  res.writeHead(200, { "Content-Type": "application/xml; charset=utf-8" })
  res.end(XXE)
}
const xxe: Behaviour = { signIn: xxeDoc, bearer: xxeDoc, resources: xxeDoc }

const CHALLENGE_HEADERS = { "WWW-Authenticate": 'Basic realm="Arlo"', "Content-Type": "application/xml; charset=utf-8" }
const rawResponse = (status: string, headers: Record<string, string>, body: string) =>
  `HTTP/1.1 ${status}\r\n${Object.entries({ ...headers, "Content-Length": String(Buffer.byteLength(body)) })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("")}\r\n${body}`

/** Everything answered one byte a second, status line and headers included. */
const trickleRoot: Behaviour = (() => {
  const raw = rawResponse("401 Unauthorized", CHALLENGE_HEADERS, apiException("Unauthorized", "denied"))
  const slow: Handler = ({ req }) => trickleRaw(req.socket, raw)
  return { root: slow, signIn: slow, bearer: slow }
})()

/** Status and headers at once, then the body one byte a second, on every route. */
const trickleBodies: Behaviour = (() => {
  const xml = apiException("Unauthorized", "Authorization has been denied for this request.")
  const slowXml: Handler = ({ res }) => trickleBody(res, 401, CHALLENGE_HEADERS, xml)
  return {
    root: slowXml,
    signIn: slowXml,
    bearer: slowXml,
    resources: slowXml,
    authorize: ({ res }) =>
      trickleBody(res, 400, { "Content-Type": "text/html" }, "<html><body>invalid_client</body></html>"),
    token: ({ req, res }) => {
      req.resume()
      trickleBody(res, 400, { "Content-Type": "application/json" }, '{"error":"invalid_grant"}')
    },
    openid: ({ res }) => trickleBody(res, 200, { "Content-Type": "application/json" }, "{}")
  }
})()

/** The Auth API answers at once; the authorize answer trickles head first, the token answer's body trickles. */
const trickleAuthorize: Behaviour = {
  authorize: ({ req, url }) =>
    trickleRaw(req.socket, rawResponse("302 Found", { Location: redirectError(url, "invalid_scope", "slow") }, "")),
  token: ({ req, res }) => {
    req.resume()
    trickleBody(res, 400, { "Content-Type": "application/json" }, '{"error":"invalid_grant"}')
  }
}

const behaviours: Record<string, Behaviour> = {
  "quadratic-html-150000": quadratic(150_000),
  "quadratic-html-1000000": quadratic(1_000_000),
  "terminal-escapes": terminalEscapes,
  "markdown-mentions": markdownMentions,
  nginx,
  "cross-origin": crossOrigin,
  "gzip-bomb": gzipBombs,
  xxe,
  "trickle-root": trickleRoot,
  "trickle-body": trickleBodies,
  "trickle-authorize": trickleAuthorize
}
Object.keys(echoes).forEach((name, i) => {
  behaviours[`secret-echo-${name}`] = secretEcho(echoes[name]!, i % 2 === 0 ? "redirect" : "page")
})

// ---------------------------------------------------------------------------------------------------
// Running audits

let server: HostileServer
let dir: string
let catalogue: ReadonlyArray<string> = []
const timings: Array<{
  readonly label: string
  readonly ms: number
  readonly startupMs: number | null
  readonly auditToExitMs: number | null
  readonly code: number | null
}> = []

beforeAll(async () => {
  assertBuilt()
  dir = mkdtempSync(join(tmpdir(), "arlo-ready-hostile-"))
  server = await startHostileServer(behaviours)
  const list = await run(["--list-checks", "--format", "json"])
  catalogue = (JSON.parse(list.stdout) as { checks: Array<{ id: string }> }).checks.map((c) => c.id)
  gzipBomb()
})

afterAll(async () => {
  await server?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
  const rows = [...timings].sort((a, b) => a.label.localeCompare(b.label))
  console.log(
    `hostile-server runs: spawn to exit (start-up, audit start to exit):\n${rows
      .map((r) => `  ${r.label.padEnd(40)} ${ms(r.ms)} (${ms(r.startupMs)}, ${ms(r.auditToExitMs)})  exit ${r.code}`)
      .join("\n")}`
  )
})

const ms = (n: number | null) => (n === null ? "     ?" : `${String(Math.round(n)).padStart(6)} ms`)

let active = 0
const waiting: Array<() => void> = []
/** Runs `f` once fewer than {@link MAX_PROCESSES} audits are running. */
const limited = async <A>(f: () => Promise<A>): Promise<A> => {
  while (active >= MAX_PROCESSES) await new Promise<void>((resolve) => waiting.push(resolve))
  active++
  try {
    return await f()
  } finally {
    active--
    waiting.shift()?.()
  }
}

interface Audited {
  readonly label: string
  readonly segment: string
  readonly format: Format
  readonly deadlineMs: number
  readonly result: RunResult
  /** From the spawn to the exit. */
  readonly elapsedMs: number
  /** From the spawn to the audit's start (the report's `startedAt`). */
  readonly startupMs: number | null
  /** From the audit's start to the exit. */
  readonly auditToExitMs: number | null
  /** From the signal to the exit, when one was sent. */
  readonly afterSignalMs: number | null
  readonly outputs: Record<Format, string>
}

let runs = 0

/** One audit of a behaviour: stdout in `format`, every format also written with --output. */
const audit = (
  behaviour: string,
  format: Format,
  options: {
    readonly deadline?: string
    readonly args?: ReadonlyArray<string>
    /** Sent this long after the spawn, once the platform has received a request of this run. */
    readonly signal?: { readonly name: NodeJS.Signals; readonly afterMs: number }
  } = {}
): Promise<Audited> =>
  limited(async () => {
    const tag = `${format}-${++runs}`
    const segment = `${behaviour}~${tag}`
    const deadline = options.deadline ?? "5s"
    const deadlineMs = Number.parseFloat(deadline) * (deadline.endsWith("ms") ? 1 : 1000)
    const files = Object.fromEntries(formats.map((f) => [f, join(dir, `${segment}.${f}`)])) as Record<Format, string>
    let signalledAt: number | null = null
    const started = performance.now()
    const startedWall = Date.now()
    const result = await run(
      [
        "--format",
        format,
        ...formats.flatMap((f) => ["--output", `${f}=${files[f]}`]),
        "--deadline",
        deadline,
        ...(options.args ?? [])
      ],
      {
        env: envFor(server.base(behaviour, tag)),
        timeoutMs: deadlineMs + 30_000,
        onSpawn: (child) => {
          const s = options.signal
          if (!s) return
          setTimeout(function send() {
            if (server.seen(segment).length === 0) return void setTimeout(send, 20)
            signalledAt = performance.now()
            child.kill(s.name)
          }, s.afterMs)
        }
      }
    )
    const ended = performance.now()
    const endedWall = Date.now()
    const read = (f: Format) => {
      try {
        return readFileSync(files[f], "utf8")
      } catch (e) {
        throw new Error(
          `${segment}: --output ${f} was not written (exit ${result.code}): ${String(e)}\n${result.stderr}`
        )
      }
    }
    const outputs = Object.fromEntries(formats.map((f) => [f, read(f)])) as Record<Format, string>
    const label = `${behaviour} ${format}${options.signal ? ` ${options.signal.name}` : ""}`
    const auditStart = (() => {
      try {
        return Date.parse((JSON.parse(outputs.json) as { startedAt: string }).startedAt)
      } catch {
        return Number.NaN
      }
    })()
    const startupMs = Number.isNaN(auditStart) ? null : auditStart - startedWall
    const auditToExitMs = Number.isNaN(auditStart) ? null : endedWall - auditStart
    timings.push({ label, ms: ended - started, startupMs, auditToExitMs, code: result.code })
    return {
      label,
      segment,
      format,
      deadlineMs,
      result,
      elapsedMs: ended - started,
      startupMs,
      auditToExitMs,
      afterSignalMs: signalledAt === null ? null : ended - signalledAt,
      outputs
    }
  })

const sortedLines = (text: string) => text.split("\n").sort()

const exitFor = { ready: 0, ready_with_warnings: 0, not_ready: 1, incomplete: 3 } as const

/**
 * What every run must hold, whatever the behaviour. Returns the report (of the json --output file,
 * which stdout matches when it is json).
 */
const expectContract = (
  a: Audited,
  expected: { readonly codes: ReadonlyArray<number>; readonly interrupted: boolean }
): Report => {
  const where = `${a.label} (exit ${a.result.code}, ${Math.round(a.elapsedMs)} ms, of which start-up ${a.startupMs} ms)\nstderr: ${a.result.stderr}`
  expect(a.result.signal, where).toBeNull()
  expect(a.auditToExitMs, where).not.toBeNull()
  expect(a.auditToExitMs!, `${where}: ended within the deadline and ${SLACK_MS} ms of the audit's start`).toBeLessThan(
    a.deadlineMs + SLACK_MS
  )
  expect(a.elapsedMs, `${where}: ended within start-up, the deadline and the slack`).toBeLessThan(
    a.deadlineMs + SLACK_MS + STARTUP_MS
  )
  expect(expected.codes, where).toContain(a.result.code)
  // Every format, complete and valid.
  const report = validReport(JSON.parse(a.outputs.json))
  expect(report.interrupted, where).toBe(expected.interrupted)
  // The audit's own clock: it stops at its deadline (a second of grace for the checks to settle).
  expect(report.durationMs, where).toBeLessThan(a.deadlineMs + 1_000)
  expect(
    report.checks.map((c) => c.id),
    where
  ).toEqual(catalogue)
  expect(a.result.code, where).toBe(a.result.code === 130 ? 130 : exitFor[report.verdict])
  if (a.result.code === 130) expect(report.verdict).toBe("incomplete")
  const stream = events(a.outputs.ndjson)
  expect(stream[0]?._tag, where).toBe("audit_started")
  const last = stream.at(-1)
  expect(last?._tag === "audit_finished" && last.report, where).toEqual(report)
  const junit = parseXml(a.outputs.junit)
  const cases = childrenNamed(junit, "testsuite").flatMap((s) => childrenNamed(s, "testcase"))
  expect(cases, where).toHaveLength(catalogue.length)
  expect(a.outputs.markdown, where).toContain("## arlo-ready:")
  expect(a.outputs.text.length, where).toBeGreaterThan(0)
  expect(a.outputs.github.length, where).toBeGreaterThan(0)
  // stdout is the chosen format, as written to its file.
  if (a.format === "json") expect(JSON.parse(a.result.stdout), where).toEqual(report)
  else if (a.format === "ndjson") expect(events(a.result.stdout).at(-1), where).toEqual(last)
  // The text on stdout is written check by check as each finishes; its file, once, in catalogue order.
  else if (a.format === "text") expect(sortedLines(a.result.stdout), where).toEqual(sortedLines(a.outputs.text))
  else expect(a.result.stdout, where).toBe(a.outputs[a.format])
  // No secret and no raw control or bidi character, anywhere.
  const texts: Record<string, string> = { stdout: a.result.stdout, stderr: a.result.stderr }
  for (const f of formats) texts[`--output ${f}`] = a.outputs[f]
  for (const [name, text] of Object.entries(texts)) {
    expect(leaks(text), `${where}: a secret in ${name}`).toEqual([])
    expect(unsafeChar(text), `${where}: a raw control or bidi character in ${name}`).toBeNull()
  }
  return report
}

/** Audits with stdout in each of `on` (every format is written to a file in each run anyway). */
const inFormats = (behaviour: string, on: ReadonlyArray<Format>, options: Parameters<typeof audit>[2] = {}) =>
  Promise.all(on.map((f) => audit(behaviour, f, options)))
const inEveryFormat = (behaviour: string, options: Parameters<typeof audit>[2] = {}) =>
  inFormats(behaviour, formats, options)

const check = (report: Report, id: string) => {
  const c = report.checks.find((x) => x.id === id)
  if (!c) throw new Error(`no check ${id}`)
  return c
}

const statuses = (report: Report) =>
  report.checks.map((c) => `${c.id}: ${c.status}${c.cause ? ` ${c.cause.code}` : ""}`).join("\n")

// ---------------------------------------------------------------------------------------------------

describe.concurrent("a hostile platform, in every format", () => {
  it.each([150_000, 1_000_000])("quadratic-html: error pages of %i '<' are read in linear time", async (n) => {
    for (const a of await inEveryFormat(`quadratic-html-${n}`, { deadline: "5s" })) {
      const report = expectContract(a, { codes: [1, 3], interrupted: false })
      // The Basic sign-in's page was read: a 401 without a challenge refuses the credentials.
      expect(check(report, "basic.credentials").status, statuses(report)).toBe("fail")
    }
  })

  it.each(Object.keys(echoes))(
    "secret-echo: the secrets echoed %s in challenge, ApiException, error_description and token error are in no output",
    async (name) => {
      const i = Object.keys(echoes).indexOf(name)
      // One run per echo, stdout in a different format each time; every format is also written to a file.
      const a = await audit(`secret-echo-${name}`, formats[i % formats.length]!)
      const report = expectContract(a, { codes: [1, 3], interrupted: false })
      // The server's text was shown, the secret replaced where it stood (not the whole text dropped).
      expect(a.outputs.json, statuses(report)).toContain(`${CANARY} REDACTED`)
    }
  )

  it("terminal-escapes: no ESC, BEL, C1 CSI or bidi override reaches any output; the text around them does", async () => {
    for (const a of await inEveryFormat("terminal-escapes")) {
      const report = expectContract(a, { codes: [1, 3], interrupted: false })
      for (const [name, text] of [
        ["stdout", a.result.stdout],
        ["stderr", a.result.stderr],
        ...formats.map((f) => [`--output ${f}`, a.outputs[f]] as const)
      ] as const) {
        for (const [what, ch] of [
          ["ESC", ESC],
          ["BEL", BEL],
          ["U+009B", "\u009b"],
          ["U+202E", "\u202e"]
        ] as const) {
          expect(text.includes(ch), `${a.label}: ${what} in ${name}`).toBe(false)
        }
      }
      // JSON stays valid (checked above) and the words around the escapes were kept.
      expect(a.outputs.json, statuses(report)).toContain("tinted")
      expect(check(report, "basic.mfa").status, statuses(report)).not.toBe("pass")
    }
  })

  it("markdown-mentions: @user, @org/team and bare URLs make no mention and no link in Markdown", async () => {
    for (const a of await inEveryFormat("markdown-mentions")) {
      expectContract(a, { codes: [1, 3], interrupted: false })
      const md = a.outputs.markdown
      // What Markdown.ts does: a zero-width space (&#8203;) after the @, a bare URL in a code span.
      expect(md).toContain("@&#8203;octocat")
      expect(md).toContain("@&#8203;org/team")
      expect(md).toContain("`https://evil.example/x`")
      expect(md).toContain("`www.evil.example`")
      const prose = md.replace(/(`+)[^`]*?\1/g, "").replace(/\]\(https:\/\/[^)]*\)/g, "]")
      expect(prose, a.label).not.toMatch(/@[A-Za-z0-9]/)
      expect(prose, a.label).not.toMatch(/:\/\/|\bwww\./)
      expect(prose, a.label).not.toMatch(/<a\s|\]\(/i)
    }
  })

  it("nginx: a welcome page is not Arlo; the report is complete", async () => {
    for (const a of await inFormats("nginx", ["json", "markdown"])) {
      const report = expectContract(a, { codes: [1], interrupted: false })
      expect(check(report, "target.reachable"), statuses(report)).toMatchObject({
        status: "fail",
        cause: { code: "not_arlo_api" }
      })
    }
  })

  it("cross-origin: a redirect to another origin is not followed, and the other origin gets no credentials", async () => {
    // The other origin is reachable: a client that followed the redirect would land there.
    const probe = await fetch(`http://localhost:${server.port}/other~probe/`)
    expect(probe.status).toBe(404)
    for (const a of await inFormats("cross-origin", ["ndjson", "junit"])) {
      const report = expectContract(a, { codes: [1, 3], interrupted: false })
      expect(check(report, "target.reachable"), statuses(report)).toMatchObject({
        status: "fail",
        cause: { code: "redirected" }
      })
      const other = server.seen(`other~${a.segment.split("~")[1]}`)
      expect(
        other.filter((s) => s.authorization !== null).map((s) => `${s.method} ${s.path}`),
        a.label
      ).toEqual([])
      expect(
        other.map((s) => `${s.method} ${s.path}`),
        a.label
      ).toEqual([])
      expect(server.seen(a.segment).length, a.label).toBeGreaterThan(0)
    }
  })

  it("gzip-bomb: 50 MB of zeros, gzipped, is never inflated past the body cap", async () => {
    for (const a of await inFormats("gzip-bomb", ["text", "github"])) {
      const report = expectContract(a, { codes: [1, 3], interrupted: false })
      // The audit asks for no content coding: the bomb is either read as the ~50 kB it is on the wire
      // (not XML) or, by a client that inflates, stopped at the 1 MiB cap. Never a pass, never a hang.
      const signIn = check(report, "basic.credentials")
      expect(signIn.status, statuses(report)).toBe("error")
      expect(["unexpected_response", "body_too_large"], statuses(report)).toContain(signIn.cause?.code)
      for (const s of server.seen(a.segment)) expect(s.acceptEncoding ?? "", a.label).not.toMatch(/gzip/i)
    }
  })

  it("xxe: a document declaring an external entity is refused, and the file it names is not read", async () => {
    const passwd = readFileSync("/etc/passwd", "utf8")
      .split("\n")
      .filter((l) => l.length >= 12)
    expect(passwd.length).toBeGreaterThan(0)
    for (const a of await inFormats("xxe", ["json", "text"])) {
      const report = expectContract(a, { codes: [1, 3], interrupted: false })
      expect(check(report, "basic.credentials").status, statuses(report)).toBe("error")
      for (const text of [a.result.stdout, a.result.stderr, ...Object.values(a.outputs)]) {
        expect(text).not.toContain("root:x:0:0")
        for (const line of passwd) expect(text.includes(line), `${a.label}: ${line}`).toBe(false)
      }
    }
  })

  it("trickle-body: bodies at one byte a second end with the deadline, interrupted, in every format", async () => {
    for (const a of await inFormats("trickle-body", ["ndjson", "text", "markdown"], { deadline: "3s" })) {
      const report = expectContract(a, { codes: [3], interrupted: true })
      expect(check(report, "target.reachable").status, statuses(report)).toBe("error")
    }
  })

  it("trickle-authorize: an authorize answer trickled head first ends with the deadline", async () => {
    for (const a of await inFormats("trickle-authorize", ["json", "github", "junit"], { deadline: "3s" })) {
      const report = expectContract(a, { codes: [1, 3], interrupted: true })
      expect(check(report, "oauth.server").status, statuses(report)).toBe("error")
    }
  })
})

describe("a trickling platform, interrupted", () => {
  it.each(["SIGINT", "SIGTERM"] as const)(
    "%s 1.5 s into a root trickled one byte a second: exit 130 within 1 s, with a complete report",
    async (name) => {
      const a = await audit("trickle-root", "json", { deadline: "20s", signal: { name, afterMs: 1_500 } })
      const report = expectContract(a, { codes: [130], interrupted: true })
      expect(a.afterSignalMs, a.label).not.toBeNull()
      console.log(`trickle-root ${name}: exit ${Math.round(a.afterSignalMs!)} ms after the signal`)
      expect(a.afterSignalMs!, `${a.label}: from the signal to the exit`).toBeLessThan(1_000)
      expect(a.elapsedMs).toBeGreaterThanOrEqual(1_500)
      expect(check(report, "target.reachable")).toMatchObject({ status: "error", cause: { code: "interrupted" } })
    }
  )
})
