import { setMaxListeners } from 'node:events';
import { AbortError, EcsMetadataError, ValidationError } from '@ecs-metadata/core';

/** Default number of requests a batch keeps in flight. */
export const DEFAULT_BATCH_CONCURRENCY = 16;

/** Options of a batch call such as `EcsMetadataClient.getServerMetadataMany`. */
export interface BatchOptions {
  /** Requests in flight at once; default {@link DEFAULT_BATCH_CONCURRENCY} (16). The client's rate limiter still paces them. */
  concurrency?: number;
  /** Aborts every request in flight and ends the batch with an `AbortError`. */
  signal?: AbortSignal;
}

/** One item's outcome: its value, or the error that item alone failed with. */
export type BatchResult<T> =
  { serverId: string; value: T; error?: undefined } | { serverId: string; value?: undefined; error: EcsMetadataError };

/**
 * Runs `work` for every id of `ids` with at most `concurrency` calls in flight and yields each
 * outcome as it completes (completion order, not input order). The input is pulled lazily: an id is
 * read only when a slot is free, and a finished outcome is held only until the consumer takes it,
 * so memory stays bounded by `concurrency` whatever the input's size. One item's failure is its own
 * outcome; the rest go on.
 *
 * Breaking out of the loop aborts the calls in flight (their outcomes are dropped) and closes the
 * input. When `signal` aborts, the calls in flight are aborted and the iteration throws an
 * `AbortError` once they have settled.
 *
 * @throws {ValidationError} (`concurrency`) unless a positive integer, when iteration starts.
 * @throws whatever the input iterator throws, after the calls in flight have settled.
 */
export async function* runBatch<T>(
  ids: Iterable<string> | AsyncIterable<string>,
  work: (serverId: string, signal: AbortSignal) => Promise<T>,
  options: BatchOptions = {},
): AsyncGenerator<BatchResult<T>, void, undefined> {
  const concurrency = options.concurrency ?? DEFAULT_BATCH_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ValidationError('concurrency', `must be a positive integer, got ${String(concurrency)}`);
  }
  // Linked by listeners rather than AbortSignal.any (on Node 20 derived signals outlive young-generation
  // collections): each call gets a short-lived signal of its own, aborted from the batch's.
  const stop = new AbortController();
  const signal = stop.signal;
  const forwardAbort = (): void => stop.abort(options.signal?.reason);
  if (options.signal?.aborted === true) {
    forwardAbort();
  }
  options.signal?.addEventListener('abort', forwardAbort, { once: true });
  // One listener per call in flight.
  setMaxListeners(10 + concurrency, signal);
  const source = Symbol.asyncIterator in ids ? ids[Symbol.asyncIterator]() : ids[Symbol.iterator]();
  const inFlight = new Set<Promise<void>>();
  const finished: BatchResult<T>[] = [];
  let wake: (() => void) | undefined;
  let exhausted = false;
  // The input is read in the background, one id at a time, so that a slow producer (a pipe that
  // trickles ids) never holds back the results already finished: they are yielded while it waits.
  let pulling: Promise<void> | undefined;
  let inputError: { error: unknown } | undefined;

  const start = (serverId: string): void => {
    const call = new AbortController();
    const abortCall = (): void => call.abort(signal.reason);
    signal.addEventListener('abort', abortCall, { once: true });
    const task = work(serverId, call.signal).then(
      (value) => {
        finished.push({ serverId, value });
      },
      (error: unknown) => {
        finished.push({ serverId, error: asToolkitError(error) });
      },
    );
    const tracked = task.finally(() => {
      signal.removeEventListener('abort', abortCall);
      inFlight.delete(tracked);
      wake?.();
    });
    inFlight.add(tracked);
  };

  const pull = (): void => {
    pulling = (async () => {
      try {
        const next = await source.next();
        if (next.done === true) {
          exhausted = true;
        } else if (signal.aborted) {
          // Read after the stop: not started, so not reported.
        } else {
          start(next.value);
        }
      } catch (error) {
        exhausted = true;
        inputError = { error };
      } finally {
        pulling = undefined;
        wake?.();
      }
    })();
  };

  try {
    for (;;) {
      // Outcomes not yet taken count against the slots too: memory stays bounded by `concurrency`
      // even when calls finish faster than the consumer takes them.
      if (!exhausted && pulling === undefined && inFlight.size + finished.length < concurrency && !signal.aborted) {
        pull();
      }
      if (signal.aborted) {
        await Promise.allSettled(inFlight);
        throw new AbortError('The batch was aborted by the caller', { cause: signal.reason });
      }
      if (finished.length > 0) {
        yield finished.shift() as BatchResult<T>;
        continue;
      }
      if (exhausted && pulling === undefined && inFlight.size === 0) {
        if (inputError !== undefined) {
          throw inputError.error;
        }
        return;
      }
      // Something is pending (a read or a call): sleep until it settles.
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  } finally {
    // Reached on completion, on an error, and when the consumer stops early (break, return).
    options.signal?.removeEventListener('abort', forwardAbort);
    stop.abort(new AbortError('The batch was stopped before this request finished'));
    await Promise.allSettled(inFlight);
    if (!exhausted) {
      const close = async (): Promise<void> => {
        await source.return?.();
      };
      if (pulling === undefined) {
        await close();
      } else {
        // A read is pending (perhaps on a terminal or a pipe that never ends): an async generator
        // would queue the close behind it, so close once it returns instead of waiting here.
        void pulling.then(close).catch(() => undefined);
      }
    }
  }
}

// Every error a client call throws is already a toolkit error; anything else (a bug) is wrapped, not lost.
function asToolkitError(error: unknown): EcsMetadataError {
  return error instanceof EcsMetadataError
    ? error
    : new EcsMetadataError(error instanceof Error ? error.message : String(error), { cause: error });
}

/**
 * {@link runBatch} over items that carry their server id (plans, desired changes) rather than bare
 * ids: `idOf` names each item's server, and `work` gets the item itself. Items are pulled lazily,
 * as ids are; an item waits only until its slot starts.
 *
 * @throws as {@link runBatch}.
 */
export async function* runBatchOf<I, T>(
  items: Iterable<I> | AsyncIterable<I>,
  idOf: (item: I) => string,
  work: (item: I, signal: AbortSignal) => Promise<T>,
  options: BatchOptions = {},
): AsyncGenerator<BatchResult<T>, void, undefined> {
  // runBatch takes ids: each item waits here, under its id, until its slot starts (FIFO per id).
  const waiting = new Map<string, I[]>();
  async function* ids(): AsyncGenerator<string, void, undefined> {
    for await (const item of items) {
      const id = idOf(item);
      const queue = waiting.get(id);
      if (queue === undefined) {
        waiting.set(id, [item]);
      } else {
        queue.push(item);
      }
      yield id;
    }
  }
  const take = (id: string): I => {
    const queue = waiting.get(id) as I[];
    const item = queue.shift() as I;
    if (queue.length === 0) {
      waiting.delete(id);
    }
    return item;
  };
  yield* runBatch(ids(), (id, signal) => work(take(id), signal), options);
}
