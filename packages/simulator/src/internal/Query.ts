/** The Auth API's collection query language: `filter` and `orderby` [CODE: moodle-enrol_arlo Filter.php]. */
import type { Scalar } from "./Dataset.js"

export type Literal =
  | { readonly _tag: "string"; readonly value: string }
  | { readonly _tag: "number"; readonly value: number }
  | { readonly _tag: "datetime"; readonly value: number }

type Op = "eq" | "ne" | "gt" | "ge" | "lt" | "le"

type Filter =
  | { readonly _tag: "cmp"; readonly field: string; readonly op: Op; readonly value: Literal }
  | { readonly _tag: "and" | "or"; readonly left: Filter; readonly right: Filter }

/** A query the simulator cannot serve: the message goes into a 400 `ApiException`. */
export class QueryError extends Error {}

type Token =
  | { readonly t: "lp" | "rp" }
  | { readonly t: "word"; readonly v: string }
  | { readonly t: "str"; readonly v: string }
  | { readonly t: "num"; readonly v: number }
  | { readonly t: "dt"; readonly v: number }

const tokenize = (input: string): Array<Token> => {
  const out: Array<Token> = []
  let i = 0
  while (i < input.length) {
    const c = input[i]!
    if (c === " " || c === "\t") {
      i++
    } else if (c === "(") {
      out.push({ t: "lp" })
      i++
    } else if (c === ")") {
      out.push({ t: "rp" })
      i++
    } else if (c === "'") {
      let s = ""
      i++
      for (;;) {
        if (i >= input.length) throw new QueryError("filter: unterminated string literal")
        if (input[i] === "'") {
          if (input[i + 1] === "'") {
            s += "'"
            i += 2
            continue
          }
          i++
          break
        }
        s += input[i]
        i++
      }
      out.push({ t: "str", v: s })
    } else if (/[0-9-]/.test(c)) {
      const m = /^-?\d+(\.\d+)?/.exec(input.slice(i))
      if (!m) throw new QueryError(`filter: unexpected "${c}" at ${i}`)
      out.push({ t: "num", v: Number(m[0]) })
      i += m[0].length
    } else if (/[A-Za-z_]/.test(c)) {
      const dt = /^datetime'?\(\s*'([^']*)'\s*\)/i.exec(input.slice(i))
      if (dt) {
        const ms = Date.parse(dt[1]!)
        if (Number.isNaN(ms)) throw new QueryError(`filter: invalid datetime '${dt[1]}'`)
        out.push({ t: "dt", v: ms })
        i += dt[0].length
        continue
      }
      const m = /^[A-Za-z_][A-Za-z0-9_/]*/.exec(input.slice(i))!
      out.push({ t: "word", v: m[0] })
      i += m[0].length
    } else {
      throw new QueryError(`filter: unexpected "${c}" at ${i}`)
    }
  }
  return out
}

const ops = new Set(["eq", "ne", "gt", "ge", "lt", "le"])

/** Parses a filter expression, checking every field against `fields` (case-insensitive). */
export const parseFilter = (input: string, fields: ReadonlyArray<string>): Filter => {
  const tokens = tokenize(input)
  let pos = 0
  const peek = () => tokens[pos]
  const fieldOf = (name: string) => {
    const found = fields.find((f) => f.toLowerCase() === name.toLowerCase())
    if (found === undefined) throw new QueryError(`filter: unknown field "${name}"`)
    return found
  }
  const primary = (): Filter => {
    const tok = tokens[pos++]
    if (tok === undefined) throw new QueryError("filter: unexpected end of expression")
    if (tok.t === "lp") {
      const inner = orExpr()
      if (tokens[pos++]?.t !== "rp") throw new QueryError("filter: missing )")
      return inner
    }
    if (tok.t !== "word") throw new QueryError("filter: expected a field name")
    const field = fieldOf(tok.v)
    const opTok = tokens[pos++]
    if (opTok?.t !== "word" || !ops.has(opTok.v.toLowerCase())) {
      throw new QueryError(`filter: expected an operator (eq, ne, gt, ge, lt, le) after ${tok.v}`)
    }
    const v = tokens[pos++]
    let value: Literal
    if (v?.t === "str") value = { _tag: "string", value: v.v }
    else if (v?.t === "num") value = { _tag: "number", value: v.v }
    else if (v?.t === "dt") value = { _tag: "datetime", value: v.v }
    else throw new QueryError(`filter: expected a value after ${tok.v} ${opTok.v}`)
    return { _tag: "cmp", field, op: opTok.v.toLowerCase() as Op, value }
  }
  /** Operands of `next` joined by the keyword `op`, left-associative. */
  const chain = (op: "and" | "or", next: () => Filter) => (): Filter => {
    let left = next()
    for (;;) {
      const t = peek()
      if (t?.t !== "word" || t.v.toLowerCase() !== op) return left
      pos++
      left = { _tag: op, left, right: next() }
    }
  }
  const andExpr = chain("and", primary)
  const orExpr: () => Filter = chain("or", andExpr)
  const result = orExpr()
  if (pos !== tokens.length) throw new QueryError("filter: unexpected input after the expression")
  return result
}

const compare = (a: Scalar, b: Literal): number => {
  switch (b._tag) {
    case "number": {
      const n = typeof a === "number" ? a : Number(a)
      return n === b.value ? 0 : n < b.value ? -1 : 1
    }
    case "datetime": {
      const ms = typeof a === "number" ? a : Date.parse(a)
      return ms === b.value ? 0 : ms < b.value ? -1 : 1
    }
    case "string": {
      const x = String(a).toLowerCase()
      const y = b.value.toLowerCase()
      return x === y ? 0 : x < y ? -1 : 1
    }
  }
}

/** Evaluates a filter against an entity's field values. */
export const matches = (f: Filter, get: (field: string) => Scalar | undefined): boolean => {
  switch (f._tag) {
    case "and":
      return matches(f.left, get) && matches(f.right, get)
    case "or":
      return matches(f.left, get) || matches(f.right, get)
    case "cmp": {
      const v = get(f.field)
      if (v === undefined) return f.op === "ne"
      const c = compare(v, f.value)
      switch (f.op) {
        case "eq":
          return c === 0
        case "ne":
          return c !== 0
        case "gt":
          return c > 0
        case "ge":
          return c >= 0
        case "lt":
          return c < 0
        case "le":
          return c <= 0
      }
    }
  }
}

interface OrderKey {
  readonly field: string
  readonly desc: boolean
}

/** Parses `Field ASC|DESC, Field2` (direction optional, ASC by default). */
export const parseOrderBy = (input: string, fields: ReadonlyArray<string>): ReadonlyArray<OrderKey> =>
  input
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => {
      const [name, dir, ...rest] = part.split(/\s+/)
      const field = fields.find((f) => f.toLowerCase() === name!.toLowerCase())
      if (field === undefined) throw new QueryError(`orderby: unknown field "${name}"`)
      const d = (dir ?? "asc").toLowerCase()
      if ((d !== "asc" && d !== "desc") || rest.length > 0) {
        throw new QueryError(`orderby: expected "${name} ASC" or "${name} DESC"`)
      }
      return { field, desc: d === "desc" }
    })

/** A comparator for `orderby` keys; numbers compare as numbers, strings case-insensitively. */
export const comparator =
  (keys: ReadonlyArray<OrderKey>, get: (e: unknown, field: string) => Scalar | undefined) =>
  (a: unknown, b: unknown): number => {
    for (const k of keys) {
      const x = get(a, k.field)
      const y = get(b, k.field)
      let c = 0
      if (x === undefined || y === undefined) c = x === y ? 0 : x === undefined ? -1 : 1
      else if (typeof x === "number" && typeof y === "number") c = x - y
      else c = String(x).toLowerCase().localeCompare(String(y).toLowerCase())
      if (c !== 0) return k.desc ? -c : c
    }
    return 0
  }
