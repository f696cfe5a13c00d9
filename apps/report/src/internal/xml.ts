/** XML 1.0 escaping for text and attribute values, safe for any input string. */

const isXmlChar = (cp: number): boolean =>
  cp === 0x9 ||
  cp === 0xa ||
  cp === 0xd ||
  (cp >= 0x20 && cp <= 0xd7ff) ||
  (cp >= 0xe000 && cp <= 0xfffd) ||
  (cp >= 0x10000 && cp <= 0x10ffff)

/** Characters XML cannot carry (and C1 controls, which a log should not), shown as `\uXXXX` text. */
const visible = (cp: number): string => `\\u${cp.toString(16).toUpperCase().padStart(4, "0")}`

const escapeXml = (s: string, attribute: boolean): string => {
  let out = ""
  for (const ch of s) {
    const cp = ch.codePointAt(0)!
    // A lone surrogate comes through as one UTF-16 unit in the D800–DFFF range: not an XML character.
    if (!isXmlChar(cp) || (cp >= 0x7f && cp <= 0x9f)) {
      out += visible(cp)
      continue
    }
    switch (ch) {
      case "&":
        out += "&amp;"
        break
      case "<":
        out += "&lt;"
        break
      case ">":
        out += "&gt;"
        break
      case '"':
        out += attribute ? "&quot;" : ch
        break
      case "'":
        out += attribute ? "&apos;" : ch
        break
      case "\n":
        out += attribute ? "&#10;" : ch
        break
      case "\r":
        out += "&#13;"
        break
      case "\t":
        out += attribute ? "&#9;" : ch
        break
      default:
        out += ch
    }
  }
  return out
}

/** Escapes character data. */
export const xmlText = (s: string): string => escapeXml(s, false)

/** Escapes an attribute value (quotes and whitespace too, so the value survives attribute normalisation). */
export const xmlAttr = (s: string): string => escapeXml(s, true)
