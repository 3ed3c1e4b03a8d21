import { TOOLKIT_VERSION } from '@ecs-metadata/core';
import { ExitCode, exitCodeFor, UsageError } from './exit-codes.js';
import type { CliIo } from './io.js';

export const USAGE = `Usage: ecs-metadata <command> [options]

Commands:
  get <server-id>                print the metadata of a server (--key K: one item)
  set <server-id> KEY=VALUE...   merge items into a server's metadata (--replace: replace all)
  unset <server-id> KEY...       delete items from a server's metadata
  config show                    print the configuration in effect: each setting, its source, secrets masked
  demo                           query the documentation's example server on the embedded mock
  mock serve                     run the mock provider until interrupted

Run "ecs-metadata <command> --help" for a command's options.
Exit codes: 0 ok, 2 usage/input/config, 3 auth, 4 not found, 5 API or response error,
            6 network/timeout, 7 batch partly failed, 130 interrupted.
`;

/** A command; it may return its own exit code (e.g. 7 when some items failed), else success is 0. */
type Command = (args: readonly string[], io: CliIo) => Promise<void | number>;

/** Commands and their usage, loaded on demand so each pays only for what it imports. */
const COMMANDS: Record<string, () => Promise<{ run: Command; usage: string }>> = {
  get: async () => {
    const module = await import('./commands/get.js');
    return { run: module.runGet, usage: module.GET_USAGE };
  },
  set: async () => {
    const module = await import('./commands/set.js');
    return { run: module.runSet, usage: module.SET_USAGE };
  },
  unset: async () => {
    const module = await import('./commands/unset.js');
    return { run: module.runUnset, usage: module.UNSET_USAGE };
  },
  'config show': async () => {
    const module = await import('./commands/config-show.js');
    return { run: module.runConfigShow, usage: module.CONFIG_SHOW_USAGE };
  },
  demo: async () => {
    const module = await import('./commands/demo.js');
    return { run: module.runDemo, usage: 'Usage: ecs-metadata demo\n' };
  },
  'mock serve': async () => {
    const module = await import('./commands/mock-serve.js');
    return { run: module.runMockServe, usage: module.MOCK_SERVE_USAGE };
  },
};

/** Runs the CLI and returns its exit code; writes data to stdout, diagnostics to stderr. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, second] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    (first === undefined ? io.stderr : io.stdout).write(USAGE);
    return first === undefined ? ExitCode.Usage : ExitCode.Ok;
  }
  if (first === '--version' || first === '-V') {
    io.stdout.write(`${TOOLKIT_VERSION}\n`);
    return ExitCode.Ok;
  }
  const name = (first === 'mock' && second === 'serve') || (first === 'config' && second === 'show') ? `${first} ${second}` : first;
  const args = argv.slice(name.split(' ').length);
  try {
    const load = COMMANDS[name];
    if (load === undefined) {
      throw new UsageError(`unknown command "${name}"\n\n${USAGE}`);
    }
    const command = await load();
    if (args.includes('--help') || args.includes('-h')) {
      io.stdout.write(command.usage);
      return ExitCode.Ok;
    }
    const code = await command.run(args, io);
    return typeof code === 'number' ? code : ExitCode.Ok;
  } catch (error) {
    const code = exitCodeFor(error);
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`ecs-metadata: ${code === 1 && error instanceof Error ? (error.stack ?? message) : message}\n`);
    return code;
  }
}
