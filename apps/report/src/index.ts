/**
 * arlo-ready-report: the arlo-ready audit for CI. The formats are pure functions of the core's report,
 * exported for reuse; the command line lives in `bin.ts`.
 */
export { type Format, formats, isFormat, json, ndjsonLine, type RenderOptions, render } from "./Format.js"
export { annotations, escapeData, escapeProperty, github, maskCommands } from "./Github.js"
export { junit } from "./Junit.js"
export { markdown, markdownLimitBytes, mdText } from "./Markdown.js"
