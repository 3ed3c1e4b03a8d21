import { COMMAND_TABLE, type CommandSpec, CONFIGURATION_HELP, CONFIGURATION_OPTIONS, EXIT_CODE_HELP, type OptionTable } from './command-table.js';

/**
 * Help pages rendered from the command table (loaded only for help: a command's start-up does not
 * pay for it). `ecs-metadata help [command]` and `command --help` print the same page.
 */

const BIN = 'ecs-metadata';
/** Where the option descriptions start. */
const OPTION_COLUMN = 25;

/** Topics of `help` that are not commands. */
export const HELP_TOPICS: Readonly<Record<string, { readonly summary: string; readonly page: () => string }>> = {
  config: { summary: 'the connection options every API command takes, and where settings come from', page: () => configurationHelp() },
};

/** The overview: every command with its summary, the help topics and the exit codes. */
export function overviewHelp(): string {
  const synopses = COMMAND_TABLE.map((command) => [synopsis(command), command.summary] as const);
  const width = Math.max(...synopses.map(([text]) => text.length), 'help [command|topic]'.length) + 1;
  const lines = [
    `Usage: ${BIN} <command> [options]`,
    '',
    'Commands:',
    ...synopses.map(([text, summary]) => `  ${text.padEnd(width)} ${summary}`),
    `  ${'help [command|topic]'.padEnd(width)} this overview, a command's help, or a topic`,
    '',
    'Help topics:',
    ...Object.entries(HELP_TOPICS).map(([name, topic]) => `  ${name.padEnd(width)} ${topic.summary}`),
    '',
    `Run "${BIN} help <command>" (or "${BIN} <command> --help") for its options and examples;`,
    `"${BIN} --version" prints the version.`,
    '',
    exitCodesSection(Object.keys(EXIT_CODE_HELP).map(Number)),
  ];
  return `${lines.join('\n')}`;
}

/** The first usage line without its bracketed options: `get <server-id>`. */
function synopsis(command: CommandSpec): string {
  return (command.usage[0] ?? command.name).replace(/\s*\[[^\]]*\]/gu, '');
}

/** A command's page: usage, description, options, the pointer to `help config`, notes, examples, exit codes. */
export function commandHelp(command: CommandSpec): string {
  const [first, ...more] = command.usage;
  const sections = [
    [`Usage: ${BIN} ${first ?? command.name}`, ...more.map((usage) => `       ${BIN} ${usage}`)].join('\n'),
    command.description,
    `Options:\n${optionLines({ ...command.options, help: { type: 'boolean', short: 'h', help: 'this help' } })}`,
  ];
  if (command.configuration) {
    sections.push(
      `Connection options (--profile, --endpoint, --region, --project-id, --token, --ak/--sk, --auth-url, ...):\n  see "${BIN} help config"`,
    );
  }
  if (command.notes !== undefined) {
    sections.push(command.notes);
  }
  if (command.examples.length > 0) {
    sections.push(`Examples:\n${command.examples.map((example) => `  # ${example.comment}\n  ${example.command}`).join('\n')}`);
  }
  sections.push(exitCodesSection(command.exitCodes));
  return `${sections.join('\n\n')}\n`;
}

/** The `help config` page: the shared connection options and where settings come from. */
export function configurationHelp(): string {
  const users = COMMAND_TABLE.filter((command) => command.configuration).map((command) => command.name);
  return `Connection options, taken by ${users.join(', ')}:

${optionLines(CONFIGURATION_OPTIONS)}

${CONFIGURATION_HELP}
`;
}

/** Aligned option lines: `  -o, --output FORMAT    help`, continuation lines indented to the help column. */
export function optionLines(options: OptionTable): string {
  return Object.entries(options)
    .map(([name, option]) => {
      const flag = `${option.short === undefined ? '    ' : `-${option.short}, `}--${name}${option.value === undefined ? '' : ` ${option.value}`}`;
      const [head, ...rest] = option.help.split('\n');
      const start = flag.length + 2 < OPTION_COLUMN - 1 ? `  ${flag.padEnd(OPTION_COLUMN - 3)} ${head}` : `  ${flag}\n${' '.repeat(OPTION_COLUMN)}${head}`;
      return [start, ...rest.map((line) => `${' '.repeat(OPTION_COLUMN)}${line}`)].join('\n');
    })
    .join('\n');
}

function exitCodesSection(codes: readonly number[]): string {
  const sorted = [...new Set(codes)].sort((a, b) => a - b);
  return `Exit codes:\n${sorted.map((code) => `  ${String(code).padEnd(5)}${EXIT_CODE_HELP[code] ?? ''}`).join('\n')}\n`;
}
