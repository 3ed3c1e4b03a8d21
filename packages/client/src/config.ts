import { ConfigError } from '@ecs-metadata/core';

/** Where a configuration value came from, for `config show` and error messages. */
export type ConfigSource = 'option' | `env:${string}` | 'default';

/** One resolved setting and its origin. */
export interface ConfigValue<T> {
  readonly value: T;
  readonly source: ConfigSource;
}

/** What the caller (CLI flags, code) states explicitly; each wins over the environment. */
export interface ConfigOptions {
  endpoint?: string | undefined;
  projectId?: string | undefined;
  token?: string | undefined;
}

/** A validated, frozen configuration; each value records its source. */
export interface ResolvedConfig {
  readonly endpoint: ConfigValue<string>;
  readonly projectId: ConfigValue<string>;
  readonly token: ConfigValue<string>;
}

/** The environment variables read for each setting, in order of precedence. */
export const CONFIG_ENV_VARS = {
  endpoint: ['ECS_METADATA_ENDPOINT'],
  projectId: ['ECS_METADATA_PROJECT_ID', 'HUAWEICLOUD_SDK_PROJECT_ID', 'OS_PROJECT_ID'],
  token: ['ECS_METADATA_TOKEN', 'OS_TOKEN'],
} as const satisfies Record<keyof ResolvedConfig, readonly string[]>;

/** The flag that sets each setting, named in errors. */
const FLAGS: Record<keyof ResolvedConfig, string> = { endpoint: '--endpoint', projectId: '--project-id', token: '--token' };

/**
 * Resolves the configuration: explicit options > environment. The only place that reads
 * environment variables (it is handed them; it never reads `process.env` itself).
 *
 * @throws {ConfigError} naming the missing setting, its flag and its variables.
 */
export function resolveConfig(options: ConfigOptions, env: Readonly<Record<string, string | undefined>>): ResolvedConfig {
  const pick = (setting: keyof ResolvedConfig): ConfigValue<string> => {
    const explicit = options[setting];
    if (explicit !== undefined && explicit !== '') {
      return { value: explicit, source: 'option' };
    }
    for (const name of CONFIG_ENV_VARS[setting]) {
      const value = env[name];
      if (value !== undefined && value !== '') {
        return { value, source: `env:${name}` };
      }
    }
    throw new ConfigError(setting, `No ${setting}: pass ${FLAGS[setting]} or set ${CONFIG_ENV_VARS[setting].join(' or ')}`);
  };
  return Object.freeze({ endpoint: pick('endpoint'), projectId: pick('projectId'), token: pick('token') });
}
