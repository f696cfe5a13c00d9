/**
 * A small, safe XML reader for Arlo's representations: elements, attributes and text only. It never
 * expands entities (only the five predefined ones and character references are decoded), rejects any
 * DOCTYPE, and turns a garbage body into a typed {@link XmlParseError}, never a crash. It reads in one
 * pass, in time linear in the document (no position is scanned twice), and its error messages never
 * quote the document (names and references are the server's text): a report may show them as they are.
 */
import { Data, Either } from "effect"

/** An element: its name, attributes and children (elements and text, in order). */
export interface XmlElement {
  readonly name: string
  readonly attributes: Readonly<Record<string, string>>
  readonly children: ReadonlyArray<XmlElement | string>
}

export class XmlParseError extends Data.TaggedError("XmlParseError")<{
  readonly message: string
  /** Character offset where parsing stopped. */
  readonly offset: number
}> {}

const MAX_DEPTH = 64
const isNameStart = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a
const isNameChar = (c: number) => isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d
const isWs = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c > 0x7f && /\s/.test(String.fromCharCode(c)))

const predefined: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" }

const decode = (s: string, offset: number): string =>
  s.indexOf("&") === -1
    ? s
    : s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);/g, (whole, ref: string) => {
        if (ref.startsWith("#x") || ref.startsWith("#")) {
          const code = ref.startsWith("#x") ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10)
          if (!Number.isFinite(code) || code < 1 || code > 0x10ffff) {
            throw new XmlParseError({ message: "invalid character reference", offset })
          }
          return String.fromCodePoint(code)
        }
        // Unknown named entities are left as written: nothing is ever expanded from a definition.
        return predefined[ref] ?? whole
      })

/** Parses a document into its root element. */
export const parseXml = (text: string): Either.Either<XmlElement, XmlParseError> => {
  try {
    return Either.right(parse(text))
  } catch (e) {
    if (e instanceof XmlParseError) return Either.left(e)
    return Either.left(new XmlParseError({ message: "unreadable document", offset: 0 }))
  }
}

const parse = (text: string): XmlElement => {
  let i = 0
  const n = text.length
  const fail = (message: string): never => {
    throw new XmlParseError({ message, offset: i })
  }
  const skipWs = () => {
    while (i < n && isWs(text.charCodeAt(i))) i++
  }
  const readName = (): string => {
    const start = i
    if (i >= n || !isNameStart(text.charCodeAt(i))) fail("expected a name")
    i++
    while (i < n && isNameChar(text.charCodeAt(i))) i++
    return text.slice(start, i)
  }
  const skipMisc = () => {
    for (;;) {
      skipWs()
      if (text.startsWith("<?", i)) {
        const end = text.indexOf("?>", i + 2)
        if (end === -1) fail("unterminated processing instruction")
        i = end + 2
      } else if (text.startsWith("<!--", i)) {
        const end = text.indexOf("-->", i + 4)
        if (end === -1) fail("unterminated comment")
        i = end + 3
      } else if (text.startsWith("<!", i) && !text.startsWith("<![CDATA[", i)) {
        fail("DOCTYPE and entity declarations are not accepted")
      } else return
    }
  }

  if (text.charCodeAt(0) === 0xfeff) i = 1
  skipMisc()
  if (i >= n || text[i] !== "<") fail("not an XML document")

  const element = (depth: number): XmlElement => {
    if (depth > MAX_DEPTH) fail("elements nested too deeply")
    i++ // "<"
    const name = readName()
    const attributes: Record<string, string> = {}
    for (;;) {
      const before = i
      skipWs()
      if (text.startsWith("/>", i)) {
        i += 2
        return { name, attributes, children: [] }
      }
      if (text[i] === ">") {
        i++
        break
      }
      if (i === before) fail("expected whitespace before an attribute")
      const attr = readName()
      skipWs()
      if (text[i] !== "=") fail("expected = after an attribute name")
      i++
      skipWs()
      const q = text[i]
      if (q !== '"' && q !== "'") fail("expected a quoted attribute value")
      const end = text.indexOf(q!, i + 1)
      if (end === -1) fail("unterminated attribute value")
      const raw = text.slice(i + 1, end)
      if (raw.includes("<")) fail("'<' in an attribute value")
      if (Object.hasOwn(attributes, attr)) fail("duplicate attribute")
      attributes[attr] = decode(raw, i)
      i = end + 1
    }
    const children: Array<XmlElement | string> = []
    let textBuf = ""
    const flush = () => {
      if (textBuf !== "") children.push(textBuf)
      textBuf = ""
    }
    for (;;) {
      if (i >= n) fail("unterminated element")
      const lt = text.indexOf("<", i)
      if (lt === -1) fail("unterminated element")
      if (lt > i) {
        textBuf += decode(text.slice(i, lt), i)
        i = lt
      }
      if (text.startsWith("</", i)) {
        i += 2
        const close = readName()
        if (close !== name) fail("a closing tag does not match its element")
        skipWs()
        if (text[i] !== ">") fail("expected >")
        i++
        flush()
        return { name, attributes, children }
      }
      if (text.startsWith("<!--", i)) {
        const end = text.indexOf("-->", i + 4)
        if (end === -1) fail("unterminated comment")
        i = end + 3
      } else if (text.startsWith("<![CDATA[", i)) {
        const end = text.indexOf("]]>", i + 9)
        if (end === -1) fail("unterminated CDATA section")
        textBuf += text.slice(i + 9, end)
        i = end + 3
      } else if (text.startsWith("<?", i)) {
        const end = text.indexOf("?>", i + 2)
        if (end === -1) fail("unterminated processing instruction")
        i = end + 2
      } else if (text.startsWith("<!", i)) {
        fail("DOCTYPE and entity declarations are not accepted")
      } else {
        flush()
        children.push(element(depth + 1))
      }
    }
  }

  const root = element(0)
  skipMisc()
  if (i < n) fail("content after the root element")
  return root
}

