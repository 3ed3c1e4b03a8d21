import type { CredentialProvider } from '@ecs-metadata/client';
import { ConfigError, encodePathSegment, normalizeEndpoint, projectIdSchema } from '@ecs-metadata/core';
import { NATIVE_PROVIDER_NAME, PROVIDER_NAME } from './internal/contract.js';
import { checkStateHandlers, type UserStateHandlers } from './state-handlers.js';

/** Pact's log levels; `PACT_LOG_LEVEL` in the bin. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** The log levels Pact accepts. */
export const LOG_LEVELS: readonly LogLevel[] = Object.freeze(['trace', 'debug', 'info', 'warn', 'error']);

/**
 * Verify against the embedded mock provider (`@ecs-metadata/mock-provider` with its default
 * fixture), started on `127.0.0.1` with an ephemeral port. Every provider state is arranged in the
 * mock's store; requests carry the mock's demo token.
 */
export interface EmbeddedMockTarget {
  readonly kind: 'embedded-mock';
}

/** Verify against a real ECS / Nova-compatible endpoint. */
export interface EndpointTarget {
  readonly kind: 'endpoint';
  /** Base URL, e.g. `https://gw.example` (a base path is kept); plain http only for loopback hosts. */
  readonly baseUrl: string;
  /**
   * The `X-Auth-Token` put into every request except the 401 interaction's. Never printed.
   * Give this or `auth`.
   */
  readonly token?: string;
  /**
   * The credential instead of `token`, as the client takes it (`credentialsFromConfig`,
   * `akskAuth`, `passwordAuth`, `tokenAuth` of `@ecs-metadata/client`): every request Pact sends,
   * and the verifier's own, is signed with it (an AK/SK signature per request).
   */
  readonly auth?: CredentialProvider;
  /** The project the credential is scoped to; replaces the pact's example project id. */
  readonly projectId: string;
  /** An existing server of that project; replaces the pact's example server id. */
  readonly serverId: string;
  /**
   * Allow the metadata states to replace the server's metadata (`PUT .../metadata`); the original
   * is read first and put back after the run, also after a failure. Default `false`: interactions
   * needing those states are reported as not verifiable.
   */
  readonly allowWrites?: boolean;
  /**
   * Arrange `a locked server exists` by locking the server with Nova's server action API
   * (`{"lock": null}`, unlocked after the interaction with `{"unlock": null}`), each journaled
   * first; needs `allowWrites`. Default `false`: those interactions are not verifiable.
   */
  readonly allowLock?: boolean;
}

/** Where the provider runs. */
export type ProviderTarget = EmbeddedMockTarget | EndpointTarget;

/**
 * Pact files on disk. Without `pactDirs` and `pactFiles`: `<workspace>/pacts` inside the monorepo,
 * `./pacts` of `cwd` elsewhere. A directory contributes each `*.json` pact whose provider is
 * `ecs-metadata-api`; a file named explicitly must be for that provider.
 */
export interface LocalPactSource {
  readonly kind: 'local';
  readonly pactDirs?: readonly string[];
  readonly pactFiles?: readonly string[];
}

/** A consumer version selector (docs.pact.io/selectors), sent to the broker as given. */
export type ConsumerVersionSelector = Readonly<Record<string, string | boolean>>;

/** The selectors used when none are given (PACT-GUIDE "Broker"). */
export const DEFAULT_CONSUMER_VERSION_SELECTORS: readonly ConsumerVersionSelector[] = Object.freeze([
  Object.freeze({ mainBranch: true }),
  Object.freeze({ deployedOrReleased: true }),
]);

/** Pacts from a Pact Broker, chosen by consumer version selectors. */
export interface BrokerPactSource {
  readonly kind: 'broker';
  /** The broker's base URL (`PACT_BROKER_BASE_URL` in the bin). */
  readonly brokerUrl: string;
  /** Bearer token (`PACT_BROKER_TOKEN` in the bin). Never printed. */
  readonly brokerToken?: string;
  /** Basic auth user (`PACT_BROKER_USERNAME` in the bin), with `brokerPassword`; not with `brokerToken`. Never printed. */
  readonly brokerUsername?: string;
  /** Basic auth password (`PACT_BROKER_PASSWORD` in the bin). Never printed. */
  readonly brokerPassword?: string;
  /** Default {@link DEFAULT_CONSUMER_VERSION_SELECTORS}. */
  readonly consumerVersionSelectors?: readonly ConsumerVersionSelector[];
  /** Ask the broker for pending status: failures of pending pacts do not fail the run. */
  readonly enablePending?: boolean;
  /** Include work-in-progress pacts published since this date (`2024-01-31`). */
  readonly includeWipPactsSince?: string;
  /** The provider's branch: used for pending/WIP calculation, and recorded when publishing. */
  readonly providerBranch?: string;
  /** Publish the results to the broker; needs `providerVersion` and `providerBranch`. */
  readonly publishResults?: boolean;
  /** The provider version the results are for (a commit SHA). */
  readonly providerVersion?: string;
  /** A link to the CI build, published with the results. */
  readonly buildUrl?: string;
}

