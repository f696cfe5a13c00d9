/**
 * arlo-ready-report: the arlo-ready audit for CI. The formats are pure functions of the core's report,
 * exported for reuse; the command line lives in `bin.ts`.
 */

export {
  fleetCountsText,
  fleetFinishedLine,
  fleetJson,
  fleetNdjson,
  fleetTargetLine,
  fleetText,
  renderFleet
} from "./FleetFormat.js"
export { fleetAnnotations, fleetGithub } from "./FleetGithub.js"
export { fleetJunit } from "./FleetJunit.js"
export { fleetMarkdown } from "./FleetMarkdown.js"
export { type Format, formats, isFormat, json, ndjsonLine, type RenderOptions, render } from "./Format.js"
export { annotations, escapeData, escapeProperty, github, maskCommands } from "./Github.js"
export { html } from "./Html.js"
export { fleetHtml } from "./HtmlFleet.js"
export { junit } from "./Junit.js"
export { markdown, markdownLimitBytes, mdText } from "./Markdown.js"
