// Bundles an app's bin (src/bin.ts) into dist/bin.js plus lazily loaded chunks: one entry and a few
// chunks instead of hundreds of modules to resolve and load at start-up.
// Usage, from the app's folder: node ../../scripts/bundle-bin.mjs [--external NAME]... [--copy FROM=TO]...
// --copy puts a file or folder the bundle reads at run time (the simulator's scenarios, the schemas)
// inside dist, so the published package carries it.
import { chmodSync, cpSync, rmSync } from "node:fs"
import { parseArgs } from "node:util"
import { build } from "esbuild"

const { values } = parseArgs({
  options: {
    external: { type: "string", multiple: true, default: [] },
    copy: { type: "string", multiple: true, default: [] }
  }
})

// Chunk names carry a content hash: without this, every build would leave the previous chunks behind
// (and a published package would ship them).
rmSync("dist/chunks", { recursive: true, force: true })

await build({
  absWorkingDir: process.cwd(),
  entryPoints: { bin: "src/bin.ts" },
  outdir: "dist",
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20.19",
  jsx: "automatic",
  external: ["react-devtools-core", ...values.external],
  define: { "process.env.NODE_ENV": '"production"' },
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
  banner: {
    js: 'import { createRequire as __arloReadyRequire } from "node:module"; const require = __arloReadyRequire(import.meta.url);'
  },
  legalComments: "none",
  logLevel: "warning"
})
chmodSync("dist/bin.js", 0o755)
// The compiler's source map described the unbundled bin.
rmSync("dist/bin.js.map", { force: true })

for (const pair of values.copy) {
  const [from, to] = pair.split("=")
  rmSync(to, { recursive: true, force: true })
  cpSync(from, to, { recursive: true })
}
