/**
 * @arlo-ready/core: audit an Arlo platform account against the preconditions of Arlo's REST API.
 */
export {
  type CheckDefinition,
  catalogue,
  checkGroups,
  checkIds,
  definition,
  docs,
  groupTitles,
  isCheckId
} from "./Catalogue.js"
export * from "./Report.js"
