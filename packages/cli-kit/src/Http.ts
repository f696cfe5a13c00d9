/**
 * The HTTP client both apps audit with. Direct: Node's own `node:http` and `node:https`, with keep-alive
 * connections (one pool per audit, closed with it). Node's `fetch` loads its HTTP stack (undici) on its
 * first call, which a fresh process would pay for inside the audit; `node:http` is part of Node's core.
 * Through a proxy: undici's `ProxyAgent`, loaded only then. The core's `ArloHttp` reads both clients'
 * failures alike (see the transport test).
 */

import { noTlsInspector, TlsInspector } from "@arlo-ready/core"
import type { HttpClient } from "@effect/platform"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Effect, Layer } from "effect"
import { directNetwork, type NetworkSettings } from "./Network.js"

/** An `HttpClient` for these network settings, its connections scoped to the layer. */
export const auditHttpClient = (settings: NetworkSettings = directNetwork): Layer.Layer<HttpClient.HttpClient> => {
  const proxy = settings.proxy
  if (proxy !== null) {
    return Layer.unwrapEffect(
      Effect.promise(() => import("./internal/proxyClient.js")).pipe(
        // The certificate a diagnosis reads is the one seen through the tunnel, not by a direct handshake.
        Effect.map((m) => Layer.merge(m.proxyClientLayer(settings, proxy), Layer.succeed(TlsInspector, noTlsInspector)))
      )
    )
  }
  return NodeHttpClient.layerWithoutAgent.pipe(
    Layer.provide(NodeHttpClient.makeAgentLayer({ keepAlive: true, ...(settings.ca ? { ca: [...settings.ca] } : {}) }))
  )
}

/** Direct connections with Node's CA store. */
export const AuditHttpClient: Layer.Layer<HttpClient.HttpClient> = auditHttpClient()
