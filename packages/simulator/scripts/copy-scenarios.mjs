// Copies the built-in scenario files next to the compiled modules, so the bin finds them in dist.
import * as fs from "node:fs"

const from = new URL("../scenarios/", import.meta.url)
const to = new URL("../dist/scenarios/", import.meta.url)
fs.rmSync(to, { recursive: true, force: true })
fs.mkdirSync(to, { recursive: true })
for (const file of fs.readdirSync(from)) {
  if (file.endsWith(".json")) fs.copyFileSync(new URL(file, from), new URL(file, to))
}
