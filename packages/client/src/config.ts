import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import {
  type ApiVersion,
  apiVersionSchema,
  ConfigError,
  DEFAULT_API_VERSION,
  normalizeEndpoint,
  passwordLoginUrl,
  projectIdSchema,
  resolveEndpoint,
} from '@ecs-metadata/core';
import type { CredentialProvider } from './auth.js';
import { credentialsFromConfig, NO_CREDENTIALS_HELP } from './config-credentials.js';
import { type ConfigParsers, importConfigParsers, tomlParserOf, yamlParserOf } from './config-parsers.js';
import { CredentialsNotConfiguredError } from './credential-chain.js';
import { Secret } from './secret.js';

/**
 * Where a configuration value came from, for `config show` and error messages: `option` (a flag or
 * an option in code), `env:NAME`, `clouds.yaml:CLOUD (path)` (the cloud `OS_CLOUD` picks),
 * `profile:NAME (path)`, or `default`.
 */
export type ConfigSource = 'option' | `env:${string}` | `clouds.yaml:${string}` | `profile:${string}` | 'default';

/** One resolved setting and its origin. Secrets are {@link Secret}s: printing one shows `****`. */
export interface ConfigValue<T> {
  readonly value: T;
  readonly source: ConfigSource;
}

/** The kinds of credentials, in the order a tie between equally ranked sources is broken. */
export type CredentialKind = 'token' | 'aksk' | 'password';

interface SettingSpec {
  /** Environment variables, in order of precedence. */
  readonly env: readonly string[];
  /** Key in a profile table of `config.toml`. */
  readonly profileKey: string;
  /** Path in a `clouds.yaml` cloud (`auth.auth_url`), if OpenStack configures it there. */
  readonly cloudsKey?: string;
  /** The CLI flag, named in errors. */
  readonly flag?: string;
  /** Held as a {@link Secret} and masked entirely by `config show`. */
  readonly secret: boolean;
  /** What it is, for `config show --help` and the README. */
  readonly description: string;
}

/**
 * Every setting: its environment variables (DECISIONS "CLI": ours, Huawei Cloud SDK's, OpenStack's),
 * its key in a profile and in `clouds.yaml`, and its flag.
 */
export const CONFIG_SETTINGS = {
  endpoint: { env: ['ECS_METADATA_ENDPOINT'], profileKey: 'endpoint', flag: '--endpoint', secret: false, description: 'API endpoint URL' },
  region: {
    env: ['ECS_METADATA_REGION', 'OS_REGION_NAME'],
    profileKey: 'region',
    cloudsKey: 'region_name',
    flag: '--region',
    secret: false,
    description: 'region id (endpoint https://ecs.{region}.{domain}; filters a login catalog)',
  },
  domain: { env: [], profileKey: 'domain', flag: '--domain', secret: false, description: 'endpoint domain for --region (default myhuaweicloud.com)' },
  projectId: {
    env: ['ECS_METADATA_PROJECT_ID', 'HUAWEICLOUD_SDK_PROJECT_ID', 'OS_PROJECT_ID'],
    profileKey: 'project_id',
    cloudsKey: 'auth.project_id',
    flag: '--project-id',
    secret: false,
    description: 'project id',
  },
  projectName: { env: ['OS_PROJECT_NAME'], profileKey: 'project_name', cloudsKey: 'auth.project_name', secret: false, description: 'project name (password login)' },
  apiVersion: { env: [], profileKey: 'api_version', flag: '--api-version', secret: false, description: 'v2 or v2.1' },
  token: { env: ['ECS_METADATA_TOKEN', 'OS_TOKEN'], profileKey: 'token', cloudsKey: 'auth.token', flag: '--token', secret: true, description: 'IAM / Keystone token' },
  accessKey: { env: ['HUAWEICLOUD_SDK_AK'], profileKey: 'access_key', flag: '--ak', secret: false, description: 'access key id (AK)' },
  secretKey: { env: ['HUAWEICLOUD_SDK_SK'], profileKey: 'secret_key', flag: '--sk', secret: true, description: 'secret access key (SK)' },
  securityToken: { env: ['HUAWEICLOUD_SDK_SECURITY_TOKEN'], profileKey: 'security_token', secret: true, description: 'security token of temporary AK/SK' },
  authUrl: { env: ['OS_AUTH_URL'], profileKey: 'auth_url', cloudsKey: 'auth.auth_url', flag: '--auth-url', secret: false, description: 'identity (IAM / Keystone) URL' },
  username: { env: ['OS_USERNAME'], profileKey: 'username', cloudsKey: 'auth.username', flag: '--username', secret: false, description: 'user name (password login)' },
  password: { env: ['OS_PASSWORD'], profileKey: 'password', cloudsKey: 'auth.password', secret: true, description: 'password (password login)' },
  userDomainName: { env: ['OS_USER_DOMAIN_NAME'], profileKey: 'user_domain_name', cloudsKey: 'auth.user_domain_name', secret: false, description: "user's domain name" },
  userDomainId: { env: ['OS_USER_DOMAIN_ID'], profileKey: 'user_domain_id', cloudsKey: 'auth.user_domain_id', secret: false, description: "user's domain id" },
  projectDomainName: {
    env: ['OS_PROJECT_DOMAIN_NAME'],
    profileKey: 'project_domain_name',
    cloudsKey: 'auth.project_domain_name',
    secret: false,
    description: "project's domain name",
  },
  projectDomainId: { env: ['OS_PROJECT_DOMAIN_ID'], profileKey: 'project_domain_id', cloudsKey: 'auth.project_domain_id', secret: false, description: "project's domain id" },
} as const satisfies Record<string, SettingSpec>;

