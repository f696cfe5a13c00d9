/**
 * Waivers: accepted findings that do not count against the verdict until they expire. Only a check
 * that ran and came back warn, fail or error can be waived: a check that did not run is never evidence,
 * so a waiver never turns one into readiness. Expiry is loud: a warning from `warnDays` before, and the
 * original status again (with the waiver named) once the date has passed.
 */
import { parse as parseYaml } from "yaml"
import { checkIds, isCheckId } from "./Catalogue.js"
import {
  type CheckResult,
  type Report,
  summaryOf,
  type Target,
  verdictOf,
  type WaiverEntry,
  type WaiversOutcome
} from "./Report.js"
import { nearest } from "./suggest.js"

export interface WaiverOptions {
  /** The run's clock: today's date decides expiry. */
  readonly now: Date
  /** Warn this many days before a waiver expires (default 14). */
  readonly warnDays?: number
  /** The fleet target's name, matched against a waiver's `target` besides the platform and base URL. */
  readonly targetName?: string
}

const waivable = new Set(["warn", "fail", "error"])
const dayMs = 86_400_000
const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/

/** The UTC day number of an ISO date (YYYY-MM-DD), or undefined when it is not a real date. */
export const dayOf = (date: string): number | undefined => {
  const m = isoDate.exec(date)
  if (!m) return undefined
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  const d = new Date(t)
  if (d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3]))
    return undefined
  return t / dayMs
}

const waiverKeys = ["check", "target", "reason", "owner", "expires"] as const

/**
 * Reads waivers from parsed JSON or YAML. The error names the key path (`waivers[1].expires`) and what
 * to fix: an unknown key (with the nearest known one), a missing or empty field, a date that is not
 * YYYY-MM-DD, an unknown check id.
 */
export const parseWaivers = (
  input: unknown,
  path = "waivers"
): { readonly waivers: Array<WaiverEntry> } | { readonly error: string } => {
  if (!Array.isArray(input)) return { error: `${path} must be a list of waivers` }
  const waivers: Array<WaiverEntry> = []
  for (const [i, raw] of input.entries()) {
    const at = `${path}[${i}]`
    if (typeof raw !== "object" || raw === null || Array.isArray(raw))
      return { error: `${at} must be an object with check, reason, owner and expires` }
    const entry = raw as Record<string, unknown>
    for (const key of Object.keys(entry)) {
      if ((waiverKeys as ReadonlyArray<string>).includes(key)) continue
      const near = nearest(key, waiverKeys)
      return { error: `${at}.${key} is not a waiver key${near ? ` (did you mean ${near}?)` : ""}` }
    }
    for (const key of ["check", "reason", "owner", "expires"] as const) {
      const v = entry[key]
      if (typeof v !== "string" || v.trim() === "")
        return { error: `${at}.${key} is required: give a non-empty string` }
    }
    if (entry.target !== undefined && (typeof entry.target !== "string" || entry.target === ""))
      return { error: `${at}.target must be a non-empty string (a fleet target, platform or base URL)` }
    const check = entry.check as string
    if (!isCheckId(check)) {
      const near = nearest(check, checkIds)
      return { error: `${at}.check: ${check} is not a check id${near ? ` (did you mean ${near}?)` : ""}` }
    }
    const expires = entry.expires as string
    if (dayOf(expires) === undefined) return { error: `${at}.expires: ${expires} is not a date: write YYYY-MM-DD` }
    waivers.push({
      check,
      ...(typeof entry.target === "string" ? { target: entry.target } : {}),
      reason: entry.reason as string,
      owner: entry.owner as string,
      expires
    })
  }
  return { waivers }
}

/**
 * Reads a waivers file: JSON, or YAML when the name ends in .yml or .yaml; a list of waivers or an
 * object with a `waivers` list (and, optionally, `$schema`).
 */
