/**
 * A target's credentials, from their references: `{env}` from the run's environment, `{file}` read
 * (capped, trimmed; relative to the fleet file), `{command}` through the runner the front end gives.
 * Each value is `Redacted` as soon as it is read; a failure is one secret-free line.
 */
import { readFile, stat } from "node:fs/promises"
import * as path from "node:path"
import { Effect, Redacted } from "effect"
import type { ConfigInput, CredentialName, CredentialSourceName } from "../../Config.js"
import type { FleetTarget, PlainOrEnv, SecretRef } from "../../FleetTypes.js"

/** The most a `{file}` reference may hold. */
export const maxSecretFileBytes = 64 * 1024

export interface RefContext {
  readonly env: Readonly<Record<string, string | undefined>>
  readonly runCommand: ((argv: ReadonlyArray<string>) => Effect.Effect<Redacted.Redacted<string>, string>) | undefined
  /** Where relative `{file}` paths start: the fleet file's directory. */
  readonly baseDir: string
}

const fromEnv = (ctx: RefContext, field: string, name: string): Effect.Effect<string, string> => {
  const value = ctx.env[name]
  return value === undefined || value.trim() === ""
    ? Effect.fail(
        `${field}: the environment variable ${name} is not set: set it, or change the reference in the fleet file.`
      )
    : Effect.succeed(value.trim())
}

const fromFile = (ctx: RefContext, field: string, file: string): Effect.Effect<Redacted.Redacted<string>, string> =>
  Effect.tryPromise({
    try: async () => {
      const full = path.resolve(ctx.baseDir, file)
      const info = await stat(full)
      if (!info.isFile()) return { error: "is not a file" }
      if (info.size > maxSecretFileBytes) return { error: `is over ${maxSecretFileBytes / 1024} KiB` }
      return { text: (await readFile(full, "utf8")).trim() }
    },
    catch: (e) => `${field}: the file ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"}).`
  }).pipe(
    Effect.flatMap((r) =>
      "error" in r
        ? Effect.fail(`${field}: the file ${file} ${r.error}.`)
        : r.text === ""
          ? Effect.fail(`${field}: the file ${file} is empty.`)
          : Effect.succeed(Redacted.make(r.text))
    )
  )

const fromCommand = (
  ctx: RefContext,
  field: string,
  command: string | ReadonlyArray<string>
): Effect.Effect<Redacted.Redacted<string>, string> => {
  const argv = typeof command === "string" ? command.trim().split(/\s+/) : command
  if (ctx.runCommand === undefined) {
    return Effect.fail(`${field}: a command reference needs a command runner, and none was given.`)
  }
  return ctx.runCommand(argv).pipe(
    Effect.mapError((why) => `${field}: ${why.replace(/[\r\n]+/g, " ")}`),
    Effect.flatMap((value) =>
      Redacted.value(value).trim() === ""
        ? Effect.fail(`${field}: the command ${argv[0] ?? ""} printed nothing.`)
        : Effect.succeed(Redacted.make(Redacted.value(value).trim()))
    )
  )
}

const secret = (ctx: RefContext, field: string, ref: SecretRef) =>
  "env" in ref
    ? Effect.map(fromEnv(ctx, field, ref.env), (v) => ({ value: Redacted.make(v), source: "env" as const }))
    : "file" in ref
      ? Effect.map(fromFile(ctx, field, ref.file), (value) => ({ value, source: "file" as const }))
      : Effect.map(fromCommand(ctx, field, ref.command), (value) => ({ value, source: "command" as const }))

const plain = (ctx: RefContext, field: string, value: PlainOrEnv) =>
  typeof value === "string"
    ? Effect.succeed({ value, source: "option" as const })
    : Effect.map(fromEnv(ctx, field, value.env), (v) => ({ value: v, source: "env" as const }))

type Resolved = { options: Record<string, unknown>; sources: Partial<Record<CredentialName, CredentialSourceName>> }

/** The target's `ConfigInput` (with the credentials its `auth` selects) and each credential's source. */
export const resolveTargetInput = (
  ctx: RefContext,
  t: FleetTarget,
  limits: Pick<ConfigInput, "timeoutMs" | "deadlineMs" | "maxRequests">
): Effect.Effect<{ options: ConfigInput; sources: Resolved["sources"] }, string> =>
  Effect.gen(function* () {
    const out: Resolved = { options: {}, sources: {} }
    const basic = t.auth !== "oauth"
    const oauth = t.auth !== "basic"
    const put = (name: CredentialName, r: { value: unknown; source: CredentialSourceName }) => {
      out.options[name] = r.value
      out.sources[name] = r.source
    }
    if (basic && t.username !== undefined) put("username", yield* plain(ctx, "username", t.username))
    if (basic && t.password !== undefined) put("password", yield* secret(ctx, "password", t.password))
    if (oauth && t.clientId !== undefined) put("clientId", yield* plain(ctx, "clientId", t.clientId))
    if (oauth && t.clientSecret !== undefined) put("clientSecret", yield* secret(ctx, "clientSecret", t.clientSecret))
    if (oauth && t.accessToken !== undefined) put("accessToken", yield* secret(ctx, "accessToken", t.accessToken))
    const rest: Record<string, unknown> = {
      platform: t.platform,
      baseUrl: t.baseUrl,
      redirectUri: oauth ? t.redirectUri : undefined,
      scopes: oauth ? t.scopes : undefined,
      mfaSetting: t.mfaSetting,
      expectAccess: t.expectAccess,
      ...limits
    }
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) out.options[k] = v
    return { options: out.options as ConfigInput, sources: out.sources }
  })
