/**
 * Reading the fleet file's YAML nodes: each reader checks one value's type and fails with the file's
 * line and the value's key path. Values are never echoed (a misplaced one may be a secret); keys are.
 */
import { isAlias, isMap, isScalar, isSeq, type LineCounter } from "yaml"
import { nearest } from "../../suggest.js"
import { echo } from "../echo.js"
import { FleetError } from "./model.js"

/** Thrown inside the walk, caught at its top: the walk stops at the first error. */
export class Stop {
  constructor(readonly error: FleetError) {}
}

export interface Ctx {
  readonly fileName: string
  readonly lines: LineCounter
}

const rangeOf = (node: unknown): number | undefined => {
  const range = (node as { range?: ReadonlyArray<number> } | null)?.range
  return range?.[0]
}

/** Line of `node` (1 when it has none, e.g. an absent document). */
export const lineOf = (ctx: Ctx, node: unknown): number => {
  const offset = rangeOf(node)
  return offset === undefined ? 1 : ctx.lines.linePos(offset).line
}

export const fail = (ctx: Ctx, node: unknown, message: string): never => {
  throw new Stop(new FleetError({ message: `${ctx.fileName}:${lineOf(ctx, node)}: ${message}` }))
}

const noAlias = (ctx: Ctx, node: unknown, path: string): void => {
  if (isAlias(node)) {
    fail(
      ctx,
      node,
      `${path} is an alias: anchors and aliases are not supported, write the value out (shared settings go in defaults).`
    )
  }
}

export interface Entry {
  readonly key: string
  readonly keyNode: unknown
  readonly value: unknown
  readonly path: string
}

/** The entries of an object, every key checked against `known`. */
export const entries = (
  ctx: Ctx,
  node: unknown,
  path: string,
  known: ReadonlyArray<string>,
  what: string
): Array<Entry> => {
  noAlias(ctx, node, path)
  if (!isMap(node)) return fail(ctx, node, `${path || "the fleet file"} must be an object (${what}).`)
  const out: Array<Entry> = []
  for (const pair of node.items) {
    const keyNode = pair.key
    if (!isScalar(keyNode) || typeof keyNode.value !== "string") {
      return fail(
        ctx,
        keyNode ?? node,
        `${path || "the fleet file"} has a key that is not a string: keys are names such as ${known[0]}.`
      )
    }
    const key = keyNode.value
    const keyPath = path === "" ? key : `${path}.${key}`
    if (!known.includes(key)) {
      const near = nearest(key, known)
      const hint = near ? `did you mean '${near}'?` : `the known keys are ${known.join(", ")}.`
      return fail(ctx, keyNode, `${path === "" ? echo(key) : `${path}.${echo(key)}`} is not a known key: ${hint}`)
    }
    out.push({ key, keyNode, value: pair.value, path: keyPath })
  }
  return out
}

export const readString = (ctx: Ctx, e: Entry): string => {
  noAlias(ctx, e.value, e.path)
  if (!isScalar(e.value) || typeof e.value.value !== "string")
    return fail(ctx, e.value ?? e.keyNode, `${e.path} must be a string.`)
  if (e.value.value.trim() === "") return fail(ctx, e.value, `${e.path} is empty.`)
  return e.value.value
}

export const readEnum = <const A extends string>(ctx: Ctx, e: Entry, values: ReadonlyArray<A>): A => {
  const s = readString(ctx, e)
  return values.includes(s as A) ? (s as A) : fail(ctx, e.value, `${e.path} must be one of ${values.join(", ")}.`)
}

export const readStringList = (ctx: Ctx, e: Entry): Array<string> => {
  noAlias(ctx, e.value, e.path)
  if (!isSeq(e.value)) return fail(ctx, e.value ?? e.keyNode, `${e.path} must be a list of strings.`)
  return e.value.items.map((item, i) =>
    readString(ctx, { ...e, value: item, keyNode: e.value, path: `${e.path}[${i}]` })
  )
}

export const readStringOrList = (ctx: Ctx, e: Entry): string | Array<string> =>
  isSeq(e.value) ? readStringList(ctx, e) : readString(ctx, e)

const envName = /^[A-Za-z_][A-Za-z0-9_]{0,255}$/

/**
 * Whether `name` reads as a secret rather than a variable's name: not a valid name, or long, mixing
 * cases and digits with no underscore (`aB3xY9...`), as generated secrets do and variable names do not.
 */
const notAnEnvName = (name: string): boolean =>
  !envName.test(name) ||
  (name.length >= 16 && !name.includes("_") && /[a-z]/.test(name) && /[A-Z]/.test(name) && /\d/.test(name))

const readEnvName = (ctx: Ctx, e: Entry): string => {
  const name = readString(ctx, e)
  return notAnEnvName(name)
    ? fail(
        ctx,
        e.value,
        `${e.path} is not an environment variable's name (not shown: it may be a secret): give the name, e.g. {"env": "ACME_PASSWORD"}.`
      )
    : name
}

const refHint = `give a reference instead, {"env": "NAME"}, {"file": "PATH"} or {"command": "…"}`

/** A secret by reference: `{env}`, `{file}` or `{command}`; any value written in its place is refused unseen. */
export const readSecretRef = (
  ctx: Ctx,
  e: Entry
): { env: string } | { file: string } | { command: string | Array<string> } => {
  noAlias(ctx, e.value, e.path)
  if (isScalar(e.value) && e.value.value !== null && e.value.value !== "") {
    return fail(ctx, e.value, `${e.path} is written into the fleet file: ${refHint}.`)
  }
  if (!isMap(e.value)) return fail(ctx, e.value ?? e.keyNode, `${e.path} must be a reference: ${refHint}.`)
  const [ref, ...more] = entries(ctx, e.value, e.path, ["env", "file", "command"], refHint)
  if (ref === undefined || more.length > 0) {
    return fail(ctx, e.value, `${e.path} must name exactly one of env, file or command.`)
  }
  if (ref.key === "env") return { env: readEnvName(ctx, ref) }
  if (ref.key === "file") return { file: readString(ctx, ref) }
  const command = readStringOrList(ctx, ref)
  if (Array.isArray(command) && command.length === 0) return fail(ctx, ref.value, `${ref.path} is an empty list.`)
  return { command }
}

/** A value that is not secret: a string, or `{env}`. */
export const readPlainOrEnv = (ctx: Ctx, e: Entry): string | { env: string } => {
  noAlias(ctx, e.value, e.path)
  if (!isMap(e.value)) return readString(ctx, e)
  const [ref, ...more] = entries(ctx, e.value, e.path, ["env"], `a string or {"env": "NAME"}`)
  if (ref === undefined || more.length > 0) return fail(ctx, e.value, `${e.path} must be a string or {"env": "NAME"}.`)
  return { env: readEnvName(ctx, ref) }
}

export const readList = (ctx: Ctx, e: Entry): ReadonlyArray<unknown> => {
  noAlias(ctx, e.value, e.path)
  if (!isSeq(e.value)) return fail(ctx, e.value ?? e.keyNode, `${e.path} must be a list.`)
  return e.value.items
}
