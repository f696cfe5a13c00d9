#!/usr/bin/env node
import { runCli } from "@arlo-ready/cli-kit"
import { binName } from "./internal/version.js"
import { main, valueFlags } from "./Main.js"

runCli({ name: binName, program: main, valueFlags })
