// Bundles the `arlo-ready` bin: one entry and a few chunks instead of hundreds of modules to resolve
// and load at start-up. The screen (Ink, React), the plain printer and the demo stay separate chunks,
// loaded only when the run needs them; the simulator stays external (a dependency, imported by --demo).
import { chmodSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { build } from "esbuild"

const root = fileURLToPath(new URL("..", import.meta.url))

await build({
  absWorkingDir: root,
  entryPoints: { bin: "src/bin.ts" },
  outdir: "dist",
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20.19",
  jsx: "automatic",
  external: ["@arlo-ready/simulator", "react-devtools-core"],
  define: { "process.env.NODE_ENV": '"production"' },
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
  banner: {
    js: 'import { createRequire as __arloReadyRequire } from "node:module"; const require = __arloReadyRequire(import.meta.url);'
  },
  legalComments: "none",
  logLevel: "warning"
})
chmodSync(`${root}dist/bin.js`, 0o755)
