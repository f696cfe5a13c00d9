/**
 * Target checks: the URL is well formed, and the platform answers like Arlo's Auth API.
 */
import { Effect, Either } from "effect"
import type { ArloResponse } from "../ArloHttp.js"
import { isLoopbackHost, resourcesPath, validateBaseUrl } from "../Config.js"
import { type CheckSpec, fromFailure, type Outcome, pass, recheck, unexpectedCause } from "../internal/check.js"
import { get, resourcesUrl } from "../internal/probes.js"
import { isChallenge } from "../internal/protocol.js"
import { HostResolver, referenceHost } from "../internal/resolver.js"
import { type Door, plainDoor } from "../internal/untrusted.js"
import type { Exchange } from "../Report.js"
import { apiException, parseXml } from "../Xml.js"

export const targetUrl: CheckSpec = {
  id: "target.url",
  run: (ctx) =>
    Effect.sync(() => {
      const v = validateBaseUrl(ctx.config.baseUrl)
      if (Either.isLeft(v)) {
        return {
          status: "fail",
          summary: `The target URL is not usable: ${v.left.message}`,
          cause: { code: "invalid_url", message: v.left.message },
          remediation: {
            steps: [
              "Give the platform name (e.g. acme for https://acme.arlo.co) or an https base URL without credentials, query or fragment."
            ],
            who: "you",
            recheck: recheck("target.url")
          }
        } satisfies Outcome
      }
      const u = new URL(ctx.config.baseUrl)
      const where = ctx.config.platform ? ` (platform ${ctx.config.platform})` : ""
      if (u.protocol === "http:") {
        return pass(
          `${ctx.config.baseUrl} is plain http on a loopback host${where}: accepted for local testing only.`,
          {
            facts: { loopback: true }
          }
        )
      }
      const arlo = /\.arlo\.co$/i.test(u.hostname)
      return pass(
        `${ctx.config.baseUrl}${where} is a well-formed https URL${arlo ? "" : " (not an arlo.co host: a proxy or a custom domain)"}.`
      )
    })
}

const originOf = (href: string, base: string) => {
  try {
    return new URL(href, base).origin
  } catch {
    return "an unreadable location"
  }
}
const isArloHost = (baseUrl: string) => /(^|\.)arlo\.co$/i.test(originOf(baseUrl, "https://invalid.invalid"))

/** Reads the unauthenticated answer of the root collection: does it look like Arlo's Auth API? */
export const diagnoseReachable = (
  baseUrl: string,
  platform: string | null,
  res: ArloResponse,
  door: Door = plainDoor
): Outcome => {
  const evidence = res.exchanges
  const ct = (res.headers["content-type"] ?? "").toLowerCase()
  const challenge = res.headers["www-authenticate"] ?? ""
  const doc = parseXml(res.body)
  const ex = Either.isRight(doc) ? apiException(doc.right) : undefined
  const path = `${resourcesPath}`
  const notArlo = (why: string): Outcome => ({
    status: "fail",
    summary: `${baseUrl} does not answer like Arlo's Auth API: ${why}.`,
    cause: { code: "not_arlo_api", message: why },
    evidence,
    remediation: {
      steps: [
        isArloHost(baseUrl)
          ? "Check the platform name: it is the first part of the address you sign in to Arlo with (https://NAME.arlo.co)."
          : `Check the base URL: the Auth API must answer at BASE${path}.`,
        "Give the base URL without the API path (arlo-ready adds /api/2012-02-01/auth/resources/)."
      ],
      who: "you",
      recheck: recheck("target.reachable")
    }
  })
  if (res.status === 401) {
    // RFC 9110 §11.6.1: a 401 must carry a challenge. Without one, something at the exact Auth API path
    // still demanded credentials (a gateway in front, often): reachable, with a warning, and the
    // credential checks decide the rest.
    if (isChallenge(challenge) || ex) {
      return pass(
        `Arlo's Auth API answers at ${baseUrl}${path}: it asks for credentials (401${/^\s*basic\b/i.test(challenge) ? ", WWW-Authenticate: Basic" : challenge ? ", with a challenge" : ""}).`,
        { evidence, facts: { status: 401, challenge: challenge ? door(challenge) : null } }
      )
    }
    return {
      status: "warn",
      summary: `Something at ${baseUrl}${path} asks for credentials (401) but sends no WWW-Authenticate challenge, as HTTP requires: a gateway in front of the API, presumably.`,
      cause: {
        code: "challenge_missing",
        message: `a 401${ct ? ` (${door(ct)})` : ""} without a WWW-Authenticate challenge at the Auth API path`
      },
      evidence,
      facts: { status: 401, challenge: null },
      remediation: {
        steps: [
          "Nothing to fix for the audit: the credential checks below say whether the credentials work.",
          "If they fail although the credentials are right, check what answers in front of the platform (proxy, gateway)."
        ],
        who: "you",
        recheck: recheck("target.reachable")
      }
    }
  }
  if (res.status >= 300 && res.status < 400) {
    const loc = res.headers.location
    return {
      status: "fail",
      summary: `${baseUrl} redirects elsewhere${loc ? ` (${door(originOf(loc, baseUrl))})` : ""} instead of answering.`,
      cause: {
        code: "redirected",
        message: `the root collection answered ${res.status} with a redirect to another origin`
      },
      evidence,
      remediation: {
        steps: ["Use the address the platform redirects to as the base URL, if it is the platform's own."],
        who: "you",
        recheck: recheck("target.reachable")
      }
    }
  }
  if (res.status >= 500) {
    return {
      status: "error",
      summary: `The platform answered ${res.status} after retries: it could not be tested.`,
      cause: unexpectedCause(res.status, "server_error", `the root collection answered ${res.status}`),
      evidence,
      remediation: {
        steps: ["Re-run later; if it persists, contact Arlo support with the time of the audit."],
        who: "you",
        recheck: recheck("target.reachable")
      }
    }
  }
  if (res.status === 200 && Either.isRight(doc) && !ex && ct.includes("xml")) {
    return {
      status: "warn",
      summary: `${baseUrl} served the root collection without credentials: something in between may be adding them.`,
      cause: { code: "no_challenge", message: "the Auth API root answered 200 to a request without credentials" },
      evidence,
      remediation: {
        steps: ["Check for a proxy that injects credentials; audit the platform directly."],
        who: "you",
        recheck: recheck("target.reachable")
      }
    }
  }
  if (res.status === 404) {
    return notArlo(
      platform && isArloHost(baseUrl)
        ? `404 at ${path}: no Auth API there (is '${platform}' the right platform name?)`
        : `404 at ${path} (wrong base URL or path)`
    )
  }
  if (ct.includes("html")) return notArlo(`an HTML page (${res.status}) where XML was expected`)
  if (res.status === 200 && Either.isLeft(doc)) return notArlo("a 200 whose body is not XML")
  return notArlo(
    `status ${res.status}${ex ? ` (${door(ex.code)})` : ""} where a 401 asking for credentials was expected`
  )
}

