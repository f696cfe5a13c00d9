/**
 * Re-exports for imports that predate `checks/target/`.
 * @deprecated Import from `checks/target/reachable.js`.
 */
export { diagnoseReachable } from "./target/reachable.js"
