#!/usr/bin/env node
import * as nodeModule from "node:module"
import { answerAlone } from "@arlo-ready/cli-kit/Args"
import { applyColorPolicy } from "./internal/Color.js"
import { binName, version } from "./internal/version.js"

// Node 22.1+ caches compiled code between runs (start-up time); older versions go without.
;(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.()
// --version and --help alone answer without loading the engine or Ink.
if (
  !(await answerAlone(process.argv.slice(2), {
    name: binName,
    version,
    help: () => import("./Help.js").then((h) => h.help())
  }))
) {
  // Before chalk (through Ink) or cli-kit read the environment.
  applyColorPolicy()
  const { main } = await import("./Main.js")
  main()
}