/** A DNS miss: for `NAME.arlo.co` targets, the platform name is wrong. */
export const dnsNotFound = (host: string, evidence: ReadonlyArray<Exchange>): Outcome => {
  const arlo = /^[a-z0-9-]+\.arlo\.co$/i.test(host) && !/^(api|www)\./i.test(host)
  return {
    status: "fail",
    summary: arlo
      ? `No platform named '${host.split(".")[0]}': ${host} does not resolve.`
      : `${host} does not resolve (DNS).`,
    cause: {
      code: "dns_not_found",
      message: arlo ? `${host} does not resolve: the platform name is wrong` : `${host} does not resolve`
    },
    evidence,
    remediation: arlo
      ? {
          steps: [
            "Check the platform name: it is the first part of the address you sign in to Arlo with (https://NAME.arlo.co).",
            "Give it as the platform (ARLO_PLATFORM / --platform)."
          ],
          who: "you",
          recheck: recheck("target.reachable")
        }
      : {
          steps: ["Check the host name in the base URL, and that this machine can resolve it (DNS, VPN)."],
          who: "network-administrator",
          recheck: recheck("target.reachable")
        }
  }
}

/** No name resolves, not even {@link referenceHost}: the network, not the name, is the cause. */
export const noDns = (host: string, evidence: ReadonlyArray<Exchange>): Outcome => ({
  status: "error",
  summary: `${host} does not resolve, and neither does ${referenceHost}: this machine cannot resolve names, so the target could not be tested.`,
  cause: {
    code: "dns_unavailable",
    message: `no name resolves (${host}, ${referenceHost}): DNS is not reachable from this machine`
  },
  evidence,
  remediation: {
    steps: [
      "Check this machine's network: DNS servers, VPN, or a proxy that must be used to reach the internet.",
      "Re-run once names resolve (e.g. nslookup arlo.co)."
    ],
    who: "network-administrator",
    recheck: recheck("target.reachable")
  }
})

export const targetReachable: CheckSpec = {
  id: "target.reachable",
  run: (ctx) =>
    Effect.gen(function* () {
      const { baseUrl, platform } = ctx.config
      const fetched = yield* get(ctx, resourcesUrl(ctx), { _tag: "none" })
      if (Either.isRight(fetched)) return diagnoseReachable(baseUrl, platform, fetched.right, ctx.http.untrusted)
      const f = fetched.left
      const host = new URL(baseUrl).hostname
      const evidence = f.exchanges
      switch (f.code) {
        case "dns_not_found": {
          const resolver = yield* HostResolver
          const dnsWorks = yield* resolver.resolves(referenceHost)
          return dnsWorks ? dnsNotFound(host, f.exchanges) : noDns(host, f.exchanges)
        }
        case "connection_refused":
          return {
            status: "fail",
            summary: `${new URL(baseUrl).host} refused the connection.`,
            cause: { code: "connection_refused", message: f.message },
            evidence,
            remediation: {
              steps: isLoopbackHost(host)
                ? ["Nothing listens at that address: start the server (or simulator) or fix the port."]
                : ["Check the host and port, and any firewall or proxy between this machine and the platform."],
              who: isLoopbackHost(host) ? "you" : "network-administrator",
              recheck: recheck("target.reachable")
            }
          } satisfies Outcome
        case "tls":
          return {
            status: "fail",
            summary: `The TLS connection to ${host} failed: ${f.message}.`,
            cause: { code: "tls", message: f.message },
            evidence,
            remediation: {
              steps: [
                "If a corporate proxy inspects TLS, give Node its CA certificate (NODE_EXTRA_CA_CERTS).",
                "Otherwise check the host name: the certificate must match it."
              ],
              who: "network-administrator",
              recheck: recheck("target.reachable")
            }
          } satisfies Outcome
        default:
          return fromFailure("target.reachable", f, "reach the platform")
      }
    })
}
