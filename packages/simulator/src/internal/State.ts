/** The simulator's mutable state: platforms (users, clients, grants, rate limit, faults) and the journal. */
import * as crypto from "node:crypto"
import { Schema } from "effect"
import type { Audit, Client, Dialect, DialectInput, Fault, MfaSetting, Platform, Role, Scenario } from "../Scenario.js"
import { Dialect as DialectSchema } from "../Scenario.js"
import * as Dataset from "./Dataset.js"
import * as Prng from "./Prng.js"
import type { PendingSignIn } from "./SignIn.js"

export interface UserState {
  username: string
  password: string
  contactId: number
  email: string
  firstName: string
  lastName: string
  roles: Array<Role>
  mfaEnabled: boolean
  accountType: "standard" | "integration"
  locked: boolean
}

export interface ClientState {
  clientId: string
  clientSecret: string
  name: string
  redirectUris: Array<string>
  allowedScopes: Array<string>
  status: Client["status"]
}

interface FaultState {
  readonly rule: Fault
  readonly pattern: RegExp
  matched: number
  affected: number
}

interface CodeGrant {
  readonly clientId: string
  readonly username: string
  readonly scopes: ReadonlyArray<string>
  readonly redirectUri: string
  /** RFC 7636: the challenge the authorize request sent, and its method. */
  readonly codeChallenge?: string | undefined
  readonly codeChallengeMethod?: "S256" | "plain" | undefined
  /** The OpenID nonce the authorize request sent, for the ID token. */
  readonly nonce?: string | undefined
  expiresAt: number
  used: boolean
}

interface TokenGrant {
  readonly clientId: string
  readonly username: string
  readonly scopes: ReadonlyArray<string>
  readonly expiresAt: number
  revoked: boolean
}

interface RefreshGrant {
  readonly clientId: string
  readonly username: string
  readonly scopes: ReadonlyArray<string>
  revoked: boolean
}

/** One journalled request. Never holds a password, secret, code or token. */
export interface JournalEntry {
  readonly seq: number
  readonly at: string
  readonly platform: string
  readonly method: string
  readonly path: string
  readonly query: string
  readonly status: number
  readonly durationMs: number
  readonly credentials: "none" | "basic" | "bearer" | "client"
  readonly username?: string
  readonly clientId?: string
  readonly fault?: string
}

/**
 * What platforms of one server share: generated data by its inputs, and the name a platform's data is
 * generated for when it is not its own (a fleet platform takes its story's, so every platform of one
 * story shares one dataset).
 */
export interface SharedData {
  readonly datasets: Map<string, Dataset.Dataset>
  readonly dataNames: ReadonlyMap<string, string>
}

export const newSharedData = (dataNames: ReadonlyMap<string, string> = new Map()): SharedData => ({
  datasets: new Map(),
  dataNames
})

export class PlatformState {
  readonly name: string
  mfaSetting: MfaSetting
  dialect: Dialect
  readonly users = new Map<string, UserState>()
  readonly clients = new Map<string, ClientState>()
  /** Built on first use, and shared with every platform whose data would come out the same. */
  #data: Dataset.Dataset | undefined
  readonly #dataFrom: () => Dataset.Dataset
  readonly audit: Audit
  readonly rng: Prng.Prng
  perMinute: number
  windowStart = 0
  windowCount = 0
  faults: Array<FaultState> = []
  tokenLifetimeSeconds: number
  codeLifetimeSeconds: number
  readonly codes = new Map<string, CodeGrant>()
  readonly tokens = new Map<string, TokenGrant>()
  readonly refreshTokens = new Map<string, RefreshGrant>()
  readonly pendingSignIns = new Map<string, PendingSignIn>()
  inFlight = 0
  peakInFlight = 0

