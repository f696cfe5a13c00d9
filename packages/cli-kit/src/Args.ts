/**
 * The command line of both apps, without a framework: a table of flags, a parser of argv against it,
 * and the help text drawn from the same table. Every mistake is one line that says what to fix: an
 * unknown flag (with the nearest known one), a value missing, a flag given twice, a stray argument.
 * A leaf module (no Effect, no engine), so `--help` answers without loading the audit.
 */
import { nearest } from "@arlo-ready/core/suggest"
import { oneLine } from "./internal/text.js"
import { stdoutFailureLine } from "./Stdout.js"

/** How a flag takes its value. */
export type FlagKind =
  /** `--name VALUE` or `--name=VALUE`, at most once. */
  | "value"
  /** As `value`, for a secret (the apps wrap it in `Redacted` at once). */
  | "secret"
  /** `--name`, no value, at most once. */
  | "switch"
  /** `--name VALUE`, repeatable; each value may itself be comma-separated. */
  | "list"

/** The sections of the help, in the order they are shown. */
export const flagGroups = ["target", "credentials", "oauth", "selection", "run", "network", "output"] as const
export type FlagGroup = (typeof flagGroups)[number]

const groupHeadings: Record<FlagGroup, string> = {
  target: "Target",
  credentials: "Credentials (Basic auth)",
  oauth: "OAuth 2",
  selection: "Selection",
  run: "Audit",
  network: "Network and environment",
  output: "Output"
}

/** One flag: its name, how it takes a value, where the help lists it. */
export interface FlagSpec {
  /** The field of the parsed values: `baseUrl` for `--base-url`. */
  readonly key: string
  /** The long name without dashes: `base-url`. */
  readonly name: string
  readonly kind: FlagKind
  readonly group: FlagGroup
  /** The value's placeholder in the help: `URL`. */
  readonly value?: string
  /** The environment variable read when the flag is absent. */
  readonly env?: string
  readonly description: string
  /** The value of the flag given alone (`--demo` means `--demo demo`): the value is then optional. */
  readonly bareValue?: string
}

/** The parsed values, by key: a string, a list, true for a switch; absent when not given. */
export type ArgValues = Readonly<Record<string, string | ReadonlyArray<string> | true | undefined>>

/** What a command line asks for. */
export type ParsedArgs =
  | { readonly _tag: "help" }
  | { readonly _tag: "version" }
  | { readonly _tag: "run"; readonly values: ArgValues }
  | { readonly _tag: "error"; readonly message: string }

/**
 * The nearest candidate to a mistyped word, when it is near enough to be what was meant (the core's
 * rule: a couple of edits, case ignored), or the one candidate the word begins.
 */
export const didYouMean = (word: string, candidates: ReadonlyArray<string>): string | undefined => {
  if (word.length > 64) return undefined
  const near = nearest(word, candidates)
  if (near !== undefined || word.length < 3) return near
  const prefixed = candidates.filter((c) => c.startsWith(word))
  return prefixed.length === 1 ? prefixed[0] : undefined
}

/** Shown after a parse error. */
const helpHint = "Run with --help for usage."

/** How a user-typed word is quoted in a message: short, on one line, no control characters. */
const shown = (text: string): string => {
  const clean = oneLine(text)
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean
}

/**
 * Parses the arguments after the executable (`process.argv.slice(2)`). `-h`, `--help` and a first
 * argument `help` ask for the help; `-v` and `--version` for the version.
 */
