/**
 * The scenario file: which platforms the simulator serves, their users, OAuth clients, dialects,
 * faults, and what each scenario hands an auditor.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { Data, Either, ParseResult, Schema } from "effect"

/** A role an Arlo identity can hold [DOC]. */
export const Role = Schema.Literal("API User", "Administrator", "Presenter")
export type Role = typeof Role.Type

/** The platform MFA setting [DOC]. */
export const MfaSetting = Schema.Literal("optional", "required")
export type MfaSetting = typeof MfaSetting.Type

/** The scopes that grant data: `all_claims` and the functional scopes [DOC scopes page]. */
export const dataScopes = [
  "all_claims",
  "events",
  "registrations",
  "contacts",
  "organisations",
  "regions",
  "timezones",
  "venues",
  "leads",
  "metadata"
] as const
/** A scope that grants data. */
export type DataScope = (typeof dataScopes)[number]

/** Every scope the simulated authorization server knows [DOC scopes page]. */
export const knownScopes = ["openid", "profile", "read", "write", "roles", "offline_access", ...dataScopes] as const

const NonNegativeInt = Schema.Int.pipe(Schema.nonNegative())
const PositiveInt = Schema.Int.pipe(Schema.positive())
const Slug = Schema.String.pipe(
  Schema.pattern(/^[a-z0-9][a-z0-9-]*$/, {
    message: () => "a platform name is lower-case letters, digits and hyphens, starting with a letter or digit"
  })
)

/** How this platform answers where Arlo's documentation is silent. See docs/simulator.md. */
export const Dialect = Schema.Struct({
  mfaFailure: Schema.optionalWith(Schema.Literal("explicit", "opaque", "forbidden"), {
    default: () => "explicit" as const
  }),
  lockedFailure: Schema.optionalWith(Schema.Literal("explicit", "opaque"), { default: () => "explicit" as const }),
  noApiAccessStatus: Schema.optionalWith(Schema.Literal(401, 403), { default: () => 403 as const }),
  routeDenialStatus: Schema.optionalWith(Schema.Literal(403, 404), { default: () => 403 as const }),
  apiUserOnly: Schema.optionalWith(Schema.Literal("limited", "full"), { default: () => "limited" as const }),
  unapprovedClient: Schema.optionalWith(Schema.Literal("unauthorized_client", "invalid_client", "login_then_denied"), {
    default: () => "unauthorized_client" as const
  }),
  discovery: Schema.optionalWith(Schema.Boolean, { default: () => true }),
  missingScope: Schema.optionalWith(Schema.Literal("empty", "403"), { default: () => "empty" as const }),
  signIn: Schema.optionalWith(
    Schema.Literal("identityserver3", "identityserver4", "oidc-provider", "central", "page"),
    {
      default: () => "identityserver3" as const
    }
  ),
  authorizeError: Schema.optionalWith(Schema.Literal("classes", "paragraph", "pre", "json"), {
    default: () => "classes" as const
  }),
  unauthorized: Schema.optionalWith(Schema.Literal("challenge", "no_challenge", "gateway_html"), {
    default: () => "challenge" as const
  }),
  revocation: Schema.optionalWith(Schema.Literal("rfc7009", "absent", "unsupported_token_type"), {
    default: () => "rfc7009" as const
  })
})
export type Dialect = typeof Dialect.Type
/** A dialect as written in a file or a patch: every field optional. */
export type DialectInput = typeof Dialect.Encoded

/** A user of the platform. `contactId` and `email` get defaults when omitted. */
export const User = Schema.Struct({
  username: Schema.NonEmptyString,
  password: Schema.String,
  contactId: Schema.optional(PositiveInt),
  email: Schema.optional(Schema.NonEmptyString),
  firstName: Schema.optional(Schema.NonEmptyString),
  lastName: Schema.optional(Schema.NonEmptyString),
  roles: Schema.Array(Role),
  mfaEnabled: Schema.optionalWith(Schema.Boolean, { default: () => false }),
  accountType: Schema.optionalWith(Schema.Literal("standard", "integration"), { default: () => "standard" as const }),
  locked: Schema.optionalWith(Schema.Boolean, { default: () => false })
})
export type User = typeof User.Type

/** An OAuth client's registration status. */
export const ClientStatus = Schema.Literal("approved", "pending", "revoked")

/** An OAuth client registered for the platform. */
export const Client = Schema.Struct({
  clientId: Schema.NonEmptyString,
  clientSecret: Schema.String,
  name: Schema.optionalWith(Schema.String, { default: () => "Integration" }),
  redirectUris: Schema.Array(Schema.String),
  allowedScopes: Schema.optionalWith(Schema.Array(Schema.Literal(...knownScopes)), { default: () => [...knownScopes] }),
  status: Schema.optionalWith(ClientStatus, { default: () => "approved" as const })
})
export type Client = typeof Client.Type

