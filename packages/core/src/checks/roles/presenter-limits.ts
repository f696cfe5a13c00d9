/**
 * roles.presenter-limits: with Presenter + API User only, which routes are refused (route control) and
 * which fields are hidden (trimming).
 */
import { Effect, Either } from "effect"
import type { ArloResponse } from "../../ArloHttp.js"
import {
  type CheckContext,
  defineCheck,
  fromFailure,
  notApplicable,
  type Outcome,
  pass,
  undecided,
  unexpectedCause,
  warn
} from "../../internal/check.js"
import { docs } from "../../internal/docs.js"
import { exchangesOf, get, resourcesUrl } from "../../internal/probes.js"
import type { Exchange } from "../../Report.js"
import { fieldNames, itemLinks, links, parseXml } from "../../Xml.js"
import { administratorFact, cap, type IdentityView, rawPath, routeRefused, unreadableCause } from "./classify.js"
import { identity, methodOf } from "./probes.js"

/** The routes presenter-limits probes, and the fields role trimming hides. */
export const limitedRoutes = [
  "events",
  "eventsessions",
  "eventtemplates",
  "onlineactivities",
  "venues",
  "contacts",
  "registrations",
  "organisations",
  "orders"
] as const
export const trimmedFields = {
  Event: ["Cost", "Notes", "CreditHours"],
  Contact: ["Email", "PhoneMobile", "PhoneWork", "Organisation"]
} as const

/**
 * The URL of the Event an events/ link points to, on the audited platform: only for an href whose
 * path ends in `auth/resources/events/{EventID}/` (digits), read as the server wrote it, so that no
 * dot segment, encoded or not, ever reaches a request path.
 */
export const eventUrl = (ctx: Pick<CheckContext, "config">, href: string): string | null => {
  const path = rawPath(href)
  const i = path.lastIndexOf("/auth/resources/")
  if (i === -1) return null
  const rest = path.slice(i + "/auth/resources/".length)
  return /^events\/[0-9]{1,19}\/?$/.test(rest) ? resourcesUrl(ctx, rest) : null
}

const absentFields = (res: ArloResponse, expected: ReadonlyArray<string>): Array<string> | null => {
  if (res.status !== 200) return null
  const doc = parseXml(res.body)
  if (Either.isLeft(doc)) return null
  const present = new Set([
    ...fieldNames(doc.right),
    ...links(doc.right)
      .map((l) => l.title ?? "")
      .filter((t) => t !== "")
  ])
  return expected.filter((f) => !present.has(f))
}

/** Which of the {@link limitedRoutes} answer, and which refuse; an outcome when one decides nothing. */
const probeRoutes = (ctx: CheckContext, v: IdentityView, evidence: Array<Exchange>) =>
  Effect.gen(function* () {
    const fetched = yield* Effect.forEach(
      limitedRoutes,
      (r) => Effect.map(get(ctx, resourcesUrl(ctx, `${r}/?top=1`), v.auth), (f) => [r, f] as const),
      { concurrency: "unbounded" }
    )
    const refused: Array<string> = []
    const allowed: Array<string> = []
    const statuses = new Set<number>()
    for (const [route, f] of fetched) {
      evidence.push(...exchangesOf(f))
      if (Either.isLeft(f)) return Either.left(fromFailure(f.left, `probe ${route}/`, evidence))
      const s = f.right.status
      if (s === 200) allowed.push(`${route}/`)
      else if (routeRefused(s)) {
        refused.push(`${route}/`)
        statuses.add(s)
      } else {
        return Either.left(
          undecided(`Could not read the limits: ${route}/ answered ${s}.`, {
            cause: unexpectedCause(s, "unexpected_response", `${route}/ answered ${s}`),
            evidence
          })
        )
      }
    }
    const events = fetched.find(([r]) => r === "events")?.[1]
    return Either.right({ refused, allowed, statuses, events })
  })

