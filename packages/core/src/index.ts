/**
 * `@ecs-metadata/core`: the wire layer of the ECS / Nova server metadata API. Builds requests
 * (validated, percent-encoded), interprets responses (typed results and errors), and holds the
 * retry policy. Performs no I/O.
 *
 * The exports are what the client, the CLI, the mock provider and the verifier build on; the
 * steps inside (canonical requests, fault-body decoding, region tables) stay in their modules.
 *
 * @packageDocumentation
 */
export * from './errors.js';
export {
  MAX_METADATA_ITEMS,
  metadataKeyRulesSchema,
  metadataSchema,
  metadataValueSchema,
  novaMetadataKeySchema,
  ownKeysRecordSchema,
  projectIdSchema,
  serverIdSchema,
  type Metadata,
  type MetadataKeyRules,
} from './schemas.js';
export { encodePathSegment } from './path-segment.js';
export { normalizeComputeEndpoint, normalizeEndpoint } from './endpoint.js';
export {
  apiVersionSchema,
  buildGetServerMetadataRequest,
  DEFAULT_API_VERSION,
  parseWith,
  resolveTarget,
  type ApiVersion,
  type ResolvedTarget,
  type EcsRequest,
  type GetServerMetadataParams,
  type HttpMethod,
  type RequestTarget,
} from './request.js';
export { type HeaderSource, parseRetryAfter, readHeader, readRequestIdHeader, readRequestIdHeaders, REQUEST_ID_HEADERS } from './headers.js';
export type { ResponseContext } from './internal/decode-error.js';
export { formatJsonPath, getServerMetadataExpectation, interpretResponse, type ResponseExpectation } from './interpret-response.js';
// The rest of the metadata family (spec §3.2-§3.8).
export {
  buildDeleteServerMetadataItemRequest,
  buildDeleteServerMetadataItemV1Request,
  buildGetServerMetadataItemRequest,
  buildReplaceServerMetadataRequest,
  buildSetServerMetadataItemRequest,
  buildUpdateServerMetadataRequest,
  buildUpdateServerMetadataV1Request,
  metadataKeySegment,
  type DeleteServerMetadataItemParams,
  type DeleteServerMetadataItemV1Params,
  type GetServerMetadataItemParams,
  type MetadataKeyOptions,
  type MetadataWriteOptions,
  type NativeRequestTarget,
  type SetServerMetadataItemParams,
  type UpdateServerMetadataV1Params,
  type WriteServerMetadataParams,
} from './metadata-requests.js';
export {
  deleteServerMetadataItemExpectation,
  deleteServerMetadataItemV1Expectation,
  getServerMetadataItemExpectation,
  isMetadataItemNotFound,
  replaceServerMetadataExpectation,
  setServerMetadataItemExpectation,
  updateServerMetadataExpectation,
  updateServerMetadataV1Expectation,
} from './metadata-expectations.js';
export { answerMayHaveBeenLost, judgeMergeReadBack, unconfirmedMergeError, type MergeReadBackVerdict } from './lost-write.js';
export { diffMetadata, type MetadataDiff } from './metadata-diff.js';
export {
  DEFAULT_RETRY_OPTIONS,
  mayHaveBeenProcessed,
  planRetry,
  type AttemptOutcome,
  type RetryOptions,
  type RetryPlan,
  type RetryPlanOptions,
} from './retry-policy.js';
export { toTransportError, type TransportFailure } from './transport-error.js';
export { TOOLKIT_VERSION } from './version.js';
export { EXAMPLE_METADATA, EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID } from './examples.js';
// AK/SK signing (spec §9.2): sign a request (the client), verify one (the mock), the credential formats.
export {
  AKSK_ACCESS_KEY_PATTERN,
  AKSK_SECURITY_TOKEN_PATTERN,
  DEFAULT_SIGNATURE_MAX_SKEW_MS,
  signAkSkRequest,
  verifyAkSkSignature,
  type AkSkFailureReason,
  type AkSkVerification,
  type AkSkVerificationFailure,
  type AkSkVerificationSuccess,
  type ReceivedAkSkRequest,
  type SignAkSkRequestInput,
  type VerifyAkSkOptions,
} from './aksk-signature.js';
// The region table's endpoint and the Huawei SDKs' region variable, which the client's configuration reads.
export { huaweiRegionEndpointVariable, regionEndpoint } from './internal/regions.js';
export { resolveEndpoint, type EndpointSources } from './resolve-endpoint.js';
export {
  buildFindServersByNameRequest,
  buildShowServerRequest,
  couldBeServerId,
  exactServerMatches,
  isServerUuid,
  listServersExpectation,
  listServersResponseSchema,
  showServerExpectation,
  showServerResponseSchema,
  type FindServersByNameParams,
  type ServerSummary,
  type ShowServerParams,
} from './server-lookup.js';
export {
  buildApplicationCredentialLoginRequest,
  buildTokenLookupRequest,
  type ApplicationCredentialLoginParams,
  type TokenLookupParams,
} from './keystone-logins.js';
export {
  buildPasswordLoginRequest,
  interpretPasswordLoginResponse,
  passwordLoginUrl,
  type CatalogEndpoint,
  type CatalogService,
  type PasswordLogin,
  type PasswordLoginParams,
  type ServiceCatalog,
} from './password-login.js';
export {
  checkDesiredChange,
  desiredMetadata,
  desiredServerStateSchema,
  desiredStateFileSchema,
  expandDesiredServerState,
  type DesiredServerChange,
  type DesiredServerState,
  type DesiredStateFile,
  type MetadataChange,
} from './desired-state.js';
export { desiredStateJsonSchema } from './desired-state-json-schema.js';
export { applyPlannedWrites, planMetadataChanges, sameMetadata, type PlannedWrite, type ServerMetadataPlan } from './plan-metadata-changes.js';