/** The name of a setting, e.g. `projectId`. */
export type SettingName = keyof typeof CONFIG_SETTINGS;
/** The settings that hold a secret (token, secret key, password...): a {@link Secret} in a resolved config. */
export type SecretSetting = { [K in SettingName]: (typeof CONFIG_SETTINGS)[K]['secret'] extends true ? K : never }[SettingName];
/** The settings that hold a plain string in a resolved config (every one but the secrets and `apiVersion`). */
export type PlainSetting = Exclude<SettingName, SecretSetting | 'apiVersion'>;

/** The environment variables read for each setting, in order of precedence. */
export const CONFIG_ENV_VARS: { readonly [K in SettingName]: readonly string[] } = Object.freeze(
  Object.fromEntries(Object.entries(CONFIG_SETTINGS).map(([name, spec]) => [name, spec.env])) as unknown as {
    [K in SettingName]: readonly string[];
  },
);

/** The variable naming the profile when `--profile` (option `profile`) is not given. */
export const PROFILE_ENV_VAR = 'ECS_METADATA_PROFILE';
/** The variable naming the OpenStack cloud of `clouds.yaml`, as openstackclient reads it. */
export const CLOUD_ENV_VAR = 'OS_CLOUD';

/** What the caller (CLI flags, code) states explicitly; each wins over the environment and the files. */
export type ConfigOptions = { [K in SettingName]?: string | undefined } & {
  /** The profile to use (`--profile`); default `ECS_METADATA_PROFILE`, else `default` when the file has it. */
  profile?: string | undefined;
};

/**
 * A validated, frozen configuration: each setting that has a value records its source; secrets
 * are {@link Secret}s (`.value.reveal()`), so printing the whole object shows `****` for them.
 */
export type ResolvedConfig = { readonly [K in PlainSetting]?: ConfigValue<string> } & {
  readonly [K in SecretSetting]?: ConfigValue<Secret>;
} & {
  /** Always set: `v2.1` by default. */
  readonly apiVersion: ConfigValue<ApiVersion>;
  /** The profile that was read, if any. */
  readonly profile?: ConfigValue<string>;
  /** The cloud of `clouds.yaml` that was read (`OS_CLOUD`), if any. */
  readonly cloud?: ConfigValue<string>;
  /**
   * The credentials to use: the kind whose required settings come from the most explicit sources
   * (option > environment > clouds.yaml > profile); on a tie token, then AK/SK, then password.
   * `undefined` when none is complete.
   */
  readonly credentials: CredentialKind | undefined;
  /** Things the user should fix but that do not stop us (a profile file others can read). */
  readonly warnings: readonly string[];
};

