/**
 * The one door for text that came from a server (bodies, header values, URLs, role names, realms, error
 * codes and descriptions): it is scrubbed of every configured secret, its control and bidi characters are
 * neutralised, and its length is capped, before it is put into a report. Our own sentences never pass
 * through it (a scrubber run over them would be an oracle) and never hold a secret in the first place.
 *
 * Every function here is linear in its input.
 */

/** Turns server text into report text. */
export type Door = (raw: string) => string

/** The longest server string a report carries (then `…`). */
export const UNTRUSTED_MAX = 300

// C0 and C1 controls, DEL, line/paragraph separators, and the bidi embeddings, overrides and isolates.
const isUnsafe = (c: number) =>
  c <= 0x1f ||
  (c >= 0x7f && c <= 0x9f) ||
  c === 0x2028 ||
  c === 0x2029 ||
  (c >= 0x202a && c <= 0x202e) ||
  (c >= 0x2066 && c <= 0x2069) ||
  c === 0x200e ||
  c === 0x200f ||
  c === 0x061c

// White space other than the controls: the space, no-break spaces, the typographic spaces, the BOM.
const isSpace = (c: number) =>
  c === 0x20 ||
  c === 0xa0 ||
  c === 0x1680 ||
  (c >= 0x2000 && c <= 0x200a) ||
  c === 0x202f ||
  c === 0x205f ||
  c === 0x3000 ||
  c === 0xfeff

// Invisible characters a reader would not see between two halves of a secret (zero-width space,
// joiners, word joiner, soft hyphen, Mongolian vowel separator). Kept by `neutralise`, skipped by the scrubber.
const isInvisible = (c: number) => (c >= 0x200b && c <= 0x200d) || c === 0x2060 || c === 0x00ad || c === 0x180e

/** What the scrubber looks through: every character `neutralise` turns into a space, and the invisible ones. */
const isIgnorable = (c: number) => (c > 0x20 && c < 0x7f ? false : isUnsafe(c) || isSpace(c) || isInvisible(c))

/**
 * One safe line: each run of control, bidi and white-space characters becomes one space (so an escape
 * sequence loses its ESC and cannot act on a terminal), the ends are trimmed, and at most `max`
 * characters are kept (never half a surrogate pair).
 */
export const neutralise = (raw: string, max = UNTRUSTED_MAX): string => {
  let out = ""
  let space = false
  let kept = 0
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i)
    if (isUnsafe(c) || isSpace(c)) {
      space = out !== ""
      continue
    }
    if (kept >= max) return `${out}…`
    if (space) {
      out += " "
      kept++
      space = false
      if (kept >= max) return `${out.trimEnd()}…`
    }
    // Keep a surrogate pair whole.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < raw.length) {
      out += raw[i]! + raw[i + 1]!
      i++
    } else out += raw[i]!
    kept++
  }
  return out
}

/** A door that only neutralises (for pure functions tested without an audit's secrets). */
export const plainDoor: Door = (raw) => neutralise(raw)

/** Server text anywhere in a JSON-like value (strings in arrays and object values; keys are ours), through a door. */
export const throughDoor = (door: Door, value: unknown, depth = 0): unknown => {
  if (typeof value === "string") return door(value)
  if (value === null || typeof value !== "object") return value
  // Facts are shallow; anything deeper than this is dropped rather than shown unscrubbed.
  if (depth >= 16) return null
  if (Array.isArray(value)) return value.map((v) => throughDoor(door, v, depth + 1))
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, throughDoor(door, v, depth + 1)]))
}

// ---------------------------------------------------------------------------------------------------
// Scrubbing: every form of every secret, found in one pass

/**
 * A form of a secret whose normalised length is below this is too short to be replaced where it stands:
 * the text around a replacement would tell what it hid ("REDACTEDasic realm" for a password `B`). A
 * server string holding one is withheld whole.
 */
export const SHORT_FORM = 4

/** The marker of a replaced secret, unless a secret's form is inside it (then the next one). */
const markers = ["REDACTED", "[withheld]", "***", "•", ""]

const foldCache = new Map<number, number>()

/**
 * Simple case folding of one UTF-16 unit (`ſ` → `s`, `K` (Kelvin) → `k`), the unit itself when folding
 * would change the length. The same fold is applied to the secrets and to the text, so a match survives
 * any case change a server may make.
 */
