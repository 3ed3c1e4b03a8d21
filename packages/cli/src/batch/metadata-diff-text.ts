import type { MetadataDiff } from '@ecs-metadata/core';

/** ANSI SGR colours of the diff: added green, changed yellow, removed red. */
const COLOURS = { added: '\u001b[32m', changed: '\u001b[33m', removed: '\u001b[31m', reset: '\u001b[0m' } as const;

/** How {@link formatDiff} renders. */
export interface DiffTextOptions {
  /** ANSI colours: only on a terminal, and not when `NO_COLOR` is set (no-color.org). */
  readonly colour: boolean;
}

/**
 * A metadata diff for a person: one line per key, `+ key="value"` (added), `~ key: "before" →
 * "after"` (changed), `- key="value"` (removed), values JSON-quoted so an empty value or a control
 * character is visible rather than acted on by the terminal; `(no change)` when empty.
 */
export function formatDiff(diff: MetadataDiff, options: DiffTextOptions): string {
  const paint = (colour: keyof typeof COLOURS, text: string): string => (options.colour ? `${COLOURS[colour]}${text}${COLOURS.reset}` : text);
  const lines = [
    ...diff.added.map(([key, value]) => paint('added', `+ ${key}=${JSON.stringify(value)}`)),
    ...diff.changed.map(([key, before, after]) => paint('changed', `~ ${key}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`)),
    ...diff.removed.map(([key, value]) => paint('removed', `- ${key}=${JSON.stringify(value)}`)),
  ];
  return lines.length === 0 ? '(no change)\n' : `${lines.join('\n')}\n`;
}
