#!/usr/bin/env node
import * as nodeModule from "node:module"
import { answerAlone } from "@arlo-ready/cli-kit/Args"
import { binName, version } from "./internal/version.js"

// A signal during start-up (loading takes a moment) still exits 130, like one during the audit.
const early = () => process.exit(130)
process.once("SIGINT", early)
process.once("SIGTERM", early)
// Node 22.1+ caches compiled code between runs, which shortens start-up; older versions go without.
;(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.()

// --version and --help alone answer without loading the engine.
if (
  !(await answerAlone(process.argv.slice(2), {
    name: binName,
    version,
    help: () => import("./Help.js").then((h) => h.help())
  }))
) {
  const { runCli } = await import("@arlo-ready/cli-kit")
  const { main } = await import("./Main.js")
  process.off("SIGINT", early)
  process.off("SIGTERM", early)
  runCli({ name: binName, program: main })
}
