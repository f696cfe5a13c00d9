/**
 * `--output FORMAT=PATH`: parsing, a check of every path made before the audit runs (so no time is
 * spent on a run whose report could not be saved, and nothing blocks in open()), and the writes.
 *
 * A file is written whole or not at all: the report goes to a temporary file in the same directory,
 * which is flushed to disk and then renamed over PATH, so PATH holds either what it held before or the
 * whole new report, never half of one or an empty file. The temporary file is removed whenever the
 * write fails. Files are created with mode 0600 whatever the umask (a report names the target and hints
 * of the credentials). Only regular files are written: a FIFO (open() would wait for a reader), a
 * device, a socket or a directory is refused, and so is a symbolic link (see `linkMessage`).
 */
import { randomBytes } from "node:crypto"
import {
  accessSync,
  closeSync,
  constants,
  fchmodSync,
  fsyncSync,
  lstatSync,
  openSync,
  renameSync,
  type Stats,
  unlinkSync,
  writeSync
} from "node:fs"
import { basename, dirname, resolve } from "node:path"
import { UsageError } from "@arlo-ready/cli-kit"
import { Data, Either } from "effect"
import { type Format, formats, isFormat } from "./Format.js"

/** One requested output file. */
export interface Output {
  readonly format: Format
  readonly path: string
}

/** An output file that could not be written at the end; the file is left as it was. */
export class WriteError extends Data.TaggedError("WriteError")<{ readonly message: string }> {}

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

const errno = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code

const reason = (e: unknown): string => {
  const code = errno(e)
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
    case "ENOSPC":
      return "no space left on the device"
    case "EDQUOT":
      return "the disk quota is used up"
    case "EFBIG":
      return "the file would be larger than this process may write"
    case "EIO":
      return "an I/O error"
    default:
      return code ?? String(e)
  }
}

/** What to do about a write that failed at the end. */
const hint = (e: unknown): string => {
  switch (errno(e)) {
    case "ENOSPC":
    case "EDQUOT":
      return "free some space or give another path"
    case "EFBIG":
      return "raise the file size limit (ulimit -f) or give another path"
    case "EACCES":
    case "EPERM":
    case "EROFS":
      return "give a path you may write"
    default:
      return "give another path"
  }
}

/**
 * Why a symbolic link is refused rather than followed or replaced: following it would write wherever
 * it points (a link planted in a shared directory could send the report anywhere the user may write),
 * and replacing it would silently turn the link into a file. Neither is what `--output PATH` says.
 */
const linkMessage = (path: string) =>
  `${path} is a symbolic link: give the path of the file itself (arlo-ready-report neither follows nor replaces links)`

/** Why an existing path cannot be replaced by a report, if it cannot. */
const notAFile = (path: string, st: Stats): string | undefined => {
  if (st.isSymbolicLink()) return linkMessage(path)
  if (st.isDirectory()) return "cannot write there (it is a directory)"
  if (st.isFIFO()) return "cannot write there (it is a FIFO; --output writes regular files)"
  if (st.isCharacterDevice() || st.isBlockDevice())
    return "cannot write there (it is a device; --output writes regular files, stdout is for --format)"
  if (st.isSocket()) return "cannot write there (it is a socket; --output writes regular files)"
  return undefined
}

const lstatOrUndefined = (path: string): Stats | undefined => {
  try {
    return lstatSync(path)
  } catch (e) {
    if (errno(e) === "ENOENT") return undefined
    throw e
  }
}

/** A new, empty temporary file next to `path`, mode 0600 whatever the umask. */
const createTemp = (path: string): { readonly path: string; readonly fd: number } => {
  const tmp = `${dirname(resolve(path))}/.${basename(path)}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`
  // O_EXCL: never an existing file, and never through a link.
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600)
  try {
    fchmodSync(fd, 0o600)
  } catch (e) {
    closeSync(fd)
    unlinkSync(tmp)
    throw e
  }
  return { path: tmp, fd }
}

/**
 * Proves, before the audit, that each path can take a report: it is absent or a regular file that may
 * be written, and a temporary file can be created in its directory (and is removed again). Nothing here
 * opens the path itself, so a FIFO cannot block.
 */
export const checkWritable = (outputs: ReadonlyArray<Output>): Either.Either<void, UsageError> => {
  for (const { format, path } of outputs) {
    const refuse = (why: string) => Either.left(new UsageError({ message: `--output ${format}=${path}: ${why}` }))
    try {
      const st = lstatOrUndefined(path)
      if (st) {
        const why = notAFile(path, st)
        if (why !== undefined) return refuse(why)
        accessSync(path, constants.W_OK)
      }
      const probe = createTemp(path)
      closeSync(probe.fd)
      unlinkSync(probe.path)
    } catch (e) {
      return refuse(`cannot write there (${reason(e)})`)
    }
  }
  return Either.right(undefined)
}

const writeAll = (fd: number, content: string) => {
  const bytes = Buffer.from(content, "utf8")
  let offset = 0
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset)
}

/**
 * Writes a whole file through a temporary one renamed into place. On failure the path is left as it
 * was, the temporary file is removed, and the error says what failed and what to do.
 */
export const writeOutput = (output: Output, content: string): Either.Either<void, WriteError> => {
  const { format, path } = output
  let tmp: string | undefined
  let existed = false
  try {
    // The path was checked before the audit; it may have changed since.
    const st = lstatOrUndefined(path)
    existed = st !== undefined
    const why = st && notAFile(path, st)
    if (why) return Either.left(new WriteError({ message: `--output ${format}=${path}: ${why}; nothing was written` }))
    const file = createTemp(path)
    tmp = file.path
    try {
      writeAll(file.fd, content)
      fsyncSync(file.fd)
    } finally {
      closeSync(file.fd)
    }
    renameSync(tmp, path)
    tmp = undefined
    return Either.right(undefined)
  } catch (e) {
    const left = existed ? `${path} was left as it was` : `${path} was not created`
    return Either.left(
      new WriteError({ message: `--output ${format}=${path}: could not write (${reason(e)}), so ${left}: ${hint(e)}` })
    )
  } finally {
    if (tmp !== undefined) {
      try {
        unlinkSync(tmp)
      } catch {
        // already gone
      }
    }
  }
}
