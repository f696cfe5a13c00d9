/** Starting the simulator: an Effect `Layer` for Effect tests and a Promise helper for everything else. */
import * as http from "node:http"
import { HttpMiddleware, HttpServer } from "@effect/platform"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { Cause, Context, Data, Effect, Either, ExecutionStrategy, Exit, Layer, Schema, Scope } from "effect"
import {
  applyClientPatch,
  applyPlatformPatch,
  applyUserPatch,
  type ClientPatch,
  clearJournal,
  type PatchError,
  type PlatformPatch,
  peakInFlight,
  type UserPatch
} from "./internal/Admin.js"
import { app } from "./internal/App.js"
import * as Fleet from "./internal/Fleet.js"
import { type JournalEntry, ServerState } from "./internal/State.js"
import {
  type Audit,
  Dialect,
  type DialectInput,
  formatParseError,
  load,
  type Scenario,
  ScenarioError,
  type ScenarioInput
} from "./Scenario.js"

const DialectOverride = Schema.partial(Schema.typeSchema(Dialect))

export type { ClientPatch, JournalEntry, PlatformPatch, UserPatch }

/** Applies a patch now; throws its `PatchError` (or whatever else went wrong) as the handle's callers expect. */
const applyNow = (patch: Effect.Effect<void, PatchError>): void => {
  const exit = Effect.runSyncExit(patch)
  if (Exit.isFailure(exit)) throw Cause.squash(exit.cause)
}

/** The simulator could not start (bad host, port in use). `message` is one line. */
export class SimulatorError extends Data.TaggedError("SimulatorError")<{ readonly message: string }> {}

export interface StartOptions {
  /**
   * A built-in scenario name, a path to a scenario JSON file, a Scenario value, or a fleet: `fleet:N`
   * (N platforms, a seeded mix of the built-in stories), `fleet:N:SEED`, or `fleet:all` (every built-in
   * scenario's platforms in one server).
   */
  readonly scenario: string | ScenarioInput | Scenario
  /** The port to listen on; `0` (the default) picks a free one. */
  readonly port?: number | undefined
  /** A loopback address (`127.0.0.1` by default, `::1`, `localhost`); anything else is refused. */
  readonly host?: string | undefined
  /** Overrides these dialect settings on every platform. */
  readonly dialect?: DialectInput | undefined
  /** Overrides the scenario's server-wide latency (ms before every platform response). */
  readonly latencyMs?: number | undefined
}

/** A platform as the scenario hands it to an auditor. */
export interface PlatformInfo {
  readonly name: string
  readonly baseUrl: string
  readonly audit: Audit
  /** The built-in scenario the platform's story comes from in a fleet; otherwise the scenario's own name. */
  readonly story: string
}

/** A running simulator. */
export interface SimulatorHandle {
  /** `http://127.0.0.1:PORT` */
  readonly url: string
  readonly port: number
  readonly scenario: Scenario
  /** Each platform's base URL (`url/{name}`) and the credentials the scenario hands an auditor. */
  readonly platforms: Readonly<Record<string, PlatformInfo>>
  /** Every journalled request so far, oldest first. */
  readonly journal: () => ReadonlyArray<JournalEntry>
  /** Clears the journal and resets the in-flight peaks. */
  readonly clearJournal: () => void
  /** The peak number of requests in flight per platform since start or the last `clearJournal`. */
  readonly peakInFlight: () => Readonly<Record<string, number>>
  /** Changes a platform's MFA setting, dialect, faults or rate limit; throws on an unknown platform or bad patch. */
  readonly updatePlatform: (name: string, patch: PlatformPatch) => void
  /** Changes a user's roles, password, MFA flag, account type or lock. */
  readonly updateUser: (platform: string, username: string, patch: UserPatch) => void
  /** Changes a client's status, secret, redirect URIs or allowed scopes. */
  readonly updateClient: (platform: string, clientId: string, patch: ClientPatch) => void
  /** The tokens of a platform that still work (kind, client, user; never their values). */
  readonly liveTokens: (
    platform: string
  ) => ReadonlyArray<{ kind: "access_token" | "refresh_token"; clientId: string; username: string }>
  /** Expires every authorization code a platform has issued so far. */
  readonly expireCodes: (platform: string) => void
  /** Stops the server and closes every open connection. Idempotent. */
  readonly close: () => Promise<void>
}

/** The running simulator as an Effect service. */
export class Simulator extends Context.Tag("@arlo-ready/simulator/Simulator")<Simulator, SimulatorHandle>() {}

const loopback = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/

/** `true` for 127.x.x.x, `::1` and `localhost`: the only hosts the simulator listens on. */
export const isLoopback = (host: string): boolean => loopback.test(host)

