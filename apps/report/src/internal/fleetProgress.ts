/**
 * A fleet run's progress on stderr. At a terminal: one line, rewritten in place, with the count so far
 * and the slowest platforms still running (their first target named). In CI or when stderr is not a
 * terminal: plain lines, `12/200 done: 9 ready, 2 not ready, 1 incomplete`, at most one a second and
 * always the last one.
 */
import { type FleetTarget, type FleetTargetResult, fleetCounts, platformKey } from "@arlo-ready/core"
import { fleetCountsText } from "../FleetFormat.js"

/** What the run tells the progress. */
export interface FleetProgress {
  /** A request went out (its URL names the platform, hence the targets running). */
  readonly request: (url: string) => void
  /** A target finished; `print` writes its stdout line, if any, while the live line is cleared. */
  readonly finished: (result: FleetTargetResult, print?: () => void) => void
  /** The run is over: the live line is ended (the plain mode prints its last line). */
  readonly close: () => void
}

/** How the progress shows. */
export interface ProgressOptions {
  /** Rewrite one line (a terminal) rather than print lines. */
  readonly live: boolean
  readonly write: (text: string) => void
  /** The terminal's width, for the live line. */
  readonly columns?: number
  readonly now?: () => number
}

/** `0.4s`, `12s`. */
const seconds = (ms: number) => (ms < 10_000 ? `${(Math.max(0, ms) / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`)

/** The progress of a run over these targets. */
export const fleetProgress = (targets: ReadonlyArray<FleetTarget>, options: ProgressOptions): FleetProgress => {
  const now = options.now ?? Date.now
  const total = targets.length
  const keyOf = new Map<string, string>()
  const pending = new Map<string, Array<string>>()
  for (const t of targets) {
    const key = platformKey(t)
    keyOf.set(t.name, key)
    pending.set(key, [...(pending.get(key) ?? []), t.name])
  }
  // Longest first, so a base URL with a path wins over its origin.
  const keys = [...pending.keys()].sort((a, b) => b.length - a.length)
  const running = new Map<string, number>()
  const done: Array<Pick<FleetTargetResult, "verdict">> = []
  let lastPlain = 0
  let shown = false

  const countLine = () =>
    done.length === 0 ? `0/${total} done` : `${done.length}/${total} done: ${fleetCountsText(fleetCounts(done))}`
  const liveLine = () => {
    const slowest = [...running]
      .sort((a, b) => a[1] - b[1])
      .slice(0, 3)
      .map(([key, since]) => {
        const names = pending.get(key) ?? []
        return `${names[0] ?? key}${names.length > 1 ? ` +${names.length - 1}` : ""} ${seconds(now() - since)}`
      })
    const line = `${countLine()}${slowest.length > 0 ? ` · slowest: ${slowest.join(", ")}` : ""}`
    const columns = options.columns !== undefined && options.columns > 0 ? options.columns : 100
    const width = Math.max(20, columns - 1)
    return line.length > width ? `${line.slice(0, width - 1)}…` : line
  }
  const clear = () => {
    if (shown) options.write("\r\u001b[2K")
    shown = false
  }
  const draw = () => {
    if (!options.live) return
    clear()
    options.write(liveLine())
    shown = true
  }
  const timer = options.live ? setInterval(draw, 500) : undefined
  timer?.unref()

  return {
    request: (url) => {
      const key = keys.find((k) => url.startsWith(k))
      if (key !== undefined && !running.has(key) && (pending.get(key)?.length ?? 0) > 0) running.set(key, now())
    },
    finished: (result, print) => {
      done.push({ verdict: result.verdict })
      const key = keyOf.get(result.name)
      if (key !== undefined) {
        pending.set(
          key,
          (pending.get(key) ?? []).filter((n) => n !== result.name)
        )
        running.delete(key)
      }
      if (options.live) {
        clear()
        print?.()
        draw()
        return
      }
      print?.()
      if (now() - lastPlain >= 1000 || done.length === total) {
        lastPlain = now()
        options.write(`${countLine()}\n`)
      }
    },
    close: () => {
      if (timer) clearInterval(timer)
      if (options.live) {
        clear()
        options.write(`${countLine()}\n`)
      } else if (done.length < total) options.write(`${countLine()}\n`)
    }
  }
}
