/**
 * Property specs of the password login (spec §9.1) under hostile inputs: any string as a login
 * setting is refused with a ConfigError naming that setting, or goes into a request to
 * `…/v3/auth/tokens` with well-formed headers and a body holding it verbatim; any answer to the
 * login gives a token or one of our typed errors, and any catalog URL in it an endpoint or a
 * ConfigError. Seeds and run counts: `test-support/property-runs.ts`.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ConfigError, EcsMetadataError } from './errors.js';
import { EXAMPLE_PROJECT_ID } from './examples.js';
import { buildPasswordLoginRequest, computeEndpointBase, findCatalogEndpoint, interpretPasswordLoginResponse, type PasswordLoginParams } from './password-login.js';
import { hostileString } from './test-support/hostile-strings.js';
import { propertyParameters } from './test-support/property-runs.js';

const SETTINGS = ['authUrl', 'username', 'password', 'userDomainName', 'userDomainId', 'projectId', 'projectName', 'projectDomainName', 'projectDomainId', 'userAgent'] as const;
type Setting = (typeof SETTINGS)[number];

const VALID: PasswordLoginParams = {
  authUrl: 'https://iam.cn-north-4.myhuaweicloud.com/v3',
  username: 'li',
  password: 'correct horse battery staple',
  projectName: 'cn-north-4',
};

const UNSAFE_HEADER_TEXT = /[\r\n\0]/u;

describe.each(SETTINGS.map((setting) => [setting]))('buildPasswordLoginRequest, for any string as %s', (setting: Setting) => {
  it('refuses it naming the setting, or sends it verbatim in the body of a request to …/v3/auth/tokens', () => {
    fc.assert(
      fc.property(hostileString, (value) => {
        const params: PasswordLoginParams = { ...VALID, [setting]: value };
        let request: ReturnType<typeof buildPasswordLoginRequest>;
        try {
          request = buildPasswordLoginRequest(params);
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          expect((error as ConfigError).setting).toBe(setting);
          if (setting === 'password' && value.length >= 6) {
            expect((error as Error).message).not.toContain(value);
          }
          return;
        }
        const url = new URL(request.url);
        expect(url.href).toBe(request.url);
        expect(url.pathname.endsWith('/v3/auth/tokens')).toBe(true);
        expect(url.search + url.hash).toBe('');
        for (const [name, headerValue] of Object.entries(request.headers)) {
          expect(`${name}${headerValue}`).not.toMatch(UNSAFE_HEADER_TEXT);
        }
        const body = JSON.parse(request.body as string) as {
          auth: { identity: { password: { user: { name: string; password: string } } } };
        };
        expect(body.auth.identity.password.user).toMatchObject({ name: params.username, password: params.password });
      }),
      propertyParameters(),
    );
  });
});

const jsonOrString = fc.oneof(fc.jsonValue({ maxDepth: 2 }), hostileString);
const endpointUrl = fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), hostileString, fc.constantFrom('https://ecs.example/v2.1/' + EXAMPLE_PROJECT_ID, 'http://[::1]:8774/v2', 'https://ecs.example/v2.1/'));
const endpoint = fc.record({ interface: fc.oneof(fc.constantFrom('public', 'internal'), jsonOrString), region: jsonOrString, region_id: jsonOrString, url: fc.oneof(endpointUrl, jsonOrString) }, { requiredKeys: [] });
const loginBody = fc.record(
  {
    token: fc.record(
      {
        expires_at: fc.oneof({ arbitrary: fc.constantFrom('2030-01-02T03:04:05.000000Z', '2030-13-02T03:04:05Z', ''), weight: 4 }, { arbitrary: jsonOrString, weight: 1 }),
        issued_at: fc.oneof(fc.constantFrom('2030-01-01T03:04:05Z'), jsonOrString),
        project: fc.oneof(fc.record({ id: jsonOrString, name: jsonOrString }, { requiredKeys: [] }), jsonOrString),
        catalog: fc.oneof(fc.array(fc.record({ type: fc.oneof(fc.constant('compute'), jsonOrString), name: jsonOrString, endpoints: fc.oneof(fc.array(endpoint, { maxLength: 3 }), jsonOrString) }, { requiredKeys: [] }), { maxLength: 3 }), jsonOrString),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

describe('interpretPasswordLoginResponse and the catalog, for any answer', () => {
  it('gives a token and a catalog whose compute URL is an endpoint or a ConfigError, or throws a typed error', () => {
    fc.assert(
      fc.property(
        fc.oneof({ arbitrary: fc.constantFrom(200, 201), weight: 4 }, { arbitrary: fc.integer({ min: 0, max: 999 }), weight: 1 }),
        fc.record(
          {
            'Content-Type': fc.oneof({ arbitrary: fc.constant('application/json'), weight: 4 }, { arbitrary: hostileString, weight: 1 }),
            'X-Subject-Token': hostileString,
          },
          { requiredKeys: [] },
        ),
        fc.oneof(
          loginBody.map((body) => JSON.stringify(body)),
          fc.uint8Array({ maxLength: 128 }).map((bytes) => new TextDecoder().decode(bytes)),
        ),
        (status, headers, text) => {
          let login: ReturnType<typeof interpretPasswordLoginResponse>;
          try {
            login = interpretPasswordLoginResponse(status, headers, text);
          } catch (error) {
            expect(error).toBeInstanceOf(EcsMetadataError);
            return;
          }
          expect([200, 201]).toContain(status);
          expect(login.token).not.toBe('');
          expect(Number.isFinite(login.expiresAt)).toBe(true);
          const computeUrl = findCatalogEndpoint(login.catalog, { type: 'compute' });
          if (computeUrl !== undefined) {
            try {
              const base = computeEndpointBase(computeUrl);
              expect(new URL(base).protocol).toMatch(/^https?:$/u);
            } catch (error) {
              expect(error).toBeInstanceOf(ConfigError);
            }
          }
        },
      ),
      propertyParameters(),
    );
  });
});
