/**
 * `@ecs-metadata/client`: the library to read (and manage) ECS / Nova server metadata.
 *
 * @packageDocumentation
 */
export {
  EcsMetadataClient,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
  type CallOptions,
  type EcsMetadataClientOptions,
  type KeyCallOptions,
  type MergeCallOptions,
  type ResponseEvent,
  type ServerMetadataResult,
  type WriteCallOptions,
} from './client.js';
// runBatch is the bounded, lazily pulled runner behind getServerMetadataMany, public for batch
// commands built on other calls (the CLI's batch writes); runBatchOf takes items that carry their id.
export { DEFAULT_BATCH_CONCURRENCY, runBatch, runBatchOf, type BatchOptions, type BatchResult } from './batch.js';
export type { ApplyJournal, ApplyOutcome, ApplyPlanOptions } from './apply-plan.js';
export { AdaptiveRateLimiter, type AdaptiveRateLimiterOptions } from './rate-limiter.js';
export type { RateStats, RateTicket } from './adaptive-rate.js';
export { tokenAuth, type CredentialProvider, type LoginDetails, type RequestSigner, type SignableRequest, type SignOptions } from './auth.js';
export { createNodeHttpFetch, type NodeHttpFetch, type NodeHttpFetchOptions } from './node-http-fetch.js';
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
  MetadataLimitExceededError,
  NetworkError,
  NotFoundError,
  OverLimitError,
  PermissionDeniedError,
  RateLimitError,
  ResponseTooLargeError,
  ResponseValidationError,
  ServerError,
  TimeoutError,
  UnconfirmedWriteError,
  ValidationError,
  type ApiVersion,
  type Metadata,
  type MetadataKeyRules,
} from '@ecs-metadata/core';
export {
  CLOUD_ENV_VAR,
  CONFIG_ENV_VARS,
  CONFIG_SETTINGS,
  PROFILE_ENV_VAR,
  type ConfigSource,
  type ConfigValue,
  type Environment,
  type PlainSetting,
  type SecretSetting,
  type SettingName,
} from './config-settings.js';
export { cloudsFilePaths, loadConfigFiles, profileFilePath, type ConfigFile, type ConfigFiles, type LoadConfigFilesOptions } from './config-files.js';
export { resolveConfig, type ConfigOptions, type CredentialKind, type ResolvedConfig } from './resolve-config.js';
export { loadConfig } from './load-config.js';
export { fromEnv } from './from-env.js';
export type { ConfigParser, ConfigParsers } from './config-parsers.js';
export { credentialsFromConfig, type CredentialsFromConfigOptions } from './config-credentials.js';
export { chainAuth, CredentialsNotConfiguredError } from './credential-chain.js';
export { DEFAULT_LOGIN_TIMEOUT_MS, DEFAULT_REFRESH_BEFORE_EXPIRY_MS, passwordAuth, type LoginEvent, type PasswordAuthOptions } from './password-auth.js';
export { createClientFromConfig, createEcsMetadataClient, type ClientFromConfigOptions, type CreateClientOptions } from './create-client.js';
export { MASK, Secret } from './secret.js';
export { parseTimeoutMs } from './timeout-setting.js';
export { akskAuth, type AkSkAuthOptions } from './aksk-auth.js';
export { applicationCredentialAuth, type ApplicationCredentialAuthOptions } from './application-credential-auth.js';
export { tokenLookupAuth, type TokenLookupAuthOptions } from './token-lookup-auth.js';
export { plannedEndpoint, type PlannedEndpoint } from './planned-endpoint.js';
