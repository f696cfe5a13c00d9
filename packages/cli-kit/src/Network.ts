/**
 * How the apps' requests reach the platform: directly, or through a proxy given with `--proxy` or read
 * from the variables curl and undici read (`https_proxy`, `HTTPS_PROXY`, `http_proxy`, `HTTP_PROXY`,
 * lowercase first; `no_proxy`/`NO_PROXY` with host names, domain suffixes, ports and `*`, matched as
 * undici matches them), trusting the system's CA certificates plus those of `--ca-file` /
 * `ARLO_CA_FILE`. The settings say what the report says about them: the proxy's scheme, host and port
 * (never its credentials), the NO_PROXY entry that sent the target past it, the extra CA files.
 */
import { readFileSync } from "node:fs"
import { rootCertificates } from "node:tls"
import type { Network } from "@arlo-ready/core"
import { Either, Encoding, Option, Redacted } from "effect"
import type { SharedFlags } from "./Flags.js"
import { UsageError } from "./UsageError.js"

type Env = Readonly<Record<string, string | undefined>>

/** The proxy the requests go through. */
export interface ProxySettings {
  /** scheme://host:port, without credentials. */
  readonly url: URL
  /** `--proxy`, or the variable it was read from. */
  readonly from: string
  /** The `Proxy-Authorization` value for credentials in the proxy URL. */
  readonly authorization: Redacted.Redacted<string> | null
}

/** How to reach the platform. */
export interface NetworkSettings {
  readonly proxy: ProxySettings | null
  /** The NO_PROXY entry that matched the target, when a proxy variable was set but not used. */
  readonly noProxyMatch: string | null
  /** The CA certificates to trust (the system's plus the extra ones), or undefined for Node's default. */
  readonly ca: ReadonlyArray<string> | undefined
  /** The extra CA files, for the report. */
  readonly extraCa: ReadonlyArray<{ readonly from: string; readonly path: string }>
}

/** Direct connections, Node's CA store: what the library's callers and the tests get by default. */
export const directNetwork: NetworkSettings = { proxy: null, noProxyMatch: null, ca: undefined, extraCa: [] }

/** The report's `network` field for these settings. */
export const networkInfo = (settings: NetworkSettings): Network => ({
  proxy: settings.proxy ? { url: settings.proxy.url.origin, from: settings.proxy.from } : null,
  noProxyMatch: settings.noProxyMatch,
  extraCa: settings.extraCa.map((c) => ({ from: c.from, path: c.path }))
})

const defaultPorts: Record<string, number> = { "http:": 80, "https:": 443 }

/**
 * The NO_PROXY entry that matches `url`, as undici's EnvHttpProxyAgent matches: entries split on commas
 * or spaces; `*` alone matches every host; `host:port` only that port; a leading `.` or `*.` is dropped,
 * and an entry matches its host and every subdomain of it.
 */
export const noProxyMatch = (noProxy: string, url: URL): string | null => {
  const value = noProxy.trim()
  if (value === "") return null
  if (value === "*") return "*"
  const host = url.host.replace(/:\d*$/, "").toLowerCase()
  const port = Number.parseInt(url.port, 10) || defaultPorts[url.protocol] || 0
  for (const entry of value.split(/[,\s]/)) {
    if (entry === "") continue
    const parsed = /^(.+):(\d+)$/.exec(entry)
    const entryHost = (parsed ? (parsed[1] ?? "") : entry).replace(/^\*?\./, "").toLowerCase()
    const entryPort = parsed ? Number.parseInt(parsed[2] ?? "0", 10) : 0
    if (entryPort !== 0 && entryPort !== port) continue
    if (host === entryHost || host.endsWith(`.${entryHost}`)) return entry
  }
  return null
}

const present = (env: Env, name: string): string | undefined => {
  const v = env[name]
  return v !== undefined && v.trim() !== "" ? v.trim() : undefined
}

