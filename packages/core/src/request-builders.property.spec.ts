/**
 * Property specs of every request builder that takes an id, key or value (spec §3.1-§3.8): for any
 * string, a builder either refuses it with a ValidationError naming that parameter, or builds a URL
 * whose parsed path (WHATWG URL, as fetch sends it) is exactly the call's template with one encoded
 * segment per id, decoding back to the input, so it never leaves `/…/servers/{id}/metadata`; no
 * header can carry CR, LF or NUL. Seeds and run counts: `test-support/property-runs.ts`.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ValidationError } from './errors.js';
import { EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID } from './examples.js';
import {
  buildDeleteServerMetadataItemRequest,
  buildDeleteServerMetadataItemV1Request,
  buildGetServerMetadataItemRequest,
  buildReplaceServerMetadataRequest,
  buildSetServerMetadataItemRequest,
  buildUpdateServerMetadataRequest,
  buildUpdateServerMetadataV1Request,
} from './metadata-requests.js';
import { type ApiVersion, buildGetServerMetadataRequest, type EcsRequest } from './request.js';
import type { MetadataKeyRules } from './schemas.js';
import { hostileString } from './test-support/hostile-strings.js';
import { propertyParameters } from './test-support/property-runs.js';

/** Everything a builder may take; the property varies one field and keeps the others valid. */
interface Inputs {
  endpoint: string;
  apiVersion: ApiVersion | undefined;
  keyRules: MetadataKeyRules | undefined;
  force: boolean;
  projectId: string;
  serverId: string;
  key: string;
  value: string;
  metadata: Record<string, string>;
  userAgent: string | undefined;
}

type Fuzzed = 'projectId' | 'serverId' | 'key' | 'value' | 'metadata' | 'userAgent';
/** A path template: literal segments, `{version}`, or the input whose encoded value stands there. */
type Segment = string | { input: 'projectId' | 'serverId' | 'key' } | { version: true };

interface BuilderCase {
  readonly name: string;
  readonly build: (inputs: Inputs) => EcsRequest;
  readonly template: readonly Segment[];
  readonly fuzzed: readonly Fuzzed[];
}

const PROJECT = { input: 'projectId' } as const;
const SERVER = { input: 'serverId' } as const;
const KEY = { input: 'key' } as const;
const VERSION = { version: true } as const;
const NOVA_METADATA: readonly Segment[] = [VERSION, PROJECT, 'servers', SERVER, 'metadata'];
const NATIVE_METADATA: readonly Segment[] = ['v1', PROJECT, 'cloudservers', SERVER, 'metadata'];

const BUILDERS: readonly BuilderCase[] = [
  { name: 'get (§3.1)', build: (i) => buildGetServerMetadataRequest(i), template: NOVA_METADATA, fuzzed: ['projectId', 'serverId', 'userAgent'] },
  {
    name: 'get item (§3.2)',
    build: (i) => buildGetServerMetadataItemRequest(i),
    template: [...NOVA_METADATA, KEY],
    fuzzed: ['projectId', 'serverId', 'key', 'userAgent'],
  },
  { name: 'merge (§3.3)', build: (i) => buildUpdateServerMetadataRequest(i), template: NOVA_METADATA, fuzzed: ['projectId', 'serverId', 'metadata'] },
  { name: 'replace (§3.4)', build: (i) => buildReplaceServerMetadataRequest(i), template: NOVA_METADATA, fuzzed: ['projectId', 'serverId', 'metadata'] },
  {
    name: 'set item (§3.5)',
    build: (i) => buildSetServerMetadataItemRequest(i),
    template: [...NOVA_METADATA, KEY],
    fuzzed: ['projectId', 'serverId', 'key', 'value'],
  },
  { name: 'delete item (§3.6)', build: (i) => buildDeleteServerMetadataItemRequest(i), template: [...NOVA_METADATA, KEY], fuzzed: ['projectId', 'serverId', 'key'] },
  { name: 'native merge (§3.7)', build: (i) => buildUpdateServerMetadataV1Request(i), template: NATIVE_METADATA, fuzzed: ['projectId', 'serverId', 'metadata'] },
  {
    name: 'native delete item (§3.8)',
    build: (i) => buildDeleteServerMetadataItemV1Request(i),
    template: [...NATIVE_METADATA, KEY],
    fuzzed: ['projectId', 'serverId', 'key', 'userAgent'],
  },
];

// Endpoints with and without a base path: the template must follow whatever path the endpoint has.
const ENDPOINTS = ['https://ecs.cn-north-4.myhuaweicloud.com', 'http://127.0.0.1:8774/', 'https://gw.example/compute/api'] as const;

const validInputs: fc.Arbitrary<Inputs> = fc.record({
  endpoint: fc.constantFrom(...ENDPOINTS),
  apiVersion: fc.constantFrom<ApiVersion | undefined>('v2', 'v2.1', undefined),
  keyRules: fc.constantFrom<MetadataKeyRules | undefined>('huawei', 'nova', undefined),
  force: fc.boolean(),
  projectId: fc.constant(EXAMPLE_PROJECT_ID),
  serverId: fc.constant(EXAMPLE_SERVER_ID),
  key: fc.constantFrom('wj', 'os:type.v1', 'a.b-c_d'),
  value: fc.constantFrom('True', '', 'x'.repeat(255)),
  metadata: fc.constant({ wj: 'True' }),
  userAgent: fc.constantFrom(undefined, 'my-app/1.0'),
});

