import { afterAll, beforeAll } from "vitest"
import { type SimulatorHandle, type StartOptions, startSimulator } from "../src/index.js"
import { parseXml, type XmlElement } from "./xml.js"

export const RES = "/api/2012-02-01/auth/resources/"

export const basic = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`

/** Starts a simulator for the file's tests and closes it after them. */
export const useSimulator = (options: StartOptions) => {
  const ref: { sim: SimulatorHandle } = { sim: undefined as unknown as SimulatorHandle }
  beforeAll(async () => {
    ref.sim = await startSimulator(options)
  })
  afterAll(() => ref.sim?.close())
  return ref
}

export interface Got {
  readonly status: number
  readonly headers: Headers
  readonly body: string
}

export const get = async (url: string, headers: Record<string, string> = {}, init: RequestInit = {}): Promise<Got> => {
  const r = await fetch(url, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } })
  return { status: r.status, headers: r.headers, body: await r.text() }
}

export const xmlOf = (g: Got): XmlElement => parseXml(g.body)

/** `{ code, message }` of an ApiException body. */
export const apiError = (g: Got) => {
  const x = parseXml(g.body)
  if (x.name !== "ApiException") throw new Error(`not an ApiException: ${g.body.slice(0, 200)}`)
  return {
    code: x.children.find((c) => c.name === "Code")?.text,
    message: x.children.find((c) => c.name === "Message")?.text
  }
}

export const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()

export const postForm = (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  get(url, headers, {
    method: "POST",
    body: form(fields),
    headers: { "content-type": "application/x-www-form-urlencoded" }
  })