/** A configuration file as read from disk: `text` is `undefined` when it does not exist. */
export interface ConfigFile {
  readonly path: string;
  readonly text: string | undefined;
  /** `stat().mode`, for the permission warning. */
  readonly mode?: number | undefined;
}

/** The files {@link resolveConfig} reads settings from; see {@link loadConfigFiles}. */
export interface ConfigFiles {
  /** `config.toml` with one table per profile. */
  readonly profileFile?: ConfigFile | undefined;
  /** The `clouds.yaml` that `OS_CLOUD` picks a cloud from. */
  readonly cloudsFile?: ConfigFile | undefined;
  /**
   * The parsers of the files that exist, as {@link loadConfigFiles} imported them; without one, a
   * file's parser is loaded synchronously when its text is read.
   */
  readonly parsers?: ConfigParsers | undefined;
}

/** Environment variables as handed to the resolver (`process.env` at the edge, a literal in tests). */
export type Environment = Readonly<Record<string, string | undefined>>;

const CREDENTIAL_REQUIREMENTS: Readonly<Record<CredentialKind, readonly SettingName[]>> = {
  token: ['token'],
  aksk: ['accessKey', 'secretKey'],
  password: ['authUrl', 'username', 'password'],
};
const CREDENTIAL_KINDS: readonly CredentialKind[] = ['token', 'aksk', 'password'];

// Ranks of the layers: lower is more explicit.
const SOURCE_RANK = (source: ConfigSource): number =>
  source === 'option' ? 0 : source.startsWith('env:') ? 1 : source.startsWith('clouds.yaml:') ? 2 : source.startsWith('profile:') ? 3 : 4;

const PROFILE_KEYS: ReadonlyMap<string, SettingName> = new Map(
  Object.entries(CONFIG_SETTINGS).map(([name, spec]) => [spec.profileKey, name as SettingName]),
);

/**
 * Resolves the configuration: explicit options > environment > the `clouds.yaml` cloud named by
 * `OS_CLOUD` > the profile (`--profile`, `ECS_METADATA_PROFILE`, else `[default]` when present).
 * Pure and synchronous: it is handed the environment and the files' contents (see
 * {@link loadConfig} for the version that reads them) and never reads `process.env` itself.
 *
 * Validates what is present (URL syntax, project id, API version, a region that must map to an
 * endpoint) but does not demand what is absent: `config show` prints a partial configuration,
 * and `createClientFromConfig` names what a client still lacks.
 *
 * @throws {ConfigError} naming the setting (and its source) for an invalid value; `profile` for a
 *   profile that is missing or malformed; `OS_CLOUD` for a cloud that is not there; the first missing
 *   setting of a credential that is only partly given (an AK without its SK). Messages never hold secrets.
 */
export function resolveConfig(options: ConfigOptions, env: Environment, files: ConfigFiles = {}): ResolvedConfig {
  const warnings: string[] = [];
  const profile = readProfile(options, env, files.profileFile, files.parsers, warnings);
  const cloud = readCloud(env, files.cloudsFile, files.parsers, warnings);
  const values: Partial<Record<SettingName, ConfigValue<string>>> = {};
  for (const [name, spec] of Object.entries(CONFIG_SETTINGS) as [SettingName, SettingSpec][]) {
    const picked = pickSetting(name, spec, options, env, cloud, profile);
    if (picked !== undefined) {
      values[name] = picked;
    }
  }
  validate(values);
  const credentials = chooseCredentials(values);
  if (values.endpoint === undefined && credentials !== 'password' && values.region !== undefined) {
    try {
      resolveEndpoint({ region: values.region.value, domain: values.domain?.value });
    } catch (error) {
      const cause = error as ConfigError;
      const setting = cause.setting as 'region' | 'domain';
      throw new ConfigError(cause.setting, `${cause.message} (${setting} from ${values[setting]?.source ?? 'option'})`, { cause });
    }
  }
  const resolved: Record<string, unknown> = {};
  for (const [name, picked] of Object.entries(values) as [SettingName, ConfigValue<string>][]) {
    resolved[name] = Object.freeze(CONFIG_SETTINGS[name].secret ? { value: new Secret(picked.value), source: picked.source } : picked);
  }
  resolved['apiVersion'] ??= Object.freeze({ value: DEFAULT_API_VERSION, source: 'default' });
  if (profile !== undefined) {
    resolved['profile'] = Object.freeze({ value: profile.name, source: profile.nameSource });
  }
  if (cloud !== undefined) {
    resolved['cloud'] = Object.freeze({ value: cloud.name, source: `env:${CLOUD_ENV_VAR}` });
  }
  resolved['credentials'] = credentials;
  resolved['warnings'] = Object.freeze(warnings);
  return Object.freeze(resolved) as ResolvedConfig;
}

