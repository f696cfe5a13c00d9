#!/usr/bin/env node
// The bin's committed entry: it exists before the first build, so installing the workspace links it
// without a warning; the bundled program it loads is dist/bin.js.
await import("../dist/bin.js")
