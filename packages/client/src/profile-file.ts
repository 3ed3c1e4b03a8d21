import { ConfigError } from '@ecs-metadata/core';
import { type ConfigFile } from './config-files.js';
import { type ConfigParsers, tomlParserOf } from './config-parsers.js';
import { CONFIG_SETTINGS, type ConfigSource, type Environment, nonEmpty, PROFILE_ENV_VAR, SETTING_NAMES, type SettingName } from './config-settings.js';
import { worldReadableMode } from './file-mode.js';

/** A profile's table of `config.toml`, and where it came from. */
export interface LoadedProfile {
  readonly name: string;
  /** Where the profile's name came from (`option`, `env:ECS_METADATA_PROFILE`, `default`). */
  readonly nameSource: ConfigSource;
  /** The source of every value read from it: `profile:NAME (path)`. */
  readonly source: ConfigSource;
  /** Profile key → value (`project_id` → ...). */
  readonly table: Readonly<Record<string, string>>;
}

const PROFILE_KEYS: ReadonlyMap<string, SettingName> = new Map(SETTING_NAMES.map((name) => [CONFIG_SETTINGS[name].profileKey, name]));

/** A TOML parser's error as smol-toml throws it: the position, never the line itself. */
interface TomlErrorPosition {
  readonly line?: number;
  readonly column?: number;
}

/**
 * The profile a command uses: `--profile` (option `profile`), else `ECS_METADATA_PROFILE`, else
 * `[default]` when the file has it. `undefined` when no profile applies.
 *
 * @throws {ConfigError} (`profile`) for a chosen profile that is missing, a file that is not TOML or
 *   not one table per profile, an unknown key; (the setting) for a value that is not a string.
 */
export function readProfile(
  profileOption: string | undefined,
  env: Environment,
  file: ConfigFile | undefined,
  parsers: ConfigParsers | undefined,
  warnings: string[],
): LoadedProfile | undefined {
  const explicit = nonEmpty(profileOption);
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
  const document = parseProfileFile(file.path, file.text, parsers);
  const raw = Object.hasOwn(document, name) ? document[name] : undefined;
  if (raw === undefined) {
    if (chosen) {
      const names = Object.keys(document);
      throw new ConfigError('profile', `No profile "${name}" (from ${nameSource}) in ${file.path}; it has ${names.length === 0 ? 'none' : names.join(', ')}`);
    }
    return undefined;
  }
  const source: ConfigSource = `profile:${name} (${file.path})`;
  const table: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    const setting = PROFILE_KEYS.get(key);
    if (setting === undefined) {
      throw new ConfigError('profile', `Unknown key "${key}" in profile "${name}" of ${file.path}; known keys: ${[...PROFILE_KEYS.keys()].join(', ')}`);
    }
    if (typeof value !== 'string') {
      throw new ConfigError(setting, `"${key}" in profile "${name}" of ${file.path} must be a string`);
    }
    table[key] = value;
  }
  const mode = worldReadableMode(file);
  if (mode !== undefined) {
    warnings.push(`Profile file ${file.path} is accessible by other users (mode ${mode}) and may hold secrets: run chmod 600 ${file.path}`);
  }
  return { name, nameSource, source, table };
}

/** The profile file as profile name → its table; every top-level entry must be a table. */
function parseProfileFile(path: string, text: string, parsers: ConfigParsers | undefined): Record<string, Record<string, unknown>> {
  let document: unknown;
  try {
    document = tomlParserOf(parsers)(text);
  } catch (error) {
    // Only the position: smol-toml's message quotes the offending line, which may hold a secret.
    const { line, column }: TomlErrorPosition = typeof error === 'object' && error !== null ? error : {};
    const at = line === undefined ? '' : ` at line ${line}, column ${column ?? 0}`;
    throw new ConfigError('profile', `Profile file ${path} is not valid TOML${at}`);
  }
  const profiles: Record<string, Record<string, unknown>> = {};
  for (const [key, value] of Object.entries(isPlainTable(document) ? document : {})) {
    if (!isPlainTable(value)) {
      throw new ConfigError('profile', `Profile file ${path}: "${key}" is not a [profile] table (settings go in a table per profile, e.g. [default])`);
    }
    profiles[key] = value;
  }
  return profiles;
}

/** A TOML table: an object that is neither an array nor a date. */
function isPlainTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
