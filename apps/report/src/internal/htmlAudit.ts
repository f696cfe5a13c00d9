/**
 * One audit as HTML: the verdict and counts, the checks by group with their marks, each finding's
 * cause, fix steps, who can fix it, docs, re-check command and evidence, the drift and the waivers,
 * and the request timeline. The fleet view uses the same pieces for each target, with each distinct
 * finding written once for the whole file.
 */
import { actorLabel, blockedBy, countsText, formatDuration, networkSentences, rootCauses } from "@arlo-ready/cli-kit"
import { type CheckResult, type CheckStatus, groupTitles, type Report, waiverWarnings } from "@arlo-ready/core"
import { exchangeLine } from "./details.js"
import { esc, link, mark, statusMark, verdictBadge } from "./html.js"
import { timeline } from "./htmlTimeline.js"
import { driftHeadline, driftLines } from "./living.js"

/**
 * What a finding says whatever the target: the part a fleet writes once and links to. The re-check
 * command names the target, so it stays with the target's own line.
 */
export const findingKey = (c: CheckResult): string =>
  JSON.stringify([
    c.id,
    c.status,
    c.cause,
    c.remediation && { ...c.remediation, recheck: undefined },
    c.docs,
    c.waiver?.reason ?? null
  ])

const recheckLine = (command: string): string =>
  `<p class="recheck"><strong>Re-check:</strong> <code class="cmd">${esc(command)}</code></p>`

const waiverLine = (c: CheckResult): string => {
  const w = c.waiver
  if (!w) return ""
  return w.expired
    ? `<p class="waiver">Waiver expired on ${esc(w.expires)} (owner ${esc(w.owner)}): counts as ${w.originalStatus} again.</p>`
    : `<p class="waiver">Waived (was ${w.originalStatus}): ${esc(w.reason)}; owner ${esc(w.owner)}, until ${esc(w.expires)}.</p>`
}

/** The body of a finding: cause, possibilities, the fix, who, re-check (unless `shared`), docs. */
export const findingBody = (c: CheckResult, shared = false): string => {
  const out: Array<string> = [waiverLine(c)]
  if (c.cause) {
    out.push(`<p><strong>Cause:</strong> ${esc(c.cause.message)} <code>${esc(c.cause.code)}</code></p>`)
    const possibilities = c.cause.possibilities ?? []
    if (possibilities.length > 0) {
      out.push(`<p>It may also be:</p><ul>${possibilities.map((p) => `<li>${esc(p)}</li>`).join("")}</ul>`)
    }
  }
  if (c.remediation) {
    out.push(
      `<h4>How to fix it</h4><ol class="steps">${c.remediation.steps.map((s) => `<li>${esc(s)}</li>`).join("")}</ol>`,
      `<p><strong>Who can fix it:</strong> ${esc(actorLabel(c.remediation.who))}</p>`
    )
    if (c.remediation.recheck && !shared) out.push(recheckLine(c.remediation.recheck))
  }
  if (c.docs.length > 0) {
    out.push(`<p class="docs"><strong>Docs:</strong> ${c.docs.map((d) => link(d.title, d.url)).join(" · ")}</p>`)
  }
  return out.join("")
}

const evidence = (c: CheckResult): string =>
  c.evidence.length === 0
    ? ""
    : `<details class="evidence"><summary>Evidence: ${c.evidence.length} request${c.evidence.length === 1 ? "" : "s"}</summary><ul>${c.evidence.map((e) => `<li><code>${esc(exchangeLine(e))}</code></li>`).join("")}</ul></details>`

/** Where a fleet's target links a finding to: the one copy the file holds of it. */
export type FindingHref = (c: CheckResult) => string

const checkLine = (c: CheckResult, prefix: string, href?: FindingHref): string => {
  const waived = c.waiver ? ` <span class="was">was ${c.waiver.originalStatus}</span>` : ""
  const to = href ? href(c) : `#${prefix}f-${esc(c.id)}`
  const linkTo = isFinding(c.status) || (href && c.status === "waived") ? ` <a href="${to}">cause and fix</a>` : ""
  const status = href ? "" : ` data-status="${c.status}"`
  // The whole view gives every check its requests; a fleet's target has them in its timeline.
  const requests = href ? "" : evidence(c)
  return `<li class="check ${statusMark[c.status][2]}"${status}>${mark(c.status)} <code>${esc(c.id)}</code> <span class="t">${esc(c.title)}</span>${waived}<span class="sum">${esc(c.summary)}</span>${linkTo}${requests}</li>`
}

/** Checks that need no reading in a fleet (passed, skipped, n/a): one line per status, their ids. */
const groupedLine = (status: CheckStatus, checks: ReadonlyArray<CheckResult>): string =>
  `<li class="check ${statusMark[status][2]}">${mark(status)} <span class="t">${checks.length} ${statusMark[status][1]}</span><code class="sum">${checks.map((c) => esc(c.id)).join(", ")}</code></li>`

