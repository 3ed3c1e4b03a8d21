import type { OutputStream } from '../io.js';

/** Counts of a batch so far. */
export interface BatchCounts {
  done: number;
  failed: number;
}

/** How long between redraws of the bar: often enough to look alive, rarely enough to cost nothing. */
const REDRAW_MS = 200;
const BAR_WIDTH = 24;

/** `m:ss` or `h:mm:ss`. */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/**
 * One line of progress: a bar, the count, the rate and the ETA when the total is known; the count
 * and the rate otherwise.
 */
export function formatProgress(counts: BatchCounts, total: number | undefined, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? (counts.done * 1000) / elapsedMs : 0;
  const failed = counts.failed > 0 ? `  ${counts.failed} failed` : '';
  const rateText = `${rate.toFixed(rate < 10 ? 1 : 0)}/s`;
  if (total === undefined || total === 0) {
    return `${counts.done} done  ${rateText}  ${formatDuration(elapsedMs / 1000)}${failed}`;
  }
  const fraction = Math.min(1, counts.done / total);
  const filled = Math.round(fraction * BAR_WIDTH);
  const eta = rate > 0 ? formatDuration((total - counts.done) / rate) : '?';
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${counts.done}/${total} ${Math.floor(fraction * 100)}%  ${rateText}  ETA ${eta}${failed}`;
}

/**
 * A progress line redrawn in place on a terminal's stderr (`\r` and erase-line), never on a pipe.
 * Hand-rolled: a bar is twenty lines, a library would cost start-up time on every run.
 */
export class ProgressLine {
  readonly #stream: OutputStream;
  readonly #counts: () => BatchCounts;
  readonly #startedAt = Date.now();
  #total: number | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(stream: OutputStream, counts: () => BatchCounts) {
    this.#stream = stream;
    this.#counts = counts;
    this.#timer = setInterval(() => this.draw(), REDRAW_MS);
    this.#timer.unref();
  }

  /** Sets the total once known (it may be counted while the batch already runs). */
  set total(total: number | undefined) {
    this.#total = total;
  }

  draw(): void {
    this.#stream.write(`\r\u001b[K${formatProgress(this.#counts(), this.#total, Date.now() - this.#startedAt)}`);
  }

  /** Stops redrawing and erases the line, so the summary line takes its place. */
  stop(): void {
    if (this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      this.#stream.write('\r\u001b[K');
    }
  }
}