/** The platform's request budget: `perMinute` per fixed minute, `spent` already used at start. */
export const RateLimit = Schema.Struct({
  perMinute: Schema.optionalWith(PositiveInt, { default: () => 300 }),
  spent: Schema.optionalWith(NonNegativeInt, { default: () => 0 })
})
export type RateLimit = typeof RateLimit.Type

/** A fault rule: which requests it matches and what it does to them. */
export const Fault = Schema.Struct({
  match: Schema.String.pipe(Schema.startsWith("/")),
  method: Schema.optional(Schema.String),
  after: Schema.optionalWith(NonNegativeInt, { default: () => 0 }),
  times: Schema.optional(NonNegativeInt),
  latencyMs: Schema.optional(NonNegativeInt),
  jitterMs: Schema.optional(NonNegativeInt),
  status: Schema.optional(Schema.Int.pipe(Schema.between(100, 599))),
  retryAfter: Schema.optional(NonNegativeInt),
  reset: Schema.optional(Schema.Boolean),
  truncate: Schema.optional(Schema.Boolean),
  malformedXml: Schema.optional(Schema.Boolean),
  html: Schema.optional(Schema.Boolean),
  trickleMs: Schema.optional(PositiveInt),
  trickleBytes: Schema.optional(PositiveInt),
  redirectLoop: Schema.optional(Schema.Boolean),
  oversizeBytes: Schema.optional(PositiveInt)
})
export type Fault = typeof Fault.Type

/** What a scenario hands an auditor of the platform, and the outcome it expects (documentation only). */
export const Audit = Schema.Struct({
  username: Schema.optional(Schema.String),
  password: Schema.optional(Schema.String),
  clientId: Schema.optional(Schema.String),
  clientSecret: Schema.optional(Schema.String),
  redirectUri: Schema.optional(Schema.String),
  scopes: Schema.optional(Schema.Array(Schema.String)),
  mfaSetting: Schema.optional(MfaSetting),
  expectAccess: Schema.optional(Schema.Literal("full", "limited", "none")),
  expect: Schema.optional(Schema.String)
})
export type Audit = typeof Audit.Type

/** One simulated platform. */
export const Platform = Schema.Struct({
  name: Slug,
  mfaSetting: Schema.optionalWith(MfaSetting, { default: () => "optional" as const }),
  dialect: Schema.optionalWith(Dialect, { default: () => Schema.decodeSync(Dialect)({}) }),
  users: Schema.Array(User),
  clients: Schema.optionalWith(Schema.Array(Client), { default: () => [] }),
  rateLimit: Schema.optionalWith(RateLimit, { default: () => ({ perMinute: 300, spent: 0 }) }),
  faults: Schema.optionalWith(Schema.Array(Fault), { default: () => [] }),
  seed: Schema.optional(NonNegativeInt),
  tokenLifetimeSeconds: Schema.optionalWith(NonNegativeInt, { default: () => 3600 }),
  codeLifetimeSeconds: Schema.optionalWith(NonNegativeInt, { default: () => 300 }),
  audit: Audit
}).pipe(
  Schema.filter((p) => {
    const seen = new Set<string>()
    for (const [i, u] of p.users.entries()) {
      const key = u.username.toLowerCase()
      if (seen.has(key)) return { path: ["users", i, "username"], message: `duplicate username "${u.username}"` }
      seen.add(key)
    }
    const ids = new Set<string>()
    for (const [i, c] of p.clients.entries()) {
      if (ids.has(c.clientId))
        return { path: ["clients", i, "clientId"], message: `duplicate clientId "${c.clientId}"` }
      ids.add(c.clientId)
    }
    return true
  })
)
export type Platform = typeof Platform.Type

/** A scenario: a named set of platforms. */
export const Scenario = Schema.Struct({
  name: Schema.NonEmptyString,
  description: Schema.String,
  latencyMs: Schema.optionalWith(NonNegativeInt, { default: () => 0 }),
  platforms: Schema.Array(Platform).pipe(Schema.minItems(1, { message: () => "list at least one platform" }))
}).pipe(
  Schema.filter((s) => {
    const seen = new Set<string>()
    for (const [i, p] of s.platforms.entries()) {
      if (seen.has(p.name)) return { path: ["platforms", i, "name"], message: `duplicate platform name "${p.name}"` }
      seen.add(p.name)
    }
    return true
  })
)
export type Scenario = typeof Scenario.Type
/** A scenario as written in a file: defaults not yet applied. */
export type ScenarioInput = typeof Scenario.Encoded

