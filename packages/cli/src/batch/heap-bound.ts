import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A function to call after each result of a long batch: every `everyResults` calls it runs a full
 * garbage collection. `undefined` when the runtime does not allow it.
 *
 * Why: ky derives an `AbortSignal.any` from the caller's signal for every attempt, and on Node 20
 * such signals survive young-generation collections (they are tracked through weak references), so
 * at a thousand requests a second the old generation fills with dead signals and V8, collecting it
 * rarely, lets the heap grow to many times the live set (~10 MB): a 100,000-server batch peaked at
 * ~235 MB RSS. A full collection every few hundred results keeps the heap near its live size for a
 * few ms each (docs/performance.md "Throttled batch"). Node offers no other way to bound the heap of
 * a process already started (`--max-old-space-size` must be given at start-up).
 */
export function periodicCollector(everyResults: number): (() => void) | undefined {
  let collect: () => void;
  try {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
  let count = 0;
  return () => {
    count += 1;
    if (count % everyResults === 0) {
      collect();
    }
  };
}
