/**
 * The heap a streamed batch runs in. Each attempt of the client's send path leaves garbage that a
 * young-generation collection cannot free: ky gives every `Request` a signal, and undici ties that
 * signal to the `Request`'s own through a `WeakRef` and a `FinalizationRegistry`, which V8 clears
 * only in a full collection. So every scavenge promotes it, and the old generation grows until V8,
 * pacing itself by the (large) default heap limit, runs a full collection: a 100,000-server batch
 * peaked at 230-265 MB RSS with a live heap of 12-25 MB (docs/performance.md "Batch memory").
 * A small young generation and an old generation capped from `--concurrency` make V8 collect it
 * early. V8 reads these limits only at start-up, so the CLI replaces its own process (`execve`:
 * same pid, stdio and signals, no second process) with one started with them; the library's users
 * keep their own process settings.
 */

/** Young-generation semi-space of a batch, in MB (V8's default grows to 16-32 MB). */
export const BATCH_SEMI_SPACE_MB = 4;

/** Old generation of a batch: a base for the CLI itself plus room for every request in flight. */
const OLD_SPACE_BASE_MB = 64;
/**
 * Per request in flight: the 1 MB body cap, read as text and parsed (about three times the
 * body), plus its finished result awaiting output. Nova's own metadata limits (128 items of at
 * most 255 characters) keep real answers far below it.
 */
const OLD_SPACE_PER_REQUEST_MB = 4;
/** The CLI's `--concurrency` default (client's `DEFAULT_BATCH_CONCURRENCY`). */
const DEFAULT_CONCURRENCY = 16;

/** Commands that always stream a file through a batch. */
const FILE_COMMANDS = new Set(['plan', 'apply', 'rollback']);
/** Commands that stream a batch when their servers come from stdin (`-`) or `--from-file`. */
const ID_COMMANDS = new Set(['get', 'set', 'unset']);

/** Flags of the user's own that set the heap (V8 takes `_` for `-`): they win, and the CLI is not restarted. */
const HEAP_FLAG = /--max[-_](?:(?:old|semi)[-_]space|heap)[-_]size\b/u;

/**
 * Whether `argv` starts a streamed batch: `plan`, `apply`, `rollback`, or `get`/`set`/`unset`
 * reading servers from stdin or a file. Ids listed as arguments are bounded by the system's
 * argument size and run in the process as it is; so do help pages.
 */
export function isStreamedBatch(argv: readonly string[]): boolean {
  const [command = '', ...args] = argv;
  if (args.some((arg) => arg === '--help' || arg === '-h')) {
    return false;
  }
  if (FILE_COMMANDS.has(command)) {
    return true;
  }
  return ID_COMMANDS.has(command) && args.some((arg) => arg === '-' || arg === '--from-file' || arg.startsWith('--from-file='));
}

/**
 * The V8 flags of a batch run with `argv`: the semi-space and an old generation sized from its
 * `--concurrency` (an invalid value counts as the default; the command refuses it later, naming it).
 */
export function batchHeapFlags(argv: readonly string[]): string[] {
  const concurrency = concurrencyOf(argv);
  return [`--max-semi-space-size=${BATCH_SEMI_SPACE_MB}`, `--max-old-space-size=${OLD_SPACE_BASE_MB + OLD_SPACE_PER_REQUEST_MB * concurrency}`];
}

function concurrencyOf(argv: readonly string[]): number {
  let value: string | undefined;
  argv.forEach((arg, index) => {
    if (arg === '--concurrency') {
      value = argv[index + 1];
    } else if (arg.startsWith('--concurrency=')) {
      value = arg.slice('--concurrency='.length);
    }
  });
  const concurrency = Number(value);
  return value !== undefined && /^\d+$/u.test(value) && concurrency >= 1 && concurrency <= 1024 ? concurrency : DEFAULT_CONCURRENCY;
}

/** What {@link restartArguments} reads of the running process. */
export interface RunningProcess {
  readonly execPath: string;
  /** `process.argv`: Node, the bin's script, then the CLI's arguments. */
  readonly argv: readonly string[];
  readonly execArgv: readonly string[];
  readonly nodeOptions: string | undefined;
}

/**
 * The arguments to restart this process with for a streamed batch (`execve`'s argument list,
 * Node first), or `undefined` to run as it is: not a streamed batch, or the heap already set (by
 * the user, in `NODE_OPTIONS` or on Node's command line, or by an earlier restart).
 */
export function restartArguments(running: RunningProcess): string[] | undefined {
  const [, script, ...argv] = running.argv;
  if (script === undefined || !isStreamedBatch(argv)) {
    return undefined;
  }
  if (running.execArgv.some((flag) => HEAP_FLAG.test(flag)) || HEAP_FLAG.test(running.nodeOptions ?? '')) {
    return undefined;
  }
  return [running.execPath, ...running.execArgv, ...batchHeapFlags(argv), script, ...argv];
}

/**
 * Replaces this process with one whose heap fits a streamed batch when `argv` starts one (see the
 * module's comment); returns only when it runs as it is: no batch, the heap already set, a Node
 * without `process.execve` (22.12-22.14, Windows) or an `execve` that failed: the batch then runs
 * with V8's default heap, as it did before, rather than not at all.
 */
export function restartForBatchHeap(): void {
  const args = restartArguments({ execPath: process.execPath, argv: process.argv, execArgv: process.execArgv, nodeOptions: process.env['NODE_OPTIONS'] });
  if (args === undefined || typeof process.execve !== 'function') {
    return;
  }
  try {
    process.execve(process.execPath, args, process.env);
  } catch {
    // execve(2) failed and this process is unchanged: run the batch in it.
  }
}
