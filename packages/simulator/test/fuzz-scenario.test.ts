/**
 * The scenario loader under generated input (fast-check): arbitrary JSON, mutations of every built-in
 * scenario, arbitrary files. Each input is decoded or refused with a clear one-line `ScenarioError`
 * naming the field at fault; nothing crashes, and whatever decodes also starts.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Either } from "effect"
import fc from "fast-check"
import { afterAll, describe, expect, it } from "vitest"
import { Scenario, ScenarioError, startSimulator } from "../src/index.js"
import { ServerState } from "../src/internal/State.js"

type Json = null | boolean | number | string | Array<Json> | { [key: string]: Json }

const builtIns = Scenario.builtInNames().map((name) => ({
  name,
  json: JSON.parse(fs.readFileSync(path.join(Scenario.scenariosDir(), `${name}.json`), "utf8")) as Json
}))

/**
 * A clear error: `SOURCE: WHERE: WHAT`, WHERE being a field path or `(root)`. Returns the candidate
 * WHEREs (a key may itself hold ": ").
 */
const expectClearError = (e: unknown, source: string): Array<string> => {
  expect(e).toBeInstanceOf(ScenarioError)
  const message = (e as ScenarioError).message
  expect(message.startsWith(`${source}: `), message).toBe(true)
  const rest = message.slice(source.length + 2)
  const wheres: Array<string> = []
  for (let i = rest.indexOf(": "); i >= 0; i = rest.indexOf(": ", i + 1)) wheres.push(rest.slice(0, i))
  expect(wheres.length, message).toBeGreaterThan(0)
  return wheres
}

const oneLine = (message: string) => expect(message).not.toMatch(/[\r\n]/)

// ---------------------------------------------------------------------------------------------------
// Mutations: each at a path of the JSON tree

type Path = Array<string | number>

const pathsOf = (v: Json, at: Path = []): Array<Path> => {
  const here = [at]
  if (Array.isArray(v)) return [...here, ...v.flatMap((x, i) => pathsOf(x, [...at, i]))]
  if (v !== null && typeof v === "object")
    return [...here, ...Object.entries(v).flatMap(([k, x]) => pathsOf(x, [...at, k]))]
  return here
}

/** A field path as the loader's messages write it: plain names dotted, any other key quoted in brackets. */
const formatPath = (p: Path) =>
  p.reduce<string>(
    (acc, k) =>
      typeof k === "number"
        ? `${acc}[${k}]`
        : /^[A-Za-z_$][\w$-]*$/.test(k)
          ? acc === ""
            ? k
            : `${acc}.${k}`
          : `${acc}[${JSON.stringify(k)}]`,
    ""
  )

const getAt = (v: Json, p: Path): Json => p.reduce<Json>((x, k) => (x as Record<string | number, Json>)[k]!, v)

type Mutation =
  | { readonly op: "delete" | "duplicate" | "retype"; readonly pick: number }
  | { readonly op: "replace"; readonly pick: number; readonly value: Json }
  | { readonly op: "extra"; readonly pick: number; readonly key: string; readonly value: Json }

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constantFrom("delete" as const, "duplicate" as const, "retype" as const), pick: fc.nat() }),
  fc.record({
    op: fc.constant("replace" as const),
    pick: fc.nat(),
    value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>
  }),
  fc.record({
    op: fc.constant("extra" as const),
    pick: fc.nat(),
    key: fc.string({ minLength: 1, maxLength: 12 }),
    value: fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json>
  })
)

