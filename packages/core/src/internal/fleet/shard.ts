/** Shards: a stable slice of a fleet, by platform, so one platform's request budget stays in one process. */
import { Either } from "effect"
import type { FleetTarget, Shard } from "../../FleetTypes.js"
import { targetFromBaseUrl, targetFromPlatform } from "../config/target.js"
import { echo } from "../echo.js"
import { type Fleet, FleetError } from "./model.js"

/** The most shards a fleet may be cut into. */
export const maxShards = 1000

/**
 * The key a target's platform is known by: its normalised base URL (origin and path, the host in
 * lower case), so `platform: acme` and `baseUrl: https://acme.arlo.co/` share one.
 */
export const platformKey = (target: Pick<FleetTarget, "platform" | "baseUrl">): string => {
  const resolved =
    target.platform !== undefined ? targetFromPlatform(target.platform) : targetFromBaseUrl(target.baseUrl ?? "")
  const baseUrl = Either.isRight(resolved) ? resolved.right.baseUrl : (target.baseUrl ?? target.platform ?? "")
  try {
    const url = new URL(baseUrl)
    return `${url.protocol}//${url.host.toLowerCase()}${url.pathname.replace(/\/+$/, "")}`
  } catch {
    return baseUrl
  }
}

/** FNV-1a, 32 bits, over the UTF-8 bytes of `s`: small, stable across runs and machines. */
export const fnv1a = (s: string): number => {
  let h = 0x811c9dc5
  for (const byte of new TextEncoder().encode(s)) {
    h ^= byte
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h >>> 0
}

/** The shard (from 1) a platform falls in. */
export const shardOf = (key: string, count: number): number => (fnv1a(key) % count) + 1

/**
 * Shard `index` of `count`: the targets whose platform key hashes (FNV-1a, modulo `count`) to it, in
 * fleet order. Every target of one platform falls in one shard, and adding or removing a target moves
 * no other. Shards may be uneven (a shard may even be empty): the hash spreads platforms, not targets.
 */
export const shardFleet = (fleet: Fleet, shard: Shard): ReadonlyArray<FleetTarget> =>
  fleet.targets.filter((t) => shardOf(platformKey(t), shard.count) === shard.index)

/** `"2/3"` → `{ index: 2, count: 3 }`, with 1 ≤ index ≤ count. */
export const parseShard = (text: string): Either.Either<Shard, FleetError> => {
  const m = /^\s*(\d{1,6})\s*\/\s*(\d{1,6})\s*$/.exec(text)
  const index = m ? Number(m[1]) : Number.NaN
  const count = m ? Number(m[2]) : Number.NaN
  if (!m || count < 1 || count > maxShards || index < 1 || index > count) {
    return Either.left(
      new FleetError({
        message: `shard ${echo(text)} is not i/n: give the shard's number and the number of shards, 1 ≤ i ≤ n ≤ ${maxShards}, e.g. 2/3.`
      })
    )
  }
  return Either.right({ index, count })
}
