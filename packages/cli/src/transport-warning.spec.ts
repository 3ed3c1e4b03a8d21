import { describe, expect, it } from '@jest/globals';
import { resolveConfig } from '@ecs-metadata/client';
import { plainHttpWarning } from './transport-warning.js';

const PROJECT = '9c53a566cb3443ab910cf0daebca90c4';
const passwordLogin = (authUrl: string) => resolveConfig({ authUrl, username: 'sam' }, { OS_PASSWORD: 'pw-0123456789', OS_PROJECT_ID: PROJECT });
const token = (endpoint: string) => resolveConfig({ endpoint, projectId: PROJECT, token: 'tok-0123456789' }, {});

// Through the real bin: terminal-safety.spec.ts (an endpoint's plain http). The catalog cases need
// an https identity service, so they are checked here on the function the CLI calls.
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
