import { describe, expect, it } from '@jest/globals';
import type { FaultRule, Fixture } from '@ecs-metadata/mock-provider';
import { inspect } from 'node:util';
import { type CredentialProvider, EcsMetadataClient, type EcsMetadataClientOptions, akskAuth, passwordAuth, tokenAuth } from './index.js';
import { rejection, useMockProvider } from './test-support/mock-harness.js';

/**
 * Issue 15, "errors safe to log": no error the client raises, nor its cause nor any value nested in
 * it, carries a credential, whatever the credential kind and whichever way the call failed.
 */

const PROJECT = '9c53a566cb3443ab910cf0daebca90c4';
const SERVER = '998af54b-5762-4041-abc1-f98a2c27b3a2';
const TOKEN = 'TOKEN-SECRET-7d1c0e5b9a';
const AK = 'AKSAFETY00000000TEST';
const SK = 'SK-SECRET-0000000000000000000000000000';
const SECURITY_TOKEN = 'SECURITY-TOKEN-SECRET-51f0';
const PASSWORD = 'PASSWORD-SECRET-horse-battery';

const FIXTURE: Fixture = {
  tokens: [{ token: TOKEN, projectId: PROJECT }],
  accessKeys: [{ accessKey: AK, secretKey: SK, projectId: PROJECT }],
  users: [{ username: 'li', password: PASSWORD, domainName: 'acme', projectId: PROJECT }],
  servers: [{ projectId: PROJECT, serverId: SERVER, metadata: { wj: 'True' } }],
};

const harness = useMockProvider(FIXTURE);

/** Anything that, printed, would hand over a credential (the login's token is the mock's `gAAAAA…`). */
const FORBIDDEN = [TOKEN, SK, SECURITY_TOKEN, PASSWORD, 'gAAAAA', 'SDK-HMAC-SHA256', 'Signature=', 'X-Auth-Token', 'x-auth-token'];

const CREDENTIALS: readonly (readonly [string, () => CredentialProvider])[] = [
  ['a token', () => tokenAuth(TOKEN)],
  ['AK/SK with a security token', () => akskAuth({ accessKey: AK, secretKey: SK, securityToken: SECURITY_TOKEN })],
  ['a password login', () => passwordAuth({ authUrl: `${harness.mock.url}/v3`, username: 'li', password: PASSWORD, userDomainName: 'acme', projectId: PROJECT })],
];

interface Failure {
  /** The error class the call must end with. */
  readonly name: string;
  readonly faults?: readonly FaultRule[];
  readonly options?: Partial<EcsMetadataClientOptions>;
  readonly serverId?: string;
  /** Aborts the call once the first attempt was answered. */
  readonly abort?: boolean;
}

const API = { route: 'get' } as const;

/** One way to fail for every error class the client raises once a request was sent. */
const FAILURES: readonly Failure[] = [
  { name: 'TimeoutError', faults: [{ match: API, delayMs: 2_000 }], options: { timeoutMs: 100 } },
  { name: 'NetworkError', faults: [{ match: API, action: 'reset' }] },
  // The global fetch's errors (undici) hang the request's details on a chain of causes.
  { name: 'NetworkError', faults: [{ match: API, action: 'reset' }], options: { fetch: globalThis.fetch } },
  { name: 'TimeoutError', faults: [{ match: API, delayMs: 2_000 }], options: { timeoutMs: 100, fetch: globalThis.fetch } },
  { name: 'AuthenticationError', faults: [{ match: API, status: 401, times: 2 }] },
  { name: 'RateLimitError', faults: [{ match: API, status: 429, headers: { 'Retry-After': '0' } }] },
  { name: 'ServerError', faults: [{ match: API, status: 503 }] },
  { name: 'NotFoundError', serverId: '00000000-0000-4000-8000-000000000000' },
  { name: 'EcsApiError', faults: [{ match: API, status: 302, headers: { Location: 'https://elsewhere.example/' } }] },
  { name: 'ResponseValidationError', faults: [{ match: API, status: 200, body: 'not json' }] },
  { name: 'ResponseTooLargeError', options: { maxResponseBytes: 10 } },
  { name: 'AbortError', faults: [{ match: API, status: 503 }], options: { retry: { baseDelayMs: 60_000, maxDelayMs: 60_000 } }, abort: true },
  { name: 'ValidationError', serverId: '../etc' },
];

/** Everything a log line could show of `error`: `util.inspect` to the bottom, hidden fields too, and JSON. */
function printed(error: Error): string {
  const causes: unknown[] = [];
  for (let cause: unknown = error.cause; cause !== undefined && causes.length < 10; cause = (cause as { cause?: unknown }).cause) {
    causes.push(cause);
  }
  return [
    inspect(error, { depth: Infinity, showHidden: true, getters: true }),
    JSON.stringify(error),
    JSON.stringify(causes),
    String(error),
    error.stack ?? '',
  ].join('\n');
}

describe('every error of the client is safe to log (issue 15)', () => {
  describe.each(CREDENTIALS)('with %s', (_kind, auth) => {
    it.each(FAILURES.map((failure) => [failure.name, failure.options?.fetch === undefined ? '' : ' (global fetch)', failure] as const))(
      '%s%s carries no credential',
      async (name, _transport, failure) => {
        harness.mock.admin.queueFaults(failure.faults ?? []);
        const controller = new AbortController();
        const client = harness.track(
          new EcsMetadataClient({
            endpoint: harness.mock.url,
            projectId: PROJECT,
            auth: auth(),
            retry: false,
            ...failure.options,
            // Aborts while the client waits to retry, once an attempt was answered.
            ...(failure.abort === true ? { onResponse: () => controller.abort() } : {}),
          }),
        );
        const error = await rejection(client.getServerMetadata(failure.serverId ?? SERVER, { signal: controller.signal }));
        expect(error.name).toBe(name);
        const text = printed(error);
        for (const secret of FORBIDDEN) {
          expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
        }
      },
    );
  });

  describe('a failed password login', () => {
    const login = (overrides: Record<string, unknown>): CredentialProvider =>
      passwordAuth({ authUrl: `${harness.mock.url}/v3`, username: 'li', password: PASSWORD, userDomainName: 'acme', projectId: PROJECT, ...overrides });
    const LOGIN = { route: 'login' } as const;

    it.each([
      ['AuthenticationError', [], { password: `${PASSWORD}-wrong` }],
      ['TimeoutError', [{ match: LOGIN, delayMs: 2_000 }], { timeoutMs: 100 }],
      ['NetworkError', [{ match: LOGIN, action: 'reset' }], {}],
      ['NetworkError', [{ match: LOGIN, action: 'reset' }], { fetch: globalThis.fetch }],
      ['ServerError', [{ match: LOGIN, status: 503 }], {}],
    ] as const)('%s carries no credential', async (name, faults, overrides) => {
      harness.mock.admin.queueFaults(faults as readonly FaultRule[]);
      const client = harness.track(
        new EcsMetadataClient({ endpoint: harness.mock.url, projectId: PROJECT, auth: login(overrides), retry: false }),
      );
      const error = await rejection(client.getServerMetadata(SERVER));
      expect(error.name).toBe(name);
      const text = printed(error);
      for (const secret of [...FORBIDDEN, `${PASSWORD}-wrong`]) {
        expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
      }
    });
  });
});
