/**
 * `@ecs-metadata/core`: the wire layer of the ECS / Nova server metadata API. Builds requests
 * (validated, percent-encoded), interprets responses (typed results and errors), and holds the
 * retry policy. Performs no I/O.
 *
 * @packageDocumentation
 */
export * from './errors.js';
export * from './schemas.js';
export { encodePathSegment } from './path-segment.js';
export { normalizeComputeEndpoint, normalizeEndpoint } from './endpoint.js';
export {
  apiVersionSchema,
  buildGetServerMetadataRequest,
  buildHeaders,
  DEFAULT_API_VERSION,
  parseWith,
  resolveTarget,
  serverUrl,
  type ApiVersion,
  type ResolvedTarget,
  type EcsRequest,
  type GetServerMetadataParams,
  type HttpMethod,
  type RequestTarget,
} from './request.js';
export { type HeaderSource, parseRetryAfter, readHeader, readRequestIdHeader, readRequestIdHeaders, REQUEST_ID_HEADERS } from './headers.js';
export { BODY_EXCERPT_LENGTH, decodeErrorResponse, decodeFaultBody, excerpt, type DecodedFault, type ResponseContext } from './decode-error.js';
export { formatJsonPath, getServerMetadataExpectation, interpretResponse, type ResponseExpectation } from './interpret-response.js';
// The rest of the metadata family (spec §3.2-§3.8): builders, expectations, platform keys.
export {
  buildDeleteServerMetadataItemRequest,
  buildDeleteServerMetadataItemV1Request,
  buildGetServerMetadataItemRequest,
  buildReplaceServerMetadataRequest,
  buildSetServerMetadataItemRequest,
  buildUpdateServerMetadataRequest,
  buildUpdateServerMetadataV1Request,
  checkMetadataMap,
  metadataKeySegment,
  nativeServerUrl,
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
  ANY_SUCCESS_STATUS,
  deleteServerMetadataItemExpectation,
  deleteServerMetadataItemV1Expectation,
  getServerMetadataItemExpectation,
  isMetadataItemNotFound,
  replaceServerMetadataExpectation,
  setServerMetadataItemExpectation,
  updateServerMetadataExpectation,
  updateServerMetadataV1Expectation,
} from './metadata-expectations.js';
export { isPlatformMetadataKey, PLATFORM_METADATA_KEYS } from './platform-keys.js';
export { answerMayHaveBeenLost, judgeMergeReadBack, unconfirmedMergeError, type MergeReadBackVerdict } from './lost-write.js';
export { diffMetadata, type MetadataDiff } from './metadata-diff.js';
export {
  DEFAULT_RETRY_OPTIONS,
  IDEMPOTENT_METHODS,
  isRetryable,
  mayHaveBeenProcessed,
  planRetry,
  RETRY_AFTER_STATUSES,
  RETRYABLE_STATUSES,
  type AttemptOutcome,
  type RetryOptions,
  type RetryPlan,
  type RetryPlanOptions,
} from './retry-policy.js';
export { toTransportError, type TransportFailure } from './transport-error.js';
export { DEFAULT_USER_AGENT, TOOLKIT_VERSION } from './version.js';
export { EXAMPLE_METADATA, EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID } from './examples.js';
export {
  AKSK_ALGORITHM,
  AKSK_AUTHORIZATION_PATTERN,
  buildCanonicalHeaders,
  buildCanonicalQueryString,
  buildCanonicalRequest,
  buildCanonicalUri,
  buildSignedHeaders,
  buildStringToSign,
  computeAkSkSignature,
  computeSignature,
  DEFAULT_SIGNATURE_MAX_SKEW_MS,
  EMPTY_PAYLOAD_SHA256,
  encodeRfc3986,
  formatAuthorization,
  formatSdkDate,
  hashPayload,
  parseAkSkAuthorization,
  parseSdkDate,
  signAkSkRequest,
  verifyAkSkSignature,
  type AkSkFailureReason,
  type AkSkSignature,
  type AkSkVerification,
  type AkSkVerificationFailure,
  type AkSkVerificationSuccess,
  type CanonicalRequestParts,
  type ParsedAkSkAuthorization,
  type ReceivedAkSkRequest,
  type SignAkSkRequestInput,
  type VerifyAkSkOptions,
} from './aksk-signature.js';
export { DEFAULT_ENDPOINT_DOMAIN, HUAWEI_CLOUD_REGIONS, huaweiRegionEndpointVariable, isKnownRegion, regionEndpoint } from './regions.js';
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
  computeEndpointBase,
  findCatalogEndpoint,
  interpretPasswordLoginResponse,
  parseIsoInstant,
  passwordLoginResponseSchema,
  passwordLoginUrl,
  type CatalogEndpoint,
  type CatalogQuery,
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
