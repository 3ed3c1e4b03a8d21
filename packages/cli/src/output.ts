import type * as YAML from 'yaml';
import { UsageError } from './exit-codes.js';

/** Output formats of `ecs-metadata get`. */
export const OUTPUT_FORMATS = ['json', 'yaml', 'table', 'env', 'value'] as const;
/** One of {@link OUTPUT_FORMATS}. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Options that shape the output. */
export interface FormatOptions {
  format: OutputFormat;
  /** Pretty JSON (on a terminal) or compact (in a pipe). */
  pretty: boolean;
  key?: string | undefined;
  envPrefix: string;
}

/** Renders metadata for stdout; the result ends with a newline. YAML loads its library on first use. */
export async function formatMetadata(metadata: Readonly<Record<string, string>>, options: FormatOptions): Promise<string> {
  switch (options.format) {
    case 'json':
      return `${JSON.stringify(metadata, null, options.pretty ? 2 : undefined)}\n`;
    case 'yaml':
      return formatYaml(metadata);
    case 'value': {
      if (options.key === undefined) {
        throw new UsageError('--output value needs --key KEY (which value to print)');
      }
      return `${metadata[options.key] ?? ''}\n`;
    }
    case 'table':
      return formatTable(metadata);
    case 'env':
      return formatEnv(metadata, options.envPrefix);
  }
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

function formatTable(metadata: Readonly<Record<string, string>>): string {
  const rows = Object.entries(metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const width = Math.max(3, ...rows.map(([key]) => key.length));
  const lines = [`${'KEY'.padEnd(width)}  VALUE`, ...rows.map(([key, value]) => `${key.padEnd(width)}  ${value}`)];
  return `${lines.join('\n')}\n`;
}

/**
 * `NAME='value'` lines (DECISIONS "CLI"): NAME is the prefix plus the key upper-cased with every
 * character outside `A-Z0-9_` turned into `_`; values are single-quoted for the shell.
 */
function formatEnv(metadata: Readonly<Record<string, string>>, prefix: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$|^$/u.test(prefix)) {
    throw new UsageError(`--env-prefix "${prefix}" is not a valid start of a shell variable name`);
  }
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
    lines.push(`${name}='${value.replace(/'/gu, `'\\''`)}'`);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
