import { describe, expect, it } from "vitest"
import { tidyHelp } from "../src/Runtime.js"

describe("tidyHelp", () => {
  it("drops the generic paragraphs under a flag and the blank line after each, keeps the rest", () => {
    const help = [
      "OPTIONS",
      "",
      "--platform NAME",
      "",
      "  A user-defined piece of text.",
      "",
      "  The Arlo platform name.",
      "",
      "  This setting is optional.",
      "",
      "--only ID",
      "",
      "  \u001b[1mA true or false value.\u001b[0m",
      "",
      "  This option may be repeated zero or more times.",
      ""
    ].join("\n")
    expect(tidyHelp(help)).toBe(
      [
        "OPTIONS",
        "",
        "--platform NAME",
        "",
        "  The Arlo platform name.",
        "",
        "--only ID",
        "",
        "  This option may be repeated zero or more times.",
        ""
      ].join("\n")
    )
  })

  it("leaves a text without them as it is", () => {
    expect(tidyHelp("0.1.0\n")).toBe("0.1.0\n")
  })
})
