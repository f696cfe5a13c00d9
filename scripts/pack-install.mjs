// Packs a workspace package the way it is published (`pnpm pack`: workspace versions rewritten, only
// the `files` it declares) and installs the tarball as a user would: `npm install --global` into an
// empty prefix for an app, `npm install` into an empty project for a library. Nothing else is given
// to npm, so a package that needs a sibling from the workspace fails here. Used by the install tests
// and by `pnpm bench` (the installed sizes).
import { execFile } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"

const run = promisify(execFile)

/** The bytes under a folder (files' sizes, links not followed). */
export const sizeOf = (path) => {
  const st = statSync(path, { throwIfNoEntry: false })
  if (!st) return 0
  if (!st.isDirectory()) return st.size
  let total = 0
  for (const entry of readdirSync(path)) total += sizeOf(join(path, entry))
  return total
}

/**
 * Packs `packageDir` and installs the tarball. `mode` is "global" (an app: its bins land in
 * `<prefix>/bin`) or "project" (a library: into `<dir>/project/node_modules`).
 */
export const packInstall = async (packageDir, { mode = "global", timeoutMs = 170_000 } = {}) => {
  const dir = mkdtempSync(join(tmpdir(), "arlo-ready-install-"))
  const { name, bin = {} } = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"))
  try {
    await run("pnpm", ["pack", "--pack-destination", dir], { cwd: packageDir, timeout: timeoutMs })
    const tarball = join(
      dir,
      readdirSync(dir).find((f) => f.endsWith(".tgz"))
    )
    const npmArgs = ["--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"]
    let installed
    let bins = {}
    let project
    if (mode === "global") {
      const prefix = join(dir, "prefix")
      mkdirSync(prefix)
      await run("npm", ["install", "--global", "--prefix", prefix, tarball, ...npmArgs], {
        cwd: dir,
        timeout: timeoutMs
      })
      installed = join(prefix, "lib", "node_modules", name)
      bins = Object.fromEntries(Object.keys(bin).map((b) => [b, join(prefix, "bin", b)]))
    } else {
      project = join(dir, "project")
      mkdirSync(project)
      writeFileSync(join(project, "package.json"), JSON.stringify({ name: "probe", private: true, type: "module" }))
      await run("npm", ["install", tarball, ...npmArgs], { cwd: project, timeout: timeoutMs })
      installed = join(project, "node_modules", ...name.split("/"))
    }
    return {
      dir,
      tarball,
      project,
      installed,
      bins,
      /** Bytes of the installed package, its own node_modules included. */
      installedBytes: sizeOf(installed),
      tarballBytes: statSync(tarball).size,
      cleanup: () => rmSync(dir, { recursive: true, force: true })
    }
  } catch (e) {
    rmSync(dir, { recursive: true, force: true })
    throw e
  }
}
