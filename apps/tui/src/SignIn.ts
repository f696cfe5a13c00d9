/**
 * `arlo-ready --sign-in`: a person signs in through a browser so the audit proves what its probes only
 * infer. Prints the authorize URL and opens it where a browser is available (`BROWSER`, else the
 * desktop's opener; never an error when there is none); takes the redirect back on a loopback listener
 * when the registered redirect URI is a loopback one, else as the URL the person pastes; exchanges the
 * code; audits with it; and revokes what was issued on the way out, whatever happens, within a bounded
 * time. The tokens never reach the screen, except the access token on stdout with `--keep-token`.
 */
import { spawn } from "node:child_process"
import * as http from "node:http"
import { createInterface } from "node:readline"
import { auditHttpClient, Cli, ExitCode, type FailOn, type TextStyle } from "@arlo-ready/cli-kit"
import {
  ArloHttp,
  beginSignIn,
  completeSignIn,
  loopbackRedirect,
  revocationLine,
  revokeSignIn,
  type SignInRecord,
  type SignInRequest,
  withSignIn
} from "@arlo-ready/core"
import { Duration, Effect, Layer, Option, Redacted } from "effect"
import { plain } from "./Plain.js"
import { askText } from "./Prompt.js"
import type { Audit } from "./Session.js"

/** How long the sign-in waits for the browser to come back. */
export const signInWaitMs = 5 * 60 * 1000

const say = (line: string) => {
  process.stderr.write(`${line}\n`)
}

/**
 * Opens the URL in a browser: `BROWSER` (a command given the URL), else `open` on macOS or `xdg-open`
 * on a Linux desktop. Returns whether one was started; a missing command is no error.
 */
export const openBrowser = (url: string, env: Readonly<Record<string, string | undefined>>): boolean => {
  const fromEnv = env.BROWSER?.trim()
  const desktop = env.DISPLAY || env.WAYLAND_DISPLAY
  const command =
    fromEnv || (process.platform === "darwin" ? "open" : process.platform === "linux" && desktop ? "xdg-open" : "")
  if (command === "" || command === "none") return false
  try {
    const child = spawn(command, [url], { stdio: "ignore", detached: true })
    child.on("error", () => {})
    child.unref()
    return true
  } catch {
    return false
  }
}

const landed =
  '<!DOCTYPE html><html><head><meta charset="utf-8"><title>arlo-ready</title></head><body><p>Signed in. You can close this window and return to the terminal.</p></body></html>\n'

/** Waits on the loopback redirect URI for the browser; the first request at its path is the answer. */
const listen = (where: { host: string; port: number; path: string }) =>
  Effect.async<string, string>((resume) => {
    const server = http.createServer((req, res) => {
      const url = new URL(
        req.url ?? "/",
        `http://${where.host.includes(":") ? `[${where.host}]` : where.host}:${where.port}`
      )
      if (url.pathname !== where.path) {
        res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not found\n")
        return
      }
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(landed)
      resume(Effect.succeed(url.toString()))
    })
    server.once("error", (e: NodeJS.ErrnoException) =>
      resume(Effect.fail(`cannot listen on ${where.host}:${where.port} for the redirect (${e.code ?? e.message})`))
    )
    server.listen(where.port, where.host)
    return Effect.sync(() => {
      server.close()
      server.closeAllConnections()
    })
  })

/** One line from stdin: at a terminal through the prompt, else the first line piped in. */
const pasted = (input: NodeJS.ReadStream) =>
  input.isTTY
    ? askText({ input, output: process.stderr }, "Paste the URL the browser was sent to: ")
    : Effect.async<string>((resume) => {
        process.stderr.write("Paste the URL the browser was sent to: ")
        const rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })
        rl.once("line", (line) => {
          process.stderr.write("\n")
          resume(Effect.succeed(line))
        })
        return Effect.sync(() => rl.close())
      })

/** The URL the browser was sent to, by the loopback listener or pasted; none within the wait. */
export const redirectBack = (req: SignInRequest, input: NodeJS.ReadStream, paste = false) => {
  const loopback = paste ? null : loopbackRedirect(req.redirectUri)
  const answer: Effect.Effect<string, string> = loopback ? listen(loopback) : pasted(input)
  return answer.pipe(Effect.timeout(Duration.millis(signInWaitMs)), Effect.option)
}

/** The HTTP service a sign-in's own requests go through: the audit's rules, its network, its deadline. */
const signInHttp = (audit: Audit) =>
  ArloHttp.layer(audit.config, Date.now() + audit.config.deadlineMs).pipe(Layer.provide(auditHttpClient(audit.network)))

/** Revokes what a sign-in was issued and says so; bounded, and run whatever ended the audit. */
const revokeAndSay = (audit: Audit, record: SignInRecord, keepAccess: boolean) =>
  revokeSignIn(audit.config, record, { keepAccess }).pipe(
    Effect.provide(signInHttp(audit)),
    Effect.timeout(Duration.millis(Math.min(10_000, audit.config.timeoutMs * 3))),
    Effect.match({
      onFailure: () => say(`Sign-in: the tokens could not be revoked in time. ${revokeByHandLine(audit)}`),
      onSuccess: (r) => {
        const line = revocationLine(r)
        if (line) say(line)
      }
    })
  )

const revokeByHandLine = (audit: Audit) =>
  `Revoke the grant by hand in the OAuth clients section of Arlo's developer portal (developer.arlo.co), client ${audit.config.oauth?.clientId ?? ""}.`

/** The sign-in, then the audit with it; returns the exit code. */
export const signInProgram = (
  audit: Audit,
  options: {
    readonly failOn: FailOn
    readonly style: TextStyle
    readonly keepToken: boolean
    readonly input: NodeJS.ReadStream
    readonly env: Readonly<Record<string, string | undefined>>
    /** Take the redirect as a pasted URL even when the redirect URI is a loopback one (the screen's `s`). */
    readonly paste?: boolean
  }
) =>
  Effect.gen(function* () {
    const cli = yield* Cli
    const req = yield* beginSignIn(audit.config)
    say(`Sign in as the integration's user, in a browser, at:\n\n  ${req.url}\n`)
    const loopback = !options.paste && loopbackRedirect(req.redirectUri) !== null
    say(
      loopback
        ? `Waiting for the browser at ${req.redirectUri} (up to ${signInWaitMs / 60_000} minutes; Ctrl+C stops).`
        : `Once signed in, the browser is sent to ${req.redirectUri} (its page may not load: the URL is what counts).`
    )
    if (!openBrowser(req.url, options.env)) say("No browser to open here: open the URL above in one.")
    const back = yield* redirectBack(req, options.input, options.paste)
    if (Option.isNone(back)) {
      yield* cli.warn("no sign-in came back in time: nothing was issued, nothing audited")
      return ExitCode.Incomplete
    }
    const record = yield* completeSignIn(audit.config, req, back.value).pipe(Effect.provide(signInHttp(audit)))
    const signed: Audit = { ...audit, config: withSignIn(audit.config, record) }
    const write = options.keepToken ? (t: string) => process.stderr.write(t) : undefined
    const code = yield* plain(signed, {
      failOn: options.failOn,
      style: options.style,
      ...(write ? { write } : {})
    }).pipe(Effect.ensuring(revokeAndSay(audit, record, options.keepToken)))
    if (options.keepToken && record.outcome._tag === "issued")
      process.stdout.write(`${Redacted.value(record.outcome.accessToken)}\n`)
    return code
  })
