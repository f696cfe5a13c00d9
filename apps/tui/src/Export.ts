/** Writes the JSON report to a file the user can keep. */
import { mkdir, writeFile } from "node:fs/promises"
import { isAbsolute, join, relative } from "node:path"
import { safeStringify } from "@arlo-ready/cli-kit"
import type { Report } from "@arlo-ready/core"

/** The folder, under the directory the user ran from, that `e` writes reports into. */
export const exportFolderName = "arlo-ready-reports"

/**
 * Where `e` writes reports: `arlo-ready-reports/` under `INIT_CWD` when set (a package manager sets it
 * to the directory its script was started from, so `pnpm demo` writes beside the user, not inside the
 * package), else under `cwd`. A relative `INIT_CWD` is taken from `cwd`.
 */
export const exportDirectory = (env: Record<string, string | undefined>, cwd: string): string => {
  const from = env.INIT_CWD
  const base = from === undefined || from === "" ? cwd : isAbsolute(from) ? from : join(cwd, from)
  return join(base, exportFolderName)
}

/** `arlo-ready-report-20250101T120000Z.json` for a moment. */
export const reportFileName = (at: Date, n = 0): string => {
  const stamp = at
    .toISOString()
    .replace(/\.\d+Z$/, "Z")
    .replace(/[-:]/g, "")
  return `arlo-ready-report-${stamp}${n > 0 ? `-${n + 1}` : ""}.json`
}

/**
 * The report as JSON, two-space indented, with every character that could act on a terminal it is
 * printed to (cat, less -r) written as a `\uXXXX` escape: the values are unchanged.
 */
export const reportJson = (report: Report): string => `${safeStringify(report, 2)}\n`

/**
 * Writes the report into `dir` (created, with its parents, if missing) under a fresh name (never
 * overwriting a file) and returns its path.
 */
export const exportReport = async (report: Report, dir: string, at = new Date()): Promise<string> => {
  const body = reportJson(report)
  await mkdir(dir, { recursive: true })
  for (let n = 0; ; n++) {
    const path = join(dir, reportFileName(at, n))
    try {
      await writeFile(path, body, { flag: "wx", mode: 0o600 })
      return path
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || n >= 99) throw e
    }
  }
}

/** A path as the user should read it: relative to the working directory when inside it. */
export const displayPath = (path: string, cwd = process.cwd()): string => {
  const rel = relative(cwd, path)
  return rel.length > 0 && !rel.startsWith("..") && !isAbsolute(rel) ? `./${rel}` : path
}
