/**
 * The `arlo-ready` command: the flags shared with the report app (through cli-kit), plus `--demo`,
 * `--fail-on` and `--no-interactive`. It resolves what to audit (asking at a prompt for what is
 * missing), then runs the interactive screen or, without a terminal, plain lines.
 */

import { openSync } from "node:fs"
import { ReadStream } from "node:tty"
import {
  Cli,
  commandLine,
  detectStyle,
  failOnFrom,
  inCi,
  loadEnvFile,
  resolveAudit,
  runCli,
  type SharedFlags,
  sharedFrom,
  textValue,
  UsageError
} from "@arlo-ready/cli-kit"
import { Effect, Either, Option, Redacted } from "effect"
import { askMissing } from "./Ask.js"
import { allFlags } from "./Flags.js"
import { binName, version } from "./internal/version.js"
import { type Audit, labelOf, withPromptSources } from "./Session.js"
import type { TargetSpec } from "./Target.js"

/** The flags of the TUI. */
export interface TuiFlags extends SharedFlags {
  readonly demo: Option.Option<string>
  readonly fleet: Option.Option<string>
  readonly failOn: Option.Option<string>
  readonly noInteractive: boolean
  readonly signIn: boolean
  readonly keepToken: boolean
}

const some = <A>(a: A | undefined): Option.Option<A> => (a === undefined ? Option.none() : Option.some(a))

/** The flags for one demo target: its target and credentials, the user's audit settings. */
const demoFlags = (flags: TuiFlags, spec: TargetSpec): SharedFlags => {
  const i = spec.input
  const secret = (s: string | Redacted.Redacted<string> | undefined) =>
    some(s === undefined ? undefined : Redacted.isRedacted(s) ? s : Redacted.make(s))
  return {
    ...flags,
    platform: Option.none(),
    baseUrl: some(i.baseUrl),
    username: some(i.username),
    password: secret(i.password),
    passwordStdin: false,
    passwordCommand: Option.none(),
    clientId: some(i.clientId),
    clientSecret: secret(i.clientSecret),
    clientSecretStdin: false,
    clientSecretCommand: Option.none(),
    redirectUri: some(i.redirectUri),
    scopes: some(typeof i.scopes === "string" ? i.scopes : i.scopes?.join(" ")),
    accessToken: Option.none(),
    accessTokenCommand: Option.none(),
    auth: Option.none(),
    mfaSetting: Option.orElse(flags.mfaSetting, () => some(i.mfaSetting))
  }
}

const demoAudits = (flags: TuiFlags, scenario: string) =>
  Effect.gen(function* () {
    for (const [name, value] of [
      ["--platform", flags.platform],
      ["--base-url", flags.baseUrl]
    ] as const) {
      if (Option.isSome(value)) {
        return yield* new UsageError({ message: `--demo audits the embedded simulator: leave out ${name}` })
      }
    }
    const { startDemo } = yield* Effect.promise(() => import("./Demo.js"))
    const demo = yield* startDemo(scenario)
    if (demo.targets.length === 0) {
      return yield* new UsageError({ message: `--demo ${scenario}: the scenario has no platform to audit` })
    }
    return yield* Effect.forEach(demo.targets, (spec) =>
      resolveAudit(demoFlags(flags, spec), { env: {} }).pipe(
        Effect.map((r): Audit => ({ label: spec.label, config: withSources(r.config, "file"), network: r.network }))
      )
    )
  })

const withSources = (config: Audit["config"], source: "file"): Audit["config"] => ({
  ...config,
  credentials: config.credentials.map((c) => ({ ...c, source }))
})

/** The environment with --env-file's variables under it (a bad file is resolveAudit's to report). */
const envWithFile = (flags: TuiFlags, env: Readonly<Record<string, string | undefined>>) =>
  Either.match(loadEnvFile(Option.getOrUndefined(flags.envFile), env), {
    onLeft: () => env,
    onRight: (r) => r.env
  })

/**
 * Where keys come from: stdin when it is a terminal, else the controlling terminal (stdin may carry a
 * piped secret). Null when there is none: the run is then non-interactive.
 */
const openKeyboard = Effect.acquireRelease(
  Effect.sync((): NodeJS.ReadStream | null => {
    if (process.stdin.isTTY) return process.stdin
    try {
      return new ReadStream(openSync("/dev/tty", "r"))
    } catch {
      return null
    }
  }),
  (stream) =>
    Effect.sync(() => {
      if (stream && stream !== process.stdin) stream.destroy()
    })
)