const fold = (c: number): number => {
  if (c < 0x80) return c >= 0x41 && c <= 0x5a ? c + 32 : c
  let f = foldCache.get(c)
  if (f === undefined) {
    const ch = String.fromCharCode(c)
    const up = ch.toUpperCase()
    const low = (up.length === 1 ? up : ch).toLowerCase()
    f = low.length === 1 ? low.charCodeAt(0) : c
    if (foldCache.size < 4096) foldCache.set(c, f)
  }
  return f
}

/** The normalised units of a form: folded, ignorable characters dropped. */
const normalised = (s: string): Array<number> => {
  const out: Array<number> = []
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (!isIgnorable(c)) out.push(fold(c))
  }
  return out
}

/** Finds and replaces secrets; built once per audit from the forms of its secrets. */
export interface Scrubber {
  /**
   * Every form replaced where it stands (`REDACTED`); a text holding a short form (below
   * {@link SHORT_FORM}) is withheld whole, unless `shortForms` is `"ignore"`.
   */
  readonly scrub: (text: string, shortForms?: "withhold" | "ignore") => string
  /** Whether any form (a short one included) occurs in the text. */
  readonly holds: (text: string) => boolean
  /** What stands for a secret. */
  readonly marker: string
}

/**
 * The automaton of a list of forms (Aho–Corasick over their normalised units), with what each state
 * tells: the longest form of any length, of at least {@link SHORT_FORM}, and below it, that ends there.
 */
interface Automaton {
  /** No form at all: nothing is ever found. */
  readonly empty: boolean
  readonly step: (state: number, unit: number) => number
  /** The longest form at least SHORT_FORM long that ends at a state (as a suffix), 0 if none. */
  readonly longest: Int32Array
  /** The longest form of any length that ends at a state. */
  readonly any: Int32Array
  /** The longest short form that ends at a state. */
  readonly short: Int32Array
}

/** The distinct, non-empty normalised forms. */
const distinctForms = (forms: ReadonlyArray<string>): Array<Array<number>> => {
  const seen = new Set<string>()
  const list: Array<Array<number>> = []
  for (const f of forms) {
    const units = normalised(f)
    if (units.length === 0) continue
    const key = String.fromCharCode(...units)
    if (seen.has(key)) continue
    seen.add(key)
    list.push(units)
  }
  return list
}

/**
 * The trie, at most one node per unit. Most nodes have one child (a form is a long chain): that edge is
 * kept in two arrays, the others of a node with several children in a map of its own.
 */
const buildTrie = (list: ReadonlyArray<ReadonlyArray<number>>) => {
  const total = list.reduce((n, units) => n + units.length, 1)
  const unit = new Int32Array(total).fill(-1)
  const child = new Int32Array(total)
  const more: Array<Map<number, number> | undefined> = new Array(total).fill(undefined)
  const longest = new Int32Array(total)
  const any = new Int32Array(total)
  const short = new Int32Array(total)
  let nodes = 1
  const edge = (node: number, u: number): number => {
    if (unit[node] === u) return child[node]!
    const m = more[node]
    return m === undefined ? -1 : (m.get(u) ?? -1)
  }
  const addEdge = (node: number, u: number, next: number) => {
    if (unit[node] === -1) {
      unit[node] = u
      child[node] = next
      return
    }
    let m = more[node]
    if (m === undefined) {
      m = new Map()
      more[node] = m
    }
    m.set(u, next)
  }
  for (const units of list) {
    let node = 0
    for (const u of units) {
      let next = edge(node, u)
      if (next === -1) {
        next = nodes++
        addEdge(node, u, next)
      }
      node = next
    }
    const n = units.length
    any[node] = n
    if (n >= SHORT_FORM) longest[node] = n
    else short[node] = n
  }
  return { nodes, unit, child, more, edge, longest, any, short }
}

/** Failure links, breadth first; each node inherits the matches of its longest proper suffix. */
const buildAutomaton = (forms: ReadonlyArray<string>): Automaton => {
  const { nodes, unit, child, more, edge, longest, any, short } = buildTrie(distinctForms(forms))
  const fail = new Int32Array(nodes)
  // The root's edges in a table: most units of a text lead nowhere from it.
  const fromRoot = new Int32Array(0x10000)
  if (unit[0] !== -1) fromRoot[unit[0]!] = child[0]!
  for (const [u, c] of more[0] ?? []) fromRoot[u] = c
  const step = (state: number, u: number): number => {
    let s = state
    while (s !== 0) {
      const t = edge(s, u)
      if (t !== -1) return t
      s = fail[s]!
    }
    return fromRoot[u]!
  }
  const queue = new Int32Array(nodes)
  let tail = 0
  const enqueue = (node: number, f: number) => {
    if (unit[node] !== -1) {
      const c = child[node]!
      fail[c] = f === -1 ? 0 : step(f, unit[node]!)
      queue[tail++] = c
    }
    const m = more[node]
    if (m !== undefined)
      for (const [u, c] of m) {
        fail[c] = f === -1 ? 0 : step(f, u)
        queue[tail++] = c
      }
  }
  enqueue(0, -1)
  for (let q = 0; q < tail; q++) {
    const node = queue[q]!
    const f = fail[node]!
    if (longest[node] === 0) longest[node] = longest[f]!
    if (any[node] === 0) any[node] = any[f]!
    if (short[node] === 0) short[node] = short[f]!
    enqueue(node, f)
  }
  return { empty: nodes === 1, step, longest, any, short }
}