/** Trimming: an Event (and the identity's own Contact, when known) compared with the fields trimming hides. */
const probeTrimming = (
  ctx: CheckContext,
  v: IdentityView,
  events: Either.Either<ArloResponse, unknown> | undefined,
  evidence: Array<Exchange>
) =>
  Effect.gen(function* () {
    const trimmed: Record<string, Array<string>> = {}
    if (events && Either.isRight(events) && events.right.status === 200) {
      const doc = parseXml(events.right.body)
      const first = Either.isRight(doc) ? itemLinks(doc.right)[0] : undefined
      const url = first ? eventUrl(ctx, first.href) : null
      if (url) {
        const ef = yield* get(ctx, url, v.auth)
        evidence.push(...exchangesOf(ef))
        const absent = Either.isRight(ef) ? absentFields(ef.right, trimmedFields.Event) : null
        if (absent && absent.length > 0) trimmed.Event = absent
      }
    }
    if (v.contactId) {
      const cf = yield* get(ctx, resourcesUrl(ctx, `contacts/${encodeURIComponent(v.contactId)}/`), v.auth)
      evidence.push(...exchangesOf(cf))
      const absent = Either.isRight(cf) ? absentFields(cf.right, trimmedFields.Contact) : null
      if (absent && absent.length > 0) trimmed.Contact = absent
    }
    return trimmed
  })

const presenterLimits = (ctx: CheckContext, v: IdentityView): Effect.Effect<Outcome> =>
  Effect.gen(function* () {
    const evidence: Array<Exchange> = []
    const routes = yield* probeRoutes(ctx, v, evidence)
    if (Either.isLeft(routes)) return routes.left
    const { refused, allowed, statuses, events } = routes.right
    const trimmed = yield* probeTrimming(ctx, v, events, evidence)
    const trimmedText = Object.entries(trimmed)
      .map(([k, fs]) => `${k} without ${fs.join(", ")}`)
      .join("; ")
    const facts = {
      identity: v.method,
      refused,
      allowed,
      trimmed,
      refusalStatus: statuses.size === 0 ? null : [...statuses].sort()
    }
    if (refused.length === 0 && trimmedText === "") {
      return pass(`${cap(v.label)} is refused no probed route and no field was found trimmed.`, { facts, evidence })
    }
    const limits = `refused: ${refused.join(", ") || "none"}${statuses.has(404) ? " (404, indistinguishable from missing)" : ""}; trimmed: ${trimmedText || "none found"}`
    if (ctx.config.expectAccess === "presenter") {
      return pass(`Limited (Presenter) access, as expected: ${limits}.`, { facts, evidence })
    }
    return warn(`Limited access: ${limits}.`, {
      cause: {
        code: "presenter_limits",
        message: "route control and trimming apply to this identity (see roles.administrator)"
      },
      facts,
      evidence,
      remediation: {
        steps: [
          "Fix roles.administrator to lift these limits, or re-run with the expected access set to presenter if they suit the integration."
        ],
        who: "platform-administrator"
      }
    })
  })

export const rolesPresenterLimits = defineCheck({
  id: "roles.presenter-limits",
  title: "Presenter limits",
  decides: "With Presenter + API User only: which routes are refused or trimmed.",
  needs: ["roles.api-user"],
  docs: [docs.rbac],
  run: (ctx) =>
    Effect.gen(function* () {
      const v = yield* identity(ctx, yield* methodOf(ctx))
      const f = administratorFact(v)
      if (f.held === null) {
        if (v.failure) return fromFailure(v.failure, "read the identity's access", v.evidence)
        return undecided(`Could not tell whether limits apply: ${f.why}.`, {
          cause: unreadableCause(v, f.why),
          evidence: v.evidence
        })
      }
      if (f.held) {
        return notApplicable(`${cap(v.label)} holds Administrator: no route control or trimming applies.`, {
          basis: f.basis
        })
      }
      return yield* presenterLimits(ctx, v)
    })
})
