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

/** A position in a document and the reads made at it; a failure names the offset where it stopped. */
class Reader {
  i = 0
  readonly n: number
  constructor(readonly text: string) {
    this.n = text.length
  }
  fail(message: string): never {
    throw new XmlParseError({ message, offset: this.i })
  }
  at(s: string): boolean {
    return this.text.startsWith(s, this.i)
  }
  /** Moves past the next `end`, searched from `skip` characters on; `what` names what was left open. */
  past(end: string, skip: number, what: string): void {
    const at = this.text.indexOf(end, this.i + skip)
    if (at === -1) this.fail(`unterminated ${what}`)
    this.i = at + end.length
  }
  skipWs(): void {
    while (this.i < this.n && isWs(this.text.charCodeAt(this.i))) this.i++
  }
  readName(): string {
    const start = this.i
    if (this.i >= this.n || !isNameStart(this.text.charCodeAt(this.i))) this.fail("expected a name")
    this.i++
    while (this.i < this.n && isNameChar(this.text.charCodeAt(this.i))) this.i++
    return this.text.slice(start, this.i)
  }
  /** White space, processing instructions and comments around the root; a DOCTYPE is refused. */
  skipMisc(): void {
    for (;;) {
      this.skipWs()
      if (this.at("<?")) this.past("?>", 2, "processing instruction")
      else if (this.at("<!--")) this.past("-->", 4, "comment")
      else if (this.at("<!") && !this.at("<![CDATA[")) this.fail("DOCTYPE and entity declarations are not accepted")
      else return
    }
  }
}

const parse = (text: string): XmlElement => {
  const r = new Reader(text)
  if (text.charCodeAt(0) === 0xfeff) r.i = 1
  r.skipMisc()
  if (r.i >= r.n || text[r.i] !== "<") r.fail("not an XML document")
  const root = element(r, 0)
  r.skipMisc()
  if (r.i < r.n) r.fail("content after the root element")
  return root
}

/** An element, from its `<` to the end of its closing tag. */
const element = (r: Reader, depth: number): XmlElement => {
  if (depth > MAX_DEPTH) r.fail("elements nested too deeply")
  r.i++ // "<"
  const name = r.readName()
  const attributes: Record<string, string> = {}
  return startTag(r, attributes) === "empty"
    ? { name, attributes, children: [] }
    : { name, attributes, children: content(r, name, depth) }
}

/** The attributes of a start tag, up to its `>` (`open`) or `/>` (`empty`). */
const startTag = (r: Reader, attributes: Record<string, string>): "open" | "empty" => {
  const text = r.text
  for (;;) {
    const before = r.i
    r.skipWs()
    if (r.at("/>")) {
      r.i += 2
      return "empty"
    }
    if (text[r.i] === ">") {
      r.i++
      return "open"
    }
    if (r.i === before) r.fail("expected whitespace before an attribute")
    const attr = r.readName()
    r.skipWs()
    if (text[r.i] !== "=") r.fail("expected = after an attribute name")
    r.i++
    r.skipWs()
    const q = text[r.i]
    if (q !== '"' && q !== "'") r.fail("expected a quoted attribute value")
    const end = text.indexOf(q!, r.i + 1)
    if (end === -1) r.fail("unterminated attribute value")
    const raw = text.slice(r.i + 1, end)
    if (raw.includes("<")) r.fail("'<' in an attribute value")
    if (Object.hasOwn(attributes, attr)) r.fail("duplicate attribute")
    attributes[attr] = decode(raw, r.i)
    r.i = end + 1
  }
}

/** The children of an open element, through its closing tag. */
const content = (r: Reader, name: string, depth: number): Array<XmlElement | string> => {
  const text = r.text
  const children: Array<XmlElement | string> = []
  let textBuf = ""
  const flush = () => {
    if (textBuf !== "") children.push(textBuf)
    textBuf = ""
  }
  for (;;) {
    if (r.i >= r.n) r.fail("unterminated element")
    const lt = text.indexOf("<", r.i)
    if (lt === -1) r.fail("unterminated element")
    if (lt > r.i) {
      textBuf += decode(text.slice(r.i, lt), r.i)
      r.i = lt
    }
    if (r.at("</")) {
      r.i += 2
      const close = r.readName()
      if (close !== name) r.fail("a closing tag does not match its element")
      r.skipWs()
      if (text[r.i] !== ">") r.fail("expected >")
      r.i++
      flush()
      return children
    }
    if (r.at("<!--")) r.past("-->", 4, "comment")
    else if (r.at("<![CDATA[")) {
      const end = text.indexOf("]]>", r.i + 9)
      if (end === -1) r.fail("unterminated CDATA section")
      textBuf += text.slice(r.i + 9, end)
      r.i = end + 3
    } else if (r.at("<?")) r.past("?>", 2, "processing instruction")
    else if (r.at("<!")) r.fail("DOCTYPE and entity declarations are not accepted")
    else {
      flush()
      children.push(element(r, depth + 1))
    }
  }
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
