// The root scripts' runner: builds what an app needs (turbo, quietly: its output is shown only when the
// build fails), then runs the app's bin with the arguments given, in the caller's directory, and exits
// with its exit code. It sets ARLO_READY_INVOKED_AS so the app's re-check hints name the command the
// user ran here (`pnpm report …`), not a bin that is not on PATH inside the clone.
// Usage: node scripts/run.mjs <report|arlo-ready|demo|simulator|bench> [args...]
import { spawn, spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const apps = {
  report: { filters: ["arlo-ready-report..."], bin: "apps/report/dist/bin.js", as: "pnpm report" },
  "arlo-ready": { filters: ["arlo-ready..."], bin: "apps/tui/dist/bin.js", as: "pnpm arlo-ready" },
  demo: { filters: ["arlo-ready..."], bin: "apps/tui/dist/bin.js", args: ["--demo"], as: "pnpm arlo-ready" },
  simulator: { filters: ["@arlo-ready/simulator..."], bin: "packages/simulator/dist/bin.js" },
  bench: { filters: ["arlo-ready-report...", "arlo-ready..."], bin: "bench/run.mjs" }
}
const [name, ...args] = process.argv.slice(2)
const app = apps[name]
if (!app) {
  process.stderr.write(`scripts/run.mjs: give one of ${Object.keys(apps).join(", ")}\n`)
  process.exit(2)
}

const turbo = spawnSync(
  "pnpm",
  ["exec", "turbo", "run", "build", ...app.filters.map((f) => `--filter=${f}`), "--output-logs=errors-only"],
  { cwd: root, encoding: "utf8", env: { ...process.env, TURBO_NO_UPDATE_NOTIFIER: "1" } }
)
if (turbo.status !== 0) {
  process.stderr.write(`${turbo.stdout ?? ""}${turbo.stderr ?? ""}`)
  process.stderr.write(`${name}: the build failed (above)\n`)
  process.exit(turbo.status ?? 1)
}

// biome-ignore lint/suspicious/noUndeclaredEnvVars: pnpm sets it for the runner; it is no input of the build
const cwd = process.env.INIT_CWD || process.cwd()
const env = app.as ? { ...process.env, ARLO_READY_INVOKED_AS: app.as } : process.env
const child = spawn(process.execPath, [`${root}${app.bin}`, ...(app.args ?? []), ...args], {
  cwd,
  env,
  stdio: "inherit"
})
// The terminal sends Ctrl+C to the app too: it decides, and this runner passes its exit code on.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    if (signal !== "SIGINT") child.kill(signal)
  })
}
child.on("exit", (code, signal) => {
  process.exit(code ?? (signal === "SIGINT" ? 130 : signal === "SIGTERM" ? 143 : 1))
})
