import type { SecretRegistry } from './terminal.js';

/** A stream the CLI writes to; `isTTY` decides pretty output. */
export interface OutputStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
  /** Node streams: waits for `drain` when `write` returned false (backpressure of a batch's output). */
  once?(event: 'drain', listener: () => void): unknown;
}

/** Everything a command touches outside itself, so tests and the bin hand it in. */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Readonly<Record<string, string | undefined>>;
  /** Fires on SIGINT; commands pass it to every request. */
  signal: AbortSignal;
  /** Standard input, for commands that read data from it (`set … -`); absent when there is none. */
  stdin?: AsyncIterable<string | Uint8Array>;
  /**
   * The run's credentials, for masking: `main` collects those of the options and the environment,
   * the configuration adds those of files. Everything `main` writes to stderr is masked with it.
   */
  secrets?: SecretRegistry;
}
