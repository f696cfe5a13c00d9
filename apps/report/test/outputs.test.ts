/**
 * Where the report goes, and what happens when it cannot get there: stdout that fails (a full device,
 * a reader that goes away) and `--output` files (written whole or not at all, mode 0600, never through
 * a link or into a FIFO or device).
 */
import { execFileSync } from "node:child_process"
import {
  chmodSync,
  closeSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync
} from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { type SimulatorHandle, startSimulator } from "@arlo-ready/simulator"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { assertBuilt, auditEnv, binPath, events, oneLineError, run, runCommand, validReport } from "./helpers.js"

// Real subprocesses on a shared machine: generous hang guards; the few timings asserted are far apart.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 })

let sim: SimulatorHandle
let env: Record<string, string>
let root: string

beforeAll(async () => {
  assertBuilt()
  sim = await startSimulator({ scenario: "ready" })
  env = auditEnv(sim, "acme")
  root = mkdtempSync(join(tmpdir(), "arlo-ready-outputs-"))
})
afterAll(async () => {
  await sim?.close()
  if (root) {
    // A test may leave a directory read-only; make everything removable again.
    execFileSync("chmod", ["-R", "u+rwx", root])
    rmSync(root, { recursive: true, force: true })
  }
})

let n = 0
/** A fresh, empty directory per test. */
/** A copy of the built bundle inside `dir`, readable by every user; the path of its bin. */
const copyOfBin = (dir: string): string => {
  const copy = join(dir, "bin")
  cpSync(dirname(binPath), copy, { recursive: true })
  for (const p of [copy, join(copy, "bin.js")]) chmodSync(p, 0o755)
  return join(copy, "bin.js")
}

const freshDir = () => {
  const d = join(root, `t${++n}`)
  mkdirSync(d)
  return d
}

/** The files left in a directory: any temporary file would show up here. */
const files = (d: string) => readdirSync(d).sort()

const mode = (path: string) => statSync(path).mode & 0o777

describe("stdout that cannot be written", () => {
  it("a full device on stdout: one line on stderr naming stdout, exit 4", async () => {
    const full = openSync("/dev/full", "w")
    try {
      const r = await run(["--format", "json"], { env, stdoutFd: full })
      expect(r.code, r.stderr).toBe(4)
      const line = oneLineError(r.stderr)
      expect(line).toMatch(/^arlo-ready-report: could not write to stdout \(ENOSPC: no space left on device\)/)
      expect(line).toMatch(/free some space/)
    } finally {
      closeSync(full)
    }
  })

  it("--help to a full device is exit 4 too", async () => {
    const full = openSync("/dev/full", "w")
    try {
      const r = await run(["--help"], { stdoutFd: full })
      expect(r.code).toBe(4)
      expect(oneLineError(r.stderr)).toMatch(/could not write to stdout/)
    } finally {
      closeSync(full)
    }
  })

  it("a reader that goes away (| head -1): exit 4, quietly, never interrupted; --output files still complete", async () => {
    const slow = await startSimulator({ scenario: "slow" })
    try {
      const d = freshDir()
      let closed = false
      const r = await run(["--format", "text", "--output", `json=${d}/r.json`, "--output", `ndjson=${d}/r.ndjson`], {
        env: auditEnv(slow, "pukeko"),
        onLine: (_line, child) => {
          if (!closed) {
            closed = true
            child.stdout?.destroy()
          }
        }
      })
      expect(closed).toBe(true)
      expect(r.code, r.stderr).toBe(4)
      expect(r.stderr).not.toMatch(/interrupt/i)
      expect(r.stderr.split("\n").filter((l) => l !== "").length).toBeLessThanOrEqual(1)
      const report = validReport(JSON.parse(readFileSync(join(d, "r.json"), "utf8")))
      expect(report.interrupted).toBe(false)
      expect(report.verdict).toBe("ready")
      const stream = events(readFileSync(join(d, "r.ndjson"), "utf8"))
      const last = stream.at(-1)
      expect(last?._tag === "audit_finished" && last.report).toEqual(report)
      expect(files(d)).toEqual(["r.json", "r.ndjson"])
    } finally {
      await slow.close()
    }
  })
})

