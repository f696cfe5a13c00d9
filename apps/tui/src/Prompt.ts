/**
 * Questions at the terminal for whatever the command line and the environment left out. Prompts go to
 * stderr so stdout stays the app's; a secret is echoed as `*`. Ctrl+C at a prompt interrupts the program.
 */
import { Effect, Redacted } from "effect"

/** The streams a prompt talks through. */
export interface PromptIO {
  readonly input: NodeJS.ReadStream
  readonly output: NodeJS.WritableStream
}

/**
 * Reads one line from a TTY in raw mode, echoing it (or `*` per character for a secret). Resolves
 * with the line; fails with `null` on Ctrl+C or Ctrl+D on an empty line.
 */
const readLine = (io: PromptIO, question: string, secret: boolean) =>
  Effect.async<string, null>((resume) => {
    const { input, output } = io
    let value = ""
    output.write(question)
    const wasRaw = input.isRaw
    input.setRawMode?.(true)
    input.setEncoding("utf8")
    input.resume()
    const stop = () => {
      input.off("data", onData)
      input.setRawMode?.(wasRaw ?? false)
      input.pause()
    }
    const onData = (chunk: string | Buffer) => {
      const text = String(chunk)
      // An escape sequence (arrow keys and the like) is not part of an answer.
      if (text.startsWith("\u001b")) return
      for (const ch of text) {
        if (ch === "\r" || ch === "\n") {
          stop()
          output.write("\n")
          return resume(Effect.succeed(value))
        }
        if (ch === "\u0003" || (ch === "\u0004" && value.length === 0)) {
          stop()
          output.write("\n")
          return resume(Effect.fail(null))
        }
        if (ch === "\u007f" || ch === "\b") {
          if (value.length > 0) {
            value = [...value].slice(0, -1).join("")
            output.write("\b \b")
          }
          continue
        }
        if (ch < " ") continue
        value += ch
        output.write(secret ? "*" : ch)
      }
    }
    input.on("data", onData)
    return Effect.sync(stop)
  })

/** Asks for a line of text; empty when the user just presses Enter. Ctrl+C interrupts. */
export const askText = (io: PromptIO, question: string): Effect.Effect<string> =>
  readLine(io, question, false).pipe(
    Effect.map((s) => s.trim()),
    Effect.catchAll(() => Effect.interrupt)
  )

/** Asks for a secret, echoing `*`; `null` when left empty. Ctrl+C interrupts. */
export const askSecret = (io: PromptIO, question: string): Effect.Effect<Redacted.Redacted<string> | null> =>
  readLine(io, question, true).pipe(
    Effect.map((s) => (s.length === 0 ? null : Redacted.make(s))),
    Effect.catchAll(() => Effect.interrupt)
  )
