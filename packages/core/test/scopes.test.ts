/**
 * The core and the simulator cannot share code (the simulator never imports the core), yet both must
 * know the same Arlo scopes: the core warns about any other, the simulator refuses any other.
 */
import { Scenario } from "@arlo-ready/simulator"
import { describe, expect, it } from "vitest"
import { knownScopes } from "../src/checks/oauth/classify.js"

describe("Arlo's scopes", () => {
  it("are the same list in the core and in the simulator", () => {
    expect([...knownScopes].sort()).toEqual([...Scenario.knownScopes].sort())
  })
})