interface LoadedProfile {
  readonly name: string;
  readonly nameSource: ConfigSource;
  readonly source: ConfigSource;
  readonly table: Readonly<Record<string, string>>;
}

interface LoadedCloud {
  readonly name: string;
  readonly source: ConfigSource;
  readonly cloud: Readonly<Record<string, unknown>>;
}

function readProfile(
  options: ConfigOptions,
  env: Environment,
  file: ConfigFile | undefined,
  parsers: ConfigParsers | undefined,
  warnings: string[],
): LoadedProfile | undefined {
  const explicit = nonEmpty(options.profile);
  const fromEnv = nonEmpty(env[PROFILE_ENV_VAR]);
  const name = explicit ?? fromEnv ?? 'default';
  const nameSource: ConfigSource = explicit !== undefined ? 'option' : fromEnv !== undefined ? `env:${PROFILE_ENV_VAR}` : 'default';
  const chosen = nameSource !== 'default';
  if (file?.text === undefined) {
    if (chosen) {
      const where = file === undefined ? 'no profile file was given' : `${file.path} does not exist`;
      throw new ConfigError('profile', `No profile "${name}" (from ${nameSource}): ${where}`);
    }
    return undefined;
  }
  let document: Record<string, unknown>;
  try {
    document = tomlParserOf(parsers)(file.text) as Record<string, unknown>;
  } catch (error) {
    // Only the position: smol-toml's message quotes the offending line, which may hold a secret.
    const { line, column } = error as { line?: number; column?: number };
    const at = line === undefined ? '' : ` at line ${line}, column ${column ?? 0}`;
    throw new ConfigError('profile', `Profile file ${file.path} is not valid TOML${at}`);
  }
  for (const [key, value] of Object.entries(document)) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) {
      throw new ConfigError(
        'profile',
        `Profile file ${file.path}: "${key}" is not a [profile] table (settings go in a table per profile, e.g. [default])`,
      );
    }
  }
  const raw = document[name] as Record<string, unknown> | undefined;
  if (raw === undefined) {
    if (chosen) {
      const names = Object.keys(document);
      throw new ConfigError(
        'profile',
        `No profile "${name}" (from ${nameSource}) in ${file.path}; it has ${names.length === 0 ? 'none' : names.join(', ')}`,
      );
    }
    return undefined;
  }
  const source: ConfigSource = `profile:${name} (${file.path})`;
  const table: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!PROFILE_KEYS.has(key)) {
      throw new ConfigError(
        'profile',
        `Unknown key "${key}" in profile "${name}" of ${file.path}; known keys: ${[...PROFILE_KEYS.keys()].join(', ')}`,
      );
    }
    if (typeof value !== 'string') {
      throw new ConfigError(PROFILE_KEYS.get(key) as string, `"${key}" in profile "${name}" of ${file.path} must be a string`);
    }
    table[key] = value;
  }
  if (file.mode !== undefined && (file.mode & 0o077) !== 0) {
    const mode = (file.mode & 0o777).toString(8).padStart(4, '0');
    warnings.push(`Profile file ${file.path} is accessible by other users (mode ${mode}) and may hold secrets: run chmod 600 ${file.path}`);
  }
  return { name, nameSource, source, table };
}

