/**
 * The config file in the report app: `--config PATH`, or `arlo-ready.config.json` (`.yaml`, `.yml`) in
 * the working directory. Flags override the file and the file overrides the environment, setting by
 * setting; `--print-config` shows the effective settings and where each came from, never a secret.
 */
import { existsSync, readFileSync } from "node:fs"
import { resolve } from "node:path"
import { UsageError } from "@arlo-ready/cli-kit"
import type { FlagSpec } from "@arlo-ready/cli-kit/Args"
import { type ConfigFile, configFileNames, parseConfigFile, type WaiverEntry } from "@arlo-ready/core"
import { Either, Option } from "effect"
import type { ReportFlags } from "./Main.js"

export const configFlags: ReadonlyArray<FlagSpec> = [
  {
    key: "config",
    name: "config",
    kind: "value",
    group: "output",
    value: "PATH",
    description:
      "Read the settings from this config file (JSON or YAML) instead of arlo-ready.config.json in the working directory; flags still win."
  },
  {
    key: "printConfig",
    name: "print-config",
    kind: "switch",
    group: "output",
    description: "Print the effective settings and where each came from (flag, file, env, default), and exit."
  }
]

/** The config file found, if any: its path and settings. */
export interface LoadedConfig {
  readonly path: string
  readonly config: ConfigFile
}

/** Reads `--config PATH`, or the first config file name present in the working directory. */
export const loadConfigFile = (given: Option.Option<string>): Either.Either<LoadedConfig | undefined, UsageError> => {
  const path = Option.isSome(given) ? given.value : configFileNames.find((n) => existsSync(resolve(n)))
  if (path === undefined) return Either.right(undefined)
  let text: string
  try {
    text = readFileSync(path, "utf8")
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    return Either.left(
      new UsageError({
        message: `--config ${path}: ${code === "ENOENT" ? "no such file" : `cannot read it (${code})`}`
      })
    )
  }
  const parsed = parseConfigFile(text, path)
  if ("error" in parsed) return Either.left(new UsageError({ message: `${path}: ${parsed.error}` }))
  return Either.right({ path, config: parsed.config })
}

type Source = "flag" | "file" | "env" | "default"

/** One effective setting: its value (never a secret) and where it came from. */
export interface Setting {
  readonly name: string
  readonly value: string
  readonly source: Source
}

const pick = (
  flag: Option.Option<string>,
  file: string | undefined,
  env: string | undefined
): Option.Option<{ value: string; source: Source }> =>
  Option.isSome(flag)
    ? Option.some({ value: flag.value, source: "flag" })
    : file !== undefined
      ? Option.some({ value: file, source: "file" })
      : env !== undefined && env !== ""
        ? Option.some({ value: env, source: "env" })
        : Option.none()

/**
 * The flags with the file's settings filled in where no flag was given, the environment the audit
 * reads (the target variables dropped when the flags or the file name a target), the waivers of the
 * file, and each setting with its source.
 */
export const withConfig = (
  flags: ReportFlags,
  loaded: LoadedConfig | undefined,
  env: NodeJS.ProcessEnv
): {
  readonly flags: ReportFlags
  readonly env: NodeJS.ProcessEnv
  readonly waivers: ReadonlyArray<WaiverEntry> | undefined
  readonly warnDays: number | undefined
  readonly settings: ReadonlyArray<Setting>
} => {
  const all = loaded?.config ?? {}
  // A fleet file names its targets and how to audit each: the file's target and audit settings are a single run's.
  const c: ConfigFile = Option.isSome(flags.fleet)
    ? { ...all, target: undefined, methods: undefined, expectAccess: undefined, mfaSetting: undefined }
    : all
  const settings: Array<Setting> = []
  const flagTarget = Option.isSome(flags.platform) || Option.isSome(flags.baseUrl)
  const fileTarget = c.target?.platform !== undefined || c.target?.baseUrl !== undefined
  const set = (name: string, flag: Option.Option<string>, file: string | undefined, envName?: string) => {
    const chosen = pick(flag, file, envName ? env[envName] : undefined)
    if (Option.isSome(chosen)) settings.push({ name, ...chosen.value })
    // The environment is left to the audit's own reading, so its errors name the variable.
    return Option.isSome(flag) ? flag : Option.fromNullable(file)
  }
  const fromFileTarget = !flagTarget && fileTarget
  const platform = fromFileTarget ? Option.fromNullable(c.target?.platform) : flags.platform
  const baseUrl = fromFileTarget ? Option.fromNullable(c.target?.baseUrl) : flags.baseUrl
  for (const [name, value, envName] of [
    ["platform", platform, "ARLO_PLATFORM"],
    ["baseUrl", baseUrl, "ARLO_BASE_URL"]
  ] as const) {
    const source: Source = flagTarget ? "flag" : fromFileTarget ? "file" : "env"
    if (Option.isSome(value)) settings.push({ name, value: value.value, source })
    else if (!flagTarget && !fromFileTarget && env[envName]) settings.push({ name, value: env[envName]!, source })
  }
  const auditEnv = flagTarget || fromFileTarget ? { ...env, ARLO_PLATFORM: undefined, ARLO_BASE_URL: undefined } : env
  const outputs = flags.output.length > 0 ? flags.output : Object.entries(c.outputs ?? {}).map(([f, p]) => `${f}=${p}`)
  if (outputs.length > 0)
    settings.push({ name: "outputs", value: outputs.join(" "), source: flags.output.length > 0 ? "flag" : "file" })
  const waivers = Option.isNone(flags.waivers) ? c.waivers : undefined
  if (Option.isSome(flags.waivers)) settings.push({ name: "waivers", value: flags.waivers.value, source: "flag" })
  else if (c.waivers)
    settings.push({ name: "waivers", value: `${c.waivers.length} in ${loaded?.path}`, source: "file" })
  const warnDays = c.waiverWarnDays
  settings.push(
    warnDays === undefined
      ? { name: "waiverWarnDays", value: "14", source: "default" }
      : { name: "waiverWarnDays", value: String(warnDays), source: "file" }
  )
  const next: ReportFlags = {
    ...flags,
    platform,
    baseUrl,
    auth: set("methods", flags.auth, c.methods),
    expectAccess: set("expectAccess", flags.expectAccess, c.expectAccess, "ARLO_EXPECT_ACCESS"),
    mfaSetting: set("mfaSetting", flags.mfaSetting, c.mfaSetting, "ARLO_MFA_SETTING"),
    format: set("format", flags.format, c.format),
    failOn: set("failOn", flags.failOn, c.failOn),
    output: outputs
  }
  return { flags: next, env: auditEnv, waivers, warnDays, settings }
}

/** `--print-config`: one line per setting, `name  value  (source)`, the file named first. */
export const printConfig = (loaded: LoadedConfig | undefined, settings: ReadonlyArray<Setting>): string => {
  const width = Math.max(8, ...settings.map((s) => s.name.length))
  const lines = [
    `config file: ${loaded ? loaded.path : "none"}`,
    ...settings.map((s) => `${s.name.padEnd(width)}  ${s.value}  (${s.source})`),
    "credentials: not shown (see the report's target.credentials for their sources)"
  ]
  return `${lines.join("\n")}\n`
}
