// Prints vitest's JSON results as one plain closing line: "LABEL: N passed, N failed, N skipped".
import { readFileSync } from "node:fs"

const [file = ".vitest/results.json", label = "tests"] = process.argv.slice(2)
try {
  const r = JSON.parse(readFileSync(file, "utf8"))
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)
  console.log(`${label}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`)
} catch (e) {
  console.log(`${label}: no test results at ${file} (${e instanceof Error ? e.message : String(e)})`)
  process.exitCode = 1
}
