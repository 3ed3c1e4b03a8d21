import { commandHelp, HELP_TOPICS, overviewHelp } from './help.js';
import { commandOf } from './main.js';

/**
 * `ecs-metadata help [command|topic]`: the overview, a command's page (the same as
 * `command --help`) or a topic's (`help config`).
 *
 * @throws {UsageError} for an unknown command or topic, with "did you mean".
 */
export function helpPage(words: readonly string[]): string {
  if (words.length === 0) {
    return overviewHelp();
  }
  const [first = ''] = words;
  if (words.length === 1 && Object.hasOwn(HELP_TOPICS, first)) {
    return (HELP_TOPICS[first] as { page: () => string }).page();
  }
  return commandHelp(commandOf(words));
}