/** Applies a mutation to a copy; returns it and the path it touched. */
const apply = (doc: Json, m: Mutation): { doc: Json; at: Path } => {
  const copy = structuredClone(doc)
  const paths = pathsOf(copy)
  const at = paths[m.pick % paths.length]!
  const parent = at.length === 0 ? null : (getAt(copy, at.slice(0, -1)) as Record<string | number, Json> | Array<Json>)
  const key = at[at.length - 1]
  const target = getAt(copy, at)
  switch (m.op) {
    case "delete":
      if (parent === null) return { doc: null, at }
      if (Array.isArray(parent)) parent.splice(key as number, 1)
      else delete parent[key as string]
      return { doc: copy, at }
    case "duplicate":
      if (Array.isArray(target) && target.length > 0) target.push(structuredClone(target[0]!))
      else if (Array.isArray(parent)) parent.push(structuredClone(target))
      return { doc: copy, at: Array.isArray(target) ? at : at.slice(0, -1) }
    case "retype": {
      const retyped: Json =
        typeof target === "number"
          ? String(target)
          : typeof target === "string"
            ? target.length
            : Array.isArray(target)
              ? {}
              : [target]
      if (parent === null) return { doc: retyped, at }
      ;(parent as Record<string | number, Json>)[key!] = retyped
      return { doc: copy, at }
    }
    case "replace":
      if (parent === null) return { doc: m.value, at }
      ;(parent as Record<string | number, Json>)[key!] = m.value
      return { doc: copy, at }
    case "extra":
      if (target !== null && typeof target === "object" && !Array.isArray(target)) {
        target[m.key] = m.value
        return { doc: copy, at: [...at, m.key] }
      }
      return { doc: copy, at }
  }
}

const mutatedScenario = fc
  .tuple(fc.constantFrom(...builtIns), fc.array(mutation, { minLength: 1, maxLength: 3 }))
  .map(([b, ms]) => {
    let doc = b.json
    const touched: Array<string> = []
    for (const m of ms) {
      const r = apply(doc, m)
      doc = r.doc
      touched.push(formatPath(r.at))
    }
    return { name: b.name, doc, touched }
  })

/** A path without its last array index: the array an element stands in. */
const arrayOf = (p: string) => p.replace(/\[\d+\]$/, "")

/**
 * Whether a reported field is the touched path, inside it, or holds it; or, for an array element, a
 * sibling in the same array (a mutation inside an array can move the other elements).
 */
const related = (where: string, touched: ReadonlyArray<string>) =>
  where === "(root)" ||
  touched.some(
    (t) =>
      t === "" ||
      where === t ||
      (t !== arrayOf(t) && where.startsWith(`${arrayOf(t)}[`)) ||
      where.startsWith(`${t}.`) ||
      where.startsWith(`${t}[`) ||
      t.startsWith(`${where}.`) ||
      t.startsWith(`${where}[`)
  )

// ---------------------------------------------------------------------------------------------------

describe("decoding arbitrary JSON", () => {
  it("any JSON value: a scenario, or a ScenarioError naming the field", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = Scenario.decode(v)
        if (Either.isLeft(r)) expectClearError(r.left, "scenario")
      }),
      { numRuns: 5_000 }
    )
  })

  it("any JSON value but null and strings, through load: never a throw", () => {
    fc.assert(
      fc.property(
        fc.jsonValue().filter((v) => v !== null && typeof v !== "string"),
        (v) => {
          const r = Scenario.load(v as unknown as Scenario.ScenarioInput)
          if (Either.isLeft(r)) expect(r.left).toBeInstanceOf(ScenarioError)
        }
      ),
      { numRuns: 3_000 }
    )
  })

  // `startSimulator({ scenario: JSON.parse("null") })` must fail with a ScenarioError too.
  it("load(null) is a ScenarioError, not a TypeError", () => {
    const r = Scenario.load(null as unknown as Scenario.ScenarioInput)
    expect(Either.isLeft(r) && r.left).toBeInstanceOf(ScenarioError)
  })
})

