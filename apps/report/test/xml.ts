/**
 * A small strict XML 1.0 parser for the tests: elements, attributes, character data and references.
 * It throws on anything not well-formed (mismatched or unclosed tags, duplicate attributes, a bare `&`
 * or `<`, characters XML forbids, content after the root), so a JUnit file that passes is one any
 * CI system will read.
 */

export interface XmlElement {
  readonly name: string
  readonly attrs: Readonly<Record<string, string>>
  readonly children: ReadonlyArray<XmlElement | string>
}

const nameRe = /^[A-Za-z_:][A-Za-z0-9_.:-]*/

const isXmlChar = (cp: number) =>
  cp === 0x9 ||
  cp === 0xa ||
  cp === 0xd ||
  (cp >= 0x20 && cp <= 0xd7ff) ||
  (cp >= 0xe000 && cp <= 0xfffd) ||
  (cp >= 0x10000 && cp <= 0x10ffff)

const decodeRefs = (s: string, where: string): string =>
  s.replace(/&([^;]*);|&/g, (m, ref: string | undefined) => {
    if (ref === undefined) throw new Error(`bare '&' in ${where}`)
    const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }
    if (ref in named) return named[ref]!
    const num = /^#x([0-9a-fA-F]+)$/.exec(ref) ?? /^#([0-9]+)$/.exec(ref)
    if (num) {
      const cp = Number.parseInt(num[1]!, ref.startsWith("#x") ? 16 : 10)
      if (!isXmlChar(cp)) throw new Error(`reference to a forbidden character ${m} in ${where}`)
      return String.fromCodePoint(cp)
    }
    throw new Error(`unknown entity ${m} in ${where}`)
  })

/** Parses a whole document; throws with a reason when it is not well-formed. */
export const parseXml = (doc: string): XmlElement => {
  for (const ch of doc) {
    const cp = ch.codePointAt(0)!
    if (!isXmlChar(cp)) throw new Error(`forbidden character U+${cp.toString(16)}`)
  }
  let i = 0
  const rest = () => doc.slice(i)
  const skipSpace = () => {
    while (i < doc.length && /\s/.test(doc[i]!)) i++
  }
  if (doc.startsWith("<?xml")) {
    const end = doc.indexOf("?>")
    if (end < 0) throw new Error("unterminated XML declaration")
    i = end + 2
  }
  skipSpace()

  const element = (): XmlElement => {
    if (doc[i] !== "<") throw new Error(`expected '<' at ${i}`)
    i++
    const name = nameRe.exec(rest())?.[0]
    if (!name) throw new Error(`bad element name at ${i}`)
    i += name.length
    const attrs: Record<string, string> = {}
    for (;;) {
      const before = i
      skipSpace()
      if (doc.startsWith("/>", i)) {
        i += 2
        return { name, attrs, children: [] }
      }
      if (doc[i] === ">") {
        i++
        break
      }
      if (i === before) throw new Error(`expected whitespace before an attribute of <${name}> at ${i}`)
      const attr = nameRe.exec(rest())?.[0]
      if (!attr) throw new Error(`bad attribute in <${name}> at ${i}`)
      i += attr.length
      skipSpace()
      if (doc[i] !== "=") throw new Error(`expected '=' after ${attr} in <${name}>`)
      i++
      skipSpace()
      const quote = doc[i]
      if (quote !== '"' && quote !== "'") throw new Error(`unquoted value of ${attr} in <${name}>`)
      const end = doc.indexOf(quote, i + 1)
      if (end < 0) throw new Error(`unterminated value of ${attr} in <${name}>`)
      const raw = doc.slice(i + 1, end)
      if (raw.includes("<")) throw new Error(`'<' in the value of ${attr} in <${name}>`)
      if (attr in attrs) throw new Error(`duplicate attribute ${attr} in <${name}>`)
      attrs[attr] = decodeRefs(raw, `${name}@${attr}`)
      i = end + 1
    }
    const children: Array<XmlElement | string> = []
    for (;;) {
      if (i >= doc.length) throw new Error(`unclosed <${name}>`)
      if (doc.startsWith("</", i)) {
        i += 2
        const close = nameRe.exec(rest())?.[0]
        if (close !== name) throw new Error(`</${close}> closes <${name}>`)
        i += close.length
        skipSpace()
        if (doc[i] !== ">") throw new Error(`bad closing tag </${name}>`)
        i++
        return { name, attrs, children }
      }
      if (doc[i] === "<") {
        children.push(element())
        continue
      }
      const next = doc.indexOf("<", i)
      const raw = doc.slice(i, next < 0 ? doc.length : next)
      if (raw.includes("]]>")) throw new Error("']]>' in character data")
      children.push(decodeRefs(raw, `<${name}> text`))
      i += raw.length
    }
  }

  const root = element()
  skipSpace()
  if (i !== doc.length) throw new Error(`content after the root element at ${i}`)
  return root
}

/** The child elements of an element with a name. */
export const childrenNamed = (el: XmlElement, name: string): Array<XmlElement> =>
  el.children.filter((c): c is XmlElement => typeof c !== "string" && c.name === name)

/** The text content of an element (its direct text children). */
export const textOf = (el: XmlElement): string => el.children.filter((c) => typeof c === "string").join("")
