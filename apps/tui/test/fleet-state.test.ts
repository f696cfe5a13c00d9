/** The fleet screen's store and table, fed the core's audit events through a recording runner. */
import type { AuditEvent, CheckResult, FleetTarget } from "@arlo-ready/core"
import { describe, expect, it } from "vitest"
import { fleetExitCode } from "../src/FleetInteractive.js"
import { FleetStore, phaseOf, type StartRun, verdictOfEntry } from "../src/FleetState.js"
import { tableLines, tableOrder } from "../src/FleetTable.js"
import { checkStarted, finished, mfaResults, result, runEvents, started } from "./fixtures.js"

const targets: Array<FleetTarget> = [
  { name: "alpha", platform: "alpha", tags: ["prod"] },
  { name: "bravo", platform: "bravo", tags: ["staging\x1b[31m\u202e"] },
  { name: "charlie", platform: "charlie" }
]

/** A store whose runs are recorded, their handlers kept for the test to feed. */
const recording = () => {
  const runs: Array<{ index: number; ids: ReadonlyArray<string> | null; handlers: Parameters<StartRun>[2] }> = []
  const stopped: Array<number> = []
  const store = new FleetStore(targets, (index, spec, handlers) => {
    runs.push({ index, ids: spec.ids, handlers })
    return () => stopped.push(index)
  })
  return { store, runs, stopped }
}

const feed = (run: { handlers: Parameters<StartRun>[2] }, events: ReadonlyArray<AuditEvent>) => {
  for (const e of events) run.handlers.event(e)
}

const passing = (): Array<CheckResult> => [result("target.url", "pass"), result("basic.credentials", "pass")]
const text = (store: FleetStore, selected = 0, width = 120) =>
  tableLines(store.entries, store.sorted, { now: 0, width, height: 30, fleetName: "f", selected })
    .map((l) => l.segments.map((s) => s.text).join(""))
    .join("\n")

describe("the fleet store", () => {
  it("starts every target's run at once, then follows each one's events to its verdict", () => {
    const { store, runs } = recording()
    store.begin()
    expect(runs.map((r) => [r.index, r.ids])).toEqual([
      [0, null],
      [1, null],
      [2, null]
    ])
    expect(store.entries.map(phaseOf)).toEqual(["queued", "queued", "queued"])
    feed(runs[0]!, [started(), checkStarted("target.url")])
    expect(phaseOf(store.entries[0]!)).toBe("running")
    expect(text(store)).toContain("3 targets · 0 done · 1 running · 2 queued")

    feed(runs[0]!, runEvents(passing()).slice(1))
    feed(runs[1]!, runEvents(mfaResults()))
    runs[2]!.handlers.fail("password: the environment variable X is not set: set it.")
    expect(store.entries.map(verdictOfEntry)).toEqual(["ready", "not_ready", "incomplete"])
    expect(store.sorted).toBe(true)
    // Worst first: not ready, incomplete, ready.
    expect(tableOrder(store.entries, store.sorted)).toEqual([1, 2, 0])
    expect(fleetExitCode(store.entries, "fail")).toBe(1)
  })

  it("counts an unfinished target as incomplete in the exit code", () => {
    const { store, runs } = recording()
    store.begin()
    feed(runs[0]!, runEvents(passing()))
    feed(runs[1]!, runEvents(passing()))
    expect(fleetExitCode(store.entries, "fail")).toBe(3)
    feed(runs[2]!, runEvents(passing()))
    expect(fleetExitCode(store.entries, "fail")).toBe(0)
  })

  it("re-runs a target from scratch, stopping its run, and re-checks one check of an opened target in place", () => {
    const { store, runs, stopped } = recording()
    store.begin()
    feed(runs[1]!, [started(), checkStarted("target.url")])
    store.restart(1)
    expect(stopped).toEqual([1])
    expect(runs.at(-1)).toMatchObject({ index: 1, ids: null })
    // Events of the stopped run no longer count.
    feed(runs[1]!, [finished(mfaResults())])
    expect(phaseOf(store.entries[1]!)).toBe("queued")

    feed(runs[0]!, runEvents(mfaResults()))
    store.dispatch(0, { type: "rerun", scope: "selected" })
    expect(runs.at(-1)!.index).toBe(0)
    expect(runs.at(-1)!.ids).not.toBeNull()
    expect(phaseOf(store.entries[0]!)).toBe("running")
  })

  it("draws a mark per group and the verdict, and never a tag's escape codes", () => {
    const { store, runs } = recording()
    store.begin()
    feed(runs[0]!, runEvents(passing()))
    const screen = text(store)
    expect(screen).toMatch(/Target\s+Tags\s+Target\s+Basic auth\s+Roles\s+OAuth\s+Policy\s+Verdict/)
    expect(screen).toMatch(/alpha\s+prod\s+✔\s+✔\s+✔ READY/)
    expect(screen).toMatch(/bravo\s+staging.*· queued/)
    expect(screen).not.toContain("\x1b")
    expect(screen).not.toContain("\u202e")
  })

  it("keeps the marks and the verdict on a narrow terminal: the name and the tags give way", () => {
    const { store, runs } = recording()
    store.begin()
    feed(runs[0]!, runEvents(mfaResults()))
    for (const width of [80, 72]) {
      const screen = text(store, 0, width).split("\n")
      for (const l of screen) expect(l.length, l).toBeLessThanOrEqual(width)
      expect(screen.find((l) => l.includes("alpha"))).toMatch(/✖ NOT READY$/)
      expect(screen.some((l) => /Policy\s+Verdict$/.test(l))).toBe(true)
    }
  })
})
