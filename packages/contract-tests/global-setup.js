import { rm } from 'node:fs/promises';

/** Pact merges into existing files and never removes a stale interaction: start from nothing. */
export default async function removeOldPacts() {
  process.env.PACT_DO_NOT_TRACK = 'true';
  for (const provider of ['ecs-metadata-api', 'ecs-native-metadata-api']) {
    await rm(new URL(`../../pacts/ecs-metadata-client-${provider}.json`, import.meta.url), { force: true });
  }
}
