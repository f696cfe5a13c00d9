/**
 * target.reachable: DNS, TCP and TLS work and the path answers like Arlo's Auth API, read from one
 * anonymous GET of the root collection.
 */
import { Effect, Either } from "effect"
import type { ArloResponse } from "../../ArloHttp.js"
import {
  type CheckContext,
  defineCheck,
  fail,
  fromFailure,
  type Outcome,
  type Prefetch,
  pass,
  undecided,
  unexpectedCause,
  warn
} from "../../internal/check.js"
import { isLoopbackHost, resourcesPath } from "../../internal/config/target.js"
import { docs } from "../../internal/docs.js"
import { type Fetched, get, resourcesUrl } from "../../internal/probes.js"
import { isChallenge } from "../../internal/protocol.js"
import { HostResolver, referenceHost } from "../../internal/resolver.js"
import { type Door, plainDoor } from "../../internal/untrusted.js"
import type { Exchange } from "../../Report.js"
import { apiException, parseXml } from "../../Xml.js"
import { diagnoseProxy } from "./proxy.js"
import { diagnoseTls } from "./tls.js"

/** The anonymous GET of the root collection (memoised). */
export const anonymousRoot = (ctx: CheckContext): Effect.Effect<Fetched> =>
  get(ctx, resourcesUrl(ctx), { _tag: "none" })

/** The anonymous root leads: on a host not known to be Arlo's, the probes with a secret wait for its answer. */
export const anonymousRootPrefetch: Prefetch = { secret: false, leads: true, start: anonymousRoot }

const originOf = (href: string, base: string) => {
  try {
    return new URL(href, base).origin
  } catch {
    return "an unreadable location"
  }
}
const isArloHost = (baseUrl: string) => /(^|\.)arlo\.co$/i.test(originOf(baseUrl, "https://invalid.invalid"))

const notArlo = (baseUrl: string, why: string, evidence: ReadonlyArray<Exchange>): Outcome =>
  fail(`${baseUrl} does not answer like Arlo's Auth API: ${why}.`, {
    cause: { code: "not_arlo_api", message: why },
    evidence,
    remediation: {
      steps: [
        isArloHost(baseUrl)
          ? "Check the platform name: it is the first part of the address you sign in to Arlo with (https://NAME.arlo.co)."
          : `Check the base URL: the Auth API must answer at BASE${resourcesPath}.`,
        "Give the base URL without the API path (arlo-ready adds /api/2012-02-01/auth/resources/)."
      ],
      who: "you"
    }
  })

/**
 * A 401. RFC 9110 §11.6.1: a 401 must carry a challenge. Without one (and without an ApiException),
 * something at the exact Auth API path still demanded credentials (a gateway in front, often):
 * reachable, with a warning, and the credential checks decide the rest.
 */
const askedForCredentials = (baseUrl: string, res: ArloResponse, arloError: boolean, door: Door): Outcome => {
  const evidence = res.exchanges
  const challenge = res.headers["www-authenticate"] ?? ""
  const ct = (res.headers["content-type"] ?? "").toLowerCase()
  if (isChallenge(challenge) || arloError) {
    return pass(
      `Arlo's Auth API answers at ${baseUrl}${resourcesPath}: it asks for credentials (401${/^\s*basic\b/i.test(challenge) ? ", WWW-Authenticate: Basic" : challenge ? ", with a challenge" : ""}).`,
      { evidence, facts: { status: 401, challenge: challenge ? door(challenge) : null } }
    )
  }
  return warn(
    `Something at ${baseUrl}${resourcesPath} asks for credentials (401) but sends no WWW-Authenticate challenge, as HTTP requires: a gateway in front of the API, presumably.`,
    {
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
        who: "you"
      }
    }
  )
}

