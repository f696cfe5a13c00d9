/**
 * Whether a host name resolves, asked when the target's own name did not: if no name resolves at all
 * (not even `arlo.co`), the machine has no DNS, and a missing platform is not the diagnosis.
 */
import * as dns from "node:dns"
import { Context, Effect } from "effect"

export interface HostResolverService {
  /** True when the name resolves; false when it does not or the lookup fails or times out. */
  readonly resolves: (host: string) => Effect.Effect<boolean>
}

const lookup = (host: string): Effect.Effect<boolean> =>
  Effect.async<boolean>((resume) => {
    dns.lookup(host, (err) => resume(Effect.succeed(!err)))
  }).pipe(Effect.timeoutTo({ duration: "3 seconds", onTimeout: () => false, onSuccess: (b) => b }))

/** The resolver the audit asks (the system's, through `dns.lookup`, unless a test provides another). */
export class HostResolver extends Context.Reference<HostResolver>()("@arlo-ready/core/HostResolver", {
  defaultValue: (): HostResolverService => ({ resolves: lookup })
}) {}

/** A name that resolves wherever the public DNS is reachable. */
export const referenceHost = "arlo.co"
