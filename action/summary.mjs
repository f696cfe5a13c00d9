/**
 * The pure parts of the Action's entry: reading inputs the way the runner hands them over, the files
 * each format is written to, the job summary kept under GitHub's cap, and the `GITHUB_OUTPUT` lines.
 * Plain ESM without dependencies, so the Action runs without a build or an install.
 */
import { randomUUID } from "node:crypto"

/** GitHub refuses a step summary over 1 MiB (1,048,576 bytes); stay below it with room to spare. */
export const summaryLimitBytes = 1_040_000

/**
 * An input as the runner passes it: `INPUT_` and the name upper-cased, spaces as `_` and dashes kept
 * (`base-url` is `INPUT_BASE-URL`), trimmed; empty when not given.
 */
export const input = (env, name) => (env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "").trim()

/** A list input: items separated by commas, white space or new lines. */
export const listInput = (env, name) =>
  input(env, name)
    .split(/[\s,]+/)
    .filter((s) => s !== "")

const extensions = { json: "json", junit: "xml", markdown: "md", github: "github.txt", ndjson: "ndjson", text: "txt" }

/**
 * The `--output FORMAT=PATH` files: the JSON report and the Markdown the summary is made from always,
 * then each other format asked for, once. A format the report does not know is passed on for it to
 * refuse with its own message.
 */
export const outputFiles = (formats, join, dir) => {
  const out = new Map()
  for (const format of ["json", "markdown", ...formats.map((f) => f.toLowerCase())]) {
    if (!out.has(format)) out.set(format, join(dir, `arlo-ready.${extensions[format] ?? format}`))
  }
  return out
}

const note = (reportPath) =>
  `\n> [!NOTE]\n> This summary was cut to fit GitHub's 1 MiB step-summary limit. The full report is in \`${reportPath}\` on the runner: upload it with actions/upload-artifact to keep it.\n`

/**
 * The Markdown for the step summary, at most `limit` bytes (UTF-8): as it is when it fits and was not
 * already cut by the report, else cut at the end of a line, an open `<details>` closed, and a note
 * saying that the full report is at `reportPath`.
 */
export const capSummary = (markdown, reportPath, limit = summaryLimitBytes) => {
  const cutByReport = /_\(truncated to fit the step summary\)_\s*$/.test(markdown)
  if (Buffer.byteLength(markdown) <= limit && !cutByReport) return markdown
  const tail = note(reportPath)
  const room = limit - Buffer.byteLength(tail) - Buffer.byteLength("\n</details>\n")
  let kept = Buffer.from(markdown).subarray(0, Math.max(0, room)).toString("utf8")
  // A character split by the byte cut decodes to U+FFFD; the cut at a line end drops it anyway.
  kept = kept.slice(0, kept.lastIndexOf("\n") + 1)
  if (cutByReport) kept = kept.replace(/\n*_\(truncated to fit the step summary\)_\s*$/, "\n")
  const open = (kept.match(/<details>/g) ?? []).length - (kept.match(/<\/details>/g) ?? []).length
  if (open > 0) kept += "\n</details>\n"
  return `${kept}${tail}`
}

/**
 * `GITHUB_OUTPUT` lines: each output as `name<<DELIMITER`, the value, the delimiter, with a random
 * delimiter that the value cannot contain (as `@actions/core` writes them).
 */
export const outputLines = (outputs) => {
  let text = ""
  for (const [name, value] of Object.entries(outputs)) {
    let delimiter = `ghadelimiter_${randomUUID()}`
    while (value.includes(delimiter)) delimiter = `ghadelimiter_${randomUUID()}`
    text += `${name}<<${delimiter}\n${value}\n${delimiter}\n`
  }
  return text
}

/** Escapes a workflow command's data: `%`, CR and LF. */
export const escapeData = (s) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A")

/** `::add-mask::` for every line of every non-empty secret. */
export const maskCommands = (secrets) =>
  secrets.flatMap((secret) =>
    secret
      .split(/\r?\n/)
      .filter((line) => line.trim() !== "")
      .map((line) => `::add-mask::${escapeData(line)}`)
  )