  constructor(p: Platform, dialectOverride: DialectInput | undefined, shared: SharedData = newSharedData()) {
    this.name = p.name
    this.mfaSetting = p.mfaSetting
    this.dialect = dialectOverride ? mergeDialect(p.dialect, dialectOverride) : p.dialect
    this.audit = p.audit
    const seed = p.seed ?? Prng.hash(p.name)
    this.rng = Prng.make(seed ^ 0x5eed)
    const contacts: Array<Dataset.UserContact> = []
    const taken = new Set(p.users.flatMap((u) => (u.contactId === undefined ? [] : [u.contactId])))
    let nextId = 101
    for (const u of p.users) {
      let contactId = u.contactId
      if (contactId === undefined) {
        while (taken.has(nextId)) nextId++
        contactId = nextId
        taken.add(nextId)
      }
      const local =
        u.username
          .split("@")[0]!
          .replace(/[^A-Za-z]+/g, " ")
          .trim() || "api"
      const words = local.split(" ")
      const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1)
      const user: UserState = {
        username: u.username,
        password: u.password,
        contactId,
        email: u.email ?? (u.username.includes("@") ? u.username : `${u.username}@${p.name}.example`),
        firstName: u.firstName ?? cap(words[0]!),
        lastName: u.lastName ?? (words.length > 1 ? cap(words.slice(1).join(" ")) : "User"),
        roles: [...u.roles],
        mfaEnabled: u.mfaEnabled,
        accountType: u.accountType,
        locked: u.locked
      }
      this.users.set(u.username.toLowerCase(), user)
      contacts.push(user)
    }
    for (const c of p.clients) {
      this.clients.set(c.clientId, {
        clientId: c.clientId,
        clientSecret: c.clientSecret,
        name: c.name,
        redirectUris: [...c.redirectUris],
        allowedScopes: [...c.allowedScopes],
        status: c.status
      })
    }
    const dataName = shared.dataNames.get(p.name) ?? p.name
    const key = JSON.stringify([seed, dataName, contacts.map((c) => [c.contactId, c.email, c.firstName, c.lastName])])
    this.#dataFrom = () => {
      let data = shared.datasets.get(key)
      if (data === undefined) {
        data = Dataset.generate(seed, dataName, contacts)
        shared.datasets.set(key, data)
      }
      return data
    }
    this.perMinute = p.rateLimit.perMinute
    this.setRateLimit(p.rateLimit.perMinute, p.rateLimit.spent)
    this.setFaults(p.faults)
    this.tokenLifetimeSeconds = p.tokenLifetimeSeconds
    this.codeLifetimeSeconds = p.codeLifetimeSeconds
  }

  /** The platform's generated data (immutable: platforms share it). */
  get data(): Dataset.Dataset {
    this.#data ??= this.#dataFrom()
    return this.#data
  }

  setRateLimit(perMinute: number, spent: number) {
    this.perMinute = perMinute
    this.windowStart = Date.now()
    this.windowCount = spent
  }

  setFaults(faults: ReadonlyArray<Fault>) {
    this.faults = faults.map((rule) => ({ rule, pattern: compilePattern(rule.match), matched: 0, affected: 0 }))
  }

  /** Counts one request against the minute; `true` when it is over the limit. */
  takeRequest(now: number): boolean {
    if (now - this.windowStart >= 60_000) {
      this.windowStart = now
      this.windowCount = 0
    }
    this.windowCount++
    return this.windowCount > this.perMinute
  }

  user(username: string): UserState | undefined {
    return this.users.get(username.toLowerCase())
  }

  /** A standard user with MFA on, or any standard user under a Required setting. */
  mfaBlocked(u: UserState): boolean {
    return u.accountType === "standard" && (u.mfaEnabled || this.mfaSetting === "required")
  }

  issueCode(grant: Omit<CodeGrant, "used" | "expiresAt">): string {
    const code = crypto.randomBytes(24).toString("base64url")
    this.codes.set(code, { ...grant, used: false, expiresAt: Date.now() + this.codeLifetimeSeconds * 1000 })
    return code
  }

  issueTokens(
    clientId: string,
    username: string,
    scopes: ReadonlyArray<string>
  ): { accessToken: string; refreshToken: string | undefined } {
    const accessToken = crypto.randomBytes(32).toString("base64url")
    this.tokens.set(accessToken, {
      clientId,
      username,
      scopes,
      expiresAt: Date.now() + this.tokenLifetimeSeconds * 1000,
      revoked: false
    })
    let refreshToken: string | undefined
    if (scopes.includes("offline_access")) {
      refreshToken = crypto.randomBytes(32).toString("base64url")
      this.refreshTokens.set(refreshToken, { clientId, username, scopes, revoked: false })
    }
    return { accessToken, refreshToken }
  }

  /** The tokens that still work (never their values): what a test asserts is empty once it has revoked. */
  liveTokens(): Array<{ kind: "access_token" | "refresh_token"; clientId: string; username: string }> {
    const now = Date.now()
    return [
      ...[...this.tokens.values()]
        .filter((t) => !t.revoked && now < t.expiresAt)
        .map((t) => ({ kind: "access_token" as const, clientId: t.clientId, username: t.username })),
      ...[...this.refreshTokens.values()]
        .filter((t) => !t.revoked)
        .map((t) => ({ kind: "refresh_token" as const, clientId: t.clientId, username: t.username }))
    ]
  }

  /** Expires every authorization code issued so far (a test of an expired code). */
  expireCodes(): number {
    for (const c of this.codes.values()) c.expiresAt = 0
    return this.codes.size
  }

  /** The live grant behind an access token, or `undefined` when it is unknown, expired, revoked or its client is not approved. */
  validToken(token: string): (TokenGrant & { user: UserState }) | undefined {
    const grant = this.tokens.get(token)
    if (grant === undefined || grant.revoked || Date.now() >= grant.expiresAt) return undefined
    const client = this.clients.get(grant.clientId)
    if (client === undefined || client.status !== "approved") return undefined
    const user = this.user(grant.username)
    if (user === undefined) return undefined
    return { ...grant, user }
  }
}

