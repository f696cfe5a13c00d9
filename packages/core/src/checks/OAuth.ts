/**
 * Re-exports for imports that predate `checks/oauth/`.
 * @deprecated Import from `checks/oauth/classify.js` and the check files beside it.
 */
export { type AuthorizeView, classifyAuthorize, classifyToken, type TokenView } from "./oauth/classify.js"
export { diagnoseApproved } from "./oauth/client-approved.js"
export { diagnoseRegistered } from "./oauth/client-registered.js"
export { diagnoseSecret } from "./oauth/client-secret.js"
export { diagnoseRedirectUri } from "./oauth/redirect-uri.js"
