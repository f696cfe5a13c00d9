/**
 * The config file, `arlo-ready.config.json` (or `.yaml`): the defaults a team would otherwise repeat in
 * every command (target, methods, expected access, MFA setting, formats and outputs, `failOn`, waivers).
 * Never a secret: a credential written into it is refused, as are unknown keys (with the nearest known
 * one) and bad dates, each error naming the key path. The JSON Schema is shipped as `config.schema.json`.
 */
import { JSONSchema, Schema } from "effect"
import { parse as parseYaml } from "yaml"
import { version } from "./internal/version.js"
import { WaiverEntry } from "./Report.js"
import { nearest } from "./suggest.js"
import { parseWaivers } from "./Waivers.js"

/** The names the config file is found under in the working directory, in this order. */
export const configFileNames = ["arlo-ready.config.json", "arlo-ready.config.yaml", "arlo-ready.config.yml"] as const

export const ConfigFile = Schema.Struct({
  $schema: Schema.optional(Schema.String),
  target: Schema.optional(
    Schema.Struct({
      /** A platform name: `acme` audits `https://acme.arlo.co`. */
      platform: Schema.optional(Schema.String),
      /** Or a base URL. */
      baseUrl: Schema.optional(Schema.String)
    })
  ),
  methods: Schema.optional(Schema.Literal("basic", "oauth", "both")),
  expectAccess: Schema.optional(Schema.Literal("full", "presenter")),
  mfaSetting: Schema.optional(Schema.Literal("optional", "required")),
  format: Schema.optional(Schema.Literal("json", "junit", "markdown", "github", "ndjson", "text", "html")),
  /** FORMAT → PATH, as `--output FORMAT=PATH`. */
  outputs: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String })),
  failOn: Schema.optional(Schema.Literal("fail", "warn", "new")),
  waivers: Schema.optional(Schema.Array(WaiverEntry)),
  /** Warn this many days (0 to 365) before a waiver expires; 14 when not set. */
  waiverWarnDays: Schema.optional(Schema.Int.pipe(Schema.between(0, 365)))
}).annotations({ identifier: "ConfigFile", title: "arlo-ready config file" })
export type ConfigFile = typeof ConfigFile.Type

/** The JSON Schema of the config file (shipped as `config.schema.json`; `$schema` may point at it). */
export const configJsonSchema = (): object => ({
  $id: `https://unpkg.com/@arlo-ready/core@${version}/config.schema.json`,
  ...JSONSchema.make(ConfigFile)
})

const secretKeys = /^(password|clientSecret|client_secret|accessToken|access_token|refreshToken|token|secret|apiKey)$/i
const topKeys = [
  "$schema",
  "target",
  "methods",
  "expectAccess",
  "mfaSetting",
  "format",
  "outputs",
  "failOn",
  "waivers",
  "waiverWarnDays"
]
const choices: Record<string, ReadonlyArray<string>> = {
  methods: ["basic", "oauth", "both"],
  expectAccess: ["full", "presenter"],
  mfaSetting: ["optional", "required"],
  format: ["json", "junit", "markdown", "github", "ndjson", "text", "html"],
  failOn: ["fail", "warn", "new"]
}

type Result = { readonly config: ConfigFile } | { readonly error: string }

const unknownKey = (path: string, key: string, known: ReadonlyArray<string>): string => {
  if (secretKeys.test(key))
    return `${path}${key}: a secret does not belong in the config file: give it by environment variable, file or command`
  const near = nearest(key, known)
  return `${path}${key} is not a config key${near ? ` (did you mean ${near}?)` : ""}`
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v)

/** Checks a parsed config file; the error names the key path and says what to fix. */
export const checkConfig = (data: unknown): Result => {
  if (!isObject(data)) return { error: "the config file must hold an object of settings" }
  for (const key of Object.keys(data)) if (!topKeys.includes(key)) return { error: unknownKey("", key, topKeys) }
  for (const [key, allowed] of Object.entries(choices)) {
    const v = data[key]
    if (v !== undefined && !(typeof v === "string" && allowed.includes(v)))
      return { error: `${key}: ${JSON.stringify(v)} is not one of ${allowed.join(", ")}` }
  }
  if (data.target !== undefined) {
    if (!isObject(data.target)) return { error: "target must be an object with platform or baseUrl" }
    for (const key of Object.keys(data.target))
      if (key !== "platform" && key !== "baseUrl") return { error: unknownKey("target.", key, ["platform", "baseUrl"]) }
    for (const key of ["platform", "baseUrl"] as const) {
      const v = data.target[key]
      if (v !== undefined && (typeof v !== "string" || v === ""))
        return { error: `target.${key} must be a non-empty string` }
      if (typeof v === "string" && /^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/@]*@/i.test(v))
        return { error: `target.${key}: a URL with a password in it does not belong in the config file` }
    }
  }
  if (data.outputs !== undefined) {
    if (!isObject(data.outputs)) return { error: "outputs must map a format to a path, e.g. { junit: arlo-ready.xml }" }
    for (const [format, path] of Object.entries(data.outputs)) {
      if (!choices.format!.includes(format)) return { error: unknownKey("outputs.", format, choices.format!) }
      if (typeof path !== "string" || path === "") return { error: `outputs.${format} must be a path` }
    }
  }
  const days = data.waiverWarnDays
  if (days !== undefined && !(typeof days === "number" && Number.isInteger(days) && days >= 0 && days <= 365))
    return { error: `waiverWarnDays: ${JSON.stringify(days)} is not a whole number of days from 0 to 365` }
  if (data.waivers !== undefined) {
    const parsed = parseWaivers(data.waivers)
    if ("error" in parsed) return parsed
  }
  if (typeof data.$schema !== "undefined" && typeof data.$schema !== "string") return { error: "$schema must be a URL" }
  return { config: data as ConfigFile }
}

/** Parses a config file's text: YAML when the name ends in .yml or .yaml, JSON otherwise. */
export const parseConfigFile = (text: string, name: string): Result => {
  const yaml = /\.ya?ml$/i.test(name)
  let data: unknown
  try {
    data = yaml ? parseYaml(text) : JSON.parse(text)
  } catch (e) {
    return { error: `not valid ${yaml ? "YAML" : "JSON"}: ${(e as Error).message.split("\n")[0]}` }
  }
  return checkConfig(data)
}
