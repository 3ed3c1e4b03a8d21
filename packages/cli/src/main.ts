import { TOOLKIT_VERSION } from '@ecs-metadata/core';
import { COMMAND_TABLE, type CommandSpec, CONFIGURATION_OPTIONS, findCommand } from './command-table.js';
import { errorMessage } from './error-message.js';
import { ExitCode, exitCodeFor, UsageError } from './exit-codes.js';
import type { CliIo, OutputStream } from './io.js';
import { closestName } from './suggest.js';
import { escapeControl, SecretRegistry } from './terminal.js';

/**
 * Runs the CLI and returns its exit code; writes data to stdout, diagnostics to stderr. Commands
 * come from the command table (`command-table.ts`) and are loaded on demand, so each pays only for
 * what it imports; help pages are rendered by `help.ts`, loaded only for help.
 */
export async function main(argv: readonly string[], callerIo: CliIo): Promise<number> {
  const [first] = argv;
  const io = withMaskedStderr(callerIo, secretsOfArguments(argv));
  try {
    if (first === '--version' || first === '-V') {
      io.stdout.write(`${TOOLKIT_VERSION}\n`);
      return ExitCode.Ok;
    }
    const helpFor = helpRequest(argv);
    if (helpFor !== undefined) {
      const { helpPage } = await import('./help-command.js');
      // No arguments at all is a usage error: the overview goes to stderr, exit 2.
      (first === undefined ? io.stderr : io.stdout).write(helpPage(helpFor));
      return first === undefined ? ExitCode.Usage : ExitCode.Ok;
    }
    const command = commandOf(argv);
    const args = argv.slice(command.name.split(' ').length);
    const code = await (await command.load()).run(args, io);
    return typeof code === 'number' ? code : ExitCode.Ok;
  } catch (error) {
    const code = exitCodeFor(error);
    const message = code === 1 && error instanceof Error ? (error.stack ?? error.message) : errorMessage(error);
    io.stderr.write(`ecs-metadata: ${escapeControl(message)}\n`);
    return code;
  }
}

/**
 * The values of the secret options (`--token`, `--sk`) anywhere in `argv`, as `--token X` or
 * `--token=X`: masked in every message from the start, before any parsing could echo one.
 */
function secretsOfArguments(argv: readonly string[]): SecretRegistry {
  const secrets = new SecretRegistry();
  const names = new Set(Object.entries(CONFIGURATION_OPTIONS).flatMap(([name, option]) => ('secret' in option && option.secret ? [`--${name}`] : [])));
  argv.forEach((arg, index) => {
    const equals = arg.indexOf('=');
    if (equals > 0 && names.has(arg.slice(0, equals))) {
      secrets.add(arg.slice(equals + 1));
    } else if (names.has(arg)) {
      secrets.add(argv[index + 1]);
    }
  });
  return secrets;
}

/**
 * The commands' view of `io`: stderr masks every secret of the run (more join as the configuration
 * is read), so no warning, log line or error can print one. Stdout is data and is left as it is.
 */
function withMaskedStderr(io: CliIo, secrets: SecretRegistry): CliIo {
  const stderr: OutputStream = {
    write: (chunk) => io.stderr.write(secrets.redact(chunk)),
    ...(io.stderr.isTTY === undefined ? {} : { isTTY: io.stderr.isTTY }),
    ...(io.stderr.once === undefined ? {} : { once: io.stderr.once.bind(io.stderr) }),
  };
  // Not a spread of `io`: its `stdin` may be a getter that opens the stream, which only a command
  // that reads it may do.
  return {
    stdout: io.stdout,
    stderr,
    env: io.env,
    signal: io.signal,
    secrets,
    get stdin() {
      return io.stdin;
    },
  };
}

function isHelpOption(arg: string): boolean {
  return arg === '--help' || arg === '-h';
}

/**
 * The words help is asked for, if it is: `[]` for the overview (nothing, `help`, `--help`), the
 * words after `help`, or the command (or group, `config --help`) before a `--help` or `-h` that
 * comes before `--`.
 */
function helpRequest(argv: readonly string[]): string[] | undefined {
  const [first, second] = argv;
  if (first === undefined || isHelpOption(first)) {
    return [];
  }
  if (first === 'help') {
    return argv.slice(1);
  }
  const end = argv.indexOf('--');
  if (!(end < 0 ? argv : argv.slice(0, end)).some(isHelpOption)) {
    return undefined;
  }
  return second !== undefined && findCommand(first) === undefined && findCommand(`${first} ${second}`) !== undefined ? [first, second] : [first];
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