// Values a JavaScript caller could pass through an untyped boundary, besides hostile strings.
const hostileValue = fc.oneof({ arbitrary: hostileString, weight: 5 }, fc.constant(null), fc.integer(), fc.constant(undefined));

const fuzzedValue: Record<Fuzzed, fc.Arbitrary<unknown>> = {
  projectId: hostileString,
  serverId: hostileString,
  key: hostileString,
  value: hostileValue,
  userAgent: hostileString,
  metadata: fc.oneof(
    fc.dictionary(hostileString, hostileValue, { maxKeys: 4 }),
    fc.dictionary(fc.constantFrom('wj', '__proto__', 'constructor', 'os_type', 'a b'), hostileString, { maxKeys: 3 }),
    hostileValue,
  ),
};

const UNSAFE_HEADER_TEXT = /[\r\n\0]/u;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/u;

/** The checks every built request passes, whatever its inputs were. */
function expectContained(request: EcsRequest, builder: BuilderCase, inputs: Inputs): void {
  const url = new URL(request.url);
  // What we built is what fetch sends: the WHATWG parser changes nothing (no dot-segment removal, no re-encoding).
  expect(url.href).toBe(request.url);
  expect(url.search).toBe('');
  expect(url.hash).toBe('');
  const base = new URL(inputs.endpoint);
  expect(url.origin).toBe(base.origin);
  const basePath = base.pathname.replace(/\/+$/u, '');
  expect(url.pathname.startsWith(`${basePath}/`)).toBe(true);
  const segments = url.pathname.slice(basePath.length + 1).split('/');
  expect(segments).toHaveLength(builder.template.length);
  builder.template.forEach((part, index) => {
    const segment = segments[index] as string;
    if (typeof part === 'string') {
      expect(segment).toBe(part);
    } else if ('version' in part) {
      expect(segment).toBe(inputs.apiVersion ?? 'v2.1');
    } else {
      // One segment that a server decoding once reads back as exactly the input, and never as a
      // separator or a dot segment.
      const decoded = decodeURIComponent(segment);
      expect(decoded).toBe(inputs[part.input]);
      expect(decoded).not.toMatch(/[/\\]/u);
      expect(['.', '..']).not.toContain(decoded);
      // Nor once more, by a proxy or server that decodes twice (DECISIONS "Ids": encoded dots are refused too).
      const twice = decodeLeniently(decoded);
      expect(twice).not.toMatch(/[/\\]/u);
      expect(['.', '..']).not.toContain(twice);
    }
  });
  for (const [name, value] of Object.entries(request.headers)) {
    expect(name).toMatch(HEADER_NAME);
    expect(value).not.toMatch(UNSAFE_HEADER_TEXT);
  }
  if (request.body !== undefined) {
    expect(() => JSON.parse(request.body as string)).not.toThrow();
  }
}

/** Decodes `%XX` escapes as a lenient server would, leaving malformed ones as they are. */
function decodeLeniently(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value.replace(/%([0-9a-f]{2})/giu, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  }
}

describe.each(BUILDERS)('the $name builder, for any string as an input', (builder) => {
  it.each(builder.fuzzed.map((field) => [field]))('%s: refused naming it, or one encoded segment that cannot leave the template', (field) => {
    fc.assert(
      fc.property(validInputs, fuzzedValue[field], (valid, fuzzed) => {
        const inputs = { ...valid, [field]: fuzzed } as Inputs;
        let request: EcsRequest;
        try {
          request = builder.build(inputs);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
          expect((error as ValidationError).parameter).toBe(field);
          return;
        }
        expectContained(request, builder, inputs);
      }),
      propertyParameters(),
    );
  });
});

describe('examples the properties guard', () => {
  const builder = BUILDERS[0] as BuilderCase;
  const inputs = (serverId: string): Inputs => ({
    endpoint: 'https://gw.example/compute',
    apiVersion: undefined,
    keyRules: undefined,
    force: false,
    projectId: EXAMPLE_PROJECT_ID,
    serverId,
    key: 'wj',
    value: 'True',
    metadata: {},
    userAgent: undefined,
  });

  it.each(['..', '%2e%2e', '.%2E', '%2e', 'a/b', 'a%2fb', 'a\\b', 'a%5Cb', 'a\r\nX-Injected: 1', 'a%0d%0a', '\ud800'])('refuses %j as a server id', (serverId) => {
    expect(() => builder.build(inputs(serverId))).toThrow(ValidationError);
  });

  it.each([
    ['a double-encoded dot segment, as text', '%252e%252e', '%25252e%25252e'],
    ['an overlong UTF-8 slash, as text', '%c0%af', '%25c0%25af'],
    ['a fullwidth solidus', '／', '%EF%BC%8F'],
    ['a query marker', 'a?b', 'a%3Fb'],
    ['a fragment marker', 'a#b', 'a%23b'],
  ])('builds %s into one segment', (_label, serverId, segment) => {
    const request = builder.build(inputs(serverId));
    expect(request.url).toBe(`https://gw.example/compute/v2.1/${EXAMPLE_PROJECT_ID}/servers/${segment}/metadata`);
    expectContained(request, builder, inputs(serverId));
  });
});
