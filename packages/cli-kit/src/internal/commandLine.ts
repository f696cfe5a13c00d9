/**
 * A command line as a program and its arguments, without a shell: a JSON array of strings is the argv
 * as it is; any other text is split into words as a POSIX shell splits them, and nothing more
 * (whitespace between words, single quotes literal, double quotes with `\"`, `\\`, `\$` and `` \` ``,
 * a backslash outside quotes escaping the next character). No globbing, no variables, no pipes or
 * redirections: `$HOME`, `*` and `|` are ordinary characters.
 */
import { Either } from "effect"

/** Why a command line is no argv, said so that the user knows what to fix. */
const failure = (why: string) => Either.left(why)

const isSpace = (c: string) => c === " " || c === "\t" || c === "\n" || c === "\r"

/** The characters a backslash escapes inside double quotes (elsewhere there, it is itself). */
const escapableInDouble = new Set(['"', "\\", "$", "`", "\n"])

/** Splits a command line into words; the failure says what is wrong (an unclosed quote). */
export const splitWords = (text: string): Either.Either<Array<string>, string> => {
  const words: Array<string> = []
  let word = ""
  // A word has begun, even an empty one (`''`).
  let inWord = false
  let i = 0
  while (i < text.length) {
    const c = text[i]!
    if (isSpace(c)) {
      if (inWord) words.push(word)
      word = ""
      inWord = false
      i++
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1)
      if (end < 0) return failure("a single quote is not closed")
      word += text.slice(i + 1, end)
      inWord = true
      i = end + 1
    } else if (c === '"') {
      i++
      inWord = true
      for (;;) {
        if (i >= text.length) return failure("a double quote is not closed")
        const d = text[i]!
        if (d === '"') break
        if (d === "\\" && i + 1 < text.length && escapableInDouble.has(text[i + 1]!)) {
          // A backslash-newline continues the line.
          if (text[i + 1] !== "\n") word += text[i + 1]
          i += 2
        } else {
          word += d
          i++
        }
      }
      i++
    } else if (c === "\\") {
      if (i + 1 >= text.length) return failure("it ends with a backslash")
      if (text[i + 1] !== "\n") {
        word += text[i + 1]
        inWord = true
      }
      i += 2
    } else {
      word += c
      inWord = true
      i++
    }
  }
  if (inWord) words.push(word)
  return Either.right(words)
}

/**
 * The argv of a command line: a JSON array of strings (`["op","read","op://vault/item/field"]`) as it
 * is, else the words of {@link splitWords}. The failure says what is wrong; the program is never empty.
 */
export const parseCommandLine = (text: string): Either.Either<Array<string>, string> => {
  const trimmed = text.trim()
  if (trimmed.startsWith("[")) {
    let parsed: unknown
    try {
      parsed = JSON.parse(trimmed)
    } catch {
      return failure('it starts with "[" but is no JSON array: give ["program","arg",...] or a plain command line')
    }
    if (!Array.isArray(parsed) || !parsed.every((w) => typeof w === "string")) {
      return failure("a JSON array here holds strings only: the program, then its arguments")
    }
    if (parsed.length === 0 || parsed[0] === "") return failure("the JSON array names no program")
    return Either.right(parsed as Array<string>)
  }
  return Either.flatMap(splitWords(trimmed), (words) =>
    words.length === 0 || words[0] === "" ? failure("it names no program") : Either.right(words)
  )
}
