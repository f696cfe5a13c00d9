import { createRequire } from "node:module"

/** The app's version, from its package.json (the same relative path from src/internal and dist/internal). */
export const version: string = (() => {
  try {
    const pkg = createRequire(import.meta.url)("../../package.json") as { version?: unknown }
    return typeof pkg.version === "string" ? pkg.version : "0.0.0"
  } catch {
    return "0.0.0"
  }
})()

/** The executable's name. */
export const binName = "arlo-ready"