/** Reads the unauthenticated answer of the root collection: does it look like Arlo's Auth API? */
export const diagnoseReachable = (
  baseUrl: string,
  platform: string | null,
  res: ArloResponse,
  door: Door = plainDoor
): Outcome => {
  const evidence = res.exchanges
  const ct = (res.headers["content-type"] ?? "").toLowerCase()
  const doc = parseXml(res.body)
  const ex = Either.isRight(doc) ? apiException(doc.right) : undefined
  if (res.status === 401) return askedForCredentials(baseUrl, res, ex !== undefined, door)
  if (res.status >= 300 && res.status < 400) {
    const loc = res.headers.location
    return fail(
      `${baseUrl} redirects elsewhere${loc ? ` (${door(originOf(loc, baseUrl))})` : ""} instead of answering.`,
      {
        cause: {
          code: "redirected",
          message: `the root collection answered ${res.status} with a redirect to another origin`
        },
        evidence,
        remediation: {
          steps: ["Use the address the platform redirects to as the base URL, if it is the platform's own."],
          who: "you"
        }
      }
    )
  }
  if (res.status >= 500) {
    return undecided(`The platform answered ${res.status} after retries: it could not be tested.`, {
      cause: unexpectedCause(res.status, "server_error", `the root collection answered ${res.status}`),
      evidence,
      remediation: {
        steps: ["Re-run later; if it persists, contact Arlo support with the time of the audit."],
        who: "you"
      }
    })
  }
  if (res.status === 200 && Either.isRight(doc) && !ex && ct.includes("xml")) {
    return warn(`${baseUrl} served the root collection without credentials: something in between may be adding them.`, {
      cause: { code: "no_challenge", message: "the Auth API root answered 200 to a request without credentials" },
      evidence,
      remediation: { steps: ["Check for a proxy that injects credentials; audit the platform directly."], who: "you" }
    })
  }
  if (res.status === 404) {
    return notArlo(
      baseUrl,
      platform && isArloHost(baseUrl)
        ? `404 at ${resourcesPath}: no Auth API there (is '${platform}' the right platform name?)`
        : `404 at ${resourcesPath} (wrong base URL or path)`,
      evidence
    )
  }
  if (ct.includes("html")) return notArlo(baseUrl, `an HTML page (${res.status}) where XML was expected`, evidence)
  if (res.status === 200 && Either.isLeft(doc)) return notArlo(baseUrl, "a 200 whose body is not XML", evidence)
  return notArlo(
    baseUrl,
    `status ${res.status}${ex ? ` (${door(ex.code)})` : ""} where a 401 asking for credentials was expected`,
    evidence
  )
}

/** A DNS miss: for `NAME.arlo.co` targets, the platform name is wrong. */
export const dnsNotFound = (host: string, evidence: ReadonlyArray<Exchange>): Outcome => {
  const arlo = /^[a-z0-9-]+\.arlo\.co$/i.test(host) && !/^(api|www)\./i.test(host)
  return fail(
    arlo ? `No platform named '${host.split(".")[0]}': ${host} does not resolve.` : `${host} does not resolve (DNS).`,
    {
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
            who: "you"
          }
        : {
            steps: ["Check the host name in the base URL, and that this machine can resolve it (DNS, VPN)."],
            who: "network-administrator"
          }
    }
  )
}

/** No name resolves, not even {@link referenceHost}: the network, not the name, is the cause. */
export const noDns = (host: string, evidence: ReadonlyArray<Exchange>): Outcome =>
  undecided(
    `${host} does not resolve, and neither does ${referenceHost}: this machine cannot resolve names, so the target could not be tested.`,
    {
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
        who: "network-administrator"
      }
    }
  )

export const targetReachable = defineCheck({
  id: "target.reachable",
  title: "Platform reachable",
  decides: "DNS, TCP and TLS work and the path answers like Arlo's Auth API.",
  needs: ["target.url"],
  docs: [docs.authApi],
  prefetch: [anonymousRootPrefetch],
  run: (ctx) =>
    Effect.gen(function* () {
      const { baseUrl, platform } = ctx.config
      const fetched = yield* anonymousRoot(ctx)
      if (Either.isRight(fetched)) return diagnoseReachable(baseUrl, platform, fetched.right, ctx.http.untrusted)
      const f = fetched.left
      const host = new URL(baseUrl).hostname
      switch (f.code) {
        case "dns_not_found": {
          const resolver = yield* HostResolver
          const dnsWorks = yield* resolver.resolves(referenceHost)
          return dnsWorks ? dnsNotFound(host, f.exchanges) : noDns(host, f.exchanges)
        }
        case "connection_refused":
          return fail(`${new URL(baseUrl).host} refused the connection.`, {
            cause: { code: "connection_refused", message: f.message },
            evidence: f.exchanges,
            remediation: {
              steps: isLoopbackHost(host)
                ? ["Nothing listens at that address: start the server (or simulator) or fix the port."]
                : ["Check the host and port, and any firewall or proxy between this machine and the platform."],
              who: isLoopbackHost(host) ? "you" : "network-administrator"
            }
          })
        case "tls":
          return yield* diagnoseTls(baseUrl, f, ctx.http.untrusted)
        case "proxy":
          return diagnoseProxy(f, new URL(baseUrl).host)
        default:
          return fromFailure(f, "reach the platform")
      }
    })
})
