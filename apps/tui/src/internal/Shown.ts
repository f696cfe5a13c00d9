/**
 * What the screen shows of a check result: the same result with every string in it (title, summary,
 * cause, possibilities, evidence, facts, remediation, docs) passed through `clean`, so no text a server
 * sent reaches the terminal raw or at any length. Views read results only through `shown`; the state
 * and the exported report keep the results as the core made them.
 */
import type { CheckResult } from "@arlo-ready/core"
import { clean } from "./Text.js"

/** The most items of one list (a fact's values) the screen shows. */
const ITEMS_MAX = 50

/** A fact value with every string in it cleaned (keys too), lists and nesting bounded. */
const cleanValue = (v: unknown, depth = 0): unknown => {
  if (typeof v === "string") return clean(v)
  if (v === null || typeof v !== "object") return v
  if (depth >= 4) return "…"
  if (Array.isArray(v)) {
    const items = v.slice(0, ITEMS_MAX).map((x) => cleanValue(x, depth + 1))
    return v.length > ITEMS_MAX ? [...items, `… ${v.length - ITEMS_MAX} more`] : items
  }
  const entries = Object.entries(v).slice(0, ITEMS_MAX)
  return Object.fromEntries(entries.map(([k, x]) => [clean(k), cleanValue(x, depth + 1)]))
}

const memo = new WeakMap<CheckResult, CheckResult>()

/** The result as the screen shows it (computed once per result). */
export const shown = (r: CheckResult): CheckResult => {
  const hit = memo.get(r)
  if (hit) return hit
  const s: CheckResult = {
    ...r,
    title: clean(r.title),
    summary: clean(r.summary),
    cause: r.cause && {
      ...r.cause,
      code: clean(r.cause.code),
      message: clean(r.cause.message),
      ...(r.cause.possibilities ? { possibilities: r.cause.possibilities.map((p) => clean(p)) } : {})
    },
    evidence: r.evidence.map((e) => ({
      ...e,
      method: clean(e.method),
      path: clean(e.path),
      ...(e.error !== undefined ? { error: clean(e.error) } : {}),
      ...(e.note !== undefined ? { note: clean(e.note) } : {})
    })),
    ...(r.facts ? { facts: cleanValue(r.facts) as Record<string, unknown> } : {}),
    remediation: r.remediation && {
      ...r.remediation,
      steps: r.remediation.steps.map((step) => clean(step)),
      ...(r.remediation.recheck !== undefined ? { recheck: clean(r.remediation.recheck) } : {})
    },
    docs: r.docs.map((d) => ({ title: clean(d.title), url: clean(d.url) }))
  }
  memo.set(r, s)
  return s
}
