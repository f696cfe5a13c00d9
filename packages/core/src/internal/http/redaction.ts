/**
 * What a secret looks like on the wire and in a URL: the forms in which a configured secret may come
 * back in an answer, and a query rendered for humans with its secret values hidden.
 */
import { Encoding, Redacted } from "effect"
import type { AuditConfig } from "../../Config.js"

/** Query parameters whose values never appear in evidence. */
const secretParams = new Set([
  "password",
  "client_secret",
  "code",
  "refresh_token",
  "access_token",
  "token",
  "id_token",
  "secret",
  "api_key"
])

const safeDecode = (s: string): string => {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "))
  } catch {
    return s
  }
}

/** A URL path, percent-decoded where it decodes. */
export const decodePath = (s: string): string => {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/** Renders a query for humans, secret values replaced by REDACTED (and other values through `mask`). */
export const displayQuery = (search: string, mask: (value: string) => string = (v) => v): string => {
  if (search === "" || search === "?") return ""
  const pairs = search
    .replace(/^\?/, "")
    .split("&")
    .filter((p) => p !== "")
    .map((p) => {
      const eq = p.indexOf("=")
      return {
        k: safeDecode(eq === -1 ? p : p.slice(0, eq)),
        v: eq === -1 ? undefined : safeDecode(p.slice(eq + 1))
      }
    })
  const isSecret = (k: string) => secretParams.has(k.toLowerCase())
  // A secret parameter's value is hidden under any other name it also stands under.
  const hidden = new Set(pairs.flatMap(({ k, v }) => (isSecret(k) && v !== undefined && v !== "" ? [v] : [])))
  const parts = pairs.map(({ k, v }) =>
    isSecret(k) ? `${k}=REDACTED` : v === undefined ? k : `${k}=${hidden.has(v) ? "REDACTED" : mask(v)}`
  )
  return parts.length === 0 ? "" : `?${parts.join("&")}`
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")

/** The ways a value is URL-encoded: `encodeURIComponent`, with `+` for spaces, as a form does, as a path does. */
const urlEncodings = (v: string): Array<string> => {
  const uri = encodeURIComponent(v)
  return [uri, uri.replace(/%20/g, "+"), new URLSearchParams([["x", v]]).toString().slice(2), encodeURI(v)]
}

/** Base64 (standard and URL-safe, padded and not) of some bytes. */
const base64s = (bytes: Uint8Array): Array<string> => {
  const std = Encoding.encodeBase64(bytes)
  const bare = std.replace(/=+$/, "")
  const url = bare.replace(/\+/g, "-").replace(/\//g, "_")
  return [std, bare, url, `${url}${std.slice(bare.length)}`]
}

/**
 * The base64 characters that a secret's bytes alone decide, wherever it stands in a longer encoded
 * text (three alignments): found inside a token or a header that encodes more than the secret.
 */
const base64Cores = (bytes: Uint8Array): Array<string> => {
  const out: Array<string> = []
  for (let k = 0; k < 3; k++) {
    const padded = new Uint8Array(k + bytes.length)
    padded.set(bytes, k)
    const std = Encoding.encodeBase64(padded)
    const from = Math.ceil((8 * k) / 6)
    const to = Math.floor((8 * (k + bytes.length)) / 6)
    const core = std.slice(from, to)
    if (core.length >= 8) out.push(core, core.replace(/\+/g, "-").replace(/\//g, "_"))
  }
  return out
}

/**
 * Every form in which a configured secret (password, client secret, access and refresh tokens) may come
 * back in an answer: plain; URL-encoded (component, form, path); hex of its UTF-8 bytes; base64 of it
 * alone and of `user:password` / `clientId:secret` (the Basic header's value), standard and URL-safe,
 * padded and not, each also URL-encoded; and the base64 characters it decides at any alignment inside a
 * longer encoding. The scrubber matches them case-insensitively and through white space, line breaks,
 * controls and zero-width characters, so a case-folded form, upper-case hex or `%2b`, and a secret split
 * across lines are found too.
 */
export const secretForms = (config: Pick<AuditConfig, "basic" | "oauth">): Array<string> => {
  const forms = new Set<string>()
  const add = (v: string) => {
    for (const f of [v, ...urlEncodings(v)]) forms.add(f)
  }
  const addBase64 = (bytes: Uint8Array) => {
    for (const b of base64s(bytes)) add(b)
  }
  const secrets = [
    config.basic?.password,
    config.oauth?.clientSecret,
    config.oauth?.accessToken,
    config.oauth?.refreshToken
  ]
  for (const r of secrets) {
    if (!r) continue
    const v = Redacted.value(r)
    if (v === "") continue
    const bytes = utf8(v)
    add(v)
    forms.add(hex(bytes))
    addBase64(bytes)
    for (const c of base64Cores(bytes)) forms.add(c)
  }
  if (config.basic && Redacted.value(config.basic.password) !== "")
    addBase64(utf8(`${config.basic.username}:${Redacted.value(config.basic.password)}`))
  if (config.oauth?.clientSecret && Redacted.value(config.oauth.clientSecret) !== "")
    addBase64(utf8(`${config.oauth.clientId}:${Redacted.value(config.oauth.clientSecret)}`))
  return [...forms].sort((a, b) => b.length - a.length)
}
