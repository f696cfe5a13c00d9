/**
 * Secrets from files, commands and dotenv files, against real files in a temporary directory and real
 * child processes (small node scripts).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Either, Exit, Fiber, Redacted } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { childEnv, loadEnvFile, loadSecrets, readSecretFile, type SecretSource, secretMaxBytes } from "../src/index.js"
import { parseCommandLine, splitWords } from "../src/internal/commandLine.js"
import { runSecretCommand } from "../src/internal/secretCommand.js"

const dir = mkdtempSync(join(tmpdir(), "arlo-secrets-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let n = 0
/** A file in the temporary directory with this content; its path. */
const file = (content: string | Buffer, name = `f${n++}`): string => {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}
/** A node script in the temporary directory; the argv that runs it. */
const script = (body: string): Array<string> => [process.execPath, file(body, `s${n++}.mjs`)]

const words = (text: string) => Either.getOrThrow(splitWords(text))
const argvOf = (text: string) => parseCommandLine(text)

/** Runs a command to its end; the secret's value, or the failure. */
const runToEnd = async (argv: ReadonlyArray<string>, timeoutMs = 10_000, env = childEnv(process.env)) => {
  const exit = await Effect.runPromiseExit(runSecretCommand({ argv, env, timeoutMs, maxBytes: 64, stdin: "ignore" }))
  if (Exit.isSuccess(exit)) return { value: Redacted.value(exit.value) }
  if (exit.cause._tag !== "Fail") throw new Error(String(exit.cause))
  return { error: exit.cause.error }
}

