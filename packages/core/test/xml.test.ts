import { Either } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { apiException, links, parseXml, roles } from "../src/index.js"
import { fieldNames, itemLinks, text } from "../src/Xml.js"

const parsed = (s: string) => {
  const r = parseXml(s)
  if (Either.isLeft(r)) throw new Error(r.left.message)
  return r.right
}

describe("Xml", () => {
  it("reads Arlo's root collection links", () => {
    const doc = parsed(`<?xml version="1.0" encoding="utf-8"?>
<Resources>
  <Link rel="http://schemas.arlo.co/api/2012/02/auth/related/Events" type="application/xml" title="Events" href="https://acme.arlo.co/api/2012-02-01/auth/resources/events/"/>
  <Link rel="self" type="application/xml" href="https://acme.arlo.co/api/2012-02-01/auth/resources/"/>
</Resources>`)
    expect(doc.name).toBe("Resources")
    expect(links(doc)).toHaveLength(2)
    expect(itemLinks(doc)).toEqual([
      {
        rel: "http://schemas.arlo.co/api/2012/02/auth/related/Events",
        type: "application/xml",
        title: "Events",
        href: "https://acme.arlo.co/api/2012-02-01/auth/resources/events/"
      }
    ])
  })

  it("reads ApiException, Roles, fields, CDATA, comments and character references", () => {
    expect(
      apiException(parsed("<ApiException><Code>MfaEnabled</Code><Message>MFA &amp; API</Message></ApiException>"))
    ).toEqual({
      code: "MfaEnabled",
      message: "MFA & API"
    })
    expect(roles(parsed("<Roles><Role>API User</Role><!-- c --><Role>Administrator</Role></Roles>"))).toEqual([
      "API User",
      "Administrator"
    ])
    const e = parsed(
      "<Event><EventID>1</EventID><Notes><![CDATA[<b>x</b>]]></Notes><Cost>&#36;5&#x21;</Cost><Link rel='self' href='x'/></Event>"
    )
    expect(fieldNames(e)).toEqual(["EventID", "Notes", "Cost"])
    expect(text(e.children[1] as never)).toBe("<b>x</b>")
    expect(text(e.children[2] as never)).toBe("$5!")
  })

  it("rejects DOCTYPE and entity declarations, and never expands entities", () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><lolz>&lol2;</lolz>`
    const r = parseXml(bomb)
    expect(Either.isLeft(r) && r.left.message).toMatch(/DOCTYPE/)
    const xxe = `<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>`
    expect(Either.isLeft(parseXml(xxe))).toBe(true)
    const inner = parsed("<x>&custom; &amp;</x>")
    expect(text(inner)).toBe("&custom; &")
    expect(Either.isLeft(parseXml("<x><!DOCTYPE y></x>"))).toBe(true)
  })

  it("turns garbage into a typed error", () => {
    for (const bad of [
      "",
      "not xml",
      "<a>",
      "<a></b>",
      "<a x=1/>",
      "<a/><b/>",
      '<Events>\n  <Link href="broken>\n',
      "<a x='1' x='2'/>"
    ]) {
      const r = parseXml(bad)
      expect(Either.isLeft(r), bad).toBe(true)
      if (Either.isLeft(r)) expect(r.left._tag).toBe("XmlParseError")
    }
  })

  it("limits nesting", () => {
    expect(Either.isLeft(parseXml(`${"<a>".repeat(100)}${"</a>".repeat(100)}`))).toBe(true)
  })

  it("never throws, whatever the input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const r = parseXml(s)
        return Either.isLeft(r) || Either.isRight(r)
      }),
      { numRuns: 500 }
    )
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("<", ">", "/", "a", "=", '"', "&", ";", "!", "?", "[", " ", "#", "x"), {
          maxLength: 60
        }),
        (cs) => {
          const r = parseXml(cs.join(""))
          return Either.isLeft(r) || Either.isRight(r)
        }
      ),
      { numRuns: 1000 }
    )
  })
})
