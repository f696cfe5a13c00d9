/** `--list-checks`: the check catalogue, as JSON or as text. */
import { catalogue, checkGroups, groupTitles } from "@arlo-ready/core"

/** The catalogue as JSON: the tool and every check with its group, prerequisites and docs. */
export const listChecksJson = (tool: { readonly name: string; readonly version: string }): string =>
  `${JSON.stringify(
    {
      tool,
      checks: catalogue.map((d) => ({
        id: d.id,
        group: d.group,
        title: d.title,
        decides: d.decides,
        needs: d.needs,
        needsAny: d.needsAny,
        docs: d.docs
      }))
    },
    null,
    2
  )}\n`

/** The catalogue as text: a heading per group, a line per check. */
export const listChecksText = (): string => {
  const width = Math.max(...catalogue.map((d) => d.id.length))
  const lines: Array<string> = []
  for (const group of checkGroups) {
    lines.push(groupTitles[group])
    for (const d of catalogue.filter((c) => c.group === group)) {
      const needs = [...d.needs, ...(d.needsAny.length > 0 ? [d.needsAny.join(" or ")] : [])]
      lines.push(
        `  ${d.id.padEnd(width)}  ${d.title}: ${d.decides}${needs.length > 0 ? ` (needs ${needs.join(", ")})` : ""}`
      )
    }
  }
  return `${lines.join("\n")}\n`
}