export const parseArgs = (args: ReadonlyArray<string>, flags: ReadonlyArray<FlagSpec>): ParsedArgs => {
  const byName = new Map(flags.map((f) => [f.name, f]))
  const values: Record<string, string | Array<string> | true> = {}
  const error = (message: string): ParsedArgs => ({
    _tag: "error",
    message: `${message}${message.endsWith("?") ? "" : "."} ${helpHint}`
  })
  let wants: "help" | "version" | undefined
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === "-h" || arg === "--help" || (arg === "help" && i === 0)) {
      wants ??= "help"
      continue
    }
    if (arg === "-v" || arg === "--version") {
      wants ??= "version"
      continue
    }
    if (arg === "--") {
      if (i + 1 < args.length)
        return error(`unexpected argument '${shown(args[i + 1]!)}': this command takes flags only`)
      break
    }
    if (!arg.startsWith("--") || arg.length === 2) {
      if (arg.startsWith("-") && arg.length > 1) {
        const near = didYouMean(arg.replace(/^-+/, ""), [...byName.keys()])
        return error(`unknown flag '${shown(arg)}'${near ? `: did you mean --${near}?` : ""}`)
      }
      return error(`unexpected argument '${shown(arg)}': this command takes flags only`)
    }
    const eq = arg.indexOf("=")
    const name = arg.slice(2, eq === -1 ? undefined : eq)
    const spec = byName.get(name)
    if (!spec) {
      const near = didYouMean(name, [...byName.keys(), "help", "version"])
      return error(`unknown flag '--${shown(name)}'${near ? `: did you mean --${near}?` : ""}`)
    }
    const flag = `--${spec.name}`
    if (spec.kind === "switch") {
      if (eq !== -1) return error(`${flag} takes no value (got '${shown(arg.slice(eq + 1))}')`)
      if (values[spec.key] !== undefined) return error(`${flag} is given twice: give it once`)
      values[spec.key] = true
      continue
    }
    let value: string
    if (eq !== -1) value = arg.slice(eq + 1)
    else {
      const next = args[i + 1]
      // A value may start with a dash (a password); a long flag or -h/-v after a flag is not its value.
      const isValue =
        next !== undefined && !(next.startsWith("--") && next.length > 2) && next !== "-h" && next !== "-v"
      if (isValue) {
        value = next
        i++
      } else if (spec.bareValue !== undefined) value = spec.bareValue
      else return error(`${flag} needs a value, e.g. ${flag} ${spec.value ?? "VALUE"}`)
    }
    if (spec.kind === "list") {
      const list = (values[spec.key] as Array<string> | undefined) ?? []
      list.push(value)
      values[spec.key] = list
      continue
    }
    if (values[spec.key] !== undefined) {
      return error(
        `${flag} is given twice${spec.kind === "secret" ? "" : ` ('${shown(String(values[spec.key]))}' and '${shown(value)}')`}: give it once`
      )
    }
    values[spec.key] = value
  }
  if (wants) return { _tag: wants }
  return { _tag: "run", values }
}

/** What the help says besides the flags. */
export interface HelpDoc {
  /** The executable's name. */
  readonly name: string
  readonly version: string
  /** One sentence: what the command does. */
  readonly summary: string
  readonly flags: ReadonlyArray<FlagSpec>
  /** Command lines with a comment each. */
  readonly examples: ReadonlyArray<readonly [command: string, comment: string]>
  /** Further sections: a heading and its rows (a term and its meaning). */
  readonly sections: ReadonlyArray<{
    readonly heading: string
    readonly rows: ReadonlyArray<readonly [term: string, meaning: string]>
  }>
}

/** Words wrapped to `width` columns (a word longer than the width stands alone). */
const wrapWords = (text: string, width: number): Array<string> => {
  const lines: Array<string> = []
  let line = ""
  // A no-break space (U+00A0) holds two words together: it is a space again once wrapped.
  for (const word of text.split(/[ \t\n]+/).filter((w) => w !== "")) {
    if (line === "") line = word
    else if (line.length + 1 + word.length <= width) line += ` ${word}`
    else {
      lines.push(line)
      line = word
    }
  }
  if (line !== "") lines.push(line)
  return lines.map((l) => l.replaceAll("\u00a0", " "))
}