function readCloud(
  env: Environment,
  file: ConfigFile | undefined,
  parsers: ConfigParsers | undefined,
  warnings: string[],
): LoadedCloud | undefined {
  const name = nonEmpty(env[CLOUD_ENV_VAR]);
  if (name === undefined) {
    return undefined;
  }
  if (file?.text === undefined) {
    throw new ConfigError(
      CLOUD_ENV_VAR,
      `${CLOUD_ENV_VAR}=${name} but no clouds.yaml was found (./clouds.yaml, $XDG_CONFIG_HOME/openstack/clouds.yaml, /etc/openstack/clouds.yaml)`,
    );
  }
  let document: unknown;
  try {
    document = yamlParserOf(parsers)(file.text);
  } catch (error) {
    // Only the position: the parser's message may quote the line, which may hold a password.
    const offset = (error as { source?: { range?: { start?: number } } }).source?.range?.start;
    const at = typeof offset === 'number' ? ` at line ${file.text.slice(0, offset).split('\n').length}` : '';
    throw new ConfigError(CLOUD_ENV_VAR, `${file.path} is not valid YAML${at}`);
  }
  const clouds = (document as { clouds?: unknown } | null)?.clouds;
  const cloud = typeof clouds === 'object' && clouds !== null ? (clouds as Record<string, unknown>)[name] : undefined;
  if (typeof cloud !== 'object' || cloud === null) {
    const names = typeof clouds === 'object' && clouds !== null ? Object.keys(clouds) : [];
    throw new ConfigError(
      CLOUD_ENV_VAR,
      `No cloud "${name}" (from env:${CLOUD_ENV_VAR}) in ${file.path}; it has ${names.length === 0 ? 'none' : names.join(', ')}`,
    );
  }
  const auth = (cloud as { auth?: unknown }).auth;
  if (file.mode !== undefined && (file.mode & 0o077) !== 0 && typeof auth === 'object' && auth !== null && 'password' in auth) {
    const mode = (file.mode & 0o777).toString(8).padStart(4, '0');
    warnings.push(`${file.path} holds a password and is accessible by other users (mode ${mode}): run chmod 600 ${file.path}`);
  }
  return { name, source: `clouds.yaml:${name} (${file.path})`, cloud: cloud as Record<string, unknown> };
}

function pickSetting(
  name: SettingName,
  spec: SettingSpec,
  options: ConfigOptions,
  env: Environment,
  cloud: LoadedCloud | undefined,
  profile: LoadedProfile | undefined,
): ConfigValue<string> | undefined {
  const explicit = nonEmpty(options[name]);
  if (explicit !== undefined) {
    return { value: explicit, source: 'option' };
  }
  for (const variable of spec.env) {
    const value = nonEmpty(env[variable]);
    if (value !== undefined) {
      return { value, source: `env:${variable}` };
    }
  }
  if (cloud !== undefined && spec.cloudsKey !== undefined) {
    const value = spec.cloudsKey.split('.').reduce<unknown>((node, key) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined), cloud.cloud);
    if (typeof value === 'string' && value !== '') {
      return { value, source: cloud.source };
    }
    if (typeof value === 'number') {
      return { value: String(value), source: cloud.source };
    }
  }
  const fromProfile = nonEmpty(profile?.table[spec.profileKey]);
  if (profile !== undefined && fromProfile !== undefined) {
    return { value: fromProfile, source: profile.source };
  }
  return undefined;
}

function validate(values: Partial<Record<SettingName, ConfigValue<string>>>): void {
  const fail = (name: SettingName, reason: string, cause?: unknown): never => {
    throw new ConfigError(name, `Invalid ${name} (from ${values[name]?.source ?? 'option'}): ${reason}`, { cause });
  };
  for (const [name, picked] of Object.entries(values) as [SettingName, ConfigValue<string>][]) {
    if (/[\r\n\0]/u.test(picked.value)) {
      fail(name, 'must be a single line');
    }
  }
  if (values.endpoint !== undefined) {
    try {
      normalizeEndpoint(values.endpoint.value);
    } catch (error) {
      fail('endpoint', (error as Error).message.replace(/^Invalid endpoint: /u, ''), error);
    }
  }
  if (values.authUrl !== undefined) {
    try {
      passwordLoginUrl(values.authUrl.value);
    } catch (error) {
      fail('authUrl', (error as Error).message.replace(/^Invalid authUrl: /u, ''), error);
    }
  }
  if (values.projectId !== undefined && !projectIdSchema.safeParse(values.projectId.value).success) {
    fail('projectId', `must be 1-64 characters of lower-case hex digits and "-", got "${values.projectId.value}"`);
  }
  if (values.apiVersion !== undefined && !apiVersionSchema.safeParse(values.apiVersion.value).success) {
    fail('apiVersion', `must be v2 or v2.1, got "${values.apiVersion.value}"`);
  }
}

