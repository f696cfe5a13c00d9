#!/usr/bin/env node
import * as nodeModule from "node:module"

// A signal during start-up (loading takes a moment) still exits 130, like one during the audit.
const early = () => process.exit(130)
process.once("SIGINT", early)
process.once("SIGTERM", early)
// Node 22.1+ caches compiled code between runs, which shortens start-up; older versions go without.
;(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.()

const { runCli } = await import("@arlo-ready/cli-kit")
const { main, valueFlags } = await import("./Main.js")
const { binName } = await import("./internal/version.js")

process.off("SIGINT", early)
process.off("SIGTERM", early)
runCli({ name: binName, program: main, valueFlags })
