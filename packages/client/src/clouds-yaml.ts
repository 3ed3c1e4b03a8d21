import { ConfigError } from '@ecs-metadata/core';
import { type ConfigFile } from './config-files.js';
import { type ConfigParsers, yamlParserOf } from './config-parsers.js';
import { CLOUD_ENV_VAR, type ConfigSource, type Environment, nonEmpty } from './config-settings.js';
import { worldReadableMode } from './file-mode.js';

/** The cloud of `clouds.yaml` that `OS_CLOUD` names, and where it came from. */
export interface LoadedCloud {
  readonly name: string;
  /** Where the cloud's name came from: `option` (`--os-cloud`) or `env:OS_CLOUD`. */
  readonly nameSource: ConfigSource;
  /** The source of every value read from it: `clouds.yaml:CLOUD (path)`. */
  readonly source: ConfigSource;
  /** The cloud's entry as parsed (`region_name`, `auth: {...}`, ...). */
  readonly cloud: Readonly<Record<string, unknown>>;
}

/** A yaml parser's error: the offset of the fault, never the line itself. */
interface YamlErrorPosition {
  readonly source?: { readonly range?: { readonly start?: number } };
}

/** The cloud asked for: `--os-cloud` (option `cloud`), else `OS_CLOUD`; `undefined` when neither. */
export function requestedCloud(
  cloudOption: string | undefined,
  env: Environment,
): { readonly name: string; readonly source: ConfigSource } | undefined {
  const explicit = nonEmpty(cloudOption);
  if (explicit !== undefined) {
    return { name: explicit, source: 'option' };
  }
  const fromEnv = nonEmpty(env[CLOUD_ENV_VAR]);
  return fromEnv === undefined ? undefined : { name: fromEnv, source: `env:${CLOUD_ENV_VAR}` };
}

/**
 * The cloud `--os-cloud` or `OS_CLOUD` names, from `file`; `undefined` when neither is set.
 *
 * @throws {ConfigError} (`OS_CLOUD`) when there is no `clouds.yaml`, it is not YAML (the line, not
 *   its text: it may hold a password), or it has no such cloud.
 */
export function readCloud(
  cloudOption: string | undefined,
  env: Environment,
  file: ConfigFile | undefined,
  parsers: ConfigParsers | undefined,
  warnings: string[],
): LoadedCloud | undefined {
  const requested = requestedCloud(cloudOption, env);
  if (requested === undefined) {
    return undefined;
  }
  const { name, source: nameSource } = requested;
  const asked = nameSource === 'option' ? `--os-cloud ${name}` : `${CLOUD_ENV_VAR}=${name}`;
  if (file?.text === undefined) {
    throw new ConfigError(CLOUD_ENV_VAR, `${asked} but no clouds.yaml was found (./clouds.yaml, $XDG_CONFIG_HOME/openstack/clouds.yaml, /etc/openstack/clouds.yaml)`);
  }
  let document: unknown;
  try {
    document = yamlParserOf(parsers)(file.text);
  } catch (error) {
    // Only the position: the parser's message may quote the line, which may hold a password.
    const position: YamlErrorPosition = typeof error === 'object' && error !== null ? error : {};
    const offset = position.source?.range?.start;
    const at = typeof offset === 'number' ? ` at line ${file.text.slice(0, offset).split('\n').length}` : '';
    throw new ConfigError(CLOUD_ENV_VAR, `${file.path} is not valid YAML${at}`);
  }
  const clouds = isMapping(document) ? document['clouds'] : undefined;
  const cloud = isMapping(clouds) && Object.hasOwn(clouds, name) ? clouds[name] : undefined;
  if (!isMapping(cloud)) {
    const names = isMapping(clouds) ? Object.keys(clouds) : [];
    throw new ConfigError(CLOUD_ENV_VAR, `No cloud "${name}" (from ${nameSource}) in ${file.path}; it has ${names.length === 0 ? 'none' : names.join(', ')}`);
  }
  const auth = cloud['auth'];
  const mode = worldReadableMode(file);
  const secrets = isMapping(auth) ? CLOUDS_SECRET_KEYS.filter((key) => Object.hasOwn(auth, key)) : [];
  if (mode !== undefined && secrets.length > 0) {
    warnings.push(`${file.path} holds a ${secrets.join(' and a ')} and is accessible by other users (mode ${mode}): run chmod 600 ${file.path}`);
  }
  return { name, nameSource, source: `clouds.yaml:${name} (${file.path})`, cloud };
}

/** The `auth` keys of a cloud that hold a secret: a file with any of them must be private. */
const CLOUDS_SECRET_KEYS = ['password', 'token', 'application_credential_secret'] as const;

/** The value at a dotted path of a cloud (`auth.auth_url`), as a string; numbers are spelled out. */
export function cloudValue(cloud: LoadedCloud, path: string): string | undefined {
  let node: unknown = cloud.cloud;
  for (const key of path.split('.')) {
    node = isMapping(node) && Object.hasOwn(node, key) ? node[key] : undefined;
  }
  if (typeof node === 'string' && node !== '') {
    return node;
  }
  return typeof node === 'number' ? String(node) : undefined;
}

/** A YAML mapping: a plain object. */
function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