function chooseCredentials(values: Partial<Record<SettingName, ConfigValue<string>>>): CredentialKind | undefined {
  let best: { kind: CredentialKind; rank: number } | undefined;
  let partial: { kind: CredentialKind; missing: SettingName } | undefined;
  for (const kind of CREDENTIAL_KINDS) {
    const required = CREDENTIAL_REQUIREMENTS[kind];
    const present = required.filter((name) => values[name] !== undefined);
    if (present.length === required.length) {
      const rank = Math.max(...required.map((name) => SOURCE_RANK((values[name] as ConfigValue<string>).source)));
      if (best === undefined || rank < best.rank) {
        best = { kind, rank };
      }
    } else if (partial === undefined && (kind === 'aksk' ? present.length > 0 : kind === 'password' && values.password !== undefined)) {
      // An AK without its SK is a mistake; OpenStack variables are often set in part (OS_AUTH_URL
      // alone), so a password login counts as attempted only when the password is there.
      partial = { kind, missing: required.find((name) => values[name] === undefined) as SettingName };
    }
  }
  if (best === undefined && partial !== undefined) {
    const spec: SettingSpec = CONFIG_SETTINGS[partial.missing];
    const given = CREDENTIAL_REQUIREMENTS[partial.kind].filter((name) => values[name] !== undefined).map((name) => `${name} (from ${values[name]?.source})`);
    throw new ConfigError(partial.missing, `${given.join(' and ')} given but no ${partial.missing}: ${describeWays(partial.missing, spec)}`);
  }
  return best?.kind;
}

/** How a setting can be given: `pass --sk, set HUAWEICLOUD_SDK_SK or add secret_key to the profile`. */
export function describeWays(name: SettingName, spec: SettingSpec = CONFIG_SETTINGS[name]): string {
  const ways: string[] = [];
  if (spec.flag !== undefined && !spec.secret) {
    ways.push(`pass ${spec.flag}`);
  }
  if (spec.env.length > 0) {
    ways.push(`set ${spec.env.join(' or ')}`);
  }
  ways.push(`add ${spec.profileKey} to the profile`);
  return ways.length === 1 ? (ways[0] as string) : `${ways.slice(0, -1).join(', ')} or ${ways.at(-1) as string}`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** Options of {@link loadConfigFiles}. */
export interface LoadConfigFilesOptions {
  /** The directory `./clouds.yaml` is looked for in; default the current directory. */
  cwd?: string | undefined;
}

/** `$XDG_CONFIG_HOME`, else `$HOME/.config` (the XDG base directory default). */
function configHome(env: Environment): string {
  const xdg = nonEmpty(env['XDG_CONFIG_HOME']);
  return xdg !== undefined && isAbsolute(xdg) ? xdg : join(nonEmpty(env['HOME']) ?? homedir(), '.config');
}

/** The profile file: `$XDG_CONFIG_HOME/ecs-metadata/config.toml`, by default `~/.config/ecs-metadata/config.toml`. */
export function profileFilePath(env: Environment): string {
  return join(configHome(env), 'ecs-metadata', 'config.toml');
}

/**
 * Where `clouds.yaml` is looked for, first found wins (the openstacksdk order):
 * `$OS_CLIENT_CONFIG_FILE`, `./clouds.yaml`, `$XDG_CONFIG_HOME/openstack/clouds.yaml`, `/etc/openstack/clouds.yaml`.
 */
export function cloudsFilePaths(env: Environment, cwd: string): string[] {
  const explicit = nonEmpty(env['OS_CLIENT_CONFIG_FILE']);
  return [...(explicit === undefined ? [] : [explicit]), join(cwd, 'clouds.yaml'), join(configHome(env), 'openstack', 'clouds.yaml'), '/etc/openstack/clouds.yaml'];
}

/**
 * Reads the files {@link resolveConfig} needs: the profile file, and `clouds.yaml` when `OS_CLOUD`
 * is set. A missing file is `text: undefined`, not an error.
 *
 * @throws {ConfigError} (`profile` or `OS_CLOUD`) when a file exists but cannot be read.
 */
export async function loadConfigFiles(env: Environment, options: LoadConfigFilesOptions = {}): Promise<ConfigFiles> {
  const profileFile = await readConfigFile(profileFilePath(env), 'profile');
  const cloudsFile = await findCloudsFile(env, options);
  const parsers = await importConfigParsers({ profileText: profileFile.text, cloudsText: cloudsFile?.text });
  return cloudsFile === undefined ? { profileFile, parsers } : { profileFile, cloudsFile, parsers };
}

/** The first `clouds.yaml` that exists, when `OS_CLOUD` asks for one. */
async function findCloudsFile(env: Environment, options: LoadConfigFilesOptions): Promise<ConfigFile | undefined> {
  if (nonEmpty(env[CLOUD_ENV_VAR]) === undefined) {
    return undefined;
  }
  for (const path of cloudsFilePaths(env, options.cwd ?? process.cwd())) {
    const file = await readConfigFile(path, CLOUD_ENV_VAR);
    if (file.text !== undefined) {
      return file;
    }
  }
  return undefined;
}

async function readConfigFile(path: string, setting: string): Promise<ConfigFile> {
  try {
    const [text, stats] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    return { path, text, mode: stats.mode };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return { path, text: undefined };
    }
    throw new ConfigError(setting, `Cannot read ${path}: ${typeof code === 'string' ? code : (error as Error).message}`, { cause: error });
  }
}

