#!/usr/bin/env node
import * as nodeModule from "node:module"
import { applyColorPolicy } from "./internal/Color.js"

// Node 22.1+ caches compiled code between runs (start-up time); older versions go without.
;(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.()
// Before chalk (through Ink) or cli-kit read the environment.
applyColorPolicy()
const { main } = await import("./Main.js")
main()
