#!/usr/bin/env node
/**
 * The simulated platform of the benchmark, in a process of its own: a real Arlo platform is on another
 * machine, so the simulator's own work (routing, XML, the journal) must not share the event loop of the
 * audit being timed. `startPlatform` spawns this file, which starts the simulator on loopback and prints
 * one JSON line (its URL and platforms); it stops when its standard input closes. The journal is read
 * and cleared through the simulator's admin routes. A fleet scenario (`fleet:N`) also hands back its fleet
 * file and the values of the variables it names (`fleetFileOf`).
 */
import { spawn } from "node:child_process"
import { createInterface } from "node:readline"
import { fileURLToPath, pathToFileURL } from "node:url"

/**
 * Starts `scenario` (by default `ready`) with `latencyMs` before every response, in a child process.
 * @param {number} latencyMs
 * @param {string} [scenario]
 */
export const startPlatform = async (latencyMs, scenario = "ready") => {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), String(latencyMs), scenario], {
    stdio: ["pipe", "pipe", "inherit"]
  })
  const exited = new Promise((resolve) => child.once("exit", resolve))
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once("line", resolve)
    child.once("exit", (code) => reject(new Error(`the simulator process exited (${code}) before it listened`)))
  })
  const { url, platforms, fleet } = JSON.parse(line)
  const admin = async (method) => {
    const res = await fetch(`${url}/__admin/journal`, { method })
    if (!res.ok) throw new Error(`${method} /__admin/journal answered ${res.status}`)
    return method === "GET" ? res.json() : undefined
  }
  return {
    url,
    platforms,
    /** For a fleet scenario: `{ file, env }`, the fleet file and its variables. */
    fleet,
    /**
     * The journal and the peak number in flight per platform, in one read.
     * @returns {Promise<{ entries: Array<Record<string, unknown>>, peakInFlight: Record<string, number> }>}
     */
    snapshot: () => admin("GET"),
    /** @returns {Promise<Array<Record<string, unknown>>>} */
    journal: async () => (await admin("GET")).entries,
    clearJournal: () => admin("DELETE"),
    close: async () => {
      child.stdin.end()
      await exited
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const latencyMs = Number(process.argv[2] ?? 0)
  const scenario = process.argv[3] ?? "ready"
  const { fleetFileOf, startSimulator } = await import(
    new URL("../packages/simulator/dist/index.js", import.meta.url).href
  )
  const sim = await startSimulator({ scenario, latencyMs })
  const fleet = scenario.startsWith("fleet:") ? fleetFileOf(sim) : undefined
  process.stdout.write(`${JSON.stringify({ url: sim.url, platforms: sim.platforms, fleet })}\n`)
  process.stdin.resume()
  process.stdin.once("end", () => sim.close().then(() => process.exit(0)))
}
