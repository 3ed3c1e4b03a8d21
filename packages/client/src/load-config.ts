import { type LoadConfigFilesOptions, loadConfigFiles } from './config-files.js';
import type { Environment } from './config-settings.js';
import { type ConfigOptions, type ResolvedConfig, resolveConfig } from './resolve-config.js';

/**
 * Reads the configuration files and resolves the configuration (see {@link resolveConfig}). Like
 * {@link fromEnv}, an entry point for code that runs at the edge, so `env` defaults to
 * `process.env`; what it calls is handed its environment and never reads `process.env` itself.
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
  return resolveConfig(options, env, await loadConfigFiles(env, { cloud: options.cloud, ...loadOptions }));
}
