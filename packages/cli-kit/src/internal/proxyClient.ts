/**
 * The HTTP client through a proxy: undici's `ProxyAgent` (CONNECT tunnels, to http and https targets
 * alike), loaded only when a proxy is in use. Its failures are marked as the proxy's, with `PROXY_*`
 * codes the core's classifier reads: in proxy mode the only connection made from here is to the proxy
 * (the proxy resolves and connects to the platform), so a refused, unresolved or timed-out connection
 * is the proxy's, and a CONNECT answered with another status than 200 is the proxy's answer.
 */
import { HttpClient, HttpClientError } from "@effect/platform"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Effect, Layer, Redacted } from "effect"
import { ProxyAgent } from "undici"
import type { NetworkSettings, ProxySettings } from "../Network.js"

const codesOf = (e: unknown): Array<string> => {
  const out: Array<string> = []
  for (let x: unknown = e, depth = 0; x !== null && typeof x === "object" && depth < 6; depth++) {
    const code = (x as { code?: unknown }).code
    if (typeof code === "string") out.push(code)
    x = (x as { cause?: unknown }).cause
  }
  return out
}

/** The proxy's part in a failure, as a code (`PROXY_STATUS_407`, `PROXY_REFUSED`, …), or undefined. */
export const proxyCode = (e: unknown): string | undefined => {
  for (let x: unknown = e, depth = 0; x !== null && typeof x === "object" && depth < 6; depth++) {
    const message = (x as { message?: unknown }).message
    const status = typeof message === "string" ? /^Proxy response \((\d{3})\)/.exec(message) : null
    if (status) return `PROXY_STATUS_${status[1]}`
    x = (x as { cause?: unknown }).cause
  }
  const codes = codesOf(e)
  if (codes.includes("ECONNREFUSED")) return "PROXY_REFUSED"
  if (codes.some((c) => c === "ENOTFOUND" || c === "EAI_NONAME" || c === "EAI_NODATA")) return "PROXY_DNS_NOT_FOUND"
  if (codes.some((c) => c === "ETIMEDOUT" || c === "UND_ERR_CONNECT_TIMEOUT")) return "PROXY_TIMEOUT"
  if (codes.includes("UND_ERR_PRX_TLS")) return "PROXY_TLS"
  return undefined
}

const markProxyFailure = (e: HttpClientError.HttpClientError): HttpClientError.HttpClientError => {
  if (e._tag !== "RequestError") return e
  const code = proxyCode(e.cause)
  if (code === undefined) return e
  return new HttpClientError.RequestError({
    request: e.request,
    reason: e.reason,
    cause: { code, cause: e.cause }
  })
}

const tls = (ca: ReadonlyArray<string> | undefined) =>
  ca ? { requestTls: { ca: [...ca] }, proxyTls: { ca: [...ca] } } : {}

/** An `HttpClient` whose every request goes through the proxy; the agent is closed with the layer. */
export const proxyClientLayer = (settings: NetworkSettings, proxy: ProxySettings): Layer.Layer<HttpClient.HttpClient> =>
  Layer.scoped(
    HttpClient.HttpClient,
    Effect.acquireRelease(
      Effect.sync(
        () =>
          new ProxyAgent({
            uri: proxy.url.href,
            ...(proxy.authorization ? { token: Redacted.value(proxy.authorization) } : {}),
            ...tls(settings.ca)
          })
      ),
      (agent) => Effect.promise(() => agent.destroy())
    ).pipe(
      Effect.map((agent) =>
        NodeHttpClient.makeUndici(agent).pipe(
          HttpClient.transform((effect) => Effect.mapError(effect, markProxyFailure))
        )
      )
    )
  )