/** The proxy variable for a target scheme, lowercase first, https falling back to http (as undici does). */
const proxyVariable = (env: Env, protocol: string): { name: string; value: string } | undefined => {
  const names =
    protocol === "https:" ? ["https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY"] : ["http_proxy", "HTTP_PROXY"]
  for (const name of names) {
    const value = present(env, name)
    if (value !== undefined) return { name, value }
  }
  return undefined
}

/** A proxy URL checked: http or https, a host, no path; credentials become a header, kept redacted. */
const parseProxy = (text: string, from: string): Either.Either<ProxySettings, UsageError> => {
  const bad = (why: string) =>
    Either.left(new UsageError({ message: `${from}: ${why}; give a URL such as http://proxy.example:3128` }))
  let url: URL
  try {
    // A bare host:port, as many set HTTPS_PROXY, means http.
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`)
  } catch {
    return bad("not a URL")
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return bad(`${url.protocol.slice(0, -1)} proxies are not supported`)
  if (url.hostname === "") return bad("no host")
  if (url.pathname !== "/" && url.pathname !== "") return bad("a proxy URL has no path")
  const user = decodeURIComponent(url.username)
  const password = decodeURIComponent(url.password)
  const authorization =
    user !== "" || password !== "" ? Redacted.make(`Basic ${Encoding.encodeBase64(`${user}:${password}`)}`) : null
  return Either.right({ url: new URL(url.origin), from, authorization })
}

const readCaFile = (path: string, from: string): Either.Either<string, UsageError> => {
  let text: string
  try {
    text = readFileSync(path, "utf8")
  } catch (e) {
    const code = (e as { code?: string }).code ?? "unreadable"
    return Either.left(new UsageError({ message: `${from} ${path}: cannot read it (${code})` }))
  }
  if (!text.includes("-----BEGIN CERTIFICATE-----")) {
    return Either.left(
      new UsageError({ message: `${from} ${path}: no PEM certificate (-----BEGIN CERTIFICATE-----) in it` })
    )
  }
  return Either.right(text)
}

/**
 * The network settings for a target, from `--proxy` and `--ca-file` and the environment (after any
 * `--env-file`). A bad proxy URL or an unreadable CA file is a usage error naming it.
 */
export const resolveNetwork = (
  flags: Pick<SharedFlags, "proxy" | "caFile">,
  env: Env,
  target: URL
): Either.Either<NetworkSettings, UsageError> =>
  Either.gen(function* () {
    let proxy: ProxySettings | null = null
    let matched: string | null = null
    if (Option.isSome(flags.proxy)) {
      proxy = yield* parseProxy(flags.proxy.value, "--proxy")
    } else {
      const variable = proxyVariable(env, target.protocol)
      if (variable) {
        matched = noProxyMatch(env.no_proxy ?? env.NO_PROXY ?? "", target)
        if (matched === null) proxy = yield* parseProxy(variable.value, variable.name)
      }
    }
    const extraCa: Array<{ from: string; path: string }> = []
    const pems: Array<string> = []
    const caFile = Option.isSome(flags.caFile) ? flags.caFile.value : present(env, "ARLO_CA_FILE")
    if (caFile !== undefined) {
      const from = Option.isSome(flags.caFile) ? "--ca-file" : "ARLO_CA_FILE"
      pems.push(yield* readCaFile(caFile, from))
      extraCa.push({ from, path: caFile })
    }
    // Node adds NODE_EXTRA_CA_CERTS to its own store; a `ca` list given to an agent replaces that store,
    // so with --ca-file the list carries the system's, Node's extra ones and the file's.
    const nodeExtra = present(env, "NODE_EXTRA_CA_CERTS")
    if (nodeExtra !== undefined) {
      extraCa.push({ from: "NODE_EXTRA_CA_CERTS", path: nodeExtra })
      if (pems.length > 0) {
        const text = readCaFile(nodeExtra, "NODE_EXTRA_CA_CERTS")
        if (Either.isRight(text)) pems.push(text.right)
      }
    }
    return {
      proxy,
      noProxyMatch: matched,
      ca: pems.length > 0 ? [...rootCertificates, ...pems] : undefined,
      extraCa
    } satisfies NetworkSettings
  })
