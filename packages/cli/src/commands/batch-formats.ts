/** Output formats of a `get` of several servers (kept apart so that parsing does not load the batch code). */
export const BATCH_OUTPUT_FORMATS = ['ndjson', 'text'] as const;
/** One of {@link BATCH_OUTPUT_FORMATS}: NDJSON for scripts, `<id>  {...}` lines for a person. */
export type BatchOutputFormat = (typeof BATCH_OUTPUT_FORMATS)[number];
