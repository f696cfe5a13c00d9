/**
 * `--output FORMAT=PATH`: parsing, a writability check made before the audit runs (so no time is
 * wasted on a run whose report could not be saved), and the writes.
 */
import { closeSync, openSync, statSync, unlinkSync, writeFileSync, writeSync } from "node:fs"
import { resolve } from "node:path"
import { UsageError } from "@arlo-ready/cli-kit"
import { Either } from "effect"
import { type Format, formats, isFormat } from "./Format.js"

/** One requested output file. */
export interface Output {
  readonly format: Format
  readonly path: string
}

/** Parses the `--output` values; each must be FORMAT=PATH with a known format, and no path twice. */
export const parseOutputs = (values: ReadonlyArray<string>): Either.Either<Array<Output>, UsageError> => {
  const out: Array<Output> = []
  const seen = new Set<string>()
  for (const value of values) {
    const eq = value.indexOf("=")
    const format = eq < 0 ? "" : value.slice(0, eq).trim().toLowerCase()
    const path = eq < 0 ? "" : value.slice(eq + 1).trim()
    if (eq < 0 || path === "") {
      return Either.left(
        new UsageError({ message: `--output must be FORMAT=PATH, e.g. --output junit=arlo-ready.xml (got '${value}')` })
      )
    }
    if (!isFormat(format)) {
      return Either.left(
        new UsageError({ message: `--output ${value}: unknown format '${format}'; use one of ${formats.join(", ")}` })
      )
    }
    const abs = resolve(path)
    if (seen.has(abs))
      return Either.left(new UsageError({ message: `--output names ${path} twice: give each file once` }))
    seen.add(abs)
    out.push({ format, path })
  }
  return Either.right(out)
}

const reason = (e: unknown): string => {
  const code = (e as NodeJS.ErrnoException).code
  switch (code) {
    case "ENOENT":
      return "its directory does not exist"
    case "EACCES":
    case "EPERM":
      return "permission denied"
    case "EISDIR":
      return "it is a directory"
    case "EROFS":
      return "the file system is read-only"
    case "ENOTDIR":
      return "a part of the path is not a directory"
    default:
      return code ?? String(e)
  }
}

/** Proves each path can be written (opening it for append, removing it again if it did not exist). */
export const checkWritable = (outputs: ReadonlyArray<Output>): Either.Either<void, UsageError> => {
  for (const { format, path } of outputs) {
    let existed = true
    try {
      statSync(path)
    } catch {
      existed = false
    }
    try {
      closeSync(openSync(path, "a"))
      if (!existed) unlinkSync(path)
    } catch (e) {
      return Either.left(new UsageError({ message: `--output ${format}=${path}: cannot write there (${reason(e)})` }))
    }
  }
  return Either.right(undefined)
}

/** Writes a whole file; a failure is a UsageError naming the path. */
export const writeOutput = (output: Output, content: string): Either.Either<void, UsageError> => {
  try {
    writeFileSync(output.path, content)
    return Either.right(undefined)
  } catch (e) {
    return Either.left(
      new UsageError({ message: `--output ${output.format}=${output.path}: could not write (${reason(e)})` })
    )
  }
}

/** A file written line by line as the audit runs (ndjson). */
export interface LineSink {
  readonly write: (line: string) => void
  readonly close: () => void
}

/** Opens a file for line-by-line writing; each line is written (and so flushed) as it comes. */
export const openLineSink = (output: Output): Either.Either<LineSink, UsageError> => {
  try {
    const fd = openSync(output.path, "w")
    let open = true
    return Either.right({
      write: (line) => {
        if (open) writeSync(fd, line)
      },
      close: () => {
        if (open) closeSync(fd)
        open = false
      }
    })
  } catch (e) {
    return Either.left(
      new UsageError({ message: `--output ${output.format}=${output.path}: could not write (${reason(e)})` })
    )
  }
}