/** Whether a process is still there. */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
const waitFor = async (check: () => boolean, ms = 10_000) => {
  const until = Date.now() + ms
  while (!check()) {
    if (Date.now() > until) throw new Error("timed out waiting")
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe("command lines", () => {
  it("splits into words as a shell does, and does nothing else", () => {
    expect(words("op read op://vault/item/field")).toEqual(["op", "read", "op://vault/item/field"])
    expect(words(`  a  'b c'  "d \\"e\\" \\$f \\x"  g\\ h '' ""`)).toEqual(["a", "b c", 'd "e" $f \\x', "g h", "", ""])
    // No variables, globs, pipes or redirections: they are ordinary characters.
    expect(words("echo $HOME * | tee >out ;rm")).toEqual(["echo", "$HOME", "*", "|", "tee", ">out", ";rm"])
    expect(words("a\\\nb\tc")).toEqual(["ab", "c"])
    expect(splitWords("say 'hi")).toEqual(Either.left("a single quote is not closed"))
    expect(splitWords('say "hi')).toEqual(Either.left("a double quote is not closed"))
    expect(splitWords("say hi\\")).toEqual(Either.left("it ends with a backslash"))
  })

  it("takes a JSON array as the argv as it is", () => {
    expect(argvOf(' ["op", "read", "op://v/i/f with space"] ')).toEqual(
      Either.right(["op", "read", "op://v/i/f with space"])
    )
    expect(argvOf('["op", 1]')).toEqual(
      Either.left("a JSON array here holds strings only: the program, then its arguments")
    )
    expect(argvOf("[]")).toEqual(Either.left("the JSON array names no program"))
    expect(Either.isLeft(argvOf("[op read"))).toBe(true)
    expect(argvOf("   ")).toEqual(Either.left("it names no program"))
    expect(argvOf("''")).toEqual(Either.left("it names no program"))
  })
})

describe("secret files", () => {
  const read = (path: string) => readSecretFile("ARLO_PASSWORD_FILE", path, "the password")
  const message = (path: string) => {
    const r = read(path)
    return Either.isLeft(r) ? r.left.message : `read ${Redacted.value(r.right)}`
  }

  it("gives the content without trailing whitespace or a byte-order mark, redacted", () => {
    const r = Either.getOrThrow(read(file("\uFEFF  s3cret pass\r\n\n")))
    expect(Redacted.value(r)).toBe("  s3cret pass")
    expect(String(r)).not.toContain("s3cret")
    expect(Redacted.value(Either.getOrThrow(read(file("x".repeat(secretMaxBytes)))))).toHaveLength(secretMaxBytes)
  })

  it("refuses a missing, empty, too large file or a directory, naming the variable and the path", () => {
    const missing = join(dir, "nope")
    expect(message(missing)).toBe(
      `ARLO_PASSWORD_FILE names ${missing}, which does not exist: fix the path or unset ARLO_PASSWORD_FILE`
    )
    const empty = file(" \n\n")
    expect(message(empty)).toBe(`ARLO_PASSWORD_FILE names ${empty}, which is empty: put the password in it`)
    const big = file("x".repeat(secretMaxBytes + 1))
    expect(message(big)).toBe(
      `ARLO_PASSWORD_FILE names ${big}, which is larger than 64 KiB: it must hold the password alone`
    )
    const sub = join(dir, "sub")
    mkdirSync(sub)
    expect(message(sub)).toBe(
      `ARLO_PASSWORD_FILE names ${sub}, which is a directory: name the file that holds the password`
    )
  })
})

describe("dotenv files", () => {
  it("merges the file under the environment, which wins, and says which variables the file gave", () => {
    const path = file('# team settings\nexport ARLO_USERNAME=api@acme.example\nARLO_PASSWORD="from file"\nB="x\ny"\n')
    const r = Either.getOrThrow(loadEnvFile(path, { ARLO_USERNAME: "real@acme.example", OTHER: "1" }))
    expect(r.env).toEqual({ ARLO_USERNAME: "real@acme.example", OTHER: "1", ARLO_PASSWORD: "from file", B: "x\ny" })
    expect([...r.fromFile].sort()).toEqual(["ARLO_PASSWORD", "B"])
    expect(Either.getOrThrow(loadEnvFile(undefined, { A: "1" })).env).toEqual({ A: "1" })
    // Another form of the same thing in the environment wins too: a secret's file, the target.
    const forms = file("ARLO_PASSWORD=p\nARLO_PLATFORM=acme\nARLO_CLIENT_SECRET_COMMAND=x\n")
    const other = Either.getOrThrow(
      loadEnvFile(forms, { ARLO_PASSWORD_COMMAND: "pass pw", ARLO_BASE_URL: "https://a" })
    )
    expect(other.env).toEqual({
      ARLO_PASSWORD_COMMAND: "pass pw",
      ARLO_BASE_URL: "https://a",
      ARLO_CLIENT_SECRET_COMMAND: "x"
    })
  })

  it("refuses a file it cannot read or parse, naming it and never showing a line", () => {
    const message = (path: string) => {
      const r = loadEnvFile(path, {})
      return Either.isLeft(r) ? r.left.message : "loaded"
    }
    const missing = join(dir, "missing.env")
    expect(message(missing)).toBe(`--env-file ${missing}: cannot read it (ENOENT): fix the path`)
    const bad = file("A=1\nhunter2 secret words\nB=2\n")
    expect(message(bad)).toBe(`--env-file ${bad}: line 2 is not NAME=value: fix it or make it a # comment`)
    expect(message(file(Buffer.from([0x41, 0x3d, 0x00, 0x0a])))).toMatch(/: not a text file: /)
  })
})

describe("secret commands", () => {
  it("gives the command's trimmed stdout, with arguments passed as they are", async () => {
    const argv = script("process.stdout.write('  ' + process.argv.slice(2).join('|') + '\\n\\n')")
    expect(await runToEnd([...argv, "a b", "$HOME", "*"])).toEqual({ value: "a b|$HOME|*" })
  })

  it("fails on a non-zero exit, with the program and its stderr but never its stdout", async () => {
    const argv = script(
      "process.stdout.write('fake-secret-123'); process.stderr.write('vault\\u001b[31m locked\\n  for fake-secret-123\\n'); process.exit(3)"
    )
    const r = await runToEnd(argv)
    expect(r.error).toBe(`${process.execPath} exited with 3: vault locked for …`)
    expect(r.error).not.toContain("fake-secret")
  })

  it("fails on a missing program, a signal, empty or too much output, and caps stderr to one short line", async () => {
    expect(await runToEnd(["arlo-ready-no-such-command-xyz", "x"])).toEqual({
      error: "command not found: arlo-ready-no-such-command-xyz"
    })
    expect((await runToEnd(script("process.kill(process.pid, 'SIGTERM'); setTimeout(() => {}, 5000)"))).error).toMatch(
      / was ended by SIGTERM \(no stderr\)$/
    )
    expect((await runToEnd(script("process.stdout.write('  \\n')"))).error).toMatch(
      / printed nothing on stdout \(no stderr\)$/
    )
    expect((await runToEnd(script("process.stdout.write('x'.repeat(65))"))).error).toMatch(
      / printed more than 64 bytes on stdout: it must print the secret alone$/
    )
    const long = (await runToEnd(script("process.stderr.write('e\\n'.repeat(500)); process.exit(1)"))).error ?? ""
    expect(long).not.toContain("\n")
    expect(long.length).toBeLessThan(process.execPath.length + 230)
  })

  it("kills a command that outlives its timeout", async () => {
    const pidFile = join(dir, `pid${n++}`)
    const argv = script(
      `import { writeFileSync } from "node:fs"; writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000)`
    )
    const r = await runToEnd(argv, 1500)
    expect(r.error).toBe(`${process.execPath} did not finish within 1.5s and was killed (no stderr)`)
    const pid = Number(readFileSync(pidFile, "utf8"))
    await waitFor(() => !alive(pid))
  })

  it("kills the command when the run is interrupted (Ctrl+C)", async () => {
    const pidFile = join(dir, `pid${n++}`)
    const argv = script(
      `import { writeFileSync } from "node:fs"; writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000)`
    )
    const fiber = Effect.runFork(
      runSecretCommand({ argv, env: childEnv(process.env), timeoutMs: 60_000, maxBytes: 64, stdin: "ignore" })
    )
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, "utf8") !== "")
    const pid = Number(readFileSync(pidFile, "utf8"))
    expect(alive(pid)).toBe(true)
    await Effect.runPromise(Fiber.interrupt(fiber))
    await waitFor(() => !alive(pid))
  })

  it("runs files and commands in order, naming the flag or variable in failures; a child never sees the ARLO_ secrets", async () => {
    const seen = join(dir, `seen${n++}.json`)
    const env = childEnv({ ...process.env, ARLO_PASSWORD: "pw-in-env", ARLO_REFRESH_TOKEN: "rt", ARLO_USERNAME: "u" })
    const dump = script(
      `import { writeFileSync } from "node:fs"; writeFileSync(${JSON.stringify(seen)}, JSON.stringify({ argv: process.argv, env: process.env })); console.log("client-secret-1")`
    )
    const list: Array<SecretSource> = [
      { key: "password", kind: "file", from: "ARLO_PASSWORD_FILE", value: file("pw-1\n") },
      { key: "clientSecret", kind: "command", from: "ARLO_CLIENT_SECRET_COMMAND", value: JSON.stringify(dump) }
    ]
    const r = await Effect.runPromise(loadSecrets(list, { env, timeoutMs: 10_000, stdin: "ignore" }))
    expect(Redacted.value(r.values.password!)).toBe("pw-1")
    expect(Redacted.value(r.values.clientSecret!)).toBe("client-secret-1")
    expect(r.sources).toEqual({ password: "file", clientSecret: "command" })
    expect(r.names).toEqual({ password: "ARLO_PASSWORD_FILE", clientSecret: "ARLO_CLIENT_SECRET_COMMAND" })
    const child = JSON.parse(readFileSync(seen, "utf8")) as { env: Record<string, string> }
    expect(child.env.ARLO_USERNAME).toBe("u")
    expect(
      Object.keys(child.env).filter((k) => /^ARLO_(PASSWORD|CLIENT_SECRET|ACCESS_TOKEN|REFRESH_TOKEN)$/.test(k))
    ).toEqual([])
    expect(readFileSync(seen, "utf8")).not.toContain("pw-")

    const failing: Array<SecretSource> = [
      { key: "accessToken", kind: "command", from: "--access-token-command", value: "'unclosed" }
    ]
    const exit = await Effect.runPromiseExit(loadSecrets(failing, { env, timeoutMs: 10_000, stdin: "ignore" }))
    expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error.message : "").toBe(
      "--access-token-command: a single quote is not closed"
    )
  })
})
