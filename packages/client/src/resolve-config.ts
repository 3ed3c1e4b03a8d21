import {
  type ApiVersion,
  apiVersionSchema,
  ConfigError,
  DEFAULT_API_VERSION,
  huaweiRegionEndpointVariable,
  normalizeEndpoint,
  passwordLoginUrl,
  projectIdSchema,
  resolveEndpoint,
} from '@ecs-metadata/core';
import { cloudValue, type LoadedCloud, readCloud } from './clouds-yaml.js';
import type { ConfigFiles } from './config-files.js';
import {
  CONFIG_SETTINGS,
  type ConfigSource,
  type ConfigValue,
  describeWays,
  type Environment,
  nonEmpty,
  type PlainSetting,
  type SecretSetting,
  SETTING_NAMES,
  type SettingName,
} from './config-settings.js';
import { type LoadedProfile, readProfile } from './profile-file.js';
import { Secret } from './secret.js';

/** The kinds of credentials, in the order a tie between equally ranked sources is broken. */
export type CredentialKind = 'token' | 'aksk' | 'password' | 'applicationCredential';

/** What the caller (CLI flags, code) states explicitly; each wins over the environment and the files. */
export type ConfigOptions = { [K in SettingName]?: string | undefined } & {
  /** The profile to use (`--profile`); default `ECS_METADATA_PROFILE`, else `default` when the file has it. */
  profile?: string | undefined;
  /** The cloud of `clouds.yaml` to use (`--os-cloud`); default `OS_CLOUD`. */
  cloud?: string | undefined;
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
  /** The cloud of `clouds.yaml` that was read (`--os-cloud`, `OS_CLOUD`), if any. */
  readonly cloud?: ConfigValue<string>;
  /**
   * The credentials to use: the kind whose required settings come from the most explicit sources
   * (option > environment > clouds.yaml > profile); on a tie token, then AK/SK, then password, then
   * application credential. `authType` (`OS_AUTH_TYPE`, `auth_type`) picks the OpenStack kind
   * outright. `undefined` when none is complete.
   */
  readonly credentials: CredentialKind | undefined;
  /** Things the user should fix but that do not stop us (a profile file others can read). */
  readonly warnings: readonly string[];
};

/** The settings found, as strings, before secrets are wrapped. */
type PickedValues = Partial<Record<SettingName, ConfigValue<string>>>;

// The settings each kind needs: any one complete set will do.
const CREDENTIAL_REQUIREMENTS: Readonly<Record<CredentialKind, readonly (readonly SettingName[])[]>> = {
  token: [['token']],
  aksk: [['accessKey', 'secretKey']],
  password: [['authUrl', 'username', 'password']],
  // As keystoneauth's ApplicationCredentialMethod: by id, or by name and its user.
  applicationCredential: [
    ['authUrl', 'applicationCredentialSecret', 'applicationCredentialId'],
    ['authUrl', 'applicationCredentialSecret', 'applicationCredentialName', 'username'],
  ],
};
const CREDENTIAL_KINDS: readonly CredentialKind[] = ['token', 'aksk', 'password', 'applicationCredential'];
// A kind counts as attempted (so that what is missing is an error) when one of these is given: an
// AK without its SK is a mistake; OpenStack variables are often set in part (OS_AUTH_URL alone).
const ATTEMPTED_BY: Readonly<Record<CredentialKind, readonly SettingName[]>> = {
  token: [],
  aksk: ['accessKey', 'secretKey'],
  password: ['password'],
  applicationCredential: ['applicationCredentialSecret', 'applicationCredentialId', 'applicationCredentialName'],
};
// `auth_type` as openstackclient and keystoneauth name the plugins, and the kind each picks.
const AUTH_TYPES: Readonly<Record<string, CredentialKind>> = {
  password: 'password',
  v3password: 'password',
  v3applicationcredential: 'applicationCredential',
  token: 'token',
  v3token: 'token',
};
const INTERFACES: readonly string[] = ['public', 'internal', 'admin'];

// Ranks of the layers: lower is more explicit.
const SOURCE_RANK = (source: ConfigSource): number =>
  source === 'option' ? 0 : source.startsWith('env:') ? 1 : source.startsWith('clouds.yaml:') ? 2 : source.startsWith('profile:') ? 3 : 4;

/**
 * Resolves the configuration: explicit options > environment > the `clouds.yaml` cloud named by
 * `--os-cloud` (option `cloud`) or `OS_CLOUD` > the profile (`--profile`, `ECS_METADATA_PROFILE`, else `[default]` when present).
 * Pure and synchronous: it is handed the environment and the files' contents (see
 * {@link loadConfig} for the version that reads them) and never reads `process.env` itself.
 *
 * Validates what is present (URL syntax, project id, API version, a region that must map to an
 * endpoint) but does not demand what is absent: `config show` prints a partial configuration,
 * and `createClientFromConfig` names what a client still lacks.
 *
 * @throws {ConfigError} naming the setting (and its source) for an invalid value; `profile` for a
 *   profile that is missing or malformed; `OS_CLOUD` for a cloud that is not there; `interface`,
 *   `authType` for a value outside their lists; the first missing
 *   setting of a credential that is only partly given (an AK without its SK). Messages never hold secrets.
 */
