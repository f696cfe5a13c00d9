/** target.url: the target is a well-formed https URL (or http on loopback). */
import { Effect, Either } from "effect"
import { defineCheck, fail, pass } from "../../internal/check.js"
import { validateBaseUrl } from "../../internal/config/target.js"
import { docs } from "../../internal/docs.js"

export const targetUrl = defineCheck({
  id: "target.url",
  title: "Target URL",
  decides: "The target is a well-formed https URL (or http on loopback).",
  needs: [],
  docs: [docs.authApi],
  run: (ctx) =>
    Effect.sync(() => {
      const v = validateBaseUrl(ctx.config.baseUrl)
      if (Either.isLeft(v)) {
        return fail(`The target URL is not usable: ${v.left.message}`, {
          cause: { code: "invalid_url", message: v.left.message },
          remediation: {
            steps: [
              "Give the platform name (e.g. acme for https://acme.arlo.co) or an https base URL without credentials, query or fragment."
            ],
            who: "you"
          }
        })
      }
      const u = new URL(ctx.config.baseUrl)
      const where = ctx.config.platform ? ` (platform ${ctx.config.platform})` : ""
      if (u.protocol === "http:") {
        return pass(
          `${ctx.config.baseUrl} is plain http on a loopback host${where}: accepted for local testing only.`,
          { facts: { loopback: true } }
        )
      }
      const arlo = /\.arlo\.co$/i.test(u.hostname)
      return pass(
        `${ctx.config.baseUrl}${where} is a well-formed https URL${arlo ? "" : " (not an arlo.co host: a proxy or a custom domain)"}.`
      )
    })
})
