/** The nearest known name to a misspelt one, by edit distance: for "did you mean …?" hints (the core's option names, the apps' flags and check ids). A leaf: it imports nothing. */

/**
 * The Levenshtein distance between `a` and `b` (insertions, deletions and substitutions each cost 1),
 * or `limit + 1` as soon as it is known to exceed `limit`.
 */
export const editDistance = (a: string, b: string, limit = Number.POSITIVE_INFINITY): number => {
  if (Math.abs(a.length - b.length) > limit) return limit + 1
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    let best = i
    for (let j = 1; j <= b.length; j++) {
      const d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
      row.push(d)
      if (d < best) best = d
    }
    if (best > limit) return limit + 1
    prev = row
  }
  return prev[b.length]!
}

/**
 * The known name nearest to `name`, when it is near enough to be a slip: at most 2 edits, or at most a
 * third of the name's length for longer names. Case is ignored (`baseURL` → `baseUrl`); on a tie the
 * name listed first wins. Undefined when nothing is near.
 */
export const nearest = (name: string, known: Iterable<string>): string | undefined => {
  const limit = Math.max(2, Math.floor(name.length / 3))
  const lower = name.toLowerCase()
  let found: string | undefined
  let foundDistance = limit + 1
  for (const candidate of known) {
    const d = editDistance(lower, candidate.toLowerCase(), Math.min(limit, foundDistance))
    if (d < foundDistance) {
      found = candidate
      foundDistance = d
    }
  }
  return found
}
