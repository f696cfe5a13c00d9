/**
 * The built binary in a real pseudo-terminal (node-pty) whose output feeds a headless terminal emulator:
 * the screen a test asserts on is what a user would see, and `raw` is every byte the terminal received.
 */
import { existsSync } from "node:fs"
import { tmpdir } from "node:os"
import { fileURLToPath } from "node:url"
import { Terminal } from "@xterm/headless"
import * as pty from "node-pty"
import { afterEach, beforeAll, expect } from "vitest"

export const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url))
export const keys = { up: "\x1b[A", down: "\x1b[B", enter: "\r", escape: "\x1b", ctrlC: "\x03" }

/** Registers the hooks of a file of pty tests: the binary must be built, and every session ends after its test. */
export const registerPtyHooks = (): void => {
  beforeAll(() => {
    if (!existsSync(bin)) {
      throw new Error(`${bin} is missing: build the app first (pnpm --filter arlo-ready... build; pnpm test builds it)`)
    }
  })
  afterEach(() => {
    for (const s of sessions.splice(0)) s.kill()
  })
}

/**
 * The environment a user's shell would give, without anything that would change the mode, the target or
 * where reports go (`INIT_CWD`, which the package manager running the tests sets).
 */
export const cleanEnv = (extra: Record<string, string>): Record<string, string> => {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue
    if (/^(CI|CONTINUOUS_INTEGRATION|GITHUB_ACTIONS|NO_COLOR|FORCE_COLOR|VITEST.*|ARLO_.*|INIT_CWD)$/.test(k)) continue
    env[k] = v
  }
  return { ...env, TERM: "xterm-256color", LANG: "C.UTF-8", ...extra }
}

export const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms))

export interface Session {
  /** The visible screen, one string per row, trailing spaces trimmed. */
  readonly screen: () => Array<string>
  /** Everything the program wrote, escape codes included. */
  readonly raw: () => string
  readonly waitFor: (
    check: (rows: Array<string>) => boolean,
    what: string,
    timeoutMs?: number
  ) => Promise<Array<string>>
  readonly waitText: (text: string | RegExp, timeoutMs?: number) => Promise<Array<string>>
  readonly press: (key: string) => Promise<void>
  readonly exit: Promise<number>
  readonly term: Terminal
  readonly kill: () => void
}

const sessions: Array<Session> = []

/** Runs the binary in a pseudo-terminal of `cols` x `rows`. */
export const open = (
  args: ReadonlyArray<string>,
  env: Record<string, string>,
  cols: number,
  rows: number,
  cwd = tmpdir(),
  command: { file: string; args: Array<string> } = { file: process.execPath, args: [bin, ...args] }
): Session => {
  const term = new Terminal({ cols, rows, allowProposedApi: true, scrollback: 200 })
  const child = pty.spawn(command.file, command.args, {
    name: "xterm-256color",
    cols,
    rows,
    cwd,
    env: cleanEnv(env)
  })
  let raw = ""
  let exited = false
  child.onData((d) => {
    raw += d
    term.write(d)
  })
  const exit = new Promise<number>((res) =>
    child.onExit((e) => {
      exited = true
      res(e.exitCode)
    })
  )
  const screen = () => {
    const b = term.buffer.active
    const out: Array<string> = []
    for (let i = 0; i < rows; i++) out.push(b.getLine(b.viewportY + i)?.translateToString(true) ?? "")
    return out
  }
  const waitFor = async (check: (rows: Array<string>) => boolean, what: string, timeoutMs = 20_000) => {
    const until = Date.now() + timeoutMs
    for (;;) {
      // Let the emulator parse everything received so far.
      await new Promise<void>((res) => term.write("", res))
      const s = screen()
      if (check(s)) return s
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}; screen:\n${s.join("\n")}`)
      await sleep(50)
    }
  }
  const session: Session = {
    screen,
    raw: () => raw,
    waitFor,
    waitText: (text, timeoutMs) =>
      waitFor(
        (s) => s.some((l) => (typeof text === "string" ? l.includes(text) : text.test(l))),
        String(text),
        timeoutMs
      ),
    press: async (key) => {
      child.write(key)
      await sleep(80)
    },
    exit,
    term,
    kill: () => {
      if (!exited) child.kill()
    }
  }
  sessions.push(session)
  return session
}

export const selected = (rows: Array<string>) => rows.find((l) => l.startsWith("›")) ?? ""

/** Moves the selection with the arrow keys until the selected row shows `title`. */
export const selectRow = async (s: Session, title: string) => {
  for (let i = 0; i < 20 && !selected(s.screen()).includes(title); i++) {
    const before = selected(s.screen())
    await s.press(keys.down)
    await s.waitFor((rows) => selected(rows) !== before, "the selection to move")
  }
  expect(selected(s.screen())).toContain(title)
}
