import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { eventJsonSchema, reportJsonSchema, schemaUrl } from "../src/index.js"

const shipped = (file: string) => JSON.parse(readFileSync(new URL(`../${file}`, import.meta.url), "utf8")) as object

describe("the shipped JSON Schemas", () => {
  it("match the Report and AuditEvent schemas (rebuild after changing them)", () => {
    expect(shipped("report.schema.json")).toEqual(JSON.parse(JSON.stringify(reportJsonSchema())))
    expect(shipped("events.schema.json")).toEqual(JSON.parse(JSON.stringify(eventJsonSchema())))
    expect((shipped("report.schema.json") as { $id: string }).$id).toBe(schemaUrl)
  })
})