/** Builds and starts the server in the current scope; the scope's close stops it. */
export const make = (
  options: StartOptions
): Effect.Effect<Omit<SimulatorHandle, "close">, ScenarioError | SimulatorError, Scope.Scope> =>
  Effect.gen(function* () {
    const host = options.host ?? "127.0.0.1"
    if (!isLoopback(host)) {
      return yield* new SimulatorError({
        message: `refusing to listen on "${host}": the simulator serves loopback only (127.0.0.1, ::1 or localhost)`
      })
    }
    const built = Fleet.isFleetSpec(options.scenario)
      ? Fleet.build(options.scenario)
      : Either.map(load(options.scenario), (scenario) => ({
          scenario,
          stories: new Map<string, string>(),
          dataNames: new Map<string, string>()
        }))
    const { scenario, stories, dataNames } = yield* Either.match(built, {
      onLeft: (e) => Effect.fail(e),
      onRight: (s) => Effect.succeed(s)
    })
    if (options.dialect !== undefined) {
      const checked = Schema.decodeUnknownEither(DialectOverride, { onExcessProperty: "error" })(options.dialect)
      if (Either.isLeft(checked)) {
        return yield* new ScenarioError({ message: `dialect override: ${formatParseError(checked.left)}` })
      }
    }
    const state = new ServerState(scenario, options.dialect, dataNames)
    if (options.latencyMs !== undefined) state.latencyMs = options.latencyMs
    const server = http.createServer({ keepAliveTimeout: 5_000 })
    const port = options.port ?? 0
    const serverLayer = NodeHttpServer.layer(() => server, { port, host })
    const served = HttpServer.serve(app(state)).pipe(
      HttpMiddleware.withTracerDisabledWhen(() => true),
      Layer.provideMerge(serverLayer)
    )
    yield* Layer.build(served).pipe(
      Effect.mapError(
        (e) =>
          new SimulatorError({
            message: `cannot listen on ${host}:${port}: ${(e.cause as NodeJS.ErrnoException | undefined)?.code ?? String(e.cause)}`
          })
      )
    )
    // Runs before the server's own release, so keep-alive connections never hold `server.close` open.
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        server.close()
        server.closeAllConnections()
      })
    )
    const address = server.address()
    const actualPort = typeof address === "object" && address !== null ? address.port : port
    const urlHost = host.includes(":") ? `[${host}]` : host
    state.origin = `http://${urlHost}:${actualPort}`
    // Another origin served by this same server: `localhost` for a numeric host, the bound address for `localhost`.
    const bound = typeof address === "object" && address !== null ? address.address : "127.0.0.1"
    const otherHost = host === "localhost" ? (bound.includes(":") ? `[${bound}]` : bound) : "localhost"
    state.centralOrigin = `http://${otherHost}:${actualPort}`
    const platforms: Record<string, PlatformInfo> = {}
    for (const p of state.platforms.values()) {
      platforms[p.name] = {
        name: p.name,
        baseUrl: state.baseUrl(p.name),
        audit: p.audit,
        story: stories.get(p.name) ?? scenario.name
      }
    }
    return {
      url: state.origin,
      port: actualPort,
      scenario,
      platforms,
      journal: () => [...state.journal],
      clearJournal: () => clearJournal(state),
      peakInFlight: () => peakInFlight(state),
      updatePlatform: (name, patch) => applyNow(applyPlatformPatch(state, name, patch)),
      updateUser: (platform, username, patch) => applyNow(applyUserPatch(state, platform, username, patch)),
      updateClient: (platform, clientId, patch) => applyNow(applyClientPatch(state, platform, clientId, patch)),
      liveTokens: (platform) => state.platforms.get(platform)?.liveTokens() ?? [],
      expireCodes: (platform) => {
        state.platforms.get(platform)?.expireCodes()
      }
    }
  })

/** The simulator as a Layer: started when the layer is built, stopped when its scope closes. */
export const SimulatorLive = (options: StartOptions): Layer.Layer<Simulator, ScenarioError | SimulatorError> =>
  Layer.scoped(
    Simulator,
    Effect.gen(function* () {
      const scope = yield* Scope.fork(yield* Effect.scope, ExecutionStrategy.sequential)
      const handle = yield* Scope.extend(make(options), scope)
      return { ...handle, close: () => Effect.runPromise(Scope.close(scope, Exit.void)) }
    })
  )

/**
 * Starts the simulator in-process and resolves once it listens. Rejects with a `ScenarioError` or
 * `SimulatorError` (one-line `message`).
 */
export const startSimulator = async (options: StartOptions): Promise<SimulatorHandle> => {
  const scope = Effect.runSync(Scope.make())
  const exit = await Effect.runPromiseExit(Scope.extend(make(options), scope))
  if (Exit.isFailure(exit)) {
    await Effect.runPromise(Scope.close(scope, Exit.void))
    const failure = exit.cause._tag === "Fail" ? exit.cause.error : undefined
    throw failure ?? new SimulatorError({ message: "the simulator failed to start" })
  }
  let closing: Promise<void> | undefined
  return {
    ...exit.value,
    close: () => {
      closing ??= Effect.runPromise(Scope.close(scope, Exit.void))
      return closing
    }
  }
}
