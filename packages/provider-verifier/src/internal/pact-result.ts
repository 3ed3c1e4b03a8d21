import { isRecord } from './is-record.js';

/** One interaction as Pact's core reports it. */
export interface CoreInteractionResult {
  readonly description: string;
  readonly interactionId: string | undefined;
  readonly ok: boolean;
  readonly durationMs: number | undefined;
  /** Mismatches and errors, one line each (`$.metadata: Type mismatch: ...`). */
  readonly failures: readonly string[];
  /** The failure belongs to a pending pact or interaction: it does not fail the run. */
  readonly pending: boolean;
  /** The consumer, when the core named it. */
  readonly consumer: string | undefined;
}

/** The whole run as Pact's core reports it. */
export interface CoreRunResult {
  /** In the order the core ran them. */
  readonly interactions: readonly CoreInteractionResult[];
  /** Errors tied to no interaction (a pact that did not load, a broker that did not answer). */
  readonly errors: readonly string[];
  /** The broker's notices (why a pact was selected, pending status). */
  readonly notices: readonly string[];
}

interface CoreError {
  readonly interaction: string;
  readonly interactionId: string;
  readonly lines: string[];
  readonly pending: boolean;
}

/** Names for mismatches that carry neither a path nor a key. */
const PART_OF: Readonly<Record<string, string>> = { StatusMismatch: 'status', MethodMismatch: 'method', BodyTypeMismatch: 'body' };

const HEADER = /^Verifying a pact between (.+?) and (.+?)(?: Given .*)? - /su;

/**
 * Parses the JSON that `Verifier.verifyProvider()` resolves with, or rejects with as an error
 * message (PACT-GUIDE "Provider-verifier").
 *
 * @returns `undefined` when `text` is not that JSON (a crash or a configuration error).
 */
export function parseCoreResult(text: string): CoreRunResult | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(json) || !Array.isArray(json['interactionResults'])) {
    return undefined;
  }
  const coreErrors = [...listOf(json['errors']).map((e) => coreError(e, false)), ...listOf(json['pendingErrors']).map((e) => coreError(e, true))].filter(
    (error): error is CoreError => error !== undefined,
  );
  const used = new Set<CoreError>();
  const interactions = listOf(json['interactionResults']).flatMap((entry): CoreInteractionResult[] => {
    if (!isRecord(entry) || typeof entry['description'] !== 'string') {
      return [];
    }
    const description = entry['description'];
    const interactionId = typeof entry['interactionId'] === 'string' && entry['interactionId'] !== '' ? entry['interactionId'] : undefined;
    const ok = entry['result'] === 'OK';
    const match = ok ? undefined : findError(coreErrors, used, description, interactionId);
    if (match !== undefined) {
      used.add(match);
    }
    return [
      {
        description,
        interactionId,
        ok,
        durationMs: parseDuration(entry['duration']),
        failures: ok ? [] : (match?.lines ?? [`Pact reported "${String(entry['result'])}" without details`]),
        pending: match?.pending ?? false,
        consumer: match === undefined ? undefined : HEADER.exec(match.interaction)?.[1],
      },
    ];
  });
  const errors = coreErrors.filter((error) => !used.has(error)).map((error) => [error.interaction, ...error.lines].join(': '));
  const notices = listOf(json['notices'])
    .map((notice) => (isRecord(notice) && typeof notice['text'] === 'string' ? notice['text'] : undefined))
    .filter((text): text is string => text !== undefined);
  return { interactions, errors, notices };
}

function findError(
  errors: readonly CoreError[],
  used: ReadonlySet<CoreError>,
  description: string,
  interactionId: string | undefined,
): CoreError | undefined {
  const free = errors.filter((error) => !used.has(error));
  if (interactionId !== undefined) {
    const byId = free.find((error) => error.interactionId === interactionId);
    if (byId !== undefined) {
      return byId;
    }
  }
  return free.find((error) => error.interaction.endsWith(` - ${description}`));
}

function coreError(value: unknown, pending: boolean): CoreError | undefined {
  if (!isRecord(value)) {
    return undefined;
  }
  const interaction = typeof value['interaction'] === 'string' ? value['interaction'] : 'verification';
  const mismatch = isRecord(value['mismatch']) ? value['mismatch'] : {};
  const interactionId = typeof mismatch['interactionId'] === 'string' ? mismatch['interactionId'] : '';
  const lines: string[] = [];
  if (typeof mismatch['message'] === 'string') {
    lines.push(mismatch['message']);
  }
  for (const item of listOf(mismatch['mismatches'])) {
    if (isRecord(item)) {
      const text = typeof item['mismatch'] === 'string' ? item['mismatch'] : JSON.stringify(item);
      const where = typeof item['path'] === 'string' ? item['path'] : typeof item['key'] === 'string' ? item['key'] : PART_OF[String(item['type'])];
      lines.push(where === undefined || text.includes(where) ? text : `${where}: ${text}`);
    }
  }
  if (lines.length === 0) {
    lines.push(JSON.stringify(mismatch));
  }
  return { interaction, interactionId, lines, pending };
}

/** `"69ms"`, `"1s 20ms"`, `"2s"` → milliseconds. */
function parseDuration(value: unknown): number | undefined {
  if (typeof value !== 'string') {
    return undefined;
  }
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)\s*(ms|s|m)\b/gu)];
  if (parts.length === 0) {
    return undefined;
  }
  const scale: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * (scale[unit as string] ?? 0), 0);
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
