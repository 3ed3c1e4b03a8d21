import type { OutputStream } from '../io.js';

/** Writes `text`, waiting when the pipe is full: a slow reader of stdout holds a batch back instead of memory. */
export async function write(stream: OutputStream, text: string): Promise<void> {
  if (!stream.write(text) && stream.once !== undefined) {
    await new Promise<void>((resolve) => stream.once?.('drain', resolve));
  }
}
