/**
 * The HTML report's pieces without a browser: escaping, links, the timeline's routes and its critical
 * chain, and the page's content security policy matching its one script.
 */
import { createHash } from "node:crypto"
import type { Exchange } from "@arlo-ready/core"
import { describe, expect, it } from "vitest"
import { esc, link, page } from "../src/internal/html.js"
import { pageScript } from "../src/internal/htmlScript.js"
import { pageStyle } from "../src/internal/htmlStyle.js"
import { criticalChain, route, type Timed } from "../src/internal/htmlTimeline.js"

const exchange = (path: string, startMs: number, durationMs: number): Exchange =>
  ({ method: "GET", path, status: 200, durationMs, startMs }) as unknown as Exchange
const timed = (path: string, start: number, duration: number): Timed => ({
  exchange: exchange(path, start, duration),
  start,
  end: start + duration
})

describe("escaping and links", () => {
  it("escapes every markup character and makes the text one safe line", () => {
    expect(esc(`<script>"x" & 'y'</script>`)).toBe("&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;")
    const line = esc("a\nb\u202ec\u0007d")
    for (const c of ["\n", "\u202e", "\u0007"]) expect(line).not.toContain(c)
  })

  it("links only http(s) URLs; anything else is text", () => {
    expect(link("Docs", "https://developer.arlo.co/doc/api")).toBe(
      '<a href="https://developer.arlo.co/doc/api" rel="noreferrer noopener">Docs</a>'
    )
    for (const url of ["javascript:alert(1)", "data:text/html,x", 'https://x"onmouseover=1', "//evil"]) {
      expect(link("Docs", url)).not.toContain("<a")
    }
  })
})

describe("the timeline", () => {
  it("labels a request with its route: no query, no base path, the Auth API's root short", () => {
    const api = "/acme/api/2012-02-01/auth/resources"
    expect(route(`${api}/contacts/?filter=Email eq 'a@b'`, "/acme")).toBe("…/resources/contacts/")
    expect(route(`${api}/`, "/acme/")).toBe("…/resources/")
    expect(route("/acme/oauth/connect/token", "/acme")).toBe("/oauth/connect/token")
    // A base path is left out only as a whole segment.
    expect(route("/acme-two/oauth/connect/token", "/acme")).toBe("/acme-two/oauth/connect/token")
    expect(route("/api/2012-02-01/auth/resources/", "/")).toBe("…/resources/")
    expect(route("/acme", "/acme")).toBe("/")
  })

  it("marks the critical chain: from the request that ends last, back through what it waited for", () => {
    const a = timed("a", 0, 100)
    const b = timed("b", 0, 50)
    const c = timed("c", 100, 80)
    const d = timed("d", 110, 40)
    const chain = criticalChain([a, b, c, d])
    expect([...chain].map((t) => t.exchange.path)).toEqual(["c", "a"])
    expect(criticalChain([])).toEqual(new Set())
  })
})

describe("the page", () => {
  it("allows its own script by hash, and nothing to load", () => {
    const html = page("t", "<main></main>")
    const hash = createHash("sha256").update(pageScript, "utf8").digest("base64")
    expect(html).toContain(`script-src 'sha256-${hash}'`)
    expect(html).toContain("default-src 'none'")
    expect(html).not.toMatch(/<link |src="http|url\(/)
  })
})

/** WCAG 2 relative luminance and contrast ratio of two `#rrggbb` colours. */
const luminance = (hex: string): number => {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }) as [number, number, number]
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}
const contrast = (a: string, b: string): number => {
  const [x, y] = [luminance(a), luminance(b)].sort((m, n) => n - m) as [number, number]
  return (x + 0.05) / (y + 0.05)
}

describe("the colours", () => {
  const schemes = [...pageStyle.matchAll(/:root\{([^}]*)\}/g)].map((m) =>
    Object.fromEntries(
      [...m[1]!.matchAll(/--(\w+):#([0-9a-f]{3,6})\b/g)].map(([, k, v]) => [
        k,
        `#${v!.length === 3 ? [...v!].map((c) => c + c).join("") : v}`
      ])
    )
  )

  it.each(["light", "dark"].map((name, i) => [name, i] as const))(
    "%s: every text colour on every background it is drawn on has a contrast of at least 4.5:1",
    (_, i) => {
      const v = schemes[i]!
      const low: Array<string> = []
      const pair = (fg: string, bg: string) => {
        const ratio = contrast(v[fg]!, v[bg]!)
        if (ratio < 4.5) low.push(`${fg} on ${bg}: ${ratio.toFixed(2)}`)
      }
      for (const s of ["p", "w", "f", "e", "s", "n", "x"]) {
        for (const bg of [`${s}b`, "bg", "card"]) pair(s, bg)
        for (const fg of ["fg", "mute", "accent"]) pair(fg, `${s}b`)
      }
      for (const fg of ["fg", "mute", "accent"]) for (const bg of ["bg", "card"]) pair(fg, bg)
      expect(low).toEqual([])
    }
  )
})
