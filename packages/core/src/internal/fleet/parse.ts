/**
 * The fleet file parser: JSON or YAML (one code path through `yaml`, which gives every node its
 * line), checked key by key into a {@link Fleet} with the defaults applied. Linear in the file's size;
 * the first problem found is the error.
 */
import { createHash } from "node:crypto"
import { Either } from "effect"
import { isMap, LineCounter, parseDocument } from "yaml"
import type { FleetTarget } from "../../FleetTypes.js"
import { targetFromBaseUrl, targetFromPlatform } from "../config/target.js"
import { type Fleet, FleetError, fleetLimits } from "./model.js"
import {
  type Ctx,
  type Entry,
  entries,
  fail,
  lineOf,
  readEnum,
  readList,
  readPlainOrEnv,
  readSecretRef,
  readString,
  readStringList,
  readStringOrList,
  Stop
} from "./read.js"

const settingKeys = ["auth", "expectAccess", "mfaSetting", "tags"] as const
const targetKeys = [
  "name",
  "platform",
  "baseUrl",
  ...settingKeys,
  "username",
  "password",
  "clientId",
  "clientSecret",
  "redirectUri",
  "scopes",
  "accessToken"
] as const
const fileKeys = ["$schema", "name", "defaults", "targets"] as const

/** A target's name: what shards, merges and reports key on. */
export const targetNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

type Settings = Pick<FleetTarget, (typeof settingKeys)[number]>
type Mutable<T> = { -readonly [K in keyof T]: T[K] }

const readSetting = (ctx: Ctx, e: Entry, into: Mutable<Settings>): boolean => {
  if (e.key === "auth") into.auth = readEnum(ctx, e, ["basic", "oauth", "both"] as const)
  else if (e.key === "expectAccess") into.expectAccess = readEnum(ctx, e, ["full", "presenter"] as const)
  else if (e.key === "mfaSetting") into.mfaSetting = readEnum(ctx, e, ["optional", "required"] as const)
  else if (e.key === "tags") into.tags = readStringList(ctx, e)
  else return false
  return true
}

const readSettings = (ctx: Ctx, e: Entry): Settings => {
  const out: Mutable<Settings> = {}
  for (const s of entries(ctx, e.value, e.path, settingKeys, "settings every target takes")) readSetting(ctx, s, out)
  return out
}

const readTarget = (ctx: Ctx, node: unknown, path: string, defaults: Settings): FleetTarget => {
  const t: Mutable<FleetTarget> & Record<string, unknown> = { name: "" }
  const at: Record<string, unknown> = {}
  for (const e of entries(ctx, node, path, targetKeys, "a target: name, platform or baseUrl, credentials")) {
    at[e.key] = e.value
    if (readSetting(ctx, e, t)) continue
    if (e.key === "password" || e.key === "clientSecret" || e.key === "accessToken") t[e.key] = readSecretRef(ctx, e)
    else if (e.key === "username" || e.key === "clientId") t[e.key] = readPlainOrEnv(ctx, e)
    else if (e.key === "scopes") t.scopes = readStringOrList(ctx, e)
    else t[e.key] = readString(ctx, e)
  }
  if (t.name === "") fail(ctx, node, `${path} has no name: give each target a unique name.`)
  if (!targetNamePattern.test(t.name)) {
    fail(
      ctx,
      at.name,
      `${path}.name must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.`
    )
  }
  checkTarget(ctx, node, path, t, at)
  return withDefaults(t, defaults)
}

/** Exactly one of platform and baseUrl, valid; credentials that make at least one method. */
const checkTarget = (ctx: Ctx, node: unknown, path: string, t: FleetTarget, at: Record<string, unknown>): void => {
  if (t.platform === undefined && t.baseUrl === undefined) {
    fail(ctx, node, `${path} has no platform or baseUrl: give one (e.g. platform: acme for https://acme.arlo.co).`)
  }
  if (t.platform !== undefined && t.baseUrl !== undefined) {
    fail(ctx, at.baseUrl, `${path} gives both platform and baseUrl: give one.`)
  }
  const target =
    t.platform !== undefined
      ? targetFromPlatform(t.platform, `${path}.platform`)
      : targetFromBaseUrl(t.baseUrl ?? "", `${path}.baseUrl`)
  if (Either.isLeft(target)) fail(ctx, at.platform ?? at.baseUrl, target.left.message)
  if ((t.username === undefined) !== (t.password === undefined)) {
    const missing = t.username === undefined ? "username" : "password"
    fail(
      ctx,
      node,
      `${path} has ${missing === "username" ? "a password" : "a username"} but no ${missing}: Basic auth needs both.`
    )
  }
  const basic = t.username !== undefined
  const oauth = t.clientId !== undefined || t.accessToken !== undefined
  if (!basic && !oauth) {
    fail(
      ctx,
      node,
      `${path} has no credentials: give username and password (Basic auth), clientId or accessToken (OAuth 2).`
    )
  }
  const auth = t.auth
  if ((auth === "basic" || auth === "both") && !basic)
    fail(ctx, at.auth ?? node, `${path}.auth is ${auth} but no username and password are given.`)
  if ((auth === "oauth" || auth === "both") && !oauth)
    fail(ctx, at.auth ?? node, `${path}.auth is ${auth} but no clientId or accessToken is given.`)
}

