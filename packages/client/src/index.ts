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
  type ResponseEvent,
  type ServerMetadataResult,
  type WriteCallOptions,
} from './client.js';
// runBatch is the bounded, lazily pulled runner behind getServerMetadataMany, public for batch
// commands built on other calls (the CLI's batch writes).
export { DEFAULT_BATCH_CONCURRENCY, runBatch, type BatchOptions, type BatchResult } from './batch.js';
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
  ValidationError,
  type ApiVersion,
  type Metadata,
  type MetadataKeyRules,
} from '@ecs-metadata/core';
export {
  CLOUD_ENV_VAR,
  cloudsFilePaths,
  CONFIG_ENV_VARS,
  CONFIG_SETTINGS,
  fromEnv,
  loadConfig,
  loadConfigFiles,
  PROFILE_ENV_VAR,
  profileFilePath,
  resolveConfig,
  type ConfigFile,
  type ConfigFiles,
  type ConfigOptions,
  type ConfigSource,
  type ConfigValue,
  type CredentialKind,
  type Environment,
  type LoadConfigFilesOptions,
  type PlainSetting,
  type ResolvedConfig,
  type SecretSetting,
  type SettingName,
} from './config.js';
export type { ConfigParser, ConfigParsers } from './config-parsers.js';
export { credentialsFromConfig, type CredentialsFromConfigOptions } from './config-credentials.js';
export { chainAuth, CredentialsNotConfiguredError } from './credential-chain.js';
export { DEFAULT_LOGIN_TIMEOUT_MS, DEFAULT_REFRESH_BEFORE_EXPIRY_MS, passwordAuth, type LoginEvent, type PasswordAuthOptions } from './password-auth.js';
export { createClientFromConfig, createEcsMetadataClient, type ClientFromConfigOptions, type CreateClientOptions } from './create-client.js';
export { MASK, Secret } from './secret.js';
export { parseTimeoutMs } from './timeout-setting.js';
export { akskAuth, type AkSkAuthOptions } from './aksk-auth.js';
