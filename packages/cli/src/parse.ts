import { parseArgs } from 'node:util';
import { type CommandSpec, CONFIGURATION_OPTIONS, type OptionSpec, type OptionTable } from './command-table.js';
import { UsageError } from './exit-codes.js';
import { closestName } from './suggest.js';

/** The values `parseArgs` gives for an option table: booleans for flags, strings for the rest. */
export type OptionValues<T extends OptionTable> = {
  -readonly [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : T[K] extends { readonly multiple: true } ? string[] : string;
};

/** What a command's arguments parse to: its options (plus the configuration's, if it takes them) and positionals. */
export interface ParsedCommandLine<S extends CommandSpec> {
  values: OptionValues<S['options']> & (S['configuration'] extends true ? OptionValues<typeof CONFIGURATION_OPTIONS> : Record<never, never>);
  positionals: string[];
}

/** Every option a command accepts, by long name: its own and, if it takes them, the configuration's. */
export function optionsOf(command: CommandSpec): OptionTable {
  return command.configuration ? { ...command.options, ...CONFIGURATION_OPTIONS } : command.options;
}

/**
 * Parses a command's arguments against its row of the command table. Every mistake is a
 * {@link UsageError} in our words, naming the option as typed: an unknown option gets "did you mean"
 * (edit distance), a missing value says which option needs one. Node's `parseArgs` text never
 * reaches the user. `--help`/`-h` are handled before this, by `main`.
 */
export function parseCommandLine<S extends CommandSpec>(command: S, args: readonly string[]): ParsedCommandLine<S> {
  const options = optionsOf(command);
  checkOptions(command, options, args);
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: parseArgsOptions(options),
      allowPositionals: true,
      strict: true,
    });
    if (!command.positionals && positionals.length > 0) {
      throw new UsageError(`${command.name} takes no arguments; got "${positionals.join(' ')}". Run "ecs-metadata help ${command.name}".`);
    }
    return { values, positionals } as ParsedCommandLine<S>;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      // The checks above catch what users type wrong; this is the backstop, in our words still.
      throw new UsageError(`cannot read the options of ${command.name}. Run "ecs-metadata help ${command.name}".`, { cause: error });
    }
    throw error;
  }
}

/** The table's options as `parseArgs` takes them (only the keys it knows). */
function parseArgsOptions(options: OptionTable): Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> {
  return Object.fromEntries(
    Object.entries(options).map(([name, option]) => [
      name,
      {
        type: option.type,
        ...(option.short === undefined ? {} : { short: option.short }),
        ...(option.multiple === true ? { multiple: true } : {}),
      },
    ]),
  );
}

/**
 * Walks the arguments as `parseArgs` will (up to `--`), checking each option: known, a value where
 * one is needed, none for a flag.
 */
function checkOptions(command: CommandSpec, options: OptionTable, args: readonly string[]): void {
  const shorts = new Map(
    Object.entries(options).flatMap(([name, option]) => (option.short === undefined ? [] : [[option.short, name] as const])),
  );
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] as string;
    if (arg === '--') {
      return;
    }
    if (!arg.startsWith('-') || arg === '-') {
      continue;
    }
    const long = arg.startsWith('--');
    const equals = arg.indexOf('=');
    const typed = long && equals > 0 ? arg.slice(0, equals) : long ? arg : arg.slice(0, 2);
    const name = long ? typed.slice(2) : shorts.get(typed.slice(1));
    const option = name === undefined ? undefined : Object.hasOwn(options, name) ? options[name] : undefined;
    if (option === undefined || name === undefined) {
      throw unknownOption(command, options, typed);
    }
    const inline = long ? equals > 0 : arg.length > 2;
    if (option.type === 'boolean') {
      if (inline) {
        throw new UsageError(`${typed} takes no value; got "${arg}"`);
      }
      continue;
    }
    const value = inline ? arg.slice(long ? equals + 1 : 2) : args[index + 1];
    if (value === undefined || (!inline && value.startsWith('-') && value !== '-')) {
      const dash = value === undefined ? '' : ` (a value starting with "-": ${typed}=${value})`;
      throw new UsageError(`${typed} needs a value: ${typed} ${option.value ?? 'VALUE'}${dash}`);
    }
    checkChoice(typed, option, value);
    option.check?.(value);
    index += inline ? 0 : 1;
  }
}

/** A value of an option with choices (`--output`) must be one of them; a near miss gets "did you mean". */
function checkChoice(typed: string, option: OptionSpec, value: string): void {
  if (option.choices === undefined || option.choices.includes(value)) {
    return;
  }
  const suggestion = closestName(value, option.choices);
  throw new UsageError(
    `${typed} must be one of ${option.choices.join(', ')}; got "${value}".${suggestion === undefined ? '' : ` Did you mean ${suggestion}?`}`,
  );
}

function unknownOption(command: CommandSpec, options: OptionTable, typed: string): UsageError {
  const known = Object.keys(options).map((name) => `--${name}`);
  const suggestion = typed.startsWith('--') ? closestName(typed, known) : undefined;
  const hint = suggestion === undefined ? '' : ` Did you mean ${suggestion}?`;
  return new UsageError(`unknown option ${typed} for ${command.name}.${hint} Run "ecs-metadata help ${command.name}" for its options.`);
}
