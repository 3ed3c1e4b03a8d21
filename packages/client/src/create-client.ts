import { ConfigError, resolveEndpoint } from '@ecs-metadata/core';
import type { LoginDetails, RequestSigner } from './auth.js';
import { EcsMetadataClient, type EcsMetadataClientOptions } from './client.js';
import { CONFIG_SETTINGS, describeWays } from './config-settings.js';
import { reachesCatalog, type ResolvedConfig } from './resolve-config.js';
import { credentialsFromConfig } from './config-credentials.js';
import { type LoginEvent } from './password-auth.js';

/** Options of {@link createEcsMetadataClient}: those of the client, with endpoint and project id optional. */
export type CreateClientOptions = Omit<EcsMetadataClientOptions, 'projectId'> & {
  /** The project; default the project a password login's token is scoped to. */
  projectId?: string | undefined;
  /** Abandons the password login done here (for the catalog) when it aborts: an `AbortError`. */
  signal?: AbortSignal | undefined;
  /** The catalog interface of the compute endpoint: `public` (default), `internal`, `admin` (`OS_INTERFACE`). */
  interface?: string | undefined;
};

/**
 * Creates a client, taking what it is not given from the credential's login, as OpenStack clients
 * do (DECISIONS "CLI"):
 *
 * - endpoint: `endpoint`; else, for a credential that logs in (password, application credential, a
 *   token with its auth URL), the catalog's `compute` endpoint of `interface` (default `public`) and
 *   of `region` when given (its `/v2.1[/{project_id}]` suffix removed,
 *   spec §10); else the endpoint of `region` (`https://ecs.{region}.{domain}`);
 * - project id: `projectId`; else the project of the login's token.
 *
 * A password login therefore happens here, before the first call (its errors are thrown here).
 * The client reuses the same signer, so it logs in no second time.
 *
 * @throws {ConfigError} (`endpoint`) when there is no endpoint, region or catalog entry;
 *   (`projectId`) when there is no project id; and whatever the credential's login throws.
 */
export async function createEcsMetadataClient(options: CreateClientOptions): Promise<EcsMetadataClient> {
  if (typeof options.auth !== 'function') {
    throw new ConfigError('auth', 'auth must be a credential provider, e.g. tokenAuth(token)');
  }
  const signer = await options.auth();
  const { loginDetails } = signer;
  const needsLogin = loginDetails !== undefined && (options.endpoint === undefined || options.projectId === undefined);
  const details: LoginDetails | undefined = needsLogin ? await loginDetails({ signal: options.signal }) : undefined;
  const endpoint = resolveEndpoint({
    endpoint: options.endpoint,
    region: options.region,
    domain: options.domain,
    catalog: details?.catalog,
    interface: options.interface,
  });
  const projectId = options.projectId ?? details?.projectId;
  if (endpoint === undefined) {
    throw new ConfigError('endpoint', `No endpoint: ${describeWays('endpoint')}; or give a region (${describeWays('region')})`);
  }
  if (projectId === undefined) {
    throw new ConfigError('projectId', `No project id: ${describeWays('projectId')}`);
  }
  const stable: RequestSigner = signer;
  return new EcsMetadataClient({ ...options, endpoint, projectId, auth: () => Promise.resolve(stable) });
}

/** Options of {@link createClientFromConfig}: client options that are not configuration. */
export type ClientFromConfigOptions = Partial<Omit<EcsMetadataClientOptions, 'endpoint' | 'region' | 'domain' | 'projectId' | 'auth' | 'apiVersion'>> & {
  /** Abandons a password login done while creating the client (see {@link CreateClientOptions}). */
  signal?: AbortSignal | undefined;
  /** Observes a password login's responses (for `--verbose`); never sees the token or password. */
  onLogin?: ((event: LoginEvent) => void) | undefined;
};

/**
 * Creates a client from a resolved configuration (see `resolveConfig`, `loadConfig`): its
 * credentials, endpoint (or region, or the login's catalog), project id and API version. Checks
 * before any I/O that the configuration is complete.
 *
 * @example
 * ```ts
 * const client = await createClientFromConfig(await loadConfig({ profile: 'prod' }));
 * ```
 * @throws {ConfigError} naming what is missing: `credentials` (`CredentialsNotConfiguredError`),
 *   `endpoint`, `projectId`; then as {@link createEcsMetadataClient}.
 */
export async function createClientFromConfig(config: ResolvedConfig, options: ClientFromConfigOptions = {}): Promise<EcsMetadataClient> {
  const { onLogin, ...clientOptions } = options;
  if (config.credentials === undefined) {
    credentialsFromConfig(config); // throws CredentialsNotConfiguredError, naming what to set
  }
  // Credentials that reach the identity service learn the catalog and the token's project.
  const loginProvidesTarget = reachesCatalog(config.credentials, config.authUrl !== undefined);
  if (config.endpoint === undefined && config.region === undefined && !loginProvidesTarget) {
    throw new ConfigError('endpoint', `No endpoint: ${describeWays('endpoint')}; or give a region (${describeWays('region')})`);
  }
  if (config.projectId === undefined && !loginProvidesTarget) {
    throw new ConfigError('projectId', `No project id: ${describeWays('projectId')}`);
  }
  if (config.projectId === undefined && config.projectName === undefined && config.credentials === 'password') {
    const ways = `${describeWays('projectId')}; or set ${CONFIG_SETTINGS.projectName.env.join(' or ')}`;
    throw new ConfigError('projectId', `A password login is scoped to a project, but no project is given: ${ways}`);
  }
  const auth = credentialsFromConfig(config, { fetch: options.fetch, onLogin, userAgent: options.userAgent });
  return createEcsMetadataClient({
    ...clientOptions,
    endpoint: config.endpoint?.value,
    region: config.region?.value,
    domain: config.domain?.value,
    projectId: config.projectId?.value,
    apiVersion: config.apiVersion.value,
    interface: config.interface?.value,
    auth,
  });
}
