/**
 * The target rule: a platform name or a base URL, validated and normalised, and the platform name a
 * base URL reveals.
 */
import { Either } from "effect"
import { echo, withoutUserinfo } from "../echo.js"
import { ConfigError, envVars, type Inputs, nonEmpty } from "./input.js"

/** The Auth API root, relative to a base URL. */
export const resourcesPath = "/api/2012-02-01/auth/resources/"

const dnsLabel = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/

/** Whether a host name is loopback: `localhost`, 127.0.0.0/8 or ::1. */
export const isLoopbackHost = (hostname: string): boolean => {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, "")
  if (h === "localhost" || h.endsWith(".localhost")) return true
  if (h === "::1" || h === "0:0:0:0:0:0:0:1") return true
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h)
  return m?.slice(1).every((o) => Number(o) <= 255) ?? false
}

export interface Target {
  readonly baseUrl: string
  readonly platform: string | null
}

/** `acme` → `https://acme.arlo.co`. The name must be a DNS label. */
export const targetFromPlatform = (raw: string, field = "platform"): Either.Either<Target, ConfigError> => {
  const name = raw.trim().toLowerCase()
  if (!dnsLabel.test(name)) {
    const hint = /^[a-z0-9-]+\.arlo\.co$/.test(name)
      ? ` use '${name.slice(0, name.indexOf("."))}'`
      : " use letters, digits and hyphens only (e.g. acme for https://acme.arlo.co)"
    return Either.left(
      new ConfigError({
        field,
        message: `${field} ${echo(raw)} is not a platform name:${hint}, or give a full URL as the base URL.`
      })
    )
  }
  return Either.right({ baseUrl: `https://${name}.arlo.co`, platform: name })
}

/**
 * A base URL: absolute; https, or http only for a loopback host (credentials never travel in clear text);
 * no credentials, query or fragment; a trailing slash or an Auth API path suffix is dropped.
 */
export const targetFromBaseUrl = (raw: string, field = "baseUrl"): Either.Either<Target, ConfigError> => {
  const fail = (why: string) => Either.left(new ConfigError({ field, message: `${field} ${why}` }))
  let url: URL
  try {
    url = new URL(raw.trim())
  } catch {
    return fail(`${echo(withoutUserinfo(raw.trim()))} is not an absolute URL: give one such as https://acme.arlo.co.`)
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return fail(`must be an https URL (got ${url.protocol.replace(/:$/, "")}).`)
  }
  if (url.username !== "" || url.password !== "") {
    return fail("must not carry credentials: remove the user:password@ part and set the credentials separately.")
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    return fail(
      `uses plain http for ${url.hostname}: credentials never travel in clear text, use https://${url.host}${url.pathname === "/" ? "" : url.pathname} (http is allowed only on loopback).`
    )
  }
  if (url.search !== "" || url.hash !== "") {
    return fail("must not have a query or fragment.")
  }
  let path = url.pathname.replace(/\/+$/, "")
  for (const suffix of ["/api/2012-02-01/auth/resources", "/api/2012-02-01/auth", "/api/2012-02-01"]) {
    if (path.toLowerCase().endsWith(suffix)) {
      path = path.slice(0, -suffix.length)
      break
    }
  }
  return Either.right({ baseUrl: `${url.protocol}//${url.host}${path}`, platform: platformOf(url, path) })
}

/** The platform name of `{name}.arlo.co` or `api.arlo.co/{name}`; null for any other host. */
const platformOf = (url: URL, path: string): string | null => {
  const host = url.hostname.toLowerCase()
  const sub = /^([a-z0-9-]+)\.arlo\.co$/.exec(host)
  if (sub && sub[1] !== "api" && sub[1] !== "www") return sub[1]!
  if (host === "api.arlo.co" || host === "api.test.arlo.co") {
    const seg = path.split("/").filter((s) => s !== "")[0]
    if (seg && dnsLabel.test(seg.toLowerCase())) return seg.toLowerCase()
  }
  return null
}

/** Validates a target URL again (the `target.url` check): the same rule as {@link targetFromBaseUrl}. */
export const validateBaseUrl = (baseUrl: string): Either.Either<Target, ConfigError> =>
  targetFromBaseUrl(baseUrl, "baseUrl")

/** The target of a config: explicit beats env as a pair, so a --base-url flag is not in conflict with ARLO_PLATFORM. */
export const resolveTarget = ({ env, opts, ask }: Inputs): Either.Either<Target, ConfigError> => {
  const explicitTarget = nonEmpty(opts.platform) !== undefined || nonEmpty(opts.baseUrl) !== undefined
  const platformIn = explicitTarget ? nonEmpty(opts.platform) : nonEmpty(env[envVars.platform])
  const baseUrlIn = explicitTarget ? nonEmpty(opts.baseUrl) : nonEmpty(env[envVars.baseUrl])
  const pName = explicitTarget ? "platform" : envVars.platform
  const bName = explicitTarget ? "baseUrl" : envVars.baseUrl
  if (platformIn !== undefined && baseUrlIn !== undefined) {
    return Either.left(new ConfigError({ field: pName, message: `Give ${pName} or ${bName}, not both.` }))
  }
  if (platformIn !== undefined) return targetFromPlatform(platformIn, pName)
  if (baseUrlIn !== undefined) return targetFromBaseUrl(baseUrlIn, bName)
  return Either.left(
    new ConfigError({
      field: ask("platform"),
      message: `No target: set ${ask("platform")} (e.g. acme for https://acme.arlo.co) or ${ask("baseUrl")}.`
    })
  )
}
