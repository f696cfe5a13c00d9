/**
 * The in-flight count behind `peakInFlight` (what courtesy tests measure the concurrency cap with)
 * must come down again after every request, whatever fault ended it.
 */
import { describe, expect, it } from "vitest"
import { startSimulator } from "../src/index.js"

const ROOT = "/api/2012-02-01/auth/resources/"

const peakAfterFaults = async (fault: Record<string, unknown>) => {
  const sim = await startSimulator({ scenario: "ready" })
  try {
    const base = sim.platforms.acme!.baseUrl
    sim.updatePlatform("acme", { faults: [{ match: ROOT, ...fault }] })
    for (let i = 0; i < 3; i++) {
      try {
        await (await fetch(`${base}${ROOT}`)).text()
      } catch {
        // the fault breaks the exchange: expected
      }
    }
    sim.updatePlatform("acme", { faults: [] })
    // Let the server finish whatever it still does for those requests.
    await new Promise((resolve) => setTimeout(resolve, 300))
    sim.clearJournal()
    await (await fetch(`${base}${ROOT}`)).text()
    return sim.peakInFlight().acme
  } finally {
    await sim.close()
  }
}

describe("the in-flight count after faults", () => {
  it.each([
    { status: 503 },
    { html: true },
    { malformedXml: true },
    { oversizeBytes: 2_000_000 },
    { redirectLoop: true }
  ])("after %o: one request at a time peaks at 1", async (fault) => {
    expect(await peakAfterFaults(fault)).toBe(1)
  })

  // A request whose socket the fault destroyed must end too, or it would stay in flight for ever.
  it.each([{ reset: true }, { truncate: true }])("after %o: one request at a time peaks at 1", async (fault) => {
    expect(await peakAfterFaults(fault)).toBe(1)
  })
})
