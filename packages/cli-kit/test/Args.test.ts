import { describe, expect, it } from "vitest"
import { didYouMean, type FlagSpec, parseArgs, renderHelp } from "../src/Args.js"
import { failOnFlag, sharedFlags } from "../src/Flags.js"

const flags: ReadonlyArray<FlagSpec> = [
  ...sharedFlags,
  failOnFlag,
  { key: "format", name: "format", kind: "value", group: "output", value: "FORMAT", description: "The format." },
  { key: "demo", name: "demo", kind: "value", group: "target", bareValue: "demo", description: "The demo." },
  { key: "listChecks", name: "list-checks", kind: "switch", group: "selection", description: "List." }
]
const parse = (...args: Array<string>) => parseArgs(args, flags)
const error = (...args: Array<string>) => {
  const r = parse(...args)
  return r._tag === "error" ? r.message : `not an error: ${r._tag}`
}

describe("parseArgs", () => {
  it("reads values given with a space or an equals sign, switches and repeated lists", () => {
    expect(
      parse("--platform", "acme", "--format=json", "--only", "a,b", "--only=c", "--list-checks", "--password", "-x-")
    ).toEqual({
      _tag: "run",
      values: { platform: "acme", format: "json", only: ["a,b", "c"], listChecks: true, password: "-x-" }
    })
  })

  it("answers help and version in every spelling", () => {
    for (const a of ["-h", "--help", "help"]) expect(parse(a)._tag).toBe("help")
    for (const a of ["-v", "--version"]) expect(parse(a)._tag).toBe("version")
    expect(parse("--platform", "acme", "--help")._tag).toBe("help")
    expect(error("--platform", "help")).toBe("not an error: run")
  })

  it("suggests the flag meant by a typo, and says when there is none", () => {
    expect(error("--formt", "json")).toBe("unknown flag '--formt': did you mean --format? Run with --help for usage.")
    expect(error("--base-ur=x")).toBe("unknown flag '--base-ur': did you mean --base-url? Run with --help for usage.")
    expect(error("--verison")).toBe("unknown flag '--verison': did you mean --version? Run with --help for usage.")
    expect(error("--zzzzzz")).toBe("unknown flag '--zzzzzz'. Run with --help for usage.")
    expect(error("-f")).toBe("unknown flag '-f'. Run with --help for usage.")
    expect(error("--wizard")).toBe("unknown flag '--wizard'. Run with --help for usage.")
    expect(error("--log-level", "debug")).toBe("unknown flag '--log-level'. Run with --help for usage.")
  })

  it("says a flag is given twice, without echoing a secret", () => {
    expect(error("--base-url", "a", "--base-url", "b")).toBe(
      "--base-url is given twice ('a' and 'b'): give it once. Run with --help for usage."
    )
    expect(error("--password", "p1", "--password=p2")).toBe(
      "--password is given twice: give it once. Run with --help for usage."
    )
    expect(error("--list-checks", "--list-checks")).toBe(
      "--list-checks is given twice: give it once. Run with --help for usage."
    )
  })

  it("names a missing value, a stray argument and a value given to a switch", () => {
    expect(error("--base-url")).toBe("--base-url needs a value, e.g. --base-url URL. Run with --help for usage.")
    expect(error("--only", "--base-url", "x")).toContain("--only needs a value")
    expect(error("acme")).toBe("unexpected argument 'acme': this command takes flags only. Run with --help for usage.")
    expect(error("--list-checks=yes")).toBe("--list-checks takes no value (got 'yes'). Run with --help for usage.")
    expect(error("\u001b[31mx")).toContain("unexpected argument 'x'")
  })

  it("gives a flag with a bare value that value when none follows", () => {
    expect(parse("--demo")).toEqual({ _tag: "run", values: { demo: "demo" } })
    expect(parse("--demo", "--no-such")._tag).toBe("error")
    expect(parse("--demo", "locked")).toEqual({ _tag: "run", values: { demo: "locked" } })
  })
})

describe("didYouMean", () => {
  it("finds near words and prefixes, not far ones", () => {
    expect(didYouMean("target.reachble", ["target.reachable", "target.url"])).toBe("target.reachable")
    expect(didYouMean("oauth.tokn", ["oauth.token", "oauth.scopes"])).toBe("oauth.token")
    expect(didYouMean("roles.api", ["roles.api-user", "roles.administrator"])).toBe("roles.api-user")
    expect(didYouMean("banana", ["target.url", "oauth.token"])).toBeUndefined()
    expect(didYouMean("x".repeat(10_000), ["x"])).toBeUndefined()
  })
})

describe("renderHelp", () => {
  const help = renderHelp({
    name: "tool",
    version: "1.2.3",
    summary: "Does things.",
    flags,
    examples: [["tool --platform acme", "Audit acme"]],
    sections: [{ heading: "Checks", rows: [["target.url", "The base URL is valid"]] }]
  })

  it("groups the flags, names each flag's environment variable, and fits 100 columns", () => {
    expect(help).toContain("Target:\n  --platform NAME")
    expect(help).toContain("[env ARLO_PLATFORM]")
    expect(help).toContain("--demo [VALUE]")
    expect(help).toContain("Examples:\n  # Audit acme\n  tool --platform acme")
    expect(help).toContain("  -v, --version")
    expect(help.indexOf("Target:")).toBeLessThan(help.indexOf("Credentials (Basic auth):"))
    expect(help.indexOf("OAuth 2:")).toBeLessThan(help.indexOf("Selection:"))
    for (const line of help.split("\n")) expect(line.length).toBeLessThanOrEqual(100)
  })
})
