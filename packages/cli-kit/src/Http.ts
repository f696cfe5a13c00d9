/**
 * The HTTP client both apps audit with: Node's own `node:http` and `node:https`, with keep-alive
 * connections (one pool per audit, closed with it). Node's `fetch` loads its HTTP stack (undici) on
 * its first call, which a fresh process would pay for inside the audit; `node:http` is part of Node's
 * core. The core's `ArloHttp` reads both clients' failures alike (see the transport test).
 */
import type { HttpClient } from "@effect/platform"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Layer } from "effect"

/** An `HttpClient` over `node:http`/`node:https` with a keep-alive agent scoped to the layer. */
export const AuditHttpClient: Layer.Layer<HttpClient.HttpClient> = NodeHttpClient.layerWithoutAgent.pipe(
  Layer.provide(NodeHttpClient.makeAgentLayer({ keepAlive: true }))
)
