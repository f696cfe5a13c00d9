/**
 * The catalogue is derived from the checks: the public id list stays equal to the checks' own ids, in
 * order, and every id a check names (needs, needsAny, defersTo) is one of them.
 */
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { type CheckId, catalogue, checkGroups, checkIds, defersTo, definition, isCheckId } from "../src/Catalogue.js"
import { fromOptions } from "../src/Config.js"
import { basicSignInPrefetch } from "../src/checks/basic/probes.js"
import { checkSpecs, checks, prefetchesOf } from "../src/checks/index.js"
import { authorizePrefetch, discoveryPrefetch, tokenPrefetch } from "../src/checks/oauth/probes.js"
import { basicContactsPrefetch } from "../src/checks/roles/probes.js"
import { anonymousRootPrefetch } from "../src/checks/target/reachable.js"

describe("the catalogue", () => {
  it("lists the checks' own ids, in the order of the array of checks", () => {
    expect([...checkIds]).toEqual(checks.map((c) => c.id))
    expect(catalogue.map((d) => d.id)).toEqual([...checkIds])
  })

  it("takes each entry from its check, the group from the id", () => {
    for (const c of checks) {
      expect(definition(c.id)).toEqual({
        id: c.id,
        group: c.id.split(".")[0],
        title: c.title,
        decides: c.decides,
        needs: c.needs,
        needsAny: c.needsAny,
        docs: c.docs
      })
      expect(checkGroups).toContain(c.group)
      expect(checkSpecs[c.id]).toBe(c)
    }
  })

  it("names only known ids in needs, needsAny and defersTo, and never the check itself", () => {
    for (const c of checks) {
      for (const id of [...c.needs, ...c.needsAny, ...(defersTo[c.id] ?? [])]) {
        expect(isCheckId(id), `${c.id} names ${id}`).toBe(true)
        expect(id).not.toBe(c.id)
      }
    }
    for (const id of Object.keys(defersTo)) expect(isCheckId(id)).toBe(true)
  })

  it("has no cycle of prerequisites", () => {
    const state = new Map<CheckId, "visiting" | "done">()
    const visit = (id: CheckId, path: ReadonlyArray<CheckId>): void => {
      if (state.get(id) === "done") return
      expect(state.get(id), `cycle: ${[...path, id].join(" > ")}`).not.toBe("visiting")
      state.set(id, "visiting")
      const d = definition(id)
      for (const p of [...d.needs, ...d.needsAny]) visit(p, [...path, id])
      state.set(id, "done")
    }
    for (const id of checkIds) visit(id, [])
  })
})

describe("the probes started early", () => {
  const full = Either.getOrThrow(
    fromOptions({
      platform: "acme",
      username: "api@acme.test",
      password: "p",
      clientId: "c",
      clientSecret: "s",
      redirectUri: "https://app.test/cb"
    })
  )

  it("leave in order: those later requests wait for, those with a secret, then the rest", () => {
    expect(prefetchesOf(full, new Set(checkIds))).toEqual([
      anonymousRootPrefetch,
      basicContactsPrefetch,
      basicSignInPrefetch,
      tokenPrefetch,
      authorizePrefetch,
      discoveryPrefetch
    ])
  })

  it("come from the checks of the run only, for a configured method only", () => {
    const without = (...ids: Array<CheckId>) => new Set(checkIds.filter((id) => !ids.includes(id)))
    // The contacts lookup needs basic.credentials in the run; the token probe one of its readers and oauth.server.
    expect(prefetchesOf(full, without("basic.credentials"))).not.toContain(basicContactsPrefetch)
    expect(prefetchesOf(full, without("basic.credentials"))).toContain(basicSignInPrefetch)
    expect(prefetchesOf(full, without("basic.credentials", "basic.mfa"))).not.toContain(basicSignInPrefetch)
    expect(prefetchesOf(full, without("oauth.server"))).not.toContain(tokenPrefetch)
    expect(
      prefetchesOf(
        full,
        without("oauth.client.registered", "oauth.client.approved", "oauth.client.secret", "oauth.redirect-uri")
      )
    ).toEqual([anonymousRootPrefetch, basicContactsPrefetch, basicSignInPrefetch, authorizePrefetch, discoveryPrefetch])
    const basicOnly = Either.getOrThrow(fromOptions({ platform: "acme", username: "u", password: "p" }))
    expect(prefetchesOf(basicOnly, new Set(checkIds))).toEqual([
      anonymousRootPrefetch,
      basicContactsPrefetch,
      basicSignInPrefetch
    ])
  })
})
