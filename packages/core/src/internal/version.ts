import { packageVersion } from "./packageVersion.js"

/** The package version (written from package.json at build time, so a bundle carries it too). */
export const version: string = packageVersion

export const toolName = "arlo-ready"
