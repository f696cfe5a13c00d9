import { checkIds } from "@arlo-ready/core"
import { describe, expect, it } from "vitest"
import {
  type Action,
  groups,
  initialState,
  notPassing,
  progress,
  reducer,
  rerunSet,
  type State,
  selectedRow,
  verdict,
  worstStatus
} from "../src/State.js"
import { checkFinished, checkStarted, finished, mfaResults, result, runEvents, started } from "./fixtures.js"

const feed = (state: State, actions: ReadonlyArray<Action>): State => actions.reduce(reducer, state)
const events = (seq: number, evs: ReturnType<typeof runEvents>): Array<Action> =>
  evs.map((event) => ({ type: "event", seq, event, now: 0 }))

const done = (): State => feed(initialState(), events(1, runEvents(mfaResults())))

describe("State", () => {
  it("starts with every check pending and the first run requested", () => {
    const s = initialState()
    expect(s.phase).toBe("idle")
    expect(s.run).toEqual({ seq: 1, target: 0, ids: null })
    expect(checkIds.every((id) => s.rows[id]?.status === "pending")).toBe(true)
    expect(verdict(s)).toBeNull()
  })

  it("shows only the checks the audit announces, in catalogue order", () => {
    const s = reducer(initialState(), { type: "event", seq: 1, event: started(["basic.mfa", "target.url"]) })
    expect(s.ids).toEqual(["target.url", "basic.mfa"])
    expect(s.phase).toBe("running")
    expect(groups(s).map((g) => g.group)).toEqual(["target", "basic"])
  })

  it("marks a check running with its start time, then finished with its result", () => {
    let s = feed(initialState(), events(1, [started(), checkStarted("target.url", 250)]))
    expect(s.rows["target.url"]).toMatchObject({ status: "running", startedAt: Date.UTC(2025, 0, 1, 12, 0, 0, 250) })
    expect(groups(s)[0]?.status).toBe("running")
    s = reducer(s, { type: "event", seq: 1, event: checkFinished(result("target.url", "pass")) })
    expect(s.rows["target.url"]).toMatchObject({ status: "pass", startedAt: null })
    expect(s.rows["target.url"]?.result?.status).toBe("pass")
    expect(progress(s)).toEqual({ done: 1, total: checkIds.length })
  })

  it("ignores events of a run that is no longer current", () => {
    const s = reducer(initialState(), { type: "event", seq: 7, event: started(["target.url"]) })
    expect(s).toEqual(initialState())
  })

  it("rolls each group up to its worst status", () => {
    const s = done()
    const byGroup = Object.fromEntries(groups(s).map((g) => [g.group, g.status]))
    expect(byGroup).toEqual({
      target: "pass",
      basic: "fail",
      roles: "skipped",
      oauth: "not_applicable",
      policy: "error"
    })
  })

  it("orders severity fail > error > warn > skipped > not_applicable > pass, running above all", () => {
    expect(worstStatus(["pass", "not_applicable"])).toBe("pass")
    expect(worstStatus(["not_applicable", "not_applicable"])).toBe("not_applicable")
    expect(worstStatus(["not_applicable", "skipped", "pass"])).toBe("skipped")
    expect(worstStatus(["skipped", "warn"])).toBe("warn")
    expect(worstStatus(["warn", "error"])).toBe("error")
    expect(worstStatus(["error", "fail", "pass"])).toBe("fail")
    expect(worstStatus(["fail", "running"])).toBe("running")
    expect(worstStatus(["pass", "pending"])).toBe("running")
    expect(worstStatus([])).toBeNull()
  })

  it("reaches the verdict of the results once the audit finishes", () => {
    const s = done()
    expect(s.phase).toBe("done")
    expect(verdict(s)).toBe("not_ready")
    expect(s.report?.checks).toHaveLength(checkIds.length)
    const ok = feed(
      initialState(),
      events(1, runEvents([result("target.url", "pass"), result("policy.basic-auth", "warn")]))
    )
    expect(verdict(ok)).toBe("ready_with_warnings")
  })

  it("moves the selection within bounds and opens and closes the details", () => {
    let s = done()
    expect(selectedRow(s)?.id).toBe("target.url")
    s = feed(s, [{ type: "select", delta: -1 }])
    expect(s.selected).toBe(0)
    s = feed(s, [
      { type: "select", delta: 1 },
      { type: "select", delta: 1 },
      { type: "select", delta: 1 }
    ])
    expect(selectedRow(s)?.id).toBe("basic.mfa")
    s = feed(s, [{ type: "select", delta: 100 }])
    expect(selectedRow(s)?.id).toBe("policy.rate-limit")
    s = feed(s, [{ type: "open_details" }, { type: "scroll", delta: 5, max: 3 }])
    expect(s.view).toBe("details")
    expect(s.scroll).toBe(3)
    s = reducer(s, { type: "close_details" })
    expect(s.view).toBe("list")
    expect(s.scroll).toBe(0)
  })

  it("re-runs the selected check with what depends on it and what it blocked", () => {
    const s = feed(done(), [{ type: "select", delta: 3 }])
    expect(rerunSet(s, ["basic.mfa"])).toEqual([
      "basic.mfa",
      "roles.api-user",
      "roles.administrator",
      "roles.presenter-limits"
    ])
    expect(rerunSet(s, ["basic.credentials"])).toEqual([
      "basic.credentials",
      "roles.api-user",
      "roles.administrator",
      "roles.presenter-limits",
      "policy.basic-auth"
    ])
    const next = reducer(s, { type: "rerun", scope: "selected" })
    expect(next.run).toEqual({
      seq: 2,
      target: 0,
      ids: ["basic.mfa", "roles.api-user", "roles.administrator", "roles.presenter-limits"]
    })
    expect(next.phase).toBe("running")
    expect(next.rows["basic.mfa"]?.status).toBe("pending")
    expect(next.rows["basic.mfa"]?.result?.status).toBe("fail")
    expect(next.rows["target.url"]?.status).toBe("pass")
  })

  it("re-runs everything not passing", () => {
    const s = done()
    expect(notPassing(s)).toEqual([
      "basic.mfa",
      "roles.api-user",
      "roles.administrator",
      "roles.presenter-limits",
      "policy.basic-auth",
      "policy.rate-limit"
    ])
    const next = reducer(s, { type: "rerun", scope: "not_passing" })
    expect(next.run.ids).toEqual(notPassing(s))
  })

  it("refuses a re-run while a run is in flight, and says why", () => {
    const s = feed(initialState(), events(1, [started()]))
    const next = reducer(s, { type: "rerun", scope: "selected" })
    expect(next.run.seq).toBe(1)
    expect(next.notice?.text).toMatch(/in progress/)
  })

  it("merges a re-run's results into the report and recomputes the verdict", () => {
    let s = feed(done(), [
      { type: "select", delta: 3 },
      { type: "rerun", scope: "selected" }
    ])
    const fixed = [
      result("basic.mfa", "pass"),
      result("roles.api-user", "pass"),
      result("roles.administrator", "pass"),
      result("roles.presenter-limits", "not_applicable")
    ]
    s = feed(s, events(2, runEvents(fixed)))
    expect(s.phase).toBe("done")
    expect(s.rows["basic.mfa"]?.status).toBe("pass")
    expect(s.report?.checks).toHaveLength(checkIds.length)
    expect(s.report?.checks.find((c) => c.id === "roles.api-user")?.status).toBe("pass")
    expect(s.report?.summary.fail).toBe(0)
    expect(s.report?.verdict).toBe("incomplete")
    expect(verdict(s)).toBe("incomplete")
  })

  it("puts back the previous status of a check a re-run did not reach", () => {
    let s = feed(done(), [
      { type: "select", delta: 3 },
      { type: "rerun", scope: "selected" }
    ])
    s = feed(s, events(2, [started(["basic.mfa"]), finished([])]))
    expect(s.rows["basic.mfa"]?.status).toBe("fail")
  })

  it("ends a failed run with the reason and no row left running", () => {
    let s = feed(initialState(), events(1, [started(), checkStarted("target.url")]))
    s = reducer(s, { type: "run_failed", seq: 1, message: "Cannot reach the simulator." })
    expect(s.phase).toBe("done")
    expect(s.notice).toEqual({ tone: "error", text: "Cannot reach the simulator." })
    expect(s.ids.every((id) => s.rows[id]?.status === "error")).toBe(true)
  })

  it("switches target with a fresh state and a new run", () => {
    const s = reducer(done(), { type: "switch_target", target: 2 })
    expect(s.run).toEqual({ seq: 2, target: 2, ids: null })
    expect(s.report).toBeNull()
    expect(s.phase).toBe("idle")
  })
})
