/**
 * The one table of settings: each setting's environment variables, profile key, `clouds.yaml` path,
 * flag and whether it is a secret. Flags, env reading, file reading, masking and error text are all
 * driven from here, so a new setting is one new row.
 */

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

/** Environment variables as handed to the resolver (`process.env` at the edge, a literal in tests). */
export type Environment = Readonly<Record<string, string | undefined>>;

/** One row of {@link CONFIG_SETTINGS}. */
export interface SettingSpec {
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
    env: ['ECS_METADATA_REGION', 'HUAWEICLOUD_SDK_REGION_ID', 'OS_REGION_NAME'],
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
  authUrl: {
    env: ['OS_AUTH_URL', 'HUAWEICLOUD_SDK_IAM_ENDPOINT'],
    profileKey: 'auth_url',
    cloudsKey: 'auth.auth_url',
    flag: '--auth-url',
    secret: false,
    description: 'identity (IAM / Keystone) URL',
  },
  authType: {
    env: ['OS_AUTH_TYPE'],
    profileKey: 'auth_type',
    cloudsKey: 'auth_type',
    flag: '--os-auth-type',
    secret: false,
    description: 'OpenStack auth type: password, v3applicationcredential or token (default: the complete one)',
  },
  interface: {
    env: ['OS_INTERFACE'],
    profileKey: 'interface',
    cloudsKey: 'interface',
    flag: '--os-interface',
    secret: false,
    description: 'catalog interface of the compute endpoint: public (default), internal or admin',
  },
  username: { env: ['OS_USERNAME'], profileKey: 'username', cloudsKey: 'auth.username', flag: '--username', secret: false, description: 'user name (password login)' },
  password: { env: ['OS_PASSWORD'], profileKey: 'password', cloudsKey: 'auth.password', secret: true, description: 'password (password login)' },
  userDomainName: { env: ['OS_USER_DOMAIN_NAME'], profileKey: 'user_domain_name', cloudsKey: 'auth.user_domain_name', secret: false, description: "user's domain name" },
  userDomainId: {
    env: ['OS_USER_DOMAIN_ID', 'HUAWEICLOUD_SDK_DOMAIN_ID'],
    profileKey: 'user_domain_id',
    cloudsKey: 'auth.user_domain_id',
    secret: false,
    description: "user's domain id (Huawei: the account id)",
  },
  projectDomainName: {
    env: ['OS_PROJECT_DOMAIN_NAME'],
    profileKey: 'project_domain_name',
    cloudsKey: 'auth.project_domain_name',
    secret: false,
    description: "project's domain name",
  },
  projectDomainId: { env: ['OS_PROJECT_DOMAIN_ID'], profileKey: 'project_domain_id', cloudsKey: 'auth.project_domain_id', secret: false, description: "project's domain id" },
  applicationCredentialId: {
    env: ['OS_APPLICATION_CREDENTIAL_ID'],
    profileKey: 'application_credential_id',
    cloudsKey: 'auth.application_credential_id',
    secret: false,
    description: 'application credential id (Keystone)',
  },
  applicationCredentialName: {
    env: ['OS_APPLICATION_CREDENTIAL_NAME'],
    profileKey: 'application_credential_name',
    cloudsKey: 'auth.application_credential_name',
    secret: false,
    description: 'application credential name, with the user name (Keystone)',
  },
  applicationCredentialSecret: {
    env: ['OS_APPLICATION_CREDENTIAL_SECRET'],
    profileKey: 'application_credential_secret',
    cloudsKey: 'auth.application_credential_secret',
    secret: true,
    description: 'application credential secret (Keystone)',
  },
} as const satisfies Record<string, SettingSpec>;

/** The name of a setting, e.g. `projectId`. */
export type SettingName = keyof typeof CONFIG_SETTINGS;
/** The settings that hold a secret (token, secret key, password...): a {@link Secret} in a resolved config. */
export type SecretSetting = { [K in SettingName]: (typeof CONFIG_SETTINGS)[K]['secret'] extends true ? K : never }[SettingName];
/** The settings that hold a plain string in a resolved config (every one but the secrets and `apiVersion`). */
export type PlainSetting = Exclude<SettingName, SecretSetting | 'apiVersion'>;

/** Whether `name` is a row of {@link CONFIG_SETTINGS} (own key, so `constructor` is not one). */
export function isSettingName(name: string): name is SettingName {
  return Object.hasOwn(CONFIG_SETTINGS, name);
}

/** The names of all settings, in the table's order. */
export const SETTING_NAMES: readonly SettingName[] = Object.freeze(Object.keys(CONFIG_SETTINGS).filter(isSettingName));

/** Whether `table` has a value for every setting: the check that lets a table built key by key be typed complete. */
function coversEverySetting<T>(table: Partial<Record<SettingName, T>>): table is Record<SettingName, T> {
  return SETTING_NAMES.every((name) => Object.hasOwn(table, name));
}

/** A value for every setting, from its row: a table derived from {@link CONFIG_SETTINGS}. */
function mapSettings<T>(pick: (spec: SettingSpec, name: SettingName) => T): { readonly [K in SettingName]: T } {
  const table: Partial<Record<SettingName, T>> = {};
  for (const name of SETTING_NAMES) {
    table[name] = pick(CONFIG_SETTINGS[name], name);
  }
  if (!coversEverySetting(table)) {
    throw new TypeError('mapSettings: a setting has no value'); // unreachable: one value per name above
  }
  return Object.freeze(table);
}

/** The environment variables read for each setting, in order of precedence. */
export const CONFIG_ENV_VARS: { readonly [K in SettingName]: readonly string[] } = mapSettings((spec) => spec.env);

/** The variable naming the profile when `--profile` (option `profile`) is not given. */
export const PROFILE_ENV_VAR = 'ECS_METADATA_PROFILE';
/** The variable naming the OpenStack cloud of `clouds.yaml`, as openstackclient reads it. */
export const CLOUD_ENV_VAR = 'OS_CLOUD';

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
  const last = ways.pop();
  return ways.length === 0 ? `${last}` : `${ways.join(', ')} or ${last}`;
}

/** `value`, or `undefined` when it is absent or only blanks (an empty variable counts as unset). */
export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
