/**
 * The audit as one self-contained HTML file (`--format html`): readable without JavaScript, printable,
 * light and dark, nothing loaded from anywhere. Scripts only add filtering, expand/collapse and copy.
 */
import type { Report } from "@arlo-ready/core"
import { esc, page, verdictMark } from "./internal/html.js"
import { auditView } from "./internal/htmlAudit.js"

/** The audit report as an HTML document. */
export const html = (report: Report): string => {
  const name = report.target.platform ?? report.target.baseUrl
  const body = `<header class="top"><p class="tool">${esc(`${report.tool.name} ${report.tool.version}`)} · audit report · schema ${esc(report.schemaVersion)}</p></header>
<main id="main" class="audit">
${auditView(report, { title: `arlo-ready: ${name}`, prefix: "", h: 1 })}
</main>`
  return page(`arlo-ready: ${verdictMark[report.verdict][1]} · ${name}`, body)
}
