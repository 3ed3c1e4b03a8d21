import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { ConfigError } from '@ecs-metadata/core';
import { type ConfigParsers, importConfigParsers } from './config-parsers.js';
import { requestedCloud } from './clouds-yaml.js';
import { CLOUD_ENV_VAR, type Environment, nonEmpty } from './config-settings.js';

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

/** Options of {@link loadConfigFiles}. */
export interface LoadConfigFilesOptions {
  /** The directory `./clouds.yaml` is looked for in; default the current directory. */
  cwd?: string | undefined;
  /** The cloud asked for by `--os-cloud` (option `cloud`); `OS_CLOUD` is read from `env` when absent. */
  cloud?: string | undefined;
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
 * Reads the files {@link resolveConfig} needs: the profile file, and `clouds.yaml` when a cloud is
 * asked for (`options.cloud`, else `OS_CLOUD`). A missing file is `text: undefined`, not an error.
 *
 * @param env - the environment the files' locations come from (`XDG_CONFIG_HOME`, `HOME`,
 *   `OS_CLIENT_CONFIG_FILE`, `OS_CLOUD`).
 * @throws {ConfigError} (`profile` or `OS_CLOUD`) when a file exists but cannot be read.
 */
export async function loadConfigFiles(env: Environment, options: LoadConfigFilesOptions = {}): Promise<ConfigFiles> {
  const profileFile = await readConfigFile(profileFilePath(env), 'profile');
  const cloudsFile = await findCloudsFile(env, options);
  const parsers = await importConfigParsers({ profileText: profileFile.text, cloudsText: cloudsFile?.text });
  return cloudsFile === undefined ? { profileFile, parsers } : { profileFile, cloudsFile, parsers };
}

/** The first `clouds.yaml` that exists, when `--os-cloud` or `OS_CLOUD` asks for one. */
async function findCloudsFile(env: Environment, options: LoadConfigFilesOptions): Promise<ConfigFile | undefined> {
  if (requestedCloud(options.cloud, env) === undefined) {
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
    // Not `instanceof Error`: fs errors may come from another realm (jest's VM), whose Error differs.
    const { code, message }: { code?: unknown; message?: unknown } = typeof error === 'object' && error !== null ? error : {};
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return { path, text: undefined };
    }
    throw new ConfigError(setting, `Cannot read ${path}: ${typeof code === 'string' ? code : String(message)}`, { cause: error });
  }
}
