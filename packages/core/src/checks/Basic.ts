/**
 * Re-exports for imports that predate `checks/basic/`.
 * @deprecated Import from `checks/basic/credentials.js` and `checks/basic/mfa.js`.
 */
export { diagnoseCredentials } from "./basic/credentials.js"
export { diagnoseMfa } from "./basic/mfa.js"