// ---------------------------------------------------------------------------------------------------
// Reading Arlo's representations

/** Child elements, optionally by name. */
export const elements = (el: XmlElement, name?: string): Array<XmlElement> =>
  el.children.filter((c): c is XmlElement => typeof c !== "string" && (name === undefined || c.name === name))

/** The first child element of that name. */
export const child = (el: XmlElement, name: string): XmlElement | undefined => elements(el, name)[0]

/** The text content of an element (its text children, concatenated and trimmed). */
export const text = (el: XmlElement | undefined): string =>
  el === undefined
    ? ""
    : el.children
        .filter((c): c is string => typeof c === "string")
        .join("")
        .trim()

/** An Arlo `<Link>`: rel, type, title, href. */
export interface Link {
  readonly rel: string
  readonly type: string | undefined
  readonly title: string | undefined
  readonly href: string
}

/** The `<Link>` children of an element. */
export const links = (el: XmlElement): Array<Link> =>
  elements(el, "Link").flatMap((l) => {
    const rel = l.attributes.rel
    const href = l.attributes.href
    if (rel === undefined || href === undefined) return []
    return [{ rel, type: l.attributes.type, title: l.attributes.title, href }]
  })

/** Links to items or related resources (every link except `self` and paging links). */
export const itemLinks = (el: XmlElement): Array<Link> =>
  links(el).filter((l) => l.rel !== "self" && l.rel !== "next" && l.rel !== "prev" && l.rel !== "previous")

/** An `ApiException` body's code and message. */
export interface ApiException {
  readonly code: string
  readonly message: string
}

/** Reads an `ApiException` root element, if that is what the document is. */
export const apiException = (el: XmlElement): ApiException | undefined =>
  el.name === "ApiException" ? { code: text(child(el, "Code")), message: text(child(el, "Message")) } : undefined

/** Reads a `<Roles><Role>…</Role></Roles>` document. */
export const roles = (el: XmlElement): Array<string> | undefined =>
  el.name === "Roles" ? elements(el, "Role").map((r) => text(r)) : undefined

/** The names of an instance's field elements (every child element except links). */
export const fieldNames = (el: XmlElement): Array<string> =>
  elements(el)
    .filter((c) => c.name !== "Link")
    .map((c) => c.name)