/**
 * One pact version on a broker, by its URL: the webhook-triggered flow, where the broker's
 * "contract requiring verification published" webhook passes `${pactbroker.pactUrl}`. Results are
 * published to that pact version (its `pb:publish-verification-results` link), as Pact does for a
 * pact fetched by URL. Credentials and publishing options as for {@link BrokerPactSource}.
 */
export interface PactUrlSource
  extends Pick<BrokerPactSource, 'brokerToken' | 'brokerUsername' | 'brokerPassword' | 'providerBranch' | 'publishResults' | 'providerVersion' | 'buildUrl'> {
  readonly kind: 'pact-url';
  /** The pact's URL on the broker, e.g. `https://broker.example/pacts/provider/P/consumer/C/pact-version/SHA`. */
  readonly pactUrl: string;
}

/** Where the pacts come from. */
export type PactSource = LocalPactSource | BrokerPactSource | PactUrlSource;

/** Options of {@link verifyPacts}. */
export interface VerifyPactsOptions {
  /** Where the provider runs. */
  readonly provider: ProviderTarget;
  /** Where the pacts come from; default the local pact directory (see {@link LocalPactSource}). */
  readonly source?: PactSource;
  /** Pact's log level; default `warn`. */
  readonly logLevel?: LogLevel;
  /** Per-request timeout in milliseconds; default 30000. */
  readonly requestTimeoutMs?: number;
  /** Aborting stops further writes, restores changed metadata and rejects with `AbortError`. */
  readonly signal?: AbortSignal;
  /** The directory `./pacts` is taken from outside the monorepo; default `process.cwd()`. */
  readonly cwd?: string;
  /**
   * The providers to verify, one Pact run each, in this order: `ecs-metadata-api` (the
   * Nova-compatible calls) and/or `ecs-native-metadata-api` (the ECS native `/v1` calls, spec §3.7,
   * §3.8). Default `['ecs-metadata-api']`. A local source must hold a pact for each.
   */
  readonly providers?: readonly ProviderName[];
  /**
   * Run only the interactions whose description is exactly this text. Pact's core reads
   * `PACT_DESCRIPTION` as a regular expression; this is escaped and anchored for it, so
   * `a request for server metadata (v2)` matches itself and nothing else. Publishing is refused
   * with it (a filtered run verifies part of a pact).
   */
  readonly description?: string;
  /**
   * The crash journal of a real endpoint's original metadata (with `allowWrites`); default
   * `$XDG_STATE_HOME/ecs-metadata/verify-<hash of endpoint, project, server>.ndjson`. A journal
   * left there by a run that did not finish is restored from before anything else.
   */
  readonly journalFile?: string;
  /**
   * Extra headers put into every request sent to the provider (an API gateway's key, a tenant
   * header); their values are treated as secrets (never printed). Not `X-Auth-Token`.
   */
  readonly providerHeaders?: Readonly<Record<string, string>>;
  /**
   * Whether finding no pact at all fails the run (default `true`): a broker that selected nothing
   * is usually a wrong provider name or selector. `false` makes it a success with nothing verified.
   */
  readonly failIfNoPactsFound?: boolean;
  /**
   * Handlers for provider states the built-ins cannot arrange on this provider (see
   * `UserStateHandler`); a state they arrange counts as arranged by the verifier.
   */
  readonly stateHandlers?: UserStateHandlers;
  /** Told, one line each, what the run does to the provider outside Pact: the journal's path, a recovery. */
  readonly onNotice?: (line: string) => void;
}

/** The environment variables through which Pact's core runs only some interactions. */
export const PACT_FILTER_VARIABLES: readonly string[] = Object.freeze(['PACT_DESCRIPTION', 'PACT_PROVIDER_STATE', 'PACT_PROVIDER_NO_STATE']);

/** `text` as a regular expression that matches exactly it (what `PACT_DESCRIPTION` needs for a literal description). */
export function literalPattern(text: string): string {
  return `^${text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')}$`;
}

/** The providers of the contract (DECISIONS "Contract"). */
export const PROVIDER_NAMES = Object.freeze([PROVIDER_NAME, NATIVE_PROVIDER_NAME] as const);
/** One of {@link PROVIDER_NAMES}. */
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** Default per-request timeout. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * Checks options before anything starts; every problem is a {@link ConfigError} whose `setting`
 * names the option (`provider.baseUrl`, `source.providerVersion`, ...).
 */
