import { PLAN_COMMAND } from '../command-table.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { parseCommandLine } from '../parse.js';
import { desiredChanges } from '../fleet/desired-file.js';
import { openFleetCommand } from '../fleet/fleet-command.js';
import { runFleet } from '../fleet/fleet-run.js';

/** `ecs-metadata plan FILE`: reads every server the file names and prints what apply would change. */
export async function run(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(PLAN_COMMAND, args);
  const { file, client, options } = await openFleetCommand('plan', positionals, values, io);
  try {
    const { code, counts } = await runFleet(desiredChanges(file), client, io, options);
    return code === ExitCode.Ok && values['detailed-exitcode'] === true && counts.changes > 0 ? ExitCode.ChangesPending : code;
  } finally {
    client.close();
  }
}
