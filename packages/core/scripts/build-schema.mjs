// Writes report.schema.json (and events.schema.json, fleet.schema.json, fleet-report.schema.json) from the built Report schema. Run after tsc.
import { writeFileSync } from "node:fs"
import {
  configJsonSchema,
  eventJsonSchema,
  fleetJsonSchema,
  fleetReportJsonSchema,
  reportJsonSchema
} from "../dist/index.js"

const write = (file, schema) =>
  writeFileSync(new URL(`../${file}`, import.meta.url), `${JSON.stringify(schema, null, 2)}\n`)
write("report.schema.json", reportJsonSchema())
write("events.schema.json", eventJsonSchema())
write("fleet.schema.json", fleetJsonSchema())
write("fleet-report.schema.json", fleetReportJsonSchema())
write("config.schema.json", configJsonSchema())