export function validateVerifyOptions(options: VerifyPactsOptions): void {
  const { provider, source } = options;
  if (provider?.kind === 'endpoint') {
    checkServiceUrl(provider.baseUrl, 'provider.baseUrl', 'provider base URL');
    if (provider.auth !== undefined) {
      if (typeof provider.auth !== 'function' || provider.token !== undefined) {
        throw new ConfigError('provider.auth', 'Give a real endpoint either a token or a credential provider (auth), not both');
      }
    } else if (typeof provider.token !== 'string' || !/^[\x21-\x7e]+$/u.test(provider.token)) {
      throw new ConfigError('provider.token', 'A token is required for a real endpoint (visible ASCII, it is sent as a header)');
    }
    if (!projectIdSchema.safeParse(provider.projectId).success) {
      throw new ConfigError('provider.projectId', 'A project id is required for a real endpoint: 1-64 lower-case hex digits and "-"');
    }
    if (provider.allowLock === true && provider.allowWrites !== true) {
      throw new ConfigError('provider.allowLock', 'Locking the server to arrange a state needs writes allowed too');
    }
    try {
      encodePathSegment('serverId', provider.serverId);
    } catch (error) {
      throw new ConfigError('provider.serverId', `The id of an existing server is required for a real endpoint: ${(error as Error).message}`, { cause: error });
    }
  } else if (provider?.kind !== 'embedded-mock') {
    throw new ConfigError('provider', 'Choose the provider: the embedded mock or a real endpoint');
  }
  if (
    options.providers !== undefined &&
    (!Array.isArray(options.providers) ||
      options.providers.length === 0 ||
      new Set(options.providers).size !== options.providers.length ||
      !options.providers.every((name) => (PROVIDER_NAMES as readonly string[]).includes(name)))
  ) {
    throw new ConfigError('providers', `The providers are a list of distinct names among ${PROVIDER_NAMES.join(', ')}`);
  }
  if (options.logLevel !== undefined && !LOG_LEVELS.includes(options.logLevel)) {
    throw new ConfigError('logLevel', `The log level must be one of ${LOG_LEVELS.join(', ')}`);
  }
  if (options.requestTimeoutMs !== undefined && !(Number.isInteger(options.requestTimeoutMs) && options.requestTimeoutMs > 0)) {
    throw new ConfigError('requestTimeoutMs', 'The request timeout must be a positive number of milliseconds');
  }
  if (options.stateHandlers !== undefined) {
    checkStateHandlers(options.stateHandlers, 'stateHandlers');
  }
  if (options.providerHeaders !== undefined) {
    validateProviderHeaders(options.providerHeaders);
  }
  if (options.description !== undefined && (typeof options.description !== 'string' || options.description === '')) {
    throw new ConfigError('description', 'The description filter is the non-empty description of an interaction');
  }
  if (source?.kind === 'broker' || source?.kind === 'pact-url') {
    validateBrokerSource(source, provider);
    if (source.publishResults === true) {
      validatePublishing(options);
    }
  } else if (source !== undefined && source.kind !== 'local') {
    throw new ConfigError('source', 'The pact source is local files, a broker, or a pact URL on a broker');
  }
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/u;

function validateProviderHeaders(headers: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) {
      throw new ConfigError('providerHeaders', `"${name}" is not a header name`);
    }
    if (name.toLowerCase() === 'x-auth-token') {
      throw new ConfigError('providerHeaders', 'The token goes in with the credentials, not as a custom header');
    }
    if (typeof value !== 'string' || !/^[\x20-\x7e\t]*$/u.test(value)) {
      throw new ConfigError('providerHeaders', `The value of header "${name}" must be visible ASCII`);
    }
  }
}

/**
 * Publishing is refused where the result could not be honest (DECISIONS 2026-12-06 "Verifier
 * publishing"): from the embedded mock (it is not the provider the broker knows), and with an
 * interaction filter (part of a pact verified is recorded as the whole pact's result).
 */
function validatePublishing(options: VerifyPactsOptions): void {
  if (options.provider.kind === 'embedded-mock') {
    throw new ConfigError(
      'source.publishResults',
      'Results are not published from the embedded mock: the broker would record the mock as the real provider (this clears pending pacts and misleads can-i-deploy)',
    );
  }
  const filters = [...(options.description === undefined ? [] : ['the description filter']), ...PACT_FILTER_VARIABLES.filter((name) => nonEmpty(process.env[name]))];
  if (filters.length > 0) {
    throw new ConfigError('source.publishResults', `Results are not published from a filtered run (${filters.join(', ')}): only part of each pact would be verified`);
  }
}

