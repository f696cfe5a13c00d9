import * as http from "node:http"
import * as net from "node:net"
import { assert, it as effectIt, layer } from "@effect/vitest"
import { Effect, Exit, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { Simulator, SimulatorError, SimulatorLive, startSimulator } from "../src/index.js"
import { basic, get, RES } from "./helpers.js"

layer(SimulatorLive({ scenario: "ready" }))("SimulatorLive", (it) => {
  it.effect("provides the running simulator as a service", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator
      assert.match(sim.url, /^http:\/\/127\.0\.0\.1:\d+$/)
      const { baseUrl, audit } = sim.platforms.acme!
      assert.strictEqual(baseUrl, `${sim.url}/acme`)
      const status = yield* Effect.promise(() =>
        fetch(`${baseUrl}${RES}`, { headers: { authorization: basic(audit.username!, audit.password!) } }).then(
          (r) => r.status
        )
      )
      assert.strictEqual(status, 200)
      assert.strictEqual(sim.journal().at(-1)?.status, 200)
    })
  )
})

describe("SimulatorLive lifecycle", () => {
  effectIt.effect("stops the server when the layer's scope closes", () =>
    Effect.gen(function* () {
      const url = yield* Effect.scoped(
        Effect.gen(function* () {
          const ctx = yield* Layer.build(SimulatorLive({ scenario: "ready" }))
          const sim = ctx.unsafeMap.get(Simulator.key) as Simulator["Type"]
          return sim.url
        })
      )
      const after = yield* Effect.promise(() =>
        fetch(`${url}/acme${RES}`).then(
          () => "answered",
          () => "refused"
        )
      )
      assert.strictEqual(after, "refused")
    })
  )

  effectIt.effect("fails with a ScenarioError for an unknown scenario", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(Effect.scoped(Layer.build(SimulatorLive({ scenario: "nope" }))))
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) assert.match(String(exit.cause), /ScenarioError/)
    })
  )
})

describe("startSimulator", () => {
  it("hands back base URLs and the scenario's audit credentials", async () => {
    const sim = await startSimulator({ scenario: "demo" })
    try {
      expect(Object.keys(sim.platforms)).toEqual(["acme", "globex", "initech", "umbrella"])
      for (const [name, p] of Object.entries(sim.platforms)) {
        expect(p.baseUrl).toBe(`${sim.url}/${name}`)
        expect(p.audit.username).toMatch(/@/)
      }
    } finally {
      await sim.close()
    }
  })

  it("close() is idempotent and does not wait for idle keep-alive connections", async () => {
    const sim = await startSimulator({ scenario: "ready" })
    const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 60_000 })
    const status = await new Promise<number>((resolve, reject) => {
      http
        .get(`${sim.platforms.acme!.baseUrl}${RES}`, { agent }, (res) => {
          res.resume()
          res.on("end", () => resolve(res.statusCode!))
        })
        .on("error", reject)
    })
    expect(status).toBe(401)
    const sockets = Object.values(agent.freeSockets).flat()
    expect(sockets.length).toBe(1)
    const closed = new Promise<void>((resolve) => sockets[0]!.once("close", () => resolve()))
    await Promise.all([sim.close(), sim.close()])
    await closed
    await sim.close()
    agent.destroy()
    await expect(fetch(`${sim.url}/acme${RES}`)).rejects.toThrow()
  })

  it("close() ends requests still in flight", async () => {
    const sim = await startSimulator({ scenario: "ready" })
    sim.updatePlatform("acme", { faults: [{ match: "/**", latencyMs: 60_000 }] })
    const pending = fetch(`${sim.platforms.acme!.baseUrl}${RES}`).then(
      () => "answered",
      () => "cut"
    )
    await new Promise((r) => setTimeout(r, 50))
    await sim.close()
    expect(await pending).toBe("cut")
  })

  it("listens on the port it is given and refuses a port in use with a one-line SimulatorError", async () => {
    const blocker = net.createServer()
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r))
    const port = (blocker.address() as net.AddressInfo).port
    try {
      const err = await startSimulator({ scenario: "ready", port }).then(
        () => undefined,
        (e: unknown) => e
      )
      expect(err).toBeInstanceOf(SimulatorError)
      expect((err as SimulatorError).message).toBe(`cannot listen on 127.0.0.1:${port}: EADDRINUSE`)
    } finally {
      await new Promise((r) => blocker.close(r))
    }
    const sim = await startSimulator({ scenario: "ready", port })
    expect(sim.url).toBe(`http://127.0.0.1:${port}`)
    await sim.close()
  })

  it("refuses a host that is not loopback", async () => {
    for (const host of ["0.0.0.0", "192.168.1.10", "example.test"]) {
      const err = await startSimulator({ scenario: "ready", host }).then(
        () => undefined,
        (e: unknown) => e
      )
      expect(err).toBeInstanceOf(SimulatorError)
      expect((err as SimulatorError).message).toMatch(/loopback only/)
    }
  })

  it("dialect overrides the dialect of every platform", async () => {
    const sim = await startSimulator({ scenario: "demo", dialect: { mfaFailure: "opaque", routeDenialStatus: 404 } })
    try {
      const globex = sim.platforms.globex!
      const blocked = await get(`${globex.baseUrl}${RES}`, {
        authorization: basic(globex.audit.username!, globex.audit.password!)
      })
      const wrong = await get(`${globex.baseUrl}${RES}`, { authorization: basic(globex.audit.username!, "wrong") })
      expect(blocked.status).toBe(401)
      expect(blocked.body).toBe(wrong.body)
      const initech = sim.platforms.initech!
      const denied = await get(`${initech.baseUrl}${RES}orders/`, {
        authorization: basic(initech.audit.username!, initech.audit.password!)
      })
      expect(denied.status).toBe(404)
    } finally {
      await sim.close()
    }
  })

  it("rejects an invalid dialect override with a message naming the field", async () => {
    await expect(startSimulator({ scenario: "ready", dialect: { mfaFailure: "loud" as never } })).rejects.toThrow(
      /mfaFailure/
    )
  })
})