export const parseWaiversText = (
  text: string,
  name: string
): { readonly waivers: Array<WaiverEntry> } | { readonly error: string } => {
  let data: unknown
  try {
    data = /\.ya?ml$/i.test(name) ? parseYaml(text) : JSON.parse(text)
  } catch (e) {
    return {
      error: `${name} is not valid ${/\.ya?ml$/i.test(name) ? "YAML" : "JSON"}: ${(e as Error).message.split("\n")[0]}`
    }
  }
  if (Array.isArray(data)) return parseWaivers(data)
  if (typeof data === "object" && data !== null) {
    for (const key of Object.keys(data)) {
      if (key === "waivers" || key === "$schema") continue
      const near = nearest(key, ["waivers", "$schema"])
      return { error: `${key} is not a key of a waivers file${near ? ` (did you mean ${near}?)` : ""}` }
    }
    return parseWaivers((data as { waivers?: unknown }).waivers ?? [])
  }
  return { error: `${name} must hold a list of waivers` }
}

const matchesTarget = (w: WaiverEntry, target: Target, options: WaiverOptions): boolean =>
  w.target === undefined ||
  w.target === options.targetName ||
  w.target === target.platform ||
  w.target.replace(/\/+$/, "") === target.baseUrl.replace(/\/+$/, "")

const today = (options: WaiverOptions): number => Math.floor(options.now.getTime() / dayMs)

/**
 * One result under the waivers: the waiver it matched (if any) and the result as reported, `waived`
 * while the waiver holds, its own status with the waiver named as expired once it has passed.
 */
export const waiveResult = (
  result: CheckResult,
  waivers: ReadonlyArray<WaiverEntry>,
  target: Target,
  options: WaiverOptions
): { readonly result: CheckResult; readonly waiver?: WaiverEntry; readonly expiresInDays?: number } => {
  if (!waivable.has(result.status)) return { result }
  const waiver = waivers.find((w) => w.check === result.id && matchesTarget(w, target, options))
  if (!waiver) return { result }
  const expiresInDays = (dayOf(waiver.expires) ?? today(options)) - today(options)
  const note = {
    reason: waiver.reason,
    owner: waiver.owner,
    expires: waiver.expires,
    originalStatus: result.status as "warn" | "fail" | "error",
    expiresInDays
  }
  if (expiresInDays < 0) return { result: { ...result, waiver: { ...note, expired: true } }, waiver, expiresInDays }
  return { result: { ...result, status: "waived", waiver: note }, waiver, expiresInDays }
}

/**
 * Applies the waivers to a report: each matching warn, fail or error result becomes `waived` (or, when
 * its waiver has expired, keeps its status with the waiver named as expired); the verdict and summary
 * are counted again; `report.waivers` lists the waivers about to expire, expired, and unused.
 */
export const applyWaivers = (report: Report, waivers: ReadonlyArray<WaiverEntry>, options: WaiverOptions): Report => {
  if (waivers.length === 0) return report
  const warnDays = options.warnDays ?? 14
  const used = new Set<WaiverEntry>()
  let applied = 0
  const expiring: Array<WaiversOutcome["expiring"][number]> = []
  const expired: Array<WaiverEntry> = []
  const checks = report.checks.map((c): CheckResult => {
    const { result, waiver, expiresInDays = 0 } = waiveResult(c, waivers, report.target, options)
    if (!waiver) return result
    const first = !used.has(waiver)
    used.add(waiver)
    if (result.status === "waived") {
      applied++
      if (first && expiresInDays <= warnDays) expiring.push({ ...waiver, expiresInDays })
    } else if (first) expired.push(waiver)
    return result
  })
  return {
    ...report,
    checks,
    verdict: verdictOf(checks, report.interrupted),
    summary: summaryOf(checks),
    waivers: { applied, expiring, expired, unused: waivers.filter((w) => !used.has(w)) }
  }
}
/** One line per waiver warning: about to expire, expired, unused. Empty when there is nothing to say. */
export const waiverWarnings = (report: Pick<Report, "waivers">): Array<string> => {
  const w = report.waivers
  if (!w) return []
  const on = (e: WaiverEntry) => `${e.check}${e.target ? ` (${e.target})` : ""}`
  return [
    ...w.expiring.map(
      (e) =>
        `waiver for ${on(e)} expires ${e.expires} (${e.expiresInDays === 0 ? "today" : `in ${e.expiresInDays} day${e.expiresInDays === 1 ? "" : "s"}`}; owner ${e.owner}): renew or fix it`
    ),
    ...w.expired.map((e) => `waiver for ${on(e)} expired ${e.expires} (owner ${e.owner}): the finding counts again`),
    ...w.unused.map((e) => `waiver for ${on(e)} matched nothing in this run: remove it if the finding is gone`)
  ]
}