const checklist = (report: Report, prefix: string, href: FindingHref | undefined): string => {
  if (href) {
    const quiet = new Map<CheckStatus, Array<CheckResult>>()
    const lines: Array<string> = []
    for (const c of report.checks) {
      if (isFinding(c.status) || c.status === "waived") lines.push(checkLine(c, prefix, href))
      else quiet.set(c.status, [...(quiet.get(c.status) ?? []), c])
    }
    for (const [status, checks] of quiet) lines.push(groupedLine(status, checks))
    // The target keeps its re-check commands (the fleet's one copy of a finding cannot name every
    // target); a fleet's are the same for each check of a target, so this is mostly one line.
    const rechecks = new Set(report.checks.flatMap((c) => (isFinding(c.status) && c.remediation?.recheck) || []))
    return `<ul class="checks">${lines.join("")}</ul>${[...rechecks].map(recheckLine).join("")}`
  }
  const groups = new Map<string, Array<CheckResult>>()
  for (const c of report.checks) groups.set(c.group, [...(groups.get(c.group) ?? []), c])
  const out: Array<string> = []
  for (const [group, checks] of groups) {
    out.push(`<h3>${esc(groupTitles[group as keyof typeof groupTitles] ?? group)}</h3><ul class="checks">`)
    for (const c of checks) out.push(checkLine(c, prefix))
    out.push("</ul>")
  }
  return out.join("")
}

const isFinding = (s: CheckStatus) => s === "fail" || s === "error" || s === "warn"

const findings = (report: Report): string => {
  const causes = rootCauses(report)
  const waived = report.checks.filter((c) => c.status === "waived" || c.waiver?.expired)
  if (causes.length === 0 && waived.length === 0) return ""
  const items = [...causes, ...waived.filter((c) => !causes.includes(c))].map((c) => {
    const blocked = blockedBy(report, c.id)
    return `<article class="finding ${statusMark[c.status][2]}" id="f-${esc(c.id)}" data-status="${c.status}"><h3>${mark(c.status)} <code>${esc(c.id)}</code> ${esc(c.title)}</h3><p>${esc(c.summary)}</p>${findingBody(c)}${blocked.length > 0 ? `<p><strong>Blocks:</strong> ${blocked.map((b) => `<code>${esc(b.id)}</code>`).join(", ")}</p>` : ""}${evidence(c)}</article>`
  })
  return `<h2>What to fix</h2>${items.join("")}`
}

const living = (report: Report): string => {
  const out: Array<string> = []
  if (report.drift) {
    const lines = driftLines(report)
    out.push(
      `<section class="drift" aria-label="What changed"><h2>What changed</h2><p>${esc(`${driftHeadline(report.drift)}.`)}</p>${lines.length > 0 ? `<ul>${lines.map((l) => `<li>${esc(l)}</li>`).join("")}</ul>` : "<p>Nothing moved.</p>"}</section>`
    )
  }
  const warnings = waiverWarnings(report)
  if (warnings.length > 0) {
    out.push(
      `<section class="caution" aria-label="Waivers"><h2>Waivers</h2><ul>${warnings.map((l) => `<li>${esc(l)}</li>`).join("")}</ul></section>`
    )
  }
  return out.join("")
}

const countList = (report: Report): string => {
  const items = (Object.keys(statusMark) as Array<CheckStatus>)
    .filter((s) => (report.summary[s] ?? 0) > 0)
    .map(
      (s) =>
        `<li class="${statusMark[s][2]}" data-count="${s}">${mark(s)} <strong>${report.summary[s]}</strong> ${statusMark[s][1]}</li>`
    )
  return `<ul class="counts" aria-label="Checks by status">${items.join("")}</ul>`
}

/** The heading facts of an audit: target, auth, counts, time. */
export const auditFacts = (report: Report): string => {
  const target = report.target.platform
    ? `<code>${esc(report.target.baseUrl)}</code> (${esc(report.target.platform)})`
    : `<code>${esc(report.target.baseUrl)}</code>`
  const methods = report.target.authMethods.length > 0 ? report.target.authMethods.join(", ") : "none"
  return `<p class="facts">Target ${target} · auth ${esc(methods)} · ${esc(countsText(report.summary))} · took ${formatDuration(report.durationMs)} · ${report.requests.count} requests · started ${esc(report.startedAt)}</p>`
}

/**
 * One audit's view, whole (`--format html`), or as a fleet's target: ids prefixed to stay unique
 * (`t3-`), and compact (`shared` set): each finding linked to the fleet's one copy of it instead of
 * written out with its evidence (the timeline has every request), the checks that need no reading
 * listed by status in a line each, the counts in the facts line only.
 */
export const auditView = (
  report: Report,
  options: {
    readonly title: string
    readonly prefix: string
    readonly h: 1 | 2
    readonly shared?: FindingHref
  }
): string => {
  const { prefix, h, shared } = options
  const network = networkSentences(report.network)
  return [
    `<h${h}>${esc(options.title)} ${verdictBadge(report.verdict)}</h${h}>`,
    auditFacts(report),
    shared ? "" : countList(report),
    report.interrupted ? `<p class="caution">The audit stopped before every check finished.</p>` : "",
    living(report),
    shared
      ? `<h2>Checks</h2>${checklist(report, prefix, shared)}`
      : `<h2>Checks</h2><div class="filter" data-for="${prefix}checks"></div><div id="${prefix}checks" class="checklist">${checklist(report, prefix, shared)}</div>`,
    shared ? "" : findings(report),
    `<h2>Request timeline</h2>${timeline(report, shared ? undefined : `${prefix}timeline`)}`,
    network.length > 0 ? `<h2>Network</h2><ul>${network.map((l) => `<li>${esc(l)}</li>`).join("")}</ul>` : ""
  ]
    .filter((part) => part !== "")
    .join("\n")
}
