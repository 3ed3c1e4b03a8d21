import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@ecs-metadata/core';
import { AUTH_TOKEN_HEADER, INVALID_TOKEN, PROVIDER_NAME } from './contract.js';
import { isRecord } from './is-record.js';

/**
 * What the verifier needs to know about one interaction of a pact file, before running it, and to
 * tell its set-ups and request apart from every other's when Pact reports it (`result-correlation.ts`).
 */
export interface PactInteraction {
  readonly description: string;
  /** Provider state names, in order. */
  readonly states: readonly string[];
  /** The params of each state (`{}` when it has none), in the order of `states`, as Pact sends them to the set-up. */
  readonly stateParams: readonly unknown[];
  /** The request sends the literal {@link INVALID_TOKEN} (the 401 interaction). */
  readonly carriesInvalidToken: boolean;
  /** The request's method, upper case. */
  readonly method: string;
  /**
   * The request's path as Pact fills it in: the provider-state generator's expression
   * (`/v2.1/${projectId}/servers/${serverId}/metadata`) when there is one, else the literal path.
   */
  readonly pathTemplate: string;
}

/** An interaction and the consumer whose pact holds it. */
export interface KnownInteraction extends PactInteraction {
  readonly consumer: string;
}

/** A pact file read from disk. */
export interface LocalPact {
  readonly file: string;
  readonly consumer: string;
  readonly provider: string;
  readonly interactions: readonly PactInteraction[];
  /** The parsed document, for writing a filtered copy. */
  readonly document: Record<string, unknown>;
}

/**
 * The default pact directory: `<workspace>/pacts` when this package runs from the monorepo (found
 * from this file's location, PACT-GUIDE "Names and files"), otherwise `./pacts` of `cwd` (an
 * installed package has no workspace around it).
 */
export function defaultPactDir(cwd: string): string {
  // src/internal/ or dist/internal/ → the package root → the workspace root.
  const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
  const installed = packageRoot.split(sep).includes('node_modules');
  const workspacePacts = resolve(packageRoot, '..', '..', 'pacts');
  if (!installed && existsSync(join(packageRoot, '..', '..', 'package.json')) && existsSync(workspacePacts)) {
    return workspacePacts;
  }
  return resolve(cwd, 'pacts');
}

/**
 * Reads the pacts to verify: every `*.json` of each directory whose provider is one of `providers`
 * (default {@link PROVIDER_NAME}; other providers' pacts are left alone), and each file named
 * explicitly (which must be for one of them).
 *
 * @throws {ConfigError} (setting `pactDir` or `pactFiles`) for a missing directory or file, a file
 *   that is not a pact, a file for another provider, or when no pact is found for one of `providers`.
 */
export async function readLocalPacts(
  dirs: readonly string[],
  files: readonly string[],
  providers: readonly string[] = [PROVIDER_NAME],
): Promise<LocalPact[]> {
  const pacts: LocalPact[] = [];
  for (const dir of dirs) {
    const entries = await readdir(dir).catch((error: unknown) => {
      throw new ConfigError('pactDir', `Cannot read the pact directory ${dir}: ${describeFsError(error)}`, { cause: error });
    });
    for (const name of entries.filter((entry) => entry.endsWith('.json')).sort()) {
      const pact = await readPactFile(join(dir, name), 'pactDir');
      if (providers.includes(pact.provider)) {
        pacts.push(pact);
      }
    }
  }
  for (const file of files) {
    const pact = await readPactFile(resolve(file), 'pactFiles');
    if (!providers.includes(pact.provider)) {
      const verifies = providers.map((name) => `"${name}"`).join(' and ');
      throw new ConfigError('pactFiles', `The pact file ${file} is for provider "${pact.provider}"; this verifier verifies ${verifies}`);
    }
    pacts.push(pact);
  }
  for (const provider of providers) {
    if (!pacts.some((pact) => pact.provider === provider)) {
      throw new ConfigError('pactDir', `No pact for provider "${provider}" found in ${[...dirs, ...files].join(', ')}`);
    }
  }
  return pacts;
}