/** A scenario could not be found, read or decoded. `message` is one line that says what to fix. */
export class ScenarioError extends Data.TaggedError("ScenarioError")<{ readonly message: string }> {}

const formatPath = (p: ReadonlyArray<PropertyKey>): string =>
  p.reduce<string>(
    (acc, k) =>
      typeof k === "number"
        ? `${acc}[${k}]`
        : typeof k === "string" && /^[A-Za-z_$][\w$-]*$/.test(k)
          ? acc === ""
            ? k
            : `${acc}.${k}`
          : `${acc}[${JSON.stringify(String(k))}]`,
    ""
  )

/** Turns a parse error into one line naming the first offending field. */
export const formatParseError = (error: ParseResult.ParseError): string => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const first = issues[0]
  if (first === undefined) return "invalid scenario"
  const where = formatPath(first.path)
  const same = issues.filter((i) => formatPath(i.path) === where)
  const parsed = same.map((i) => /^Expected (.*), actual (.*)$/s.exec(i.message))
  const message =
    same.length > 1 && parsed.every((m) => m !== null)
      ? `Expected ${parsed.map((m) => m![1]).join(" | ")}, actual ${parsed[0]![2]}`
      : first.message
  const rest = issues.length - (parsed.every((m) => m !== null) ? same.length : 1)
  const more = rest > 0 ? ` (and ${rest} more)` : ""
  return `${where === "" ? "(root)" : where}: ${message.replace(/\s+/g, " ")}${more}`
}

const decodeScenario = Schema.decodeUnknownEither(Scenario, { errors: "all", onExcessProperty: "error" })

/** Decodes an unknown value (a parsed JSON file, a literal object) as a Scenario. */
export const decode = (input: unknown, source = "scenario"): Either.Either<Scenario, ScenarioError> =>
  Either.mapLeft(decodeScenario(input), (e) => new ScenarioError({ message: `${source}: ${formatParseError(e)}` }))

/** The directory holding the built-in scenario files, from `src/` (tests) or `dist/` (the bin). */
export const scenariosDir = (): string => {
  const candidates = [new URL("./scenarios/", import.meta.url), new URL("../scenarios/", import.meta.url)]
  for (const c of candidates) {
    const dir = fileURLToPath(c)
    if (fs.existsSync(path.join(dir, "ready.json"))) return dir
  }
  return fileURLToPath(candidates[1]!)
}

/** The names of the built-in scenarios, sorted with `demo` last. */
export const builtInNames = (): ReadonlyArray<string> => {
  const names = fs
    .readdirSync(scenariosDir())
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -".json".length))
  return names.sort((a, b) => (a === "demo" ? 1 : b === "demo" ? -1 : a.localeCompare(b)))
}

const readJsonFile = (file: string): Either.Either<unknown, ScenarioError> => {
  let text: string
  try {
    text = fs.readFileSync(file, "utf8")
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    return Either.left(
      new ScenarioError({
        message: `${file}: cannot read the scenario file (${code ?? "error"}); give a built-in name (see --list-scenarios) or a path to a JSON file`
      })
    )
  }
  try {
    return Either.right(JSON.parse(text) as unknown)
  } catch (e) {
    // Newer engines quote the file's text in the message: keep it to one short line.
    const reason = (e as Error).message.replace(/\s+/g, " ").slice(0, 160)
    return Either.left(new ScenarioError({ message: `${file}: not valid JSON (${reason})` }))
  }
}

/**
 * Loads a scenario: a built-in name (`ready`, `demo`, …), a path to a JSON file, or a Scenario value
 * (encoded or decoded form; defaults are applied).
 */
export const load = (scenario: string | ScenarioInput | Scenario): Either.Either<Scenario, ScenarioError> => {
  if (typeof scenario !== "string") {
    const name = (scenario as { name?: unknown } | null)?.name
    return decode(scenario, typeof name === "string" ? `scenario ${JSON.stringify(name)}` : "scenario")
  }
  const builtIn = path.join(scenariosDir(), `${scenario}.json`)
  const looksLikePath = scenario.includes("/") || scenario.includes("\\") || scenario.endsWith(".json")
  if (!looksLikePath) {
    if (!/^[a-z0-9-]+$/.test(scenario) || !fs.existsSync(builtIn)) {
      return Either.left(
        new ScenarioError({
          message: `unknown scenario "${scenario}": use one of ${builtInNames().join(", ")}, or a path to a JSON file`
        })
      )
    }
    return Either.flatMap(readJsonFile(builtIn), (json) => decode(json, `scenario "${scenario}"`))
  }
  return Either.flatMap(readJsonFile(scenario), (json) => decode(json, scenario))
}
