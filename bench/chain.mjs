/**
 * The critical path of an audit, two ways (see bench/README.md, "Method"):
 *
 * - `derivedChain`: from the core's catalogue and the requests each check made. Each check's own
 *   requests are the exchanges in its evidence that none of its prerequisites (transitively) shows;
 *   they are matched to the simulator's journal, and their own depth is the longest run of them that
 *   had to follow one another there (the contacts filter, then the roles of the contact it found).
 *   A check's chain is the longest chain of its prerequisites plus its own depth; a check that does
 *   not apply to the config (not_applicable, no evidence) settles at once and adds nothing.
 * - `observedChain`: the longest sequence of journalled requests each of which started after the
 *   previous one had been answered (timestamps only; at 50 ms and more, parallel requests overlap by
 *   far more than the journal's 1 ms resolution).
 */

const TOLERANCE_MS = 2

const safeDecode = (s) => {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/** Journal entries as intervals with a key comparable with a report's evidence. */
const intervals = (journal, basePath) =>
  journal.map((e) => {
    const start = Date.parse(e.at)
    return {
      key: `${e.method} ${basePath}${safeDecode(e.path)} ${e.status}`,
      label: `${e.method} ${e.path}${e.query ? `?${e.query}` : ""}`.replace(/(code|state)=[^&]*/g, "$1=…"),
      start,
      end: start + e.durationMs
    }
  })

/** The longest sequence of intervals each starting after the previous one ended. */
export const longestSequence = (xs) => {
  const sorted = [...xs].sort((a, b) => a.start - b.start)
  const best = sorted.map(() => 1)
  const prev = sorted.map(() => -1)
  for (let i = 0; i < sorted.length; i++) {
    for (let j = 0; j < i; j++) {
      if (sorted[j].end <= sorted[i].start + TOLERANCE_MS && best[j] + 1 > best[i]) {
        best[i] = best[j] + 1
        prev[i] = j
      }
    }
  }
  let at = best.indexOf(Math.max(0, ...best))
  const path = []
  while (at !== -1) {
    path.unshift(sorted[at])
    at = prev[at]
  }
  return path
}

/** The observed chain: from journal timestamps alone. */
export const observedChain = (journal, basePath) => longestSequence(intervals(journal, basePath)).map((x) => x.label)

/**
 * The audit's own time along the observed chain: from the audit's start to its first request, between
 * each answer on the chain and the next request on it, and from the last answer to the audit's end.
 * What is left of the wall time is waiting for the platform. Journal and report share the machine's
 * clock (millisecond resolution).
 * @param {{ startedAt: string, durationMs: number }} report
 */
export const ownTime = (report, journal, basePath) => {
  const path = longestSequence(intervals(journal, basePath))
  const start = Date.parse(report.startedAt)
  const end = start + report.durationMs
  const first = path[0]?.start ?? start
  const lastAnswer = Math.max(...journal.map((e) => Date.parse(e.at) + e.durationMs), first)
  const hops = path.slice(1).map((x, i) => Math.max(0, x.start - path[i].end))
  return {
    beforeFirstRequestMs: Math.max(0, first - start),
    betweenHopsMs: hops.reduce((a, b) => a + b, 0),
    afterLastAnswerMs: Math.max(0, end - lastAnswer)
  }
}

const evidenceKey = (x) => `${x.method} ${x.path.split("?")[0]} ${x.status}`

/**
 * The derived chain: the catalogue's prerequisites plus each check's own requests.
 * @returns {{ length: number, checks: Array<string>, requests: Array<string>, gapsMs: Array<number>, unattributed: Array<string> }}
 */
export const derivedChain = (catalogue, report, journal, basePath) => {
  const entries = intervals(journal, basePath)
  const results = new Map(report.checks.map((c) => [c.id, c]))
  const defs = new Map(catalogue.map((d) => [d.id, d]))
  const prereqs = (id) => {
    const d = defs.get(id)
    return d ? [...d.needs, ...d.needsAny] : []
  }
  const ancestors = (id, acc = new Set()) => {
    for (const p of prereqs(id)) {
      if (!acc.has(p)) {
        acc.add(p)
        ancestors(p, acc)
      }
    }
    return acc
  }
  const keysOf = (id) => new Set((results.get(id)?.evidence ?? []).map(evidenceKey))

  const memo = new Map()
  const none = { length: 0, checks: [], requests: [], intervals: [] }
  const chainOf = (id) => {
    const hit = memo.get(id)
    if (hit) return hit
    // A check that does not apply to the config settles at once, without waiting for its prerequisites.
    const r = results.get(id)
    if (r === undefined || (r.status === "not_applicable" && r.evidence.length === 0)) return none
    const inherited = new Set([...ancestors(id)].flatMap((a) => [...keysOf(a)]))
    const own = [...keysOf(id)].filter((k) => !inherited.has(k))
    const ownPath = longestSequence(entries.filter((e) => own.includes(e.key)))
    let before = none
    for (const p of prereqs(id)) {
      const c = chainOf(p)
      if (c.length > before.length) before = c
    }
    const result = {
      length: before.length + ownPath.length,
      checks: ownPath.length > 0 ? [...before.checks, id] : before.checks,
      requests: [...before.requests, ...ownPath.map((e) => e.label)],
      intervals: [...before.intervals, ...ownPath]
    }
    memo.set(id, result)
    return result
  }

  let best = none
  for (const d of catalogue) {
    const c = chainOf(d.id)
    if (c.length > best.length) best = c
  }
  const attributed = new Set(report.checks.flatMap((c) => c.evidence.map(evidenceKey)))
  const { intervals: path, ...rest } = best
  return {
    ...rest,
    // Between one answer on the chain and the next request: the audit's own time per hop.
    gapsMs: path.slice(1).map((x, i) => Math.round((x.start - path[i].end) * 10) / 10),
    unattributed: entries.filter((e) => !attributed.has(e.key)).map((e) => e.label)
  }
}