async function readPactFile(file: string, setting: string): Promise<LocalPact> {
  let text: string;
  try {
    if (!(await stat(file)).isFile()) {
      throw new Error('not a file');
    }
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(setting, `Cannot read the pact file ${file}: ${describeFsError(error)}`, { cause: error });
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(setting, `The pact file ${file} is not valid JSON`, { cause: error });
  }
  if (!isRecord(document) || !Array.isArray(document['interactions'])) {
    throw new ConfigError(setting, `The file ${file} is not a pact (no "interactions" list)`);
  }
  const consumer = nameOf(document['consumer']);
  const provider = nameOf(document['provider']);
  if (consumer === undefined || provider === undefined) {
    throw new ConfigError(setting, `The pact file ${file} does not name its consumer and provider`);
  }
  const interactions = (document['interactions'] as unknown[]).map((interaction, index) => describeInteraction(interaction, `${file} interaction ${index}`, setting));
  return { file, consumer, provider, interactions, document };
}

function describeInteraction(value: unknown, where: string, setting: string): PactInteraction {
  const interaction = interactionOf(value);
  if (interaction === undefined) {
    throw new ConfigError(setting, `${where} has no description`);
  }
  return interaction;
}

/** One interaction of a pact document (a file, or a pact the broker serves); `undefined` without a description. */
export function interactionOf(value: unknown): PactInteraction | undefined {
  if (!isRecord(value) || typeof value['description'] !== 'string') {
    return undefined;
  }
  const request = isRecord(value['request']) ? value['request'] : {};
  const states = statesOf(value);
  return {
    description: value['description'],
    states: states.map((state) => state.name),
    stateParams: states.map((state) => state.params),
    carriesInvalidToken: carriesInvalidToken(request),
    method: typeof request['method'] === 'string' ? request['method'].toUpperCase() : 'GET',
    pathTemplate: pathTemplateOf(request),
  };
}

/** V3/V4 `providerStates: [{name, params}]`, or V2 `providerState: "..."`. */
function statesOf(interaction: Record<string, unknown>): { name: string; params: unknown }[] {
  const states = interaction['providerStates'];
  if (Array.isArray(states)) {
    return states
      .map((state) => (isRecord(state) && typeof state['name'] === 'string' ? { name: state['name'], params: state['params'] ?? {} } : { name: '', params: {} }))
      .filter((state) => state.name !== '');
  }
  return typeof interaction['providerState'] === 'string' ? [{ name: interaction['providerState'], params: {} }] : [];
}

/** The path generator's expression (V3 `generators.path`, V4 the same under `request`), else the literal path. */
function pathTemplateOf(request: Record<string, unknown>): string {
  const generators = isRecord(request['generators']) ? request['generators'] : {};
  const path = isRecord(generators['path']) ? generators['path'] : {};
  if (typeof path['expression'] === 'string') {
    return path['expression'];
  }
  return typeof request['path'] === 'string' ? request['path'] : '/';
}

/** Whether the request's `X-Auth-Token` is the literal invalid token (V4 lists values, V2/V3 a string). */
function carriesInvalidToken(request: unknown): boolean {
  if (!isRecord(request) || !isRecord(request['headers'])) {
    return false;
  }
  for (const [name, value] of Object.entries(request['headers'])) {
    if (name.toLowerCase() === AUTH_TOKEN_HEADER.toLowerCase()) {
      const values = Array.isArray(value) ? value : [value];
      return values.length === 1 && values[0] === INVALID_TOKEN;
    }
  }
  return false;
}

/**
 * Writes a copy of `pact` holding only the interactions `keep` accepts, into `dir` under the
 * original file name (prefixed with `index` so two sources cannot collide).
 *
 * @returns the path written.
 */
export async function writeFilteredPact(
  dir: string,
  index: number,
  pact: LocalPact,
  keep: (interaction: PactInteraction) => boolean,
): Promise<string> {
  const source = pact.document['interactions'] as unknown[];
  const kept = source.filter((_, position) => keep(pact.interactions[position] as PactInteraction));
  const file = join(dir, `${index}-${basename(pact.file)}`);
  await writeFile(file, JSON.stringify({ ...pact.document, interactions: kept }, null, 2), 'utf8');
  return file;
}

/** The `name` of a pact's `consumer` or `provider`; `undefined` when it has none. */
export function nameOf(party: unknown): string | undefined {
  return isRecord(party) && typeof party['name'] === 'string' && party['name'] !== '' ? party['name'] : undefined;
}

function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'ENOENT') {
    return 'it does not exist';
  }
  if (code === 'ENOTDIR') {
    return 'it is not a directory';
  }
  return error instanceof Error ? error.message : String(error);
}
