/**
 * arlo-ready: the interactive arlo-ready screen. The `arlo-ready` bin is the product; these exports
 * let another front end embed the screen.
 */
export { App, type AppProps, type Outcome, type RunAudit, type RunHandlers, type RunSpec } from "./App.js"
export { type Action, initialState, type Row, type RowStatus, reducer, type State } from "./State.js"