export function resolveConfig(options: ConfigOptions, env: Environment, files: ConfigFiles = {}): ResolvedConfig {
  const warnings: string[] = [];
  const profile = readProfile(options.profile, env, files.profileFile, files.parsers, warnings);
  const cloud = readCloud(options.cloud, env, files.cloudsFile, files.parsers, warnings);
  const values: PickedValues = {};
  for (const name of SETTING_NAMES) {
    const picked = pickSetting(name, options, env, cloud, profile);
    if (picked !== undefined) {
      values[name] = picked;
    }
  }
  values.endpoint ??= regionEndpointFromEnv(values.region, env);
  const apiVersion = validate(values);
  const credentials = chooseCredentials(values);
  if (values.endpoint === undefined && !reachesCatalog(credentials, values.authUrl !== undefined) && values.region !== undefined) {
    checkRegionEndpoint(values.region, values.domain);
  }
  return Object.freeze({
    ...maskedSettings(values),
    apiVersion,
    ...(profile === undefined ? {} : { profile: Object.freeze({ value: profile.name, source: profile.nameSource }) }),
    ...(cloud === undefined ? {} : { cloud: Object.freeze({ value: cloud.name, source: cloud.nameSource }) }),
    credentials,
    warnings: Object.freeze(warnings),
  });
}

/**
 * Whether the credentials reach the identity service, which gives the catalog (so a region only
 * filters it) and the token's project: a password or application credential login, or a token with
 * its auth URL (looked up as `openstack` does).
 */
export function reachesCatalog(credentials: CredentialKind | undefined, hasAuthUrl: boolean): boolean {
  return credentials === 'password' || credentials === 'applicationCredential' || (credentials === 'token' && hasAuthUrl);
}

/** The first value of a setting: option, then its variables in order, then the cloud, then the profile. */
function pickSetting(
  name: SettingName,
  options: ConfigOptions,
  env: Environment,
  cloud: LoadedCloud | undefined,
  profile: LoadedProfile | undefined,
): ConfigValue<string> | undefined {
  const spec: { readonly env: readonly string[]; readonly profileKey: string; readonly cloudsKey?: string } = CONFIG_SETTINGS[name];
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
  const fromCloud = cloud === undefined || spec.cloudsKey === undefined ? undefined : cloudValue(cloud, spec.cloudsKey);
  if (cloud !== undefined && fromCloud !== undefined) {
    return { value: fromCloud, source: cloud.source };
  }
  const fromProfile = nonEmpty(profile?.table[spec.profileKey]);
  if (profile !== undefined && fromProfile !== undefined) {
    return { value: fromProfile, source: profile.source };
  }
  return undefined;
}

/**
 * The endpoint of `region` that the Huawei Cloud SDKs' variable `HUAWEICLOUD_SDK_REGION_ECS_{REGION}`
 * gives: their region provider chain asks it first, before the built-in regions (docs/decisions.md).
 */
function regionEndpointFromEnv(region: ConfigValue<string> | undefined, env: Environment): ConfigValue<string> | undefined {
  if (region === undefined) {
    return undefined;
  }
  const variable = huaweiRegionEndpointVariable(region.value);
  const value = nonEmpty(env[variable]);
  return value === undefined ? undefined : { value, source: `env:${variable}` };
}

/** Checks the values that are present; returns the API version (`v2.1` by default). */
function validate(values: PickedValues): ConfigValue<ApiVersion> {
  const fail = (name: SettingName, reason: string, cause?: unknown): never => {
    throw new ConfigError(name, `Invalid ${name} (from ${values[name]?.source ?? 'option'}): ${reason}`, { cause });
  };
  const reasonOf = (error: unknown, prefix: RegExp): string => (error instanceof Error ? error.message : String(error)).replace(prefix, '');
  for (const name of SETTING_NAMES) {
    if (/[\r\n\0]/u.test(values[name]?.value ?? '')) {
      fail(name, 'must be a single line');
    }
  }
  if (values.endpoint !== undefined) {
    try {
      normalizeEndpoint(values.endpoint.value);
    } catch (error) {
      fail('endpoint', reasonOf(error, /^Invalid endpoint: /u), error);
    }
  }
  if (values.authUrl !== undefined) {
    try {
      passwordLoginUrl(values.authUrl.value);
    } catch (error) {
      fail('authUrl', reasonOf(error, /^Invalid authUrl: /u), error);
    }
  }
  if (values.projectId !== undefined && !projectIdSchema.safeParse(values.projectId.value).success) {
    fail('projectId', `must be 1-64 characters of lower-case hex digits and "-", got "${values.projectId.value}"`);
  }
  if (values.interface !== undefined && !INTERFACES.includes(values.interface.value)) {
    fail('interface', `must be ${INTERFACES.join(', ')}, got "${values.interface.value}"`);
  }
  if (values.authType !== undefined && !Object.hasOwn(AUTH_TYPES, values.authType.value)) {
    fail('authType', `must be one of ${Object.keys(AUTH_TYPES).join(', ')}, got "${values.authType.value}"`);
  }
  if (values.apiVersion === undefined) {
    return Object.freeze({ value: DEFAULT_API_VERSION, source: 'default' });
  }
  const apiVersion = apiVersionSchema.safeParse(values.apiVersion.value);
  return apiVersion.success ? Object.freeze({ value: apiVersion.data, source: values.apiVersion.source }) : fail('apiVersion', `must be v2 or v2.1, got "${values.apiVersion.value}"`);
}

