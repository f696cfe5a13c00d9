#!/usr/bin/env node
import { applyColorPolicy } from "./internal/Color.js"

// Before chalk (through Ink) or cli-kit read the environment.
applyColorPolicy()
const { main } = await import("./Main.js")
main()