/** Applies a partial dialect over a full one; throws a ParseError on an invalid value. */
export const mergeDialect = (base: Dialect, input: DialectInput): Dialect =>
  Schema.decodeUnknownSync(DialectSchema, { onExcessProperty: "error" })({ ...base, ...input })

/** `*` matches one path segment, `**` any rest; a trailing slash is not significant. */
const compilePattern = (pattern: string): RegExp => {
  const trimmed = pattern.length > 1 ? pattern.replace(/\/+$/, "") : pattern
  let re = ""
  for (let i = 0; i < trimmed.length; i++) {
    const c = trimmed[i]!
    if (c === "/" && trimmed.startsWith("/**", i)) {
      re += "(?:/.*)?"
      i += 2
    } else if (c === "*" && trimmed[i + 1] === "*") {
      re += ".*"
      i++
    } else if (c === "*") {
      re += "[^/]+"
    } else {
      re += c.replace(/[.+?^${}()|[\]\\]/g, "\\$&")
    }
  }
  return new RegExp(`^${re}/?$`)
}

const JOURNAL_LIMIT = 100_000

export class ServerState {
  readonly platforms = new Map<string, PlatformState>()
  readonly scenario: Scenario
  latencyMs: number
  origin = "http://127.0.0.1:0"
  /** The other origin, on the same server, where a `signIn: central` platform sends a browser to sign in. */
  centralOrigin = "http://localhost:0"
  journal: Array<JournalEntry> = []
  seq = 0

  constructor(
    scenario: Scenario,
    dialect: DialectInput | undefined,
    dataNames: ReadonlyMap<string, string> = new Map()
  ) {
    this.scenario = scenario
    this.latencyMs = scenario.latencyMs
    const shared = newSharedData(dataNames)
    for (const p of scenario.platforms) this.platforms.set(p.name, new PlatformState(p, dialect, shared))
  }

  baseUrl(platform: string): string {
    return `${this.origin}/${platform}`
  }

  record(entry: Omit<JournalEntry, "seq">): void {
    this.seq++
    this.journal.push({ seq: this.seq, ...entry })
    // Trimmed in batches so a long benchmark never pays for a shift on every request.
    if (this.journal.length >= JOURNAL_LIMIT + JOURNAL_LIMIT / 10)
      this.journal.splice(0, this.journal.length - JOURNAL_LIMIT)
  }
}

const redactedKeys = new Set(["password", "client_secret", "code", "refresh_token", "access_token", "token"])

/** The raw query string (no `?`) with secret-bearing values replaced by `REDACTED`. */
export const redactQuery = (search: string): string => {
  const q = search.startsWith("?") ? search.slice(1) : search
  if (q === "") return ""
  return q
    .split("&")
    .map((part) => {
      const eq = part.indexOf("=")
      const rawKey = eq === -1 ? part : part.slice(0, eq)
      let key = rawKey
      try {
        key = decodeURIComponent(rawKey.replace(/\+/g, " "))
      } catch {
        // keep the raw key
      }
      return redactedKeys.has(key.toLowerCase()) ? `${rawKey}=REDACTED` : part
    })
    .join("&")
}
