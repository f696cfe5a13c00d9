import { createRequire } from "node:module"

/** The package version, read from its package.json (the same relative path from src/ and dist/). */
export const version: string = (() => {
  try {
    const pkg = createRequire(import.meta.url)("../../package.json") as { version?: unknown }
    return typeof pkg.version === "string" ? pkg.version : "0.0.0"
  } catch {
    return "0.0.0"
  }
})()

export const toolName = "arlo-ready"
