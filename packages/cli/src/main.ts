import { TOOLKIT_VERSION } from '@ecs-metadata/core';
import { COMMAND_TABLE, type CommandSpec, findCommand } from './command-table.js';
import { ExitCode, exitCodeFor, UsageError } from './exit-codes.js';
import type { CliIo } from './io.js';
import { closestName } from './suggest.js';

/**
 * Runs the CLI and returns its exit code; writes data to stdout, diagnostics to stderr. Commands
 * come from the command table (`command-table.ts`) and are loaded on demand, so each pays only for
 * what it imports; help pages are rendered by `help.ts`, loaded only for help.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [first] = argv;
  try {
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      const { helpPage } = await import('./help-command.js');
      const page = helpPage(first === 'help' ? argv.slice(1) : []);
      (first === undefined ? io.stderr : io.stdout).write(page);
      return first === undefined ? ExitCode.Usage : ExitCode.Ok;
    }
    if (first === '--version' || first === '-V') {
      io.stdout.write(`${TOOLKIT_VERSION}\n`);
      return ExitCode.Ok;
    }
    if (findCommand(first) === undefined && argv.slice(1).some(isHelpOption) && !argv.slice(1, 2).some((word) => findCommand(`${first} ${word}`) !== undefined)) {
      // `config --help`: the group's topic page, or what the group holds.
      const { helpPage } = await import('./help-command.js');
      io.stdout.write(helpPage([first]));
      return ExitCode.Ok;
    }
    const command = commandOf(argv);
    const args = argv.slice(command.name.split(' ').length);
    const helpAt = args.findIndex((arg) => isHelpOption(arg) || arg === '--');
    if (helpAt >= 0 && args[helpAt] !== '--') {
      const { helpPage } = await import('./help-command.js');
      io.stdout.write(helpPage(command.name.split(' ')));
      return ExitCode.Ok;
    }
    const code = await (await command.load()).run(args, io);
    return typeof code === 'number' ? code : ExitCode.Ok;
  } catch (error) {
    const code = exitCodeFor(error);
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`ecs-metadata: ${code === 1 && error instanceof Error ? (error.stack ?? message) : message}\n`);
    return code;
  }
}

function isHelpOption(arg: string): boolean {
  return arg === '--help' || arg === '-h';
}

/**
 * The command `argv` starts with: one word (`get`) or two (`config show`).
 *
 * @throws {UsageError} for an unknown command, with the closest known one and the list of commands
 *   (of the group, for `config init`).
 */
export function commandOf(argv: readonly string[]): CommandSpec {
  const [first = '', second] = argv;
  const single = findCommand(first);
  if (single !== undefined) {
    return single;
  }
  const group = COMMAND_TABLE.filter((command) => command.name.startsWith(`${first} `));
  if (group.length > 0) {
    const pair = second === undefined || second.startsWith('-') ? undefined : findCommand(`${first} ${second}`);
    if (pair !== undefined) {
      return pair;
    }
    const names = group.map((command) => command.name);
    const typed = second === undefined || second.startsWith('-') ? undefined : `${first} ${second}`;
    const suggestion = typed === undefined ? undefined : closestName(typed, names);
    throw new UsageError(
      `${typed === undefined ? `"${first}" needs a subcommand` : `unknown command "${typed}"`}.${suggestion === undefined ? '' : ` Did you mean "${suggestion}"?`} The ${first} commands: ${names.join(', ')}.`,
    );
  }
  const names = [...new Set(COMMAND_TABLE.map((command) => command.name.split(' ')[0] as string)), 'help'];
  const suggestion = first.startsWith('-') ? undefined : closestName(first, names);
  const what = first.startsWith('-') ? `a command comes first, before options like "${first}"` : `unknown command "${first}"`;
  throw new UsageError(
    `${what}.${suggestion === undefined ? '' : ` Did you mean "${suggestion}"?`} Commands: ${COMMAND_TABLE.map((command) => command.name).join(', ')}, help. Run "ecs-metadata help" for more.`,
  );
}
