import { TOOLKIT_VERSION } from '@ecs-metadata/core';
import { ExitCode, exitCodeFor, UsageError } from './exit-codes.js';
import type { CliIo } from './io.js';

export const USAGE = `Usage: ecs-metadata <command> [options]

Commands:
  get <server-id>   print the metadata of a server
  demo              query the documentation's example server on the embedded mock
  mock serve        run the mock provider until interrupted

Run "ecs-metadata <command> --help" for a command's options.
Exit codes: 0 ok, 2 usage/input/config, 3 auth, 4 not found, 5 API or response error,
            6 network/timeout, 7 batch partly failed, 130 interrupted.
`;

type Command = (args: readonly string[], io: CliIo) => Promise<void>;

/** Commands and their usage, loaded on demand so each pays only for what it imports. */
const COMMANDS: Record<string, () => Promise<{ run: Command; usage: string }>> = {
  get: async () => {
    const module = await import('./commands/get.js');
    return { run: module.runGet, usage: module.GET_USAGE };
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
  const name = first === 'mock' && second === 'serve' ? 'mock serve' : first;
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
    await command.run(args, io);
    return ExitCode.Ok;
  } catch (error) {
    const code = exitCodeFor(error);
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`ecs-metadata: ${code === 1 && error instanceof Error ? (error.stack ?? message) : message}\n`);
    return code;
  }
}