/** Rows of a term and its meaning, the meanings in one column, wrapped, no line past `columns`. */
const table = (rows: ReadonlyArray<readonly [string, string]>, columns: number, fixedWidth?: number): Array<string> => {
  const termWidth = fixedWidth ?? Math.min(34, Math.max(0, ...rows.map(([t]) => t.length)))
  const indent = 2 + termWidth + 2
  const width = Math.max(20, columns - indent)
  const out: Array<string> = []
  for (const [term, meaning] of rows) {
    if (term === "") {
      for (const l of wrapWords(meaning, columns - 2)) out.push(`  ${l}`)
      continue
    }
    const lines = wrapWords(meaning, width)
    if (term.length > termWidth) {
      out.push(`  ${term}`)
      for (const l of lines) out.push(`${" ".repeat(indent)}${l}`)
      continue
    }
    out.push(`  ${term.padEnd(termWidth)}  ${lines[0] ?? ""}`.trimEnd())
    for (const l of lines.slice(1)) out.push(`${" ".repeat(indent)}${l}`)
  }
  return out
}

/** A flag as the help names it: `--base-url URL`, `--only ID[,ID...]` (repeatable), `--demo [NAME]`. */
export const flagUsage = (spec: FlagSpec): string => {
  const value = spec.value ?? "VALUE"
  if (spec.kind === "switch") return `--${spec.name}`
  if (spec.bareValue !== undefined) return `--${spec.name} [${value}]`
  return `--${spec.name} ${value}`
}

/** The help text: usage, the flags by group with their environment variables, examples, sections. */
export const renderHelp = (doc: HelpDoc, columns = 100): string => {
  const out: Array<string> = [`${doc.name} ${doc.version}`, ...wrapWords(doc.summary, columns), ""]
  out.push(`Usage: ${doc.name} [flags]`, "")
  // One column for the descriptions of every group (the longest flag beyond it stands on its own line).
  const flagWidth = Math.min(26, Math.max(...doc.flags.map((f) => flagUsage(f).length)))
  for (const group of flagGroups) {
    const flags = doc.flags.filter((f) => f.group === group)
    if (flags.length === 0) continue
    out.push(`${groupHeadings[group]}:`)
    out.push(
      ...table(
        flags.map((f) => [
          flagUsage(f),
          `${f.description}${f.kind === "list" ? " Repeatable." : ""}${f.env ? ` [env\u00a0${f.env}]` : ""}`
        ]),
        columns,
        flagWidth
      ),
      ""
    )
  }
  out.push("General:")
  out.push(
    ...table(
      [
        ["-h, --help", "Show this help and exit."],
        ["-v, --version", "Print the version and exit."]
      ],
      columns,
      flagWidth
    ),
    ""
  )
  if (doc.examples.length > 0) {
    out.push("Examples:")
    for (const [command, comment] of doc.examples) {
      for (const l of wrapWords(comment, columns - 2)) out.push(`  # ${l}`)
      out.push(`  ${command}`, "")
    }
  }
  for (const section of doc.sections) {
    out.push(`${section.heading}:`, ...table(section.rows, columns), "")
  }
  return `${out.join("\n").trimEnd()}\n`
}

/**
 * Writes to stdout; a write that fails (a full disk, a reader gone away) sets exit code 4 and says so
 * on stderr, as the full run does (see `stdoutFailureLine`).
 */
const writeOut = (name: string, text: string): Promise<void> =>
  new Promise((resolve) => {
    let failed = false
    const fail = (e: NodeJS.ErrnoException) => {
      if (failed) return
      failed = true
      const line = stdoutFailureLine(name, e)
      if (line !== undefined) process.stderr.write(`${line}\n`)
      process.exitCode = 4
      resolve()
    }
    process.stdout.once("error", fail)
    process.stdout.write(text, (e) => {
      if (e) fail(e as NodeJS.ErrnoException)
      else resolve()
    })
  })

/**
 * The bin's fast path: a lone `--version`/`-v` or `--help`/`-h`/`help` is answered before anything
 * else loads (the engine, Effect, Ink). Returns whether it answered.
 */
export const answerAlone = async (
  args: ReadonlyArray<string>,
  answers: { readonly name: string; readonly version: string; readonly help: () => Promise<string> }
): Promise<boolean> => {
  if (args.length !== 1) return false
  const arg = args[0]
  if (arg === "--version" || arg === "-v") {
    await writeOut(answers.name, `${answers.version}\n`)
    return true
  }
  if (arg === "--help" || arg === "-h" || arg === "help") {
    await writeOut(answers.name, await answers.help())
    return true
  }
  return false
}
