import type { Parameters } from 'fast-check';

/**
 * The seed every property spec runs with unless `FC_SEED` says otherwise: a fixed seed keeps
 * `npm test` reproducible (STYLE "fixed seeds"); fast-check prints the seed and the shrunk
 * counterexample's path on failure, so a failure found with another seed can be replayed.
 */
export const DEFAULT_PROPERTY_SEED = 20_261_127;

/** Runs per property in `npm test`: cheap on a shared 2-core machine; raise with `FC_NUM_RUNS`. */
export const DEFAULT_PROPERTY_RUNS = 200;

/**
 * The fast-check parameters of one property: `FC_SEED` (an integer) and `FC_NUM_RUNS` (a positive
 * integer) override the defaults, e.g. `FC_NUM_RUNS=100000 FC_SEED=$RANDOM npm test -w packages/core`
 * for a long exploratory run. A malformed variable fails loudly rather than silently running the default.
 *
 * @param runs - this property's default number of runs (for properties costlier than the rest).
 * @throws {Error} naming `FC_SEED` or `FC_NUM_RUNS` when it is not an integer of the right range.
 */
export function propertyParameters<T>(runs: number = DEFAULT_PROPERTY_RUNS): Parameters<T> {
  const seed = readInteger('FC_SEED', Number.MIN_SAFE_INTEGER) ?? DEFAULT_PROPERTY_SEED;
  const numRuns = readInteger('FC_NUM_RUNS', 1) ?? runs;
  return { seed, numRuns };
}

function readInteger(name: string, min: number): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') {
    return undefined;
  }
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new Error(`${name} must be an integer${min === 1 ? ' of at least 1' : ''}, got "${raw}"`);
  }
  return value;
}
