import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:https';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from '@ecs-metadata/client';
import { EXAMPLE_SERVER_ID } from '@ecs-metadata/core';
import type { MockProvider } from '@ecs-metadata/mock-provider';
import { runBin } from './test-support/run-bin.js';
import { plainHttpWarning } from './transport-warning.js';

const PROJECT = '9c53a566cb3443ab910cf0daebca90c4';
const passwordLogin = (authUrl: string) => resolveConfig({ authUrl, username: 'sam' }, { OS_PASSWORD: 'pw-0123456789', OS_PROJECT_ID: PROJECT });
const token = (endpoint: string) => resolveConfig({ endpoint, projectId: PROJECT, token: 'tok-0123456789' }, {});

// Through the real bin: terminal-safety.spec.ts (an endpoint's plain http) and, below, a catalog that
// downgrades an https login; the other cases on the function the CLI calls.
describe('plainHttpWarning (DECISIONS "Plain http")', () => {
  it('warns before a password login over plain http to another host, not to this machine', () => {
    expect(plainHttpWarning(passwordLogin('http://keystone.example:5000/v3'), undefined)).toBe(
      'the password login goes over plain http to keystone.example:5000: the password can be read on the way',
    );
    expect(plainHttpWarning(passwordLogin('http://127.0.0.1:5000/v3'), undefined)).toBeUndefined();
    expect(plainHttpWarning(passwordLogin('https://keystone.example/v3'), undefined)).toBeUndefined();
  });

  it("warns when the catalog downgrades the login's https to http, or names another host", () => {
    const login = passwordLogin('https://cloud.example/identity/v3');
    expect(plainHttpWarning(login, 'http://cloud.example/compute')).toBe(
      "the catalog's compute endpoint http://cloud.example is plain http although the login was https: the token can be read on the way",
    );
    expect(plainHttpWarning(login, 'https://elsewhere.example/compute')).toBe(
      "the catalog's compute endpoint https://elsewhere.example is on another host than the login (cloud.example): the token goes there",
    );
    expect(plainHttpWarning(login, 'https://cloud.example:8774/v2.1')).toBeUndefined();
  });

  it('warns for an endpoint over plain http to another host, whatever the credential; never for loopback', () => {
    expect(plainHttpWarning(token('http://ecs.example'), 'http://ecs.example')).toBe('credentials go over plain http to ecs.example: they can be read on the way');
    for (const local of ['http://127.0.0.1:8774', 'http://localhost:8774', 'http://[::1]:8774']) {
      expect(plainHttpWarning(token(local), local)).toBeUndefined();
    }
  });
});

// An https identity service in front of the mock's: a TLS proxy on 127.0.0.1 with a self-signed
// certificate for that address (test-support/loopback-tls.*, trusted by the bin through
// NODE_EXTRA_CA_CERTS). It forwards with the mock's own Host, so the catalog it returns names the
// mock's plain-http endpoint: the downgrade a user must hear about.
describe('the catalog downgrade warning, through the real bin', () => {
  const tls = (name: string): string => fileURLToPath(new URL(`./test-support/loopback-tls.${name}`, import.meta.url));
  let mock: MockProvider;
  let proxy: Server;
  let authUrl: string;

  beforeAll(async () => {
    const { DEFAULT_FIXTURE, startMockProvider } = await import('@ecs-metadata/mock-provider');
    mock = await startMockProvider({ port: 0, fixture: DEFAULT_FIXTURE });
    const target = new URL(mock.url);
    proxy = createServer({ cert: readFileSync(tls('crt')), key: readFileSync(tls('key')) }, (inbound, outbound) => {
      const forwarded = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: inbound.method,
          path: inbound.url,
          headers: { ...inbound.headers, host: target.host },
        },
        (answer) => {
          outbound.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outbound);
        },
      );
      inbound.pipe(forwarded);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const address = proxy.address();
    authUrl = `https://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/v3`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
    await mock.close();
  });

  it('warns once when an https login hands out a plain-http compute endpoint, and still reads', async () => {
    const { DEMO_USER } = await import('@ecs-metadata/mock-provider');
    const result = await runBin(['get', EXAMPLE_SERVER_ID], {
      NODE_EXTRA_CA_CERTS: tls('crt'),
      OS_AUTH_URL: authUrl,
      OS_USERNAME: DEMO_USER.username,
      OS_PASSWORD: DEMO_USER.password,
      OS_PROJECT_ID: DEMO_USER.projectId,
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ wj: 'True' });
    const warnings = result.stderr.split('\n').filter((line) => line.includes('warning'));
    expect(warnings).toEqual([
      `ecs-metadata: warning: the catalog's compute endpoint ${new URL(mock.url).origin} is plain http although the login was https: the token can be read on the way`,
    ]);
    expect(result.stderr).not.toContain(DEMO_USER.password);
  });
});
