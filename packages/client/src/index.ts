/**
 * `@ecs-metadata/client`: the library to read (and manage) ECS / Nova server metadata.
 *
 * @packageDocumentation
 */
export { EcsMetadataClient, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT_MS, type CallOptions, type EcsMetadataClientOptions, type ResponseEvent } from './client.js';
export { tokenAuth, type CredentialProvider, type RequestSigner, type SignableRequest } from './auth.js';
export { createNodeHttpFetch, withBufferedBody, type NodeHttpFetch, type NodeHttpFetchOptions } from './node-http-fetch.js';
export type { FetchLike } from './fetch-types.js';
// The error classes callers catch, re-exported so that one import is enough.
export {
  AbortError,
  AuthenticationError,
  BadRequestError,
  ConfigError,
  ConflictError,
  EcsApiError,
  EcsMetadataError,
  NetworkError,
  NotFoundError,
  OverLimitError,
  PermissionDeniedError,
  RateLimitError,
  ResponseTooLargeError,
  ResponseValidationError,
  ServerError,
  TimeoutError,
  ValidationError,
  type ApiVersion,
  type Metadata,
} from '@ecs-metadata/core';
export { CONFIG_ENV_VARS, resolveConfig, type ConfigOptions, type ConfigSource, type ConfigValue, type ResolvedConfig } from './config.js';
export { akskAuth, type AkSkAuthOptions } from './aksk-auth.js';