/** The program behind the command. */
export const program = (flags: TuiFlags) =>
  Effect.scoped(
    Effect.gen(function* () {
      const cli = yield* Cli
      const env = process.env
      const failOn = yield* failOnFrom(flags.failOn)
      if (flags.keepToken && !flags.signIn) {
        return yield* new UsageError({ message: "--keep-token keeps the token of a sign-in: add --sign-in" })
      }
      if (flags.signIn && Option.isSome(flags.fleet)) {
        return yield* new UsageError({ message: "--sign-in signs in to one target: leave out --fleet" })
      }
      const interactive = !flags.noInteractive && process.stdout.isTTY === true && !inCi(env)

      if (Option.isSome(flags.fleet)) {
        const { fleetProgram } = yield* Effect.promise(() => import("./FleetMain.js"))
        const keyboard = interactive ? yield* openKeyboard : null
        const { exportDirectory } = yield* Effect.promise(() => import("./Export.js"))
        yield* cli.setExitCode(
          yield* fleetProgram(flags, flags.fleet.value, {
            failOn,
            keyboard,
            exportDir: exportDirectory(env, process.cwd())
          })
        )
        return
      }

      let audits: ReadonlyArray<Audit>
      let intro: string | undefined
      if (Option.isSome(flags.demo)) {
        audits = yield* demoAudits(flags, flags.demo.value)
        if (audits.length > 1) {
          intro = `Demo: ${audits.length} identities on simulated platforms, each with its own story. Press p for the next.`
        }
      } else {
        const asked = process.stdin.isTTY
          ? yield* askMissing(flags, envWithFile(flags, env), { input: process.stdin, output: process.stderr })
          : { flags, prompted: new Set<string>() }
        const resolved = yield* resolveAudit(asked.flags, { env })
        const typed = (w: string) =>
          (asked.prompted.has("password") && w.startsWith("--password ")) ||
          (asked.prompted.has("clientSecret") && w.startsWith("--client-secret "))
        for (const warning of resolved.warnings) if (!typed(warning)) yield* cli.warn(warning)
        const config = withPromptSources(resolved.config, asked.prompted)
        audits = [{ label: labelOf(config), config, network: resolved.network }]
      }

      if (flags.signIn) {
        // The first target with an OAuth client (a demo scenario's may not all have one).
        const audit = audits.find((a) => a.config.oauth?.clientId) ?? audits[0]!
        const { signInProgram } = yield* Effect.promise(() => import("./SignIn.js"))
        yield* cli.setExitCode(
          yield* signInProgram(audit, {
            failOn,
            style: detectStyle(flags.keepToken ? process.stderr : process.stdout, env),
            keepToken: flags.keepToken,
            input: process.stdin,
            env
          }).pipe(Effect.mapError((message) => new UsageError({ message })))
        )
        return
      }

      const keyboard = interactive ? yield* openKeyboard : null
      if (keyboard) {
        const { interactive: run } = yield* Effect.promise(() => import("./Interactive.js"))
        const ended = yield* run(audits, {
          failOn,
          exportDir: (yield* Effect.promise(() => import("./Export.js"))).exportDirectory(env, process.cwd()),
          intro,
          keyboard,
          quitExitsZero: Option.isSome(flags.demo)
        })
        if (typeof ended === "number") return yield* cli.setExitCode(ended)
        // `s` on an OAuth check: the sign-in in the terminal (the URL pasted at the prompt), then its audit.
        const { signInProgram } = yield* Effect.promise(() => import("./SignIn.js"))
        yield* cli.setExitCode(
          yield* signInProgram(audits[ended.target] ?? audits[0]!, {
            failOn,
            style: detectStyle(process.stdout, env),
            keepToken: false,
            input: keyboard,
            env,
            paste: true
          }).pipe(Effect.mapError((message) => new UsageError({ message })))
        )
        return
      }
      const { plain } = yield* Effect.promise(() => import("./Plain.js"))
      if (audits.length > 1) {
        yield* cli.warn(
          `auditing ${audits[0]!.label}; ${audits.length - 1} more targets in this scenario are offered at a terminal (p switches)`
        )
      }
      yield* cli.setExitCode(yield* plain(audits[0]!, { failOn, style: detectStyle(process.stdout, env) }))
    })
  )

/** Reads the command line (the full argv: node, script, args…) and runs. */
export const command = (argv: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const values = yield* commandLine(argv, {
      flags: allFlags,
      version,
      help: () => import("./Help.js").then((h) => h.help())
    })
    if (Option.isNone(values)) return
    const v = values.value
    yield* program({
      ...sharedFrom(v),
      demo: textValue(v, "demo"),
      fleet: textValue(v, "fleet"),
      failOn: textValue(v, "failOn"),
      noInteractive: v.noInteractive === true,
      signIn: v.signIn === true,
      keepToken: v.keepToken === true
    })
  })

/** Runs the command line. */
export const main = (): void => runCli({ name: binName, program: command })
