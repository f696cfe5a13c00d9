/**
 * @arlo-ready/core: audit an Arlo platform account against the preconditions of Arlo's REST API.
 *
 * Effect users: `resolveConfig` / `fromOptions` → `audit(config)` (the report) or `auditStream(config)`
 * (the events), providing an `HttpClient`. Everyone else: `runAudit(options)` and `auditEvents(options)`.
 */
export {
  ArloHttp,
  type ArloHttpService,
  type ArloRequest,
  type ArloResponse,
  type Auth,
  HttpFailure,
  type HttpFailureCode,
  type HttpStats,
  makeArloHttp
} from "./ArloHttp.js"
export { type AuditRunOptions, audit, auditStream, runChecks } from "./Audit.js"
export { diffBaseline, newFindings } from "./Baseline.js"
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
export {
  type AuditConfig,
  authMethods,
  type BasicCredentials,
  ConfigError,
  type ConfigInput,
  type CredentialName,
  type CredentialSourceName,
  defaults,
  type ExpectAccess,
  envVars,
  fromOptions,
  isLoopbackHost,
  type MfaSetting,
  maskedHint,
  type OAuthClient,
  type ResolveConfigInput,
  recommendedScopes,
  reportedChecks,
  resolveConfig,
  splitScopes,
  targetFromBaseUrl,
  targetFromPlatform
} from "./Config.js"
export {
  ConfigFile,
  checkConfig,
  configFileNames,
  configJsonSchema,
  parseConfigFile
} from "./ConfigFile.js"
export { affectedBy, dependentsOf, type Rerun, type RunOptions, rerunSet, runEngine, targetOf } from "./Engine.js"
export { reportFromEvents } from "./Events.js"
export * from "./Fleet.js"
export {
  checkFleetWaivers,
  type FleetBaseline,
  type FleetLiving,
  type FleetLivingOptions,
  fleetLiving,
  mergeFleetLiving,
  parseFleetBaseline
} from "./FleetLiving.js"
export * from "./FleetTypes.js"
export { HostResolver, type HostResolverService } from "./internal/resolver.js"
export {
  type InspectTarget,
  noTlsInspector,
  type PeerCertificate,
  TlsInspector,
  type TlsInspectorService
} from "./internal/tlsInspect.js"
export {
  type AuditFleetOptions,
  type AuditOptions,
  auditEvents,
  auditFleet,
  configFromOptions,
  loadFleet,
  rerunChecks,
  runAudit
} from "./Promise.js"
export * from "./Report.js"
export {
  beginSignIn,
  completeSignIn,
  type IdTokenClaims,
  loopbackRedirect,
  type RedirectAnswer,
  type Revocation,
  revocationLine,
  revokeByHand,
  revokeSignIn,
  type SignInOutcome,
  type SignInRecord,
  type SignInRequest,
  type SignInRevocation,
  signInIssued,
  signInUnavailable,
  withSignIn
} from "./SignIn.js"
export {
  applyWaivers,
  dayOf,
  parseWaivers,
  parseWaiversText,
  type WaiverOptions,
  waiveResult,
  waiverWarnings
} from "./Waivers.js"
export {
  type ApiException,
  apiException,
  type Link,
  links,
  parseXml,
  roles,
  type XmlElement,
  XmlParseError
} from "./Xml.js"
