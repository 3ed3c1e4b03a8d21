import { describe, expect, it } from '@jest/globals';
import { ConfigError } from './errors.js';
import { buildApplicationCredentialLoginRequest, buildTokenLookupRequest } from './keystone-logins.js';
import { thrownBy } from './test-support/thrown.js';
import { DEFAULT_USER_AGENT } from './version.js';

const AUTH_URL = 'http://keystone.example:5000/v3';
const SECRET = 'app-cred-secret-0001';
const HEADERS = { Accept: 'application/json', 'Content-Type': 'application/json', 'User-Agent': DEFAULT_USER_AGENT };

describe('buildApplicationCredentialLoginRequest: the bodies keystoneauth sends for v3applicationcredential', () => {
  // label, params besides authUrl and secret, the application_credential object sent
  it.each([
    ['by id', { id: 'ac-id' }, { id: 'ac-id', secret: SECRET }],
    ['by id, the name and user ignored', { id: 'ac-id', name: 'ci', username: 'sam' }, { id: 'ac-id', secret: SECRET }],
    ['by name and user, default domain id', { name: 'ci', username: 'sam' }, { name: 'ci', secret: SECRET, user: { name: 'sam', domain: { id: 'default' } } }],
    ['by name and user in a domain by name', { name: 'ci', username: 'sam', userDomainName: 'Acme' }, { name: 'ci', secret: SECRET, user: { name: 'sam', domain: { name: 'Acme' } } }],
    ['by name and user in a domain by id', { name: 'ci', username: 'sam', userDomainId: 'd1' }, { name: 'ci', secret: SECRET, user: { name: 'sam', domain: { id: 'd1' } } }],
  ])('%s, unscoped', (_label, params, credential) => {
    expect(buildApplicationCredentialLoginRequest({ authUrl: AUTH_URL, secret: SECRET, ...params })).toEqual({
      method: 'POST',
      url: 'http://keystone.example:5000/v3/auth/tokens',
      headers: HEADERS,
      body: JSON.stringify({ auth: { identity: { methods: ['application_credential'], application_credential: credential } } }),
    });
  });

  it.each([
    ['no secret', { id: 'ac-id', secret: '' }, 'applicationCredentialSecret'],
    ['neither id nor name', { secret: SECRET }, 'applicationCredentialId'],
    ['a name without its user', { name: 'ci', secret: SECRET }, 'username'],
    ['an id on two lines', { id: 'a\nb', secret: SECRET }, 'applicationCredentialId'],
    ['a Keystone v2.0 URL', { id: 'ac-id', secret: SECRET, authUrl: 'http://keystone.example:5000/v2.0' }, 'authUrl'],
  ])('refuses %s before any I/O, naming the setting and never the secret', (_label, params, setting) => {
    const thrown = thrownBy(() => buildApplicationCredentialLoginRequest({ authUrl: AUTH_URL, ...params }));
    expect(thrown).toMatchObject({ type: ConfigError, setting });
    expect(String(thrown['message'])).not.toContain(SECRET);
  });
});

describe('buildTokenLookupRequest: the catalog of a given token, without a new login', () => {
  it('asks Keystone to show the token itself', () => {
    expect(buildTokenLookupRequest({ authUrl: 'https://iam.example/v3/', token: 'tok' })).toEqual({
      method: 'GET',
      url: 'https://iam.example/v3/auth/tokens',
      headers: { Accept: 'application/json', 'User-Agent': DEFAULT_USER_AGENT, 'X-Auth-Token': 'tok', 'X-Subject-Token': 'tok' },
      body: undefined,
    });
  });

  it.each([
    ['an empty token', { token: ' ' }, 'token'],
    ['a token on two lines', { token: 'a\nb' }, 'token'],
    ['no URL', { authUrl: 'keystone' }, 'authUrl'],
  ])('refuses %s', (_label, params, setting) => {
    expect(thrownBy(() => buildTokenLookupRequest({ authUrl: AUTH_URL, token: 'tok', ...params }))).toMatchObject({ type: ConfigError, setting });
  });
});
