import { createRequire } from 'node:module';

/** Parses one configuration file's text into a plain document; throws on a syntax error. */
export type ConfigParser = (text: string) => unknown;

/**
 * The parsers of the configuration files that exist. Each is imported only when its file exists:
 * a command run without a profile file or `clouds.yaml` loads neither TOML nor YAML (issue 15).
 */
export interface ConfigParsers {
  /** Parses the profile file (`config.toml`). */
  readonly toml?: ConfigParser | undefined;
  /** Parses `clouds.yaml`. */
  readonly yaml?: ConfigParser | undefined;
}

/** Imports the parser of each given file that exists, and only those. */
export async function importConfigParsers(files: {
  readonly profileText: string | undefined;
  readonly cloudsText: string | undefined;
}): Promise<ConfigParsers> {
  const [toml, yaml] = await Promise.all([
    files.profileText === undefined ? undefined : import('smol-toml').then((module): ConfigParser => module.parse),
    files.cloudsText === undefined ? undefined : import('yaml').then((module): ConfigParser => yamlParse(module)),
  ]);
  return { toml, yaml };
}

// For a caller that hands `resolveConfig` a file's text without its parser (a direct call, not
// through `loadConfigFiles`): both parsers ship CommonJS, so they load synchronously. Called
// through a variable, so that a bundler leaves the require to run time and out of the bundle.
const requireAtRunTime = createRequire(import.meta.url);

/** The TOML parser of `parsers`, else smol-toml loaded now. */
export function tomlParserOf(parsers: ConfigParsers | undefined): ConfigParser {
  return parsers?.toml ?? (requireAtRunTime('smol-toml') as { parse: ConfigParser }).parse;
}

/** The YAML parser of `parsers`, else yaml loaded now. */
export function yamlParserOf(parsers: ConfigParsers | undefined): ConfigParser {
  return parsers?.yaml ?? yamlParse(requireAtRunTime('yaml') as YamlModule);
}

type YamlParse = (text: string, options: { logLevel: 'error' }) => unknown;

interface YamlModule {
  readonly parse?: YamlParse;
  readonly default?: { readonly parse: YamlParse };
}

/** yaml's `parse`, whether the module came as CommonJS (`default`) or with named exports. */
function yamlParse(module: YamlModule): ConfigParser {
  const parse = module.parse ?? module.default?.parse;
  if (parse === undefined) {
    throw new TypeError('the yaml module has no parse function');
  }
  // logLevel 'error': a warning (an unknown tag like `!secret`) is not printed by the library, which
  // would quote the line, password and all, on stderr; errors still throw (and are reported by position).
  return (text) => parse(text, { logLevel: 'error' });
}
