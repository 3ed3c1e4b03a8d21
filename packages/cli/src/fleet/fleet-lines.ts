import type { EcsMetadataError } from '@ecs-metadata/client';
import type { Metadata, ServerMetadataPlan } from '@ecs-metadata/core';
import { summarizeError } from '../batch/result-lines.js';
import type { CliIo } from '../io.js';
import { escapeJsonText, escapeLine, type SecretRegistry } from '../terminal.js';

/**
 * One server's line of `plan`, `apply` and `rollback`: NDJSON in a pipe, a coloured diff on a
 * terminal (get's batch contract).
 */

/** What became of one server. */
export type FleetStatus = 'changes' | 'unchanged' | 'applied' | 'skipped' | 'failed' | 'already-applied' | 'restored';

/** One server's outcome, as printed. */
export interface FleetLine {
  readonly serverId: string;
  readonly status: FleetStatus;
  readonly plan?: ServerMetadataPlan | undefined;
  readonly error?: EcsMetadataError | undefined;
  /** `skipped`: what the server holds now. */
  readonly current?: Metadata | undefined;
  /** `rollback`: whether someone else changed the server since the apply (`undefined`: unknown). */
  readonly changedSince?: boolean | undefined;
}

/** `{"serverId","status",...}`: the diff (`added`, `changed`, `removed`) when there is one, the error of a failure. */
export function fleetNdjsonLine(line: FleetLine, secrets?: SecretRegistry): string {
  const { serverId, status, plan, error, current, changedSince } = line;
  const diff = plan !== undefined && (status === 'changes' || status === 'applied') ? { added: plan.added, changed: plan.changed, removed: plan.removed } : {};
  return `${JSON.stringify({
    serverId,
    status,
    ...diff,
    ...(current === undefined ? {} : { reason: 'changed since the plan', current }),
    ...(changedSince === undefined ? {} : { changedSince }),
    ...(error === undefined ? {} : { error: summarizeError(error, secrets) }),
  })}\n`;
}

/** How `plan`, `apply` and `rollback` print a line: NDJSON, or text coloured on a terminal unless `NO_COLOR` is set. */
export function fleetLineRenderer(format: 'ndjson' | 'text', io: CliIo): (line: FleetLine) => string {
  const color = io.stdout.isTTY === true && (io.env['NO_COLOR'] ?? '') === '';
  return (line) => (format === 'ndjson' ? fleetNdjsonLine(line, io.secrets) : fleetTextLine(line, color, io.secrets));
}

const STYLES = { added: '32', changed: '33', removed: '31', dim: '2', failed: '31' } as const;

/** For a person: `~ id` then one line per key (`+ k = "v"`, `~ k: "a" → "b"`, `- k (was "v")`), coloured unless `color` is false. */
export function fleetTextLine(line: FleetLine, color: boolean, secrets?: SecretRegistry): string {
  const paint = (style: keyof typeof STYLES, text: string): string => (color ? `\u001b[${STYLES[style]}m${text}\u001b[0m` : text);
  const id = escapeLine(line.serverId);
  switch (line.status) {
    case 'changes':
    case 'applied': {
      const plan = line.plan as ServerMetadataPlan;
      const keys = [
        ...Object.entries(plan.removed).map(([key, value]) => paint('removed', `    - ${quote(key)} (was ${quote(value)})`)),
        ...Object.entries(plan.changed).map(([key, { from, to }]) => paint('changed', `    ~ ${quote(key)}: ${quote(from)} → ${quote(to)}`)),
        ...Object.entries(plan.added).map(([key, value]) => paint('added', `    + ${quote(key)} = ${quote(value)}`)),
      ];
      return `${line.status === 'applied' ? '✓' : '~'} ${id}${line.status === 'applied' ? ' applied' : ''}\n${keys.join('\n')}\n`;
    }
    case 'unchanged':
      return paint('dim', `= ${id} unchanged`) + '\n';
    case 'already-applied':
      return paint('dim', `= ${id} applied by the interrupted run`) + '\n';
    case 'skipped':
      return paint('changed', `! ${id} skipped: changed since the plan (now ${quote(JSON.stringify(line.current ?? {}))}); --force applies it anyway`) + '\n';
    case 'restored':
      return `✓ ${id} restored${line.changedSince === true ? paint('changed', ' (someone else had changed it since the apply)') : ''}\n`;
    case 'failed':
      return paint('failed', `✗ ${id} ${line.error?.name ?? 'Error'}: ${line.error === undefined ? '' : escapeLine(summarizeError(line.error, secrets).message)}`) + '\n';
  }
}

// JSON quoting, with the characters JSON leaves raw escaped too: a value must not drive the terminal.
function quote(text: string): string {
  return escapeJsonText(JSON.stringify(text));
}
