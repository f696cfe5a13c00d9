import { packageVersion } from "./packageVersion.js"

/** The app's version (written from package.json at build time, so the bundled bin carries it). */
export const version: string = packageVersion

/** The executable's name. */
export const binName = "arlo-ready-report"
