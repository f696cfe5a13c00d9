import { createRequire } from "node:module"

/**
 * The app's version, from its package.json: two levels up from src/internal, dist/internal and
 * dist/chunks (the bundled bin) alike.
 */
export const version: string = (() => {
  try {
    const pkg = createRequire(import.meta.url)("../../package.json") as { name?: unknown; version?: unknown }
    return pkg.name === "arlo-ready" && typeof pkg.version === "string" ? pkg.version : "0.0.0"
  } catch {
    return "0.0.0"
  }
})()

/** The executable's name. */
export const binName = "arlo-ready"
