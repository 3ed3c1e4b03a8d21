import { fileURLToPath } from 'node:url';
import { type Matchers, MatchersV3, PactV4, type V3MockServer } from '@pact-foundation/pact';
import type { ApiVersion } from '@ecs-metadata/core';

/** Consumer and provider names (PACT-GUIDE "Names and files"): never versioned. */
export const CONSUMER = 'ecs-metadata-client';
export const PROVIDER = 'ecs-metadata-api';
/** The ECS native (`/v1/.../cloudservers`) calls have a pact of their own (DECISIONS "Contract"). */
export const NATIVE_PROVIDER = 'ecs-native-metadata-api';

/** `pacts/` at the workspace root, from this file's location (never the cwd). */
export const PACT_DIR = fileURLToPath(new URL('../../../pacts', import.meta.url));

/** The token the consumer sends; verifiers replace it with a real credential. */
export const EXAMPLE_TOKEN = 'example-token';
/** The literal token of the 401 interaction; verifiers leave it as it is (DECISIONS "Contract"). */
export const INVALID_TOKEN = 'invalid-token';

/** A V4 pact between our consumer and `provider` (default the Nova-compatible API), written into {@link PACT_DIR}. */
export function createPact(provider: typeof PROVIDER | typeof NATIVE_PROVIDER = PROVIDER): PactV4 {
  return new PactV4({
    consumer: CONSUMER,
    provider,
    dir: PACT_DIR,
    logLevel: (process.env.PACT_LOG_LEVEL ?? 'warn') as 'warn',
  });
}

/**
 * The list-metadata path as a provider-state-generated regex matcher (PACT-GUIDE): the verifier
 * substitutes the ids its state handlers return; the consumer's mock only accepts this shape.
 */
export function metadataPath(version: ApiVersion, projectId: string, serverId: string): Matchers.Matcher<string> {
  return {
    'pact:matcher:type': 'regex',
    regex: `^/${version.replace('.', '\\.')}/[0-9a-f]{32}/servers/[0-9a-f-]{36}/metadata$`,
    'pact:generator:type': 'ProviderState',
    expression: `/${version}/\${projectId}/servers/\${serverId}/metadata`,
    value: `/${version}/${projectId}/servers/${serverId}/metadata`,
  } as unknown as Matchers.Matcher<string>;
}

/**
 * The item path (`.../metadata/{key}`) as a provider-state-generated regex matcher: the key comes
 * from the state's `key` param, which the verifier's handler hands back with the ids.
 */
export function metadataItemPath(version: ApiVersion, projectId: string, serverId: string, key: string): Matchers.Matcher<string> {
  return {
    'pact:matcher:type': 'regex',
    regex: `^/${version.replace('.', '\\.')}/[0-9a-f]{32}/servers/[0-9a-f-]{36}/metadata/[A-Za-z0-9_.:%-]{1,765}$`,
    'pact:generator:type': 'ProviderState',
    expression: `/${version}/\${projectId}/servers/\${serverId}/metadata/\${key}`,
    value: `/${version}/${projectId}/servers/${serverId}/metadata/${key}`,
  } as unknown as Matchers.Matcher<string>;
}

/** The ECS native metadata path, `/v1/{project_id}/cloudservers/{server_id}/metadata` (spec §3.7). */
export function nativeMetadataPath(projectId: string, serverId: string): Matchers.Matcher<string> {
  return {
    'pact:matcher:type': 'regex',
    regex: '^/v1/[0-9a-f]{32}/cloudservers/[0-9a-f-]{36}/metadata$',
    'pact:generator:type': 'ProviderState',
    expression: '/v1/${projectId}/cloudservers/${serverId}/metadata',
    value: `/v1/${projectId}/cloudservers/${serverId}/metadata`,
  } as unknown as Matchers.Matcher<string>;
}

/** The ECS native item path, `/v1/{project_id}/cloudservers/{server_id}/metadata/{key}` (spec §3.8). */
export function nativeMetadataItemPath(projectId: string, serverId: string, key: string): Matchers.Matcher<string> {
  return {
    'pact:matcher:type': 'regex',
    regex: '^/v1/[0-9a-f]{32}/cloudservers/[0-9a-f-]{36}/metadata/[A-Za-z0-9_.:%-]{1,765}$',
    'pact:generator:type': 'ProviderState',
    expression: '/v1/${projectId}/cloudservers/${serverId}/metadata/${key}',
    value: `/v1/${projectId}/cloudservers/${serverId}/metadata/${key}`,
  } as unknown as Matchers.Matcher<string>;
}

/** Any keys (the spec's key pattern, space allowed as in Nova), string values; `{}` passes too. */
export function metadataMap(example: Record<string, string>): Matchers.Matcher<Record<string, string>> {
  return MatchersV3.eachKeyMatches(
    MatchersV3.eachValueMatches(example, MatchersV3.string(Object.values(example)[0] ?? 'True')) as unknown as Record<string, unknown>,
    MatchersV3.regex(/^[A-Za-z0-9_.:\- ]{1,255}$/u, Object.keys(example)[0] ?? 'wj'),
  ) as unknown as Matchers.Matcher<Record<string, string>>;
}

/**
 * `Content-Type: application/json` in any parameterisation: Nova answers successes with plain
 * `application/json` and faults with `application/json; charset=UTF-8`. Pact's core requires a
 * header regex to match the whole value, so the parameters are part of the pattern.
 */
export const JSON_CONTENT_TYPE = MatchersV3.regex('^application/json(;.*)?$', 'application/json');

export type { V3MockServer };
