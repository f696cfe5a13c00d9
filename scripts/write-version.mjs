// Writes src/internal/packageVersion.ts from the package's package.json (run from the package's folder,
// before tsc): the version then travels inside the compiled modules and the bundled bin alike, with
// no package.json to find at run time. Committed, so the sources type-check on a fresh clone; rewritten
// only when it changes (after `changeset version`).
import { existsSync, readFileSync, writeFileSync } from "node:fs"

const { name, version } = JSON.parse(readFileSync("package.json", "utf8"))
const file = "src/internal/packageVersion.ts"
const text = `// Written by scripts/write-version.mjs from package.json: do not edit.
/** The package's name. */
export const packageName = ${JSON.stringify(name)}
/** The package's version. */
export const packageVersion = ${JSON.stringify(version)}
`
if (!existsSync(file) || readFileSync(file, "utf8") !== text) writeFileSync(file, text)