/** Whether any form (a short one included) occurs in the text. */
const holdsAny = (a: Automaton, text: string): boolean => {
  if (a.empty) return false
  let state = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (isIgnorable(c)) continue
    state = a.step(state, fold(c))
    if (a.any[state]! > 0) return true
  }
  return false
}

/** Whether a form that `scrub` replaces (or withholds for) occurs in the text. */
const holdsReplaced = (a: Automaton, text: string, withhold: boolean): boolean => {
  let state = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (isIgnorable(c)) continue
    state = a.step(state, fold(c))
    const short = a.short[state]!
    if (a.longest[state]! > 0 || (short > 0 && (withhold || short >= SHORT_FORM - 1))) return true
  }
  return false
}

/**
 * The runs of matches to replace (in normalised units, merged where they overlap or touch) and where
 * each normalised unit stands in the text; `null` when a short form is met and the text is withheld.
 */
const matchRuns = (a: Automaton, text: string, withhold: boolean) => {
  const pos = new Int32Array(text.length)
  const starts: Array<number> = []
  const ends: Array<number> = []
  let state = 0
  let j = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (isIgnorable(c)) continue
    pos[j] = i
    state = a.step(state, fold(c))
    if (withhold && a.short[state]! > 0) return null
    // Ignoring short forms, a form of SHORT_FORM - 1 units is still replaced (as it always was).
    const len = withhold ? a.longest[state]! : Math.max(a.longest[state]!, a.short[state]! >= SHORT_FORM - 1 ? 3 : 0)
    if (len > 0) {
      let s = j - len + 1
      // Merge with the runs this one overlaps or touches (it may reach back over several).
      while (ends.length > 0 && ends[ends.length - 1]! >= s - 1) {
        s = Math.min(s, starts.pop()!)
        ends.pop()
      }
      starts.push(s)
      ends.push(j)
    }
    j++
  }
  return { pos, starts, ends }
}

/** The text with each run (and whatever lay between its characters) replaced by the marker. */
const replaceRuns = (text: string, runs: NonNullable<ReturnType<typeof matchRuns>>, marker: string): string => {
  const { pos, starts, ends } = runs
  let out = ""
  let from = 0
  for (let r = 0; r < starts.length; r++) {
    const a = pos[starts[r]!]!
    const b = pos[ends[r]!]!
    out += text.slice(from, a) + marker
    from = b + 1
    // A surrogate pair is never cut in half.
    const c = text.charCodeAt(b)
    if (c >= 0xd800 && c <= 0xdbff && from < text.length) from++
  }
  return out + text.slice(from)
}

/**
 * Builds the scrubber of a list of forms (an Aho–Corasick automaton over their normalised units). A text
 * is read once: case-folded and with its ignorable characters skipped, so that a form split by a line
 * break, a space run, a control or a zero-width character is still found; each maximal run of matches
 * is replaced by one marker (whatever lay between its characters goes too). Linear in the text, and in
 * the total length of the forms to build.
 */
export const makeScrubber = (forms: ReadonlyArray<string>): Scrubber => {
  const a = buildAutomaton(forms)
  const holds = (text: string): boolean => holdsAny(a, text)
  const marker = markers.find((m) => !holds(m)) ?? ""
  const scrub = (text: string, shortForms: "withhold" | "ignore" = "withhold"): string => {
    if (a.empty || text === "") return text
    const withhold = shortForms === "withhold"
    const runs = matchRuns(a, text, withhold)
    if (runs === null) return marker
    if (runs.starts.length === 0) return text
    const out = replaceRuns(text, runs, marker)
    // A marker next to what is left could spell a form again ("…TED" + "x" for a secret "tedx"): then
    // nothing of the text is shown.
    return holdsReplaced(a, out, withhold) ? marker : out
  }
  return { scrub, holds, marker }
}