describe("mutations of the built-in scenarios", () => {
  it("every built-in scenario decodes as it is", () => {
    expect(builtIns.length).toBeGreaterThanOrEqual(17)
    for (const b of builtIns) expect(Either.isRight(Scenario.decode(b.json)), b.name).toBe(true)
  })

  it("a mutated scenario decodes (and builds a server state) or names a field it touched", () => {
    fc.assert(
      fc.property(mutatedScenario, ({ doc, touched }) => {
        const r = Scenario.decode(doc)
        if (Either.isRight(r)) {
          const state = new ServerState(r.right, undefined)
          expect(state.platforms.size).toBe(r.right.platforms.length)
          return
        }
        const wheres = expectClearError(r.left, "scenario")
        expect(
          wheres.some((w) => related(w, touched)),
          `${r.left.message} (touched ${touched.join(", ")})`
        ).toBe(true)
      }),
      { numRuns: 2_000 }
    )
  })

  it("with plain keys, the message is one line", () => {
    fc.assert(
      fc.property(mutatedScenario, ({ doc, touched }) => {
        fc.pre(touched.every((t) => !/[\r\n]/.test(t)))
        const r = Scenario.decode(doc)
        if (Either.isLeft(r)) oneLine(r.left.message)
      }),
      { numRuns: 3_000 }
    )
  })

  // The offending field path is quoted when it is not a plain name (`{"a\nb": 1}`).
  it("an unexpected key with a line break still gives a one-line message", () => {
    fc.assert(
      fc.property(fc.constantFrom(...builtIns), fc.string({ maxLength: 6 }), (b, key) => {
        const doc = { ...(b.json as Record<string, Json>), [`${key}\n${key}`]: 1 }
        const r = Scenario.decode(doc)
        expect(Either.isLeft(r)).toBe(true)
        if (Either.isLeft(r)) oneLine(r.left.message)
      }),
      { numRuns: 200 }
    )
  })

  it("a decoded mutation starts, answers on every platform, and stops", async () => {
    await fc.assert(
      fc.asyncProperty(
        mutatedScenario.filter(({ doc }) => Either.isRight(Scenario.decode(doc))),
        async ({ doc }) => {
          const sim = await startSimulator({ scenario: doc as unknown as Scenario.ScenarioInput, latencyMs: 0 })
          try {
            for (const p of Object.values(sim.platforms)) {
              const res = await fetch(`${p.baseUrl}/api/2012-02-01/auth/resources/`)
              expect(res.status).toBeGreaterThanOrEqual(200)
              await res.text()
            }
          } finally {
            await sim.close()
          }
        }
      ),
      { numRuns: 40 }
    )
  }, 120_000)
})

describe("scenario files", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arlo-ready-fuzz-"))
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
  let n = 0
  const contents = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.json(),
    mutatedScenario.map(({ doc }) => JSON.stringify(doc, null, 2)),
    mutatedScenario.map(({ doc }) => JSON.stringify(doc, null, 2).slice(0, -3)),
    // A hand-edited file with a syntax error somewhere.
    fc
      .tuple(fc.constantFrom(...builtIns), fc.nat(), fc.constantFrom("}", "x", ",", ":", "[", '"'))
      .map(([b, at, c]) => {
        const text = JSON.stringify(b.json, null, 2)
        const i = at % text.length
        return text.slice(0, i) + c + text.slice(i + 1)
      })
  )
  const loadFile = (content: string) => {
    const file = path.join(dir, `s${n++}.json`)
    fs.writeFileSync(file, content)
    return { file, result: Scenario.load(file) }
  }

  it("any file content: a scenario, or a ScenarioError that names the file", () => {
    fc.assert(
      fc.property(contents, (content) => {
        const { file, result } = loadFile(content)
        if (Either.isLeft(result)) {
          expect(result.left).toBeInstanceOf(ScenarioError)
          expect(result.left.message.startsWith(`${file}: `), result.left.message).toBe(true)
        }
      }),
      { numRuns: 500 }
    )
  })

  // JSON.parse's message quotes the file's text on newer engines, line breaks included.
  it("a file that is not JSON gives a one-line message", () => {
    fc.assert(
      fc.property(contents, (content) => {
        const { result } = loadFile(content)
        if (Either.isLeft(result)) oneLine(result.left.message)
      }),
      { numRuns: 500 }
    )
  })
})
