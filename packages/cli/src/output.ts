import type * as YAML from 'yaml';
import { UsageError } from './exit-codes.js';
import { escapeJsonText, escapeLine } from './terminal.js';

/** Output formats of `ecs-metadata get`. */
export const OUTPUT_FORMATS = ['json', 'yaml', 'table', 'env', 'value'] as const;
/** One of {@link OUTPUT_FORMATS}. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Options that shape the output. */
export interface FormatOptions {
  format: OutputFormat;
  /**
   * Stdout is a terminal: pretty JSON, and the control characters of `value` and `env` output
   * escaped (in a pipe they are data, passed on as they are).
   */
  pretty: boolean;
  key?: string | undefined;
  envPrefix: string;
}

/** Renders metadata for stdout; the result ends with a newline. YAML loads its library on first use. */
export async function formatMetadata(metadata: Readonly<Record<string, string>>, options: FormatOptions): Promise<string> {
  switch (options.format) {
    case 'json':
      return `${jsonText(metadata, options.pretty)}\n`;
    case 'yaml':
      return formatYaml(metadata);
    case 'value': {
      if (options.key === undefined) {
        throw new UsageError('--output value needs --key KEY (which value to print)');
      }
      const value = metadata[options.key] ?? '';
      return `${options.pretty ? escapeLine(value) : value}\n`;
    }
    case 'table':
      return formatTable(metadata);
    case 'env':
      return formatEnv(metadata, options.envPrefix, options.pretty);
  }
}

/**
 * JSON as `JSON.stringify` writes it, plus `\uXXXX` for what it leaves raw but a terminal may act
 * on (DEL, C1 controls, bidirectional overrides, line and paragraph separators): the same JSON.
 */
export function jsonText(data: unknown, pretty = false): string {
  return escapeJsonText(JSON.stringify(data, null, pretty ? 2 : undefined));
}

type YamlModule = Pick<typeof YAML, 'stringify'> & { default?: Pick<typeof YAML, 'stringify'> };

/**
 * A YAML document of `data` (imported here, not at start-up: only `--output yaml` pays for it). The
 * library quotes what YAML would read as another type (`"True"`, `"0755"`) and escapes control
 * characters in double quotes, so the document parses back to the same strings.
 */
export async function formatYaml(data: unknown): Promise<string> {
  // Bundled, yaml's CommonJS build arrives as the module's default export.
  const module: YamlModule = await import('yaml');
  return (module.default ?? module).stringify(data, { lineWidth: 0 });
}

// Keys and values are escaped (`\e`, `\r`, `\n`): a server's value must not drive the terminal.
function formatTable(metadata: Readonly<Record<string, string>>): string {
  const rows = Object.entries(metadata)
    .map(([key, value]) => [escapeLine(key), value] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const width = Math.max(3, ...rows.map(([key]) => key.length));
  const lines = [`${'KEY'.padEnd(width)}  VALUE`, ...rows.map(([key, value]) => `${key.padEnd(width)}  ${escapeLine(value)}`)];
  return `${lines.join('\n')}\n`;
}

/**
 * `NAME='value'` lines (DECISIONS "CLI"): NAME is the prefix plus the key upper-cased with every
 * character outside `A-Z0-9_` turned into `_`; values are single-quoted for the shell.
 */
function formatEnv(metadata: Readonly<Record<string, string>>, prefix: string, terminal: boolean): string {
  checkEnvPrefix(prefix);
  const seen = new Map<string, string>();
  const lines: string[] = [];
  for (const [key, value] of Object.entries(metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const name = `${prefix}${key.toUpperCase().replace(/[^A-Z0-9_]/gu, '_')}`;
    const clash = seen.get(name);
    if (clash !== undefined) {
      throw new UsageError(`--output env: keys "${clash}" and "${key}" both become ${name}; use --key or another output format`);
    }
    if (!/^[A-Za-z_]/u.test(name)) {
      throw new UsageError(`--output env: key "${key}" gives ${name}, not a valid variable name; set --env-prefix`);
    }
    seen.set(name, key);
    const quoted = `'${value.replace(/'/gu, `'\\''`)}'`;
    lines.push(`${name}=${terminal ? escapeLine(quoted) : quoted}`);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** Families of variables that a loader, shell or runtime acts on at start: no prefix may reach them. */
const DANGEROUS_VARIABLES = ['LD_', 'DYLD_', 'BASH_', 'BASHOPTS', 'SHELLOPTS', 'NODE_', 'NPM_', 'PYTHON', 'PERL', 'RUBY', 'JAVA_', 'JDK_', 'GCONV_', 'GLIBC_', 'MALLOC_', 'PROMPT_COMMAND', 'GIT_', 'SSH_'];

/**
 * `--env-prefix` rule (docs/decisions.md): a letter, then letters, digits and `_`, ending with `_`,
 * so every name it makes is `PREFIX_KEY` and never a one-word variable (`PATH`, `IFS`, `HOME`); and
 * not a prefix of, nor inside, a family of {@link DANGEROUS_VARIABLES} (`LD_` → `LD_PRELOAD`,
 * `NODE_` → `NODE_OPTIONS`). Compared upper-cased.
 *
 * @throws {UsageError} naming the prefix (exit 2).
 */
export function checkEnvPrefix(prefix: string): void {
  if (!/^[A-Za-z][A-Za-z0-9_]*_$/u.test(prefix)) {
    throw new UsageError(`--env-prefix "${escapeLine(prefix)}" must be a letter, then letters, digits or _, ending with _ (e.g. ECS_META_)`);
  }
  const upper = prefix.toUpperCase();
  const family = DANGEROUS_VARIABLES.find((name) => upper.startsWith(name) || name.startsWith(upper));
  if (family !== undefined) {
    throw new UsageError(`--env-prefix "${prefix}" could make variables of the ${family}… family, which programs act on at start; choose another prefix`);
  }
}
