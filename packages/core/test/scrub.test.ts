/** The HTTP service's scrub: every form in which a configured secret can come back is removed. */
import { FetchHttpClient } from "@effect/platform"
import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"
import { makeArloHttp } from "../src/ArloHttp.js"
import { fromOptions } from "../src/index.js"

const password = "pa ss+w/rd?Hunter2"
const clientSecret = "cl1ent~secret/with+signs"
const username = "api@acme.example"
const clientId = "crm-client"
const b64 = (s: string) => Buffer.from(s).toString("base64")

const service = () =>
  Effect.runPromise(
    makeArloHttp(
      Either.getOrThrow(fromOptions({ baseUrl: "https://acme.arlo.co", username, password, clientId, clientSecret })),
      Date.now() + 10_000
    ).pipe(Effect.provide(FetchHttpClient.layer))
  )

describe("scrub", () => {
  const basicUser = b64(`${username}:${password}`)
  const basicClient = b64(`${clientId}:${clientSecret}`)
  const forms = [
    password,
    clientSecret,
    basicUser,
    basicClient,
    `Basic ${basicUser}`,
    basicUser.replace(/=+$/, ""),
    basicClient.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""),
    encodeURIComponent(password),
    encodeURIComponent(password).replace(/%20/g, "+"),
    encodeURIComponent(clientSecret).toLowerCase().replace(/%2b/g, "%2b"),
    encodeURIComponent(basicUser),
    encodeURIComponent(basicClient).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())
  ]

  it.each(forms)("removes %s from a note", async (form) => {
    const http = await service()
    const out = http.scrub(`WWW-Authenticate: Basic realm="${form}"; error: bad ${form}`)
    expect(out).toContain("REDACTED")
    for (const secret of [password, clientSecret, basicUser, basicClient]) expect(out).not.toContain(secret)
    expect(out).not.toContain(form)
  })

  it("removes them from a displayed path and query", async () => {
    const http = await service()
    const shown = http.display(
      `https://acme.arlo.co/elsewhere/${encodeURIComponent(basicClient)}?next=${encodeURIComponent(basicUser)}`
    )
    expect(shown).not.toContain(basicClient)
    expect(shown).not.toContain(basicUser)
    expect(shown).not.toContain(encodeURIComponent(basicUser))
  })

  it("never shows the credentials of a URL it cannot parse", async () => {
    const http = await service()
    expect(http.display("https://api:Other-pw-77@exa mple.com/x")).not.toContain("Other-pw-77")
  })
})
