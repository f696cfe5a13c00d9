/** target.reachable through a proxy that would not carry the request: what the proxy said, and the fix. */
import { fail, type Outcome } from "../../internal/check.js"
import type { HttpFailure } from "../../internal/http/failure.js"

const where = "the proxy URL (--proxy, or HTTPS_PROXY / HTTP_PROXY in the environment)"

/** The outcome for a `proxy` failure reaching `host`. */
export const diagnoseProxy = (f: HttpFailure, host: string): Outcome => {
  const base = { cause: { code: "proxy", message: f.message }, evidence: f.exchanges }
  if (/\b407\b/.test(f.message)) {
    return fail(`The proxy asks for credentials before it will connect to ${host}.`, {
      ...base,
      remediation: {
        steps: [
          `Give the proxy's user and password in ${where}: http://USER:PASSWORD@proxy.example:3128, URL-encoded.`,
          "If you have none, ask the network administrator for proxy credentials or for the platform's host to be allowed."
        ],
        who: "network-administrator"
      }
    })
  }
  if (/\b403\b/.test(f.message)) {
    return fail(`The proxy does not allow connections to ${host}.`, {
      ...base,
      remediation: {
        steps: [
          `Ask the network administrator to allow ${host} through the proxy.`,
          `If ${host} can be reached without the proxy, add it to NO_PROXY.`
        ],
        who: "network-administrator"
      }
    })
  }
  if (/CONNECT/.test(f.message)) {
    return fail(`The proxy could not connect to ${host}: ${f.message}.`, {
      ...base,
      remediation: {
        steps: [
          `Check the host in the base URL: the proxy must be able to resolve and reach ${host}.`,
          "Ask the network administrator whether the proxy blocks it."
        ],
        who: "network-administrator"
      }
    })
  }
  return fail(`The proxy could not be used: ${f.message}.`, {
    ...base,
    remediation: {
      steps: [`Check ${where}: its host and port, and that the proxy runs.`],
      who: "network-administrator"
    }
  })
}
