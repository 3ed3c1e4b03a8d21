import { DEFAULT_BATCH_CONCURRENCY, type EcsMetadataClient } from '@ecs-metadata/client';
import type { MetadataKeyRules } from '@ecs-metadata/core';
import { JournalError } from '@ecs-metadata/client/journal';
import { parseBatchFormat, parseConcurrency } from '../batch/batch-flags.js';
import { type ConnectionFlags, loadConnectionConfig, openClient } from '../commands/metadata-client.js';
import { UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { type DesiredFile, openDesiredFile } from './desired-file.js';
import type { FleetRunOptions } from './fleet-run.js';

/** The flags `plan` and `apply` share, as parsed. */
export type FleetFlags = ConnectionFlags & {
  readonly output?: string | undefined;
  readonly concurrency?: string | undefined;
  readonly 'fail-fast'?: boolean | undefined;
  readonly 'nova-keys'?: boolean | undefined;
  readonly 'allow-platform-keys'?: boolean | undefined;
};

/** What `plan` and `apply` start from: the checked file, the run's options and the client. */
export interface FleetSetup {
  readonly file: DesiredFile;
  readonly options: FleetRunOptions;
  readonly client: EcsMetadataClient;
}

/**
 * Checks the arguments and the whole desired-state file (exit 2 before any request or login), then
 * reads the configuration and opens the client.
 *
 * @throws {UsageError} for a missing or extra FILE, a bad flag or a bad file.
 */
export async function openFleetCommand(name: 'plan' | 'apply', positionals: readonly string[], values: FleetFlags, io: CliIo): Promise<FleetSetup> {
  const [path, extra] = positionals;
  if (path === undefined || extra !== undefined) {
    throw new UsageError(`${name} takes one desired-state FILE; got ${positionals.length === 0 ? 'none' : `"${positionals.join(' ')}"`}. Run "ecs-metadata help ${name}".`);
  }
  const format = parseBatchFormat(values.output, io);
  const concurrency = values.concurrency === undefined ? DEFAULT_BATCH_CONCURRENCY : parseConcurrency(values.concurrency);
  const file = await openDesiredFile(path);
  const keyRules: MetadataKeyRules = values['nova-keys'] === true ? 'nova' : 'huawei';
  const config = await loadConnectionConfig(values, io);
  const client = await openClient(config, values, io);
  return {
    file,
    client,
    options: { format, concurrency, failFast: values['fail-fast'] === true, keyRules, allowPlatformKeys: values['allow-platform-keys'] === true, total: file.servers },
  };
}

/** A journal that cannot be used is refused with its reason, before any request (exit 2). */
export function refuseJournal(error: unknown): never {
  if (error instanceof JournalError) {
    throw new UsageError(`the journal ${error.message}`, { cause: error });
  }
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new UsageError(`the journal ${String((error as NodeJS.ErrnoException).path)} does not exist`, { cause: error });
  }
  throw error;
}