function validateBrokerSource(source: BrokerPactSource | PactUrlSource, provider: ProviderTarget): void {
  const credentials = checkBrokerCredentials(source);
  if (source.kind === 'pact-url') {
    checkServiceUrl(source.pactUrl, 'source.pactUrl', 'pact URL', !credentials);
  } else {
    checkServiceUrl(source.brokerUrl, 'source.brokerUrl', 'broker URL', !credentials);
    const selectors = source.consumerVersionSelectors;
    if (selectors !== undefined && (!Array.isArray(selectors) || selectors.length === 0 || !selectors.every(isSelector))) {
      throw new ConfigError('source.consumerVersionSelectors', 'Consumer version selectors are a non-empty list of objects, e.g. [{"mainBranch":true}]');
    }
    if (source.includeWipPactsSince !== undefined && Number.isNaN(Date.parse(source.includeWipPactsSince))) {
      throw new ConfigError('source.includeWipPactsSince', `The WIP date is not a date (e.g. 2024-01-31): "${source.includeWipPactsSince}"`);
    }
  }
  if (source.publishResults === true) {
    if (!nonEmpty(source.providerVersion)) {
      throw new ConfigError('source.providerVersion', 'Publishing results needs the provider version (e.g. the commit SHA)');
    }
    if (!nonEmpty(source.providerBranch)) {
      throw new ConfigError('source.providerBranch', 'Publishing results needs the provider branch');
    }
    if (provider.kind === 'endpoint' && provider.allowWrites !== true) {
      // Pact would publish the interactions it ran on un-arranged states as passed or failed.
      throw new ConfigError(
        'source.publishResults',
        'Publishing results from a real endpoint needs writes allowed: without them some states cannot be arranged, and the broker would record those interactions as verified or failed',
      );
    }
  }
}

/**
 * A bearer token or basic auth (user and password), not both: Pact's core sends one `Authorization`
 * header. Values are sent as headers, so visible ASCII only (a password may contain spaces).
 *
 * @returns whether any credential is given (plain http is then allowed only on loopback).
 */
function checkBrokerCredentials(source: Pick<BrokerPactSource, 'brokerToken' | 'brokerUsername' | 'brokerPassword'>): boolean {
  const { brokerToken, brokerUsername, brokerPassword } = source;
  if (brokerToken !== undefined && (brokerUsername !== undefined || brokerPassword !== undefined)) {
    throw new ConfigError('source.brokerToken', 'Give the broker either a token or a username and password, not both');
  }
  if ((brokerUsername === undefined) !== (brokerPassword === undefined)) {
    throw new ConfigError(brokerUsername === undefined ? 'source.brokerUsername' : 'source.brokerPassword', 'Basic auth to the broker needs both a username and a password');
  }
  const checks: [string, string | undefined, RegExp][] = [
    ['source.brokerToken', brokerToken, /^[\x21-\x7e]+$/u],
    ['source.brokerUsername', brokerUsername, /^[\x20-\x39\x3b-\x7e]+$/u], // no ":" in a basic auth user
    ['source.brokerPassword', brokerPassword, /^[\x20-\x7e]+$/u],
  ];
  for (const [setting, value, pattern] of checks) {
    if (value !== undefined && !pattern.test(value)) {
      throw new ConfigError(setting, 'A broker credential must be non-empty visible ASCII (it is sent as a header)');
    }
  }
  return brokerToken !== undefined || brokerUsername !== undefined;
}

/**
 * Validates an http(s) base URL; plain http only for a loopback host (the token would travel in
 * clear text otherwise), unless `httpAnywhere` (nothing secret is sent).
 *
 * @returns the URL without a trailing slash.
 */
function checkServiceUrl(value: unknown, setting: string, label: string, httpAnywhere = false): string {
  if (typeof value !== 'string' || value === '') {
    throw new ConfigError(setting, `The ${label} is required`);
  }
  let normalized: string;
  try {
    normalized = normalizeEndpoint(value, setting);
  } catch (error) {
    throw new ConfigError(setting, `The ${label} is invalid: ${(error as Error).message}`, { cause: error });
  }
  const url = new URL(normalized);
  if (url.protocol === 'http:' && !httpAnywhere && !isLoopbackHost(url.hostname)) {
    throw new ConfigError(setting, `The ${label} must use https: plain http is allowed only for loopback hosts (127.0.0.1, ::1, localhost), got ${url.host}`);
  }
  return normalized;
}

/** `127.0.0.0/8`, `::1` (bracketed in URLs) and `localhost`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/gu, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/u.test(host);
}

function isSelector(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length > 0 &&
    Object.values(value).every((entry) => typeof entry === 'string' || typeof entry === 'boolean')
  );
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}
