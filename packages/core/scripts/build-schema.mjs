// Writes report.schema.json (and events.schema.json) from the built Report schema. Run after tsc.
import { writeFileSync } from "node:fs"
import { eventJsonSchema, reportJsonSchema } from "../dist/index.js"

const write = (file, schema) =>
  writeFileSync(new URL(`../${file}`, import.meta.url), `${JSON.stringify(schema, null, 2)}\n`)
write("report.schema.json", reportJsonSchema())
write("events.schema.json", eventJsonSchema())
