/** A strict little XML reader for tests: throws on anything not well-formed. */
export interface XmlElement {
  readonly name: string
  readonly attrs: Readonly<Record<string, string>>
  readonly children: ReadonlyArray<XmlElement>
  readonly text: string
}

const decode = (s: string) =>
  s.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => ({ lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" })[e]!)

export const parseXml = (input: string): XmlElement => {
  let s = input.replace(/^\uFEFF/, "")
  s = s.replace(/^<\?xml[^?]*\?>\s*/, "")
  let i = 0
  const ws = () => {
    while (i < s.length && /\s/.test(s[i]!)) i++
  }
  const element = (): XmlElement => {
    if (s[i] !== "<") throw new Error(`expected < at ${i}`)
    i++
    const name = /^[A-Za-z_][\w.-]*/.exec(s.slice(i))?.[0]
    if (!name) throw new Error(`bad tag name at ${i}`)
    i += name.length
    const attrs: Record<string, string> = {}
    for (;;) {
      ws()
      if (s.startsWith("/>", i)) {
        i += 2
        return { name, attrs, children: [], text: "" }
      }
      if (s[i] === ">") {
        i++
        break
      }
      const m = /^([A-Za-z_][\w.:-]*)="([^"<]*)"/.exec(s.slice(i))
      if (!m) throw new Error(`bad attribute at ${i}`)
      if (/&(?!(lt|gt|amp|quot|apos);)/.test(m[2]!)) throw new Error(`bare & in attribute at ${i}`)
      attrs[m[1]!] = decode(m[2]!)
      i += m[0].length
    }
    const children: Array<XmlElement> = []
    let text = ""
    for (;;) {
      if (i >= s.length) throw new Error(`unclosed <${name}>`)
      if (s.startsWith("</", i)) {
        const end = `</${name}>`
        if (!s.startsWith(end, i)) throw new Error(`mismatched close tag at ${i}, expected ${end}`)
        i += end.length
        return { name, attrs, children, text: decode(text.trim()) }
      }
      if (s[i] === "<") children.push(element())
      else {
        if (s[i] === "&" && !/^&(lt|gt|amp|quot|apos);/.test(s.slice(i))) throw new Error(`bare & at ${i}`)
        text += s[i]
        i++
      }
    }
  }
  ws()
  const root = element()
  ws()
  if (i !== s.length) throw new Error("content after the root element")
  return root
}

export const links = (e: XmlElement) => e.children.filter((c) => c.name === "Link")
export const child = (e: XmlElement, name: string) => e.children.find((c) => c.name === name)
export const childText = (e: XmlElement, name: string) => child(e, name)?.text
