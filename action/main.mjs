/**
 * The entry of the arlo-ready GitHub Action (action.yml), run by the runner as `node action/main.mjs`
 * with the inputs as `INPUT_*` variables. It masks the secrets, runs `arlo-ready-report --format github`
 * (the annotations go straight to the runner) with the secrets in its environment, never in its argv,
 * writes the JSON report and the formats asked for, appends the Markdown to the step summary under
 * GitHub's cap, sets the outputs and exits with the report's exit code. Plain ESM, no dependencies.
 */
import { spawn } from "node:child_process"
import { accessSync, appendFileSync, constants, existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs"
import { constants as osConstants, tmpdir } from "node:os"
import { delimiter, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { capSummary, escapeData, input, listInput, maskCommands, outputFiles, outputLines } from "./summary.mjs"

const bin = "arlo-ready-report"
const windows = process.platform === "win32"

/** Inputs passed as flags: none of them is a secret. */
const flagInputs = [
  "platform",
  "base-url",
  "username",
  "client-id",
  "redirect-uri",
  "scopes",
  "auth",
  "mfa-setting",
  "expect-access",
  "only",
  "skip",
  "fail-on",
  "deadline",
  "ca-file"
]

/** Inputs passed as variables of the report's environment, so that no process list shows them. */
const secretInputs = {
  password: "ARLO_PASSWORD",
  "client-secret": "ARLO_CLIENT_SECRET",
  "access-token": "ARLO_ACCESS_TOKEN"
}

/** The version of arlo-ready-report in this commit of the repository: pinning the Action pins it. */
const pinnedVersion = () => {
  const pkg = fileURLToPath(new URL("../apps/report/package.json", import.meta.url))
  return JSON.parse(readFileSync(pkg, "utf8")).version
}

/** An executable `name` on PATH, or undefined. */
const onPath = (name, env) => {
  const exts = windows ? (env.PATHEXT ?? ".COM;.EXE;.BAT;.CMD").split(";") : [""]
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    for (const ext of dir === "" ? [] : exts) {
      const candidate = join(dir, `${name}${ext}`)
      try {
        accessSync(candidate, constants.X_OK)
        if (statSync(candidate).isFile()) return candidate
      } catch {}
    }
  }
  return undefined
}

/** What to run: `version` asked for, else the binary on PATH, else npx with the pinned version. */
const command = (env) => {
  const asked = input(env, "version")
  const found = asked === "" ? onPath(bin, env) : undefined
  if (found) return { file: found, args: [], label: found }
  const version = asked === "" ? pinnedVersion() : asked
  return { file: windows ? "npx.cmd" : "npx", args: ["--yes", `${bin}@${version}`], label: `npx ${bin}@${version}` }
}

/** The proxy input's credentials, which the runner must mask too. */
const proxySecrets = (proxy) => {
  try {
    const url = new URL(proxy)
    return [url.password, decodeURIComponent(url.password)].filter((s) => s !== "")
  } catch {
    return []
  }
}

/** The report's environment: the runner's without any input, the secrets and the proxy added. */
const childEnv = (env) => {
  const out = {}
  for (const [k, v] of Object.entries(env)) if (!k.startsWith("INPUT_") && k !== "GITHUB_STEP_SUMMARY") out[k] = v
  for (const [name, variable] of Object.entries(secretInputs)) {
    const value = input(env, name)
    if (value !== "") out[variable] = value
  }
  const proxy = input(env, "proxy")
  if (proxy !== "") {
    out.https_proxy = proxy
    out.http_proxy = proxy
  }
  return out
}

/** One line for the log, as an error annotation. */
const fail = (message) => process.stdout.write(`::error title=arlo-ready::${escapeData(message)}\n`)

const quoteForCmd = (arg) => (/[\s"&|<>^%]/.test(arg) ? `"${arg.replace(/"/g, '""')}"` : arg)

/** Runs the report with stdout and stderr going to the runner; resolves with its exit code. */
const runReport = (cmd, args, env) =>
  new Promise((done) => {
    const all = [...cmd.args, ...args]
    // A .cmd shim (npm's on Windows) only runs through the shell.
    const shell = windows && /\.(cmd|bat)$/i.test(cmd.file)
    const child = spawn(cmd.file, shell ? all.map(quoteForCmd) : all, {
      env,
      stdio: ["ignore", "inherit", "inherit"],
      shell
    })
    const forward = (signal) => child.kill(signal)
    process.on("SIGINT", forward)
    process.on("SIGTERM", forward)
    child.on("error", (e) => {
      fail(
        `could not start ${cmd.label} (${e.message}): put Node and npx on PATH (actions/setup-node), or install ${bin} in an earlier step`
      )
      done(2)
    })
    child.on("close", (code, signal) => {
      process.off("SIGINT", forward)
      process.off("SIGTERM", forward)
      done(code ?? 128 + (osConstants.signals[signal] ?? 15))
    })
  })

const readReport = (path) => {
  try {
    return JSON.parse(readFileSync(path, "utf8"))
  } catch {
    return undefined
  }
}

/** Appends to a runner file (GITHUB_STEP_SUMMARY, GITHUB_OUTPUT); a failure is a warning, not a crash. */
const appendTo = (path, text, what) => {
  if (!path) return
  try {
    appendFileSync(path, text)
  } catch (e) {
    process.stdout.write(`::warning title=arlo-ready::${escapeData(`could not write ${what} (${e.message})`)}\n`)
  }
}

const summaryOf = (markdownPath, reportPath, code) => {
  if (existsSync(markdownPath)) return capSummary(readFileSync(markdownPath, "utf8"), reportPath)
  return `## arlo-ready: the audit did not run (exit ${code})\n\nThe step's log says what to fix.\n`
}

/** The Action: returns the exit code for the step. */
export const main = async (env = process.env) => {
  // The runner must learn the masks before anything else could print a secret.
  const masks = maskCommands([
    ...Object.keys(secretInputs).map((n) => input(env, n)),
    ...proxySecrets(input(env, "proxy"))
  ])
  if (masks.length > 0) process.stdout.write(`${masks.join("\n")}\n`)

  const dir = resolve(input(env, "output-dir") || join(env.RUNNER_TEMP || tmpdir(), "arlo-ready"))
  mkdirSync(dir, { recursive: true })
  const files = outputFiles(listInput(env, "formats"), join, dir)
  const args = ["--format", "github"]
  for (const name of flagInputs) {
    const value = input(env, name)
    if (value !== "") args.push(`--${name}=${value}`)
  }
  for (const [format, path] of files) {
    // A file left by an earlier run must not pass for this run's report.
    try {
      rmSync(path, { force: true })
    } catch {}
    args.push("--output", `${format}=${path}`)
  }

  const code = await runReport(command(env), args, childEnv(env))
  const reportPath = files.get("json")
  const report = readReport(reportPath)
  appendTo(env.GITHUB_STEP_SUMMARY, summaryOf(files.get("markdown"), reportPath, code), "the step summary")
  const counts = report?.summary ?? {}
  const outputs = {
    verdict: report?.verdict ?? "",
    "report-path": report ? reportPath : "",
    "output-dir": dir,
    "exit-code": String(code)
  }
  for (const status of ["pass", "warn", "fail", "error", "skipped", "not_applicable"]) {
    outputs[status.replace("_", "-")] = report ? String(counts[status] ?? 0) : ""
  }
  appendTo(env.GITHUB_OUTPUT, outputLines(outputs), "the step outputs")
  return code
}

try {
  process.exitCode = await main()
} catch (e) {
  // A bad output-dir, an unreadable package.json: one line that says what failed, no stack trace.
  fail(`the Action could not run: ${e instanceof Error ? e.message : String(e)}`)
  process.exitCode = 2
}
