/**
 * A fleet as one self-contained HTML file: the matrix of targets × checks coloured by status, worst
 * first (sortable and filterable by tag, verdict and check once the script runs), each row opening
 * that target's audit view further down the same file. A finding that reads the same on many targets
 * (its cause, fix, docs) is written once and linked from each target, so a fleet of a thousand stays
 * small; each target keeps its own checklist, summaries and request timeline.
 */

import { formatDuration } from "@arlo-ready/cli-kit"
import {
  type CheckId,
  type CheckStatus,
  catalogue,
  type FleetReport,
  type FleetTargetResult,
  worstFirst
} from "@arlo-ready/core"
import { fleetCountsText } from "./FleetFormat.js"
import { fleetLivingText } from "./internal/fleetLiving.js"
import { esc, page, statusMark, verdictBadge, verdictMark } from "./internal/html.js"
import { auditView, findingBody, findingKey } from "./internal/htmlAudit.js"

interface Shared {
  readonly n: number
  readonly body: string
  readonly id: CheckId
  readonly title: string
  readonly status: CheckStatus
  targets: number
}

const rowId = (t: FleetTargetResult, i: number) => `t${t.index ?? i}`

const legend = Object.values(statusMark)
  .map(([glyph, word, cls]) => `<span class="${cls}">${glyph}</span> ${word}`)
  .join(" · ")

const matrix = (ordered: ReadonlyArray<{ t: FleetTargetResult; i: number }>, columns: ReadonlyArray<CheckId>) => {
  const titles = new Map(catalogue.map((d) => [d.id, d.title]))
  const head = columns
    .map((id) => `<th scope="col" data-col="${id}"><abbr title="${esc(titles.get(id) ?? id)}">${esc(id)}</abbr></th>`)
    .join("")
  const rows = ordered.map(({ t, i }) => {
    const byId = new Map((t.report?.checks ?? []).map((c) => [c.id, c.status]))
    const cells = columns
      .map((id) => {
        const s = byId.get(id)
        // End tags of cells are optional in HTML: a thousand rows of them are 80 kB.
        if (s === undefined) return "<td>"
        const [glyph, , cls] = statusMark[s]
        return `<td class=${cls}>${glyph}`
      })
      .join("")
    const [, words, cls] = verdictMark[t.verdict]
    return `<tr data-verdict="${t.verdict}" data-tags="${esc(t.tags.join(" "))}"><th><a href="#${rowId(t, i)}">${esc(t.name)}</a></th><td class="v ${cls}">${words}</td><td class="tags">${esc(t.tags.join(", "))}</td>${cells}</tr>`
  })
  return `<div class="scroll"><table class="matrix" id="matrix"><caption>Targets × checks, worst first: ${legend}</caption><thead><tr><th scope="col">Target</th><th scope="col">Verdict</th><th scope="col">Tags</th>${head}</tr></thead><tbody>${rows.join("")}</tbody></table></div>`
}

/** The fleet report as an HTML document. */
export const fleetHtml = (report: FleetReport): string => {
  const shared = new Map<string, Shared>()
  const sharedFinding = (c: Parameters<typeof findingBody>[0]): string => {
    const key = findingKey(c)
    let s = shared.get(key)
    if (!s) {
      s = { n: shared.size + 1, body: findingBody(c, true), id: c.id, title: c.title, status: c.status, targets: 0 }
      shared.set(key, s)
    }
    s.targets++
    return `#F${s.n}`
  }
  const ordered = worstFirst(report.targets.map((t, i) => ({ t, i, verdict: t.verdict })))
  const present = new Set(report.targets.flatMap((t) => (t.report?.checks ?? []).map((c) => c.id)))
  const columns = catalogue.map((d) => d.id).filter((id) => present.has(id))
  const sections = report.targets.map((t, i) => {
    const id = rowId(t, i)
    const back = `<a class="back" href="#matrix">↑ Back to the fleet</a>`
    const view =
      t.report === null
        ? `<h2>${esc(t.name)} ${verdictBadge(t.verdict)}</h2><p>Not audited: ${esc(t.error ?? "no report")}</p>`
        : auditView(t.report, { title: t.name, prefix: `${id}-`, h: 2, shared: sharedFinding })
    return `<section class="target" id="${id}">${back}${view}</section>`
  })
  const findings = [...shared.values()]
    .map(
      (s) =>
        `<article class="finding ${statusMark[s.status][2]}" id="F${s.n}"><h3><code>${esc(s.id)}</code> ${esc(s.title)} <span class="n">${s.targets} target${s.targets === 1 ? "" : "s"}</span></h3>${s.body}</article>`
    )
    .join("")
  const name = report.fleet.name ?? "fleet"
  const shards = report.shards.map((s) => `${s.index}/${s.count}`).join(", ")
  const living = fleetLivingText(report)
  const body = `<header class="top"><p class="tool">${esc(`${report.tool.name} ${report.tool.version}`)} · fleet report · schema ${esc(report.schemaVersion)}</p></header>
<main id="main" class="fleet">
<h1>arlo-ready fleet: ${esc(name)} ${verdictBadge(report.verdict)}</h1>
<p class="facts">${report.targets.length} of ${report.fleet.targets} targets · ${esc(fleetCountsText(report.counts))} · took ${formatDuration(report.durationMs)}${shards ? ` · shards ${esc(shards)}` : ""} · started ${esc(report.startedAt)}</p>
${report.interrupted ? `<p class="caution">The run stopped before every target finished.</p>` : ""}
${living.length > 0 ? `<section class="drift" aria-label="What changed"><ul>${living.map((l) => `<li>${esc(l)}</li>`).join("")}</ul></section>` : ""}
<div class="filter" data-for="matrix"></div>
${matrix(ordered, columns)}
${findings ? `<section class="shared" aria-label="Findings"><h2>Findings</h2><p>Each finding once, with the number of targets it is on; each target's own view links here.</p>${findings}</section>` : ""}
<div class="targets">${sections.join("\n")}</div>
</main>`
  return page(`arlo-ready fleet: ${verdictMark[report.verdict][1]} · ${name}`, body)
}
