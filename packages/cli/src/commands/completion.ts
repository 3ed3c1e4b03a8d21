import { COMPLETION_COMMAND } from '../command-table.js';
import { COMPLETION_SHELLS, type CompletionShell, completionScript } from '../completion.js';
import { UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { parseCommandLine } from '../parse.js';

/** `ecs-metadata completion bash|zsh|fish`: prints the shell's completion script. */
export async function run(args: readonly string[], io: CliIo): Promise<void> {
  const { positionals } = parseCommandLine(COMPLETION_COMMAND, args);
  const [shell, ...rest] = positionals;
  if (shell === undefined || rest.length > 0 || !(COMPLETION_SHELLS as readonly string[]).includes(shell)) {
    const got = positionals.length === 0 ? 'nothing' : `"${positionals.join(' ')}"`;
    throw new UsageError(`completion needs one shell: ${COMPLETION_SHELLS.join(', ')}; got ${got}`);
  }
  io.stdout.write(completionScript(shell as CompletionShell));
}
