// Written by scripts/write-version.mjs from package.json: do not edit.
/** The package's name. */
export const packageName = "arlo-ready"
/** The package's version. */
export const packageVersion = "0.1.0"