/**
 * Reads the configuration files and resolves the configuration (see {@link resolveConfig}). The
 * one place with a default of `process.env`: every other function is handed its environment.
 *
 * @example
 * ```ts
 * const config = await loadConfig({ profile: 'prod' });
 * const client = await createClientFromConfig(config);
 * ```
 * @throws {ConfigError} as {@link resolveConfig} and {@link loadConfigFiles}.
 */
export async function loadConfig(
  options: ConfigOptions = {},
  env: Environment = process.env,
  loadOptions: LoadConfigFilesOptions = {},
): Promise<ResolvedConfig> {
  return resolveConfig(options, env, await loadConfigFiles(env, loadOptions));
}

/**
 * Credentials from environment variables, in the precedence of {@link resolveConfig}: a token
 * (`ECS_METADATA_TOKEN`, `OS_TOKEN`), AK/SK (`HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`,
 * `HUAWEICLOUD_SDK_SECURITY_TOKEN`), or a password login (`OS_AUTH_URL`, `OS_USERNAME`,
 * `OS_PASSWORD`, `OS_PROJECT_ID` or `OS_PROJECT_NAME`, `OS_USER_DOMAIN_NAME`, ...). The variables
 * are read when the provider is first called. Files (profiles, `clouds.yaml`) are not read: use
 * {@link loadConfig} for those.
 *
 * @param env - the environment; default `process.env`.
 * @example `new EcsMetadataClient({ region: 'cn-north-4', projectId, auth: fromEnv() })`
 * @throws (from the provider) `CredentialsNotConfiguredError` when none is set; {@link ConfigError}
 *   for one that is set but incomplete or invalid.
 */
export function fromEnv(env: Environment = process.env): CredentialProvider {
  let provider: CredentialProvider | undefined;
  return () => {
    try {
      // Variables only: the profile and OS_CLOUD name files, which loadConfig reads.
      const variables = Object.fromEntries(Object.entries(env).filter(([name]) => name !== PROFILE_ENV_VAR && name !== CLOUD_ENV_VAR));
      const config = resolveConfig({}, variables);
      if (config.credentials === undefined) {
        const hint = env[CLOUD_ENV_VAR] !== undefined || env[PROFILE_ENV_VAR] !== undefined
          ? ` (${CLOUD_ENV_VAR} and ${PROFILE_ENV_VAR} name files, which fromEnv does not read: use loadConfig and createClientFromConfig)`
          : '';
        throw new CredentialsNotConfiguredError('credentials', `No credentials in the environment${hint}: ${NO_CREDENTIALS_HELP}`);
      }
      provider ??= credentialsFromConfig(config);
    } catch (error) {
      return Promise.reject(error);
    }
    return provider();
  };
}
