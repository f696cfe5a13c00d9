// Reads the flags out of a README's tables and out of a `--help`, so a test can hold them equal.
// A flag row is a table row whose first cell starts with a code span of a long flag (`--base-url URL`);
// its environment variable is the row's `ARLO_*` code span. In the help, a flag line is indented two
// spaces and starts with the flag; its description may wrap onto the lines after, with `[env NAME]`.

/** The flags of a README's tables: usage → environment variable (or ""). */
export const readmeFlags = (markdown) => {
  const flags = new Map()
  for (const line of markdown.split("\n")) {
    if (!line.startsWith("|")) continue
    const cells = line
      .replace(/\\\|/g, "\uE000")
      .split("|")
      .slice(1, -1)
      .map((c) => c.replace(/\uE000/g, "|").trim())
    const first = /^`(--[^`]+)`/.exec(cells[0] ?? "")
    if (!first) continue
    const env = cells
      .slice(1)
      .map((c) => /^`(ARLO_[A-Z_]+)`$/.exec(c)?.[1])
      .find((e) => e !== undefined)
    flags.set(first[1], env ?? "")
  }
  return flags
}

/** The flags of a help text: usage → environment variable (or ""); -h/-v are left out. */
export const helpFlags = (help) => {
  const flags = new Map()
  let current
  let text = ""
  const done = () => {
    if (current) flags.set(current, /\[env (ARLO_[A-Z_]+)\]/.exec(text)?.[1] ?? "")
    current = undefined
    text = ""
  }
  for (const line of help.split("\n")) {
    const m = /^ {2}(--[a-z-]+(?: \S+)?)(?: {2,}(.*)|$)/.exec(line)
    if (m) {
      done()
      current = m[1]
      text = m[2] ?? ""
    } else if (current && /^ {4,}\S/.test(line)) text += ` ${line.trim()}`
    else done()
  }
  done()
  return flags
}
