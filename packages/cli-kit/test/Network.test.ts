/**
 * The network settings: which proxy a target gets (the variables lowercase first, https falling back to
 * http as undici does; NO_PROXY matched as undici matches it), what a bad proxy URL or CA file says, and
 * that the report's word on the proxy never carries its credentials.
 */
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Either, Option, Redacted } from "effect"
import { describe, expect, it } from "vitest"
import { networkInfo, noProxyMatch, resolveNetwork } from "../src/Network.js"

const none = { proxy: Option.none(), caFile: Option.none() }
const https = new URL("https://acme.arlo.co/")
const settle = (flags: Parameters<typeof resolveNetwork>[0], env: Record<string, string>, url = https) =>
  resolveNetwork(flags, env, url)

describe("NO_PROXY", () => {
  it.each([
    ["acme.arlo.co", "acme.arlo.co"],
    ["arlo.co", "arlo.co"],
    [".arlo.co", ".arlo.co"],
    ["*.arlo.co", "*.arlo.co"],
    ["ARLO.CO", "ARLO.CO"],
    ["example.test,arlo.co", "arlo.co"],
    ["example.test arlo.co", "arlo.co"],
    ["acme.arlo.co:443", "acme.arlo.co:443"],
    ["*", "*"]
  ])("%s matches https://acme.arlo.co", (entry, matched) => {
    expect(noProxyMatch(entry, https)).toBe(matched)
  })

  it.each([["rlo.co"], ["acme.arlo.co:8443"], ["example.test"], [""], ["  "], ["other.acme.arlo.co"]])(
    "%s does not match https://acme.arlo.co",
    (entry) => {
      expect(noProxyMatch(entry, https)).toBeNull()
    }
  )

  it("a port entry matches the URL's explicit port", () => {
    expect(noProxyMatch("127.0.0.1:8080", new URL("http://127.0.0.1:8080/acme"))).toBe("127.0.0.1:8080")
    expect(noProxyMatch("127.0.0.1:80", new URL("http://127.0.0.1/acme"))).toBe("127.0.0.1:80")
  })
})

describe("which proxy", () => {
  it("https targets: https_proxy, HTTPS_PROXY, then the http variables", () => {
    const pick = (env: Record<string, string>) => Either.getOrThrow(settle(none, env)).proxy?.from
    expect(pick({ https_proxy: "p1:1", HTTPS_PROXY: "p2:2", http_proxy: "p3:3" })).toBe("https_proxy")
    expect(pick({ HTTPS_PROXY: "p2:2", http_proxy: "p3:3" })).toBe("HTTPS_PROXY")
    expect(pick({ http_proxy: "p3:3", HTTP_PROXY: "p4:4" })).toBe("http_proxy")
    expect(pick({ https_proxy: "  ", HTTP_PROXY: "p4:4" })).toBe("HTTP_PROXY")
    expect(pick({})).toBeUndefined()
  })

  it("http targets ignore the https variables", () => {
    const r = Either.getOrThrow(settle(none, { HTTPS_PROXY: "p:1" }, new URL("http://127.0.0.1:9/acme")))
    expect(r.proxy).toBeNull()
  })

  it("a bare host:port is an http proxy; credentials become a redacted header, not part of the URL", () => {
    const r = Either.getOrThrow(settle(none, { HTTPS_PROXY: "http://u%40corp:p%3Ass@proxy.corp:3128" }))
    expect(r.proxy?.url.href).toBe("http://proxy.corp:3128/")
    expect(Redacted.value(r.proxy!.authorization!)).toBe(`Basic ${Buffer.from("u@corp:p:ss").toString("base64")}`)
    expect(JSON.stringify(networkInfo(r))).not.toMatch(/p:ss|p%3Ass|u@corp/)
    expect(Either.getOrThrow(settle(none, { HTTPS_PROXY: "proxy.corp:3128" })).proxy?.url.origin).toBe(
      "http://proxy.corp:3128"
    )
  })

  it("NO_PROXY passes the proxy by; --proxy ignores it", () => {
    const env = { HTTPS_PROXY: "proxy.corp:3128", no_proxy: ".arlo.co", NO_PROXY: "" }
    const passed = Either.getOrThrow(settle(none, env))
    expect(passed.proxy).toBeNull()
    expect(passed.noProxyMatch).toBe(".arlo.co")
    const forced = Either.getOrThrow(settle({ ...none, proxy: Option.some("http://other:8080") }, env))
    expect(forced.proxy?.from).toBe("--proxy")
    expect(forced.noProxyMatch).toBeNull()
  })

  it.each([
    ["socks5://p:1080", "--proxy: socks5 proxies are not supported"],
    ["http://p:3128/path", "--proxy: a proxy URL has no path"],
    ["http://[::1", "--proxy: not a URL"]
  ])("--proxy %s is a usage error", (value, message) => {
    const r = settle({ ...none, proxy: Option.some(value) }, {})
    expect(Either.isLeft(r) && r.left.message).toMatch(new RegExp(`^${message.replace(/[[\]]/g, "\\$&")}; give a URL`))
  })
})

describe("CA files", () => {
  const dir = mkdtempSync(join(tmpdir(), "arlo-ready-ca-"))
  const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"

  it("--ca-file adds to the system's store; ARLO_CA_FILE does when the flag is absent", () => {
    const file = join(dir, "ca.pem")
    writeFileSync(file, pem)
    const flag = Either.getOrThrow(settle({ ...none, caFile: Option.some(file) }, {}))
    expect(flag.ca?.at(-1)).toBe(pem)
    expect(flag.ca!.length).toBeGreaterThan(1)
    expect(flag.extraCa).toEqual([{ from: "--ca-file", path: file }])
    expect(Either.getOrThrow(settle(none, { ARLO_CA_FILE: file })).extraCa).toEqual([
      { from: "ARLO_CA_FILE", path: file }
    ])
  })

  it("NODE_EXTRA_CA_CERTS is reported, and kept when --ca-file replaces the agent's store", () => {
    const file = join(dir, "ca.pem")
    const extra = join(dir, "extra.pem")
    writeFileSync(file, pem)
    writeFileSync(extra, pem.replace("MIIB", "MIIC"))
    const alone = Either.getOrThrow(settle(none, { NODE_EXTRA_CA_CERTS: extra }))
    expect(alone.ca).toBeUndefined()
    expect(alone.extraCa).toEqual([{ from: "NODE_EXTRA_CA_CERTS", path: extra }])
    const both = Either.getOrThrow(settle({ ...none, caFile: Option.some(file) }, { NODE_EXTRA_CA_CERTS: extra }))
    expect(both.ca?.slice(-2)).toEqual([pem, pem.replace("MIIB", "MIIC")])
  })

  it("a missing file, or one without a certificate, is a usage error naming it", () => {
    const missing = settle({ ...none, caFile: Option.some(join(dir, "nope.pem")) }, {})
    expect(Either.isLeft(missing) && missing.left.message).toMatch(/^--ca-file .*nope\.pem: cannot read it \(ENOENT\)$/)
    const key = join(dir, "key.pem")
    writeFileSync(key, "-----BEGIN PRIVATE KEY-----\n")
    const notCert = settle(none, { ARLO_CA_FILE: key })
    expect(Either.isLeft(notCert) && notCert.left.message).toMatch(/^ARLO_CA_FILE .*key\.pem: no PEM certificate/)
  })
})
