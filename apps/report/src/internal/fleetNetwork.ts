/**
 * The HTTP client of a fleet run: the network settings (`--proxy`, `--ca-file`, the proxy variables with
 * NO_PROXY) are resolved for each platform of the fleet, as for a single audit; when they all agree
 * (the usual case) one client serves every target, otherwise each request goes the way its platform's
 * settings say (direct for a NO_PROXY match, through the proxy for the rest). A hook sees each request's
 * URL, for the progress line.
 */
import { auditHttpClient, type NetworkSettings } from "@arlo-ready/cli-kit"
import { HttpClient } from "@effect/platform"
import { Context, Effect, Layer } from "effect"

const clientOf = (layer: Layer.Layer<HttpClient.HttpClient>) =>
  Effect.map(Layer.build(layer), (ctx) => Context.get(ctx, HttpClient.HttpClient))

/** One client for every platform: the shared settings, or a router between direct and proxied. */
export const fleetHttpClient = (
  networks: ReadonlyMap<string, NetworkSettings>,
  onRequest: (url: string) => void
): Layer.Layer<HttpClient.HttpClient> => {
  const all = [...networks.values()]
  const proxied = all.find((n) => n.proxy !== null)
  const direct = all.find((n) => n.proxy === null)
  const base: Layer.Layer<HttpClient.HttpClient> =
    proxied === undefined || direct === undefined
      ? auditHttpClient(all[0])
      : Layer.scoped(
          HttpClient.HttpClient,
          Effect.gen(function* () {
            const viaProxy = yield* clientOf(auditHttpClient(proxied))
            const straight = yield* clientOf(auditHttpClient(direct))
            const directKeys = [...networks].filter(([, n]) => n.proxy === null).map(([k]) => k)
            return HttpClient.make((request, url) =>
              (directKeys.some((k) => url.href.startsWith(k)) ? straight : viaProxy).execute(request)
            )
          })
        )
  return Layer.effect(
    HttpClient.HttpClient,
    Effect.map(HttpClient.HttpClient, (client) =>
      HttpClient.tapRequest(client, (request) =>
        Effect.sync(() => {
          onRequest(request.url)
        })
      )
    )
  ).pipe(Layer.provide(base))
}