/** A region without an endpoint must map to one (`https://ecs.{region}.{domain}`): fails naming where the region came from. */
function checkRegionEndpoint(region: ConfigValue<string>, domain: ConfigValue<string> | undefined): void {
  try {
    resolveEndpoint({ region: region.value, domain: domain?.value });
  } catch (error) {
    if (!(error instanceof ConfigError)) {
      throw error;
    }
    const source = error.setting === 'domain' ? (domain?.source ?? 'option') : region.source;
    throw new ConfigError(error.setting, `${error.message} (${error.setting} from ${source})`, { cause: error });
  }
}

/** The picked values as the resolved config holds them: each frozen, secrets wrapped in {@link Secret}. */
function maskedSettings(
  values: PickedValues,
): { [K in PlainSetting]?: ConfigValue<string> } & { [K in SecretSetting]?: ConfigValue<Secret> } {
  const plain: { [K in PlainSetting]?: ConfigValue<string> } = {};
  const secrets: { [K in SecretSetting]?: ConfigValue<Secret> } = {};
  for (const name of SETTING_NAMES) {
    const picked = values[name];
    if (picked === undefined) {
      continue;
    }
    if (isSecretSetting(name)) {
      secrets[name] = Object.freeze({ value: new Secret(picked.value), source: picked.source });
    } else if (name !== 'apiVersion') {
      plain[name] = Object.freeze(picked);
    }
  }
  return { ...plain, ...secrets };
}

function isSecretSetting(name: SettingName): name is SecretSetting {
  return CONFIG_SETTINGS[name].secret;
}

/** The kinds a configured `authType` leaves to choose from: its own, and AK/SK (another family). */
function candidateKinds(values: PickedValues): readonly CredentialKind[] {
  const authType = values.authType?.value;
  const forced = authType === undefined ? undefined : AUTH_TYPES[authType];
  return forced === undefined ? CREDENTIAL_KINDS : CREDENTIAL_KINDS.filter((kind) => kind === forced || kind === 'aksk');
}

function chooseCredentials(values: PickedValues): CredentialKind | undefined {
  let best: { kind: CredentialKind; rank: number } | undefined;
  let partial: { kind: CredentialKind; required: readonly SettingName[]; missing: SettingName } | undefined;
  const forced = values.authType === undefined ? undefined : AUTH_TYPES[values.authType.value];
  for (const kind of candidateKinds(values)) {
    // Of the kind's sets of settings: the most explicit complete one, else the one most given for.
    let rank: number | undefined;
    let nearest: { required: readonly SettingName[]; missing: readonly SettingName[] } | undefined;
    for (const required of CREDENTIAL_REQUIREMENTS[kind]) {
      const missing = required.filter((name) => values[name] === undefined);
      if (missing.length === 0) {
        const setRank = Math.max(...required.flatMap((name) => values[name]?.source ?? []).map(SOURCE_RANK));
        rank = Math.min(rank ?? setRank, setRank);
      } else if (nearest === undefined || required.length - missing.length > nearest.required.length - nearest.missing.length) {
        nearest = { required, missing }; // the set that the most given settings belong to
      }
    }
    if (rank !== undefined) {
      if (best === undefined || rank < best.rank) {
        best = { kind, rank };
      }
    } else if (
      partial === undefined &&
      nearest?.missing[0] !== undefined &&
      (kind === forced || ATTEMPTED_BY[kind].some((name) => values[name] !== undefined))
    ) {
      partial = { kind, required: nearest.required, missing: nearest.missing[0] };
    }
  }
  if (best === undefined && partial !== undefined) {
    const given = partial.required.flatMap((name) => {
      const value = values[name];
      return value === undefined ? [] : [`${name} (from ${value.source})`];
    });
    const because = partial.kind === forced && values.authType !== undefined ? [`authType ${values.authType.value} (from ${values.authType.source})`] : [];
    throw new ConfigError(partial.missing, `${[...because, ...given].join(' and ')} given but no ${partial.missing}: ${describeWays(partial.missing)}`);
  }
  return best?.kind;
}