const withDefaults = (t: Mutable<FleetTarget>, d: Settings): FleetTarget => {
  const out: Mutable<FleetTarget> = { ...t }
  if (out.auth === undefined && d.auth !== undefined) out.auth = d.auth
  if (out.expectAccess === undefined && d.expectAccess !== undefined) out.expectAccess = d.expectAccess
  if (out.mfaSetting === undefined && d.mfaSetting !== undefined) out.mfaSetting = d.mfaSetting
  if (t.tags !== undefined || d.tags !== undefined) out.tags = [...new Set([...(t.tags ?? []), ...(d.tags ?? [])])]
  return out
}

/** JSON with every object's keys sorted: one text for one value. */
const canonical = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort()
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(",")}}`
  }
  return JSON.stringify(value) ?? "null"
}

const syntaxError = (fileName: string, line: number, code: string): FleetError =>
  new FleetError({
    message:
      code === "DUPLICATE_KEY"
        ? `${fileName}:${line}: a key is given twice in one object: keep one.`
        : `${fileName}:${line}: the fleet file is not valid YAML or JSON (${code.toLowerCase().replaceAll("_", " ")}): fix the syntax on this line.`
  })

/**
 * Parses a fleet file (`fileName` names it in errors): a {@link Fleet}, or the first problem as one line
 * naming `FILE:LINE` and the key path. A secret written into the file is refused without being shown.
 */
export const parseFleet = (text: string, fileName: string): Either.Either<Fleet, FleetError> => {
  if (text.length > fleetLimits.maxBytes || Buffer.byteLength(text, "utf8") > fleetLimits.maxBytes) {
    return Either.left(
      new FleetError({ message: `${fileName}: the fleet file is over 5 MiB: split it into several fleets.` })
    )
  }
  const lines = new LineCounter()
  const doc = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
    keepSourceTokens: false
  })
  const first = doc.errors[0]
  if (first) return Either.left(syntaxError(fileName, lines.linePos(first.pos[0]).line, first.code))
  const ctx: Ctx = { fileName, lines }
  try {
    const { name, targets } = walk(ctx, doc.contents)
    // Every node has been read, and none is an alias: the plain value is as large as the file.
    const { $schema: _, ...content } = doc.toJS() as Record<string, unknown>
    const digest = createHash("sha256").update(canonical(content)).digest("hex")
    return Either.right({ fileName, name, digest, targets })
  } catch (e) {
    if (e instanceof Stop) return Either.left(e.error)
    throw e
  }
}

const walk = (ctx: Ctx, root: unknown): Pick<Fleet, "name" | "targets"> => {
  if (root === null || (!isMap(root) && (root as { value?: unknown }).value === null)) {
    fail(ctx, root, `the fleet file is empty: give an object with a targets list.`)
  }
  let name: string | null = null
  let defaults: Settings = {}
  let targetsEntry: Entry | undefined
  for (const e of entries(ctx, root, "", fileKeys, "with a targets list")) {
    if (e.key === "$schema") readString(ctx, e)
    else if (e.key === "name") name = readString(ctx, e)
    else if (e.key === "defaults") defaults = readSettings(ctx, e)
    else targetsEntry = e
  }
  if (!targetsEntry) return fail(ctx, root, `the fleet file has no targets: give a targets list.`)
  const items = readList(ctx, targetsEntry)
  if (items.length === 0) fail(ctx, targetsEntry.value, `targets is empty: list at least one target.`)
  if (items.length > fleetLimits.maxTargets) {
    fail(
      ctx,
      targetsEntry.value,
      `targets lists ${items.length} targets, over ${fleetLimits.maxTargets}: split the fleet into several files.`
    )
  }
  const seen = new Map<string, number>()
  const targets = items.map((item, i) => {
    const t = readTarget(ctx, item, `targets[${i}]`, defaults)
    const before = seen.get(t.name)
    if (before !== undefined) {
      fail(
        ctx,
        item,
        `targets[${i}].name '${t.name}' is already the name of targets[${before}] (line ${lineOf(ctx, items[before])}): names must be unique.`
      )
    }
    seen.set(t.name, i)
    return t
  })
  return { name, targets }
}
