#!/usr/bin/env node
/**
 * The house rule, checked on every test run: no source file in packages/ or apps/ over 400 lines and no
 * function over 100 lines (tests, generated and built files aside). Prints each offender and exits 1.
 */
import fs from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"

const MAX_FILE_LINES = 400
const MAX_FUNCTION_LINES = 100
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const skipped = new Set(["node_modules", "dist", "test", ".turbo"])

const sources = []
const walk = (dir) => {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (skipped.has(e.name)) continue
    const p = path.join(dir, e.name)
    if (e.isDirectory()) walk(p)
    else if (/\.(ts|tsx)$/.test(e.name) && !e.name.endsWith(".d.ts")) sources.push(p)
  }
}
for (const top of ["packages", "apps"]) walk(path.join(root, top))

const nameOf = (node) => {
  if (node.name) return node.name.getText()
  const parent = node.parent
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent))) return parent.name.getText()
  return "(anonymous function)"
}

const offenders = []
for (const file of sources) {
  const text = fs.readFileSync(file, "utf8")
  const rel = path.relative(root, file)
  const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0)
  if (lines > MAX_FILE_LINES) offenders.push(`${rel}: ${lines} lines (at most ${MAX_FILE_LINES})`)
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const visit = (node) => {
    if (ts.isFunctionLike(node) && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart()).line
      const end = sf.getLineAndCharacterOfPosition(node.end).line
      const n = end - start + 1
      if (n > MAX_FUNCTION_LINES)
        offenders.push(`${rel}:${start + 1}: ${nameOf(node)} is ${n} lines (at most ${MAX_FUNCTION_LINES})`)
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
}

if (offenders.length > 0) {
  console.error(`house: ${offenders.length} over the limits; split them:\n${offenders.map((o) => `  ${o}`).join("\n")}`)
  process.exit(1)
}
console.log(
  `house: ${sources.length} source files, none over ${MAX_FILE_LINES} lines, no function over ${MAX_FUNCTION_LINES}`
)
