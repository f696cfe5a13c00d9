/**
 * @arlo-ready/cli-kit: what the two arlo-ready apps share: flags, their resolution into an audit,
 * exit codes, the plain line printer and the runtime entry.
 */
export * from "./Args.js"
export * from "./AuditInput.js"
export * from "./Command.js"
export * from "./Doctor.js"
export * from "./ExitCode.js"
export * from "./Flags.js"
export * from "./FlagValues.js"
export * from "./FleetInput.js"
export * from "./Http.js"
export { formatDuration, hasEscapes, oneLine, safeStringify, stripAnsi, wrap } from "./internal/text.js"
export * from "./Network.js"
export * from "./NetworkReport.js"
export * from "./Printer.js"
export * from "./Runtime.js"
export * from "./SecretSources.js"
export * from "./Stdin.js"
export * from "./Style.js"
export * from "./UsageError.js"