describe("--output files", () => {
  it("a file system that refuses the write at the end: stdout still gets its report, one line, exit 4, the old file untouched and no temporary file left", async () => {
    const d = freshDir()
    writeFileSync(join(d, "r.json"), "previous\n")
    // `ulimit -f` caps every file the process writes (4 or 8 KiB, by the shell's block size): the JSON
    // report (about 16 KiB) cannot be written in full, the text report (about 2 KiB) can. Node ignores
    // SIGXFSZ, so the write fails with EFBIG, as a full disk fails it with ENOSPC.
    const r = await run(["--format", "json", "--output", `json=${d}/r.json`, "--output", `text=${d}/r.txt`], {
      env,
      shell: "ulimit -f 8"
    })
    expect(r.code, r.stderr).toBe(4)
    expect(validReport(JSON.parse(r.stdout)).verdict).toBe("ready")
    const line = oneLineError(r.stderr)
    expect(line).toMatch(new RegExp(`^arlo-ready-report: --output json=${d}/r\\.json: could not write `))
    expect(line).toMatch(/left as it was/)
    expect(readFileSync(join(d, "r.json"), "utf8")).toBe("previous\n")
    expect(readFileSync(join(d, "r.txt"), "utf8")).toMatch(/READY/)
    expect(files(d)).toEqual(["r.json", "r.txt"])
  })

  it("an ndjson file that cannot be written in full: stdout keeps its report, no file and no temporary file left", async () => {
    const d = freshDir()
    const r = await run(["--format", "json", "--output", `ndjson=${d}/r.ndjson`], { env, shell: "ulimit -f 8" })
    expect(r.code, r.stderr).toBe(4)
    expect(validReport(JSON.parse(r.stdout)).verdict).toBe("ready")
    expect(oneLineError(r.stderr)).toMatch(/--output ndjson=.*r\.ndjson: could not write /)
    expect(r.stderr).not.toMatch(/unexpected error/)
    expect(files(d)).toEqual([])
  })

  it("creates files with mode 0600 whatever the umask, and replaces an existing file whole", async () => {
    const d = freshDir()
    writeFileSync(join(d, "old.json"), "previous\n", { mode: 0o644 })
    const r = await run(
      [
        "--format",
        "json",
        "--output",
        `json=${d}/old.json`,
        "--output",
        `junit=${d}/r.xml`,
        "--output",
        `ndjson=${d}/r.ndjson`
      ],
      { env, shell: "umask 000" }
    )
    expect(r.code, r.stderr).toBe(0)
    for (const f of ["old.json", "r.xml", "r.ndjson"]) expect(mode(join(d, f)), f).toBe(0o600)
    expect(JSON.parse(readFileSync(join(d, "old.json"), "utf8"))).toEqual(JSON.parse(r.stdout))
    expect(files(d)).toEqual(["old.json", "r.ndjson", "r.xml"])
  })

  describe("refused before the audit starts, with exit 2", () => {
    const refused = async (args: ReadonlyArray<string>, message: RegExp) => {
      sim.clearJournal()
      const r = await run(args, { env, timeoutMs: 30_000 })
      expect(r.code, r.stderr).toBe(2)
      expect(r.stdout).toBe("")
      expect(oneLineError(r.stderr)).toMatch(message)
      expect(sim.journal()).toEqual([])
    }

    it("a FIFO (which would block open() until a reader came)", async () => {
      const d = freshDir()
      execFileSync("mkfifo", [join(d, "fifo")])
      await refused(["--output", `json=${d}/fifo`], /--output json=.*\/fifo: .*is a FIFO/)
    })

    it("a device", async () => {
      await refused(["--output", "ndjson=/dev/full"], /--output ndjson=\/dev\/full: .*is a device/)
      await refused(["--output", "json=/dev/null"], /--output json=\/dev\/null: .*is a device/)
    })

    it("a symbolic link, named, and neither it nor its target is touched", async () => {
      const d = freshDir()
      writeFileSync(join(d, "target.json"), "previous\n")
      symlinkSync(join(d, "target.json"), join(d, "link.json"))
      symlinkSync(join(d, "missing.json"), join(d, "dangling.json"))
      await refused(
        ["--output", `json=${d}/link.json`],
        /--output json=.*\/link\.json: .*link\.json is a symbolic link/
      )
      await refused(["--output", `json=${d}/dangling.json`], /dangling\.json is a symbolic link/)
      expect(lstatSync(join(d, "link.json")).isSymbolicLink()).toBe(true)
      expect(readFileSync(join(d, "target.json"), "utf8")).toBe("previous\n")
      expect(existsSync(join(d, "missing.json"))).toBe(false)
      expect(files(d)).toEqual(["dangling.json", "link.json", "target.json"])
    })

    it("a directory", async () => {
      const d = freshDir()
      await refused(["--output", `junit=${d}`], /it is a directory/)
    })

    it("a read-only directory, with no file left in it", async () => {
      const d = freshDir()
      const ro = join(d, "ro")
      mkdirSync(ro)
      chmodSync(ro, 0o555)
      // root ignores permissions: meet them as another user, whom the test directory must let in, running
      // a copy of the bundle there (the checkout itself may sit in a directory only its owner can enter).
      const asRoot = process.getuid?.() === 0
      if (asRoot) for (const p of [root, d]) chmodSync(p, 0o755)
      const args = ["--output", `json=${ro}/r.json`]
      sim.clearJournal()
      const r = asRoot
        ? await runCommand(process.execPath, [copyOfBin(d), ...args], {
            env,
            timeoutMs: 30_000,
            uid: 65534,
            gid: 65534,
            cwd: "/"
          })
        : await run(args, { env, timeoutMs: 30_000 })
      expect(r.code, r.stderr).toBe(2)
      expect(oneLineError(r.stderr)).toMatch(/--output json=.*\/ro\/r\.json: cannot write there \(permission denied\)/)
      expect(sim.journal()).toEqual([])
      expect(files(ro)).toEqual([])
    })
  })
})
