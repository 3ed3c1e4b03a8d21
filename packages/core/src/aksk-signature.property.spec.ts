/**
 * Property specs of AK/SK signing (spec §9.2) under hostile inputs: the signer either refuses an
 * input with a ValidationError or adds only well-formed headers (no CR, LF or NUL: a value cannot
 * split a header); what it signs, the mock's verifier accepts; and the verifier never throws for
 * anything a request can carry. Seeds and run counts: `test-support/property-runs.ts`.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseAkSkAuthorization, signAkSkRequest, verifyAkSkSignature } from './aksk-signature.js';
import { ValidationError } from './errors.js';
import { EXAMPLE_PROJECT_ID } from './examples.js';
import { buildGetServerMetadataItemRequest } from './metadata-requests.js';
import { hostileString } from './test-support/hostile-strings.js';
import { propertyParameters } from './test-support/property-runs.js';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/u;
const UNSAFE_HEADER_TEXT = /[\r\n\0]/u;
const SIGNER_PARAMETERS = ['method', 'url', 'headers', 'ak', 'sk', 'securityToken', 'date'];

const headerName = fc.oneof(
  hostileString,
  fc.constantFrom('Host', 'Content-Type', 'X-Project-Id', 'x-sdk-date', 'Authorization', 'X-Security-Token', 'X-Sdk-Content-Sha256', 'host'),
);
const visibleAscii = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code)),
  minLength: 1,
  maxLength: 24,
});

const signerInput = fc.record({
  method: fc.oneof(fc.constantFrom('GET', 'put', 'DELETE'), hostileString),
  url: fc.oneof(
    fc.constantFrom(`https://ecs.example/v2.1/${EXAMPLE_PROJECT_ID}/servers/x/metadata?b=2&a=%2F`, 'http://127.0.0.1:1/a%20b/./../c'),
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
    hostileString,
  ),
  headers: fc.dictionary(headerName, fc.oneof(hostileString, visibleAscii), { maxKeys: 5 }),
  body: fc.option(fc.oneof(hostileString, fc.uint8Array({ maxLength: 64 })), { nil: undefined }),
  ak: fc.oneof(visibleAscii, hostileString),
  sk: fc.oneof(visibleAscii, hostileString),
  securityToken: fc.option(fc.oneof(visibleAscii, hostileString), { nil: undefined }),
  date: fc.date({ noInvalidDate: false }),
});

describe('signAkSkRequest, for any input', () => {
  it('refuses it with a ValidationError naming an input, or adds only well-formed, parseable headers', () => {
    fc.assert(
      fc.property(signerInput, (input) => {
        let added: Record<string, string>;
        try {
          added = signAkSkRequest(input);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
          expect(SIGNER_PARAMETERS).toContain((error as ValidationError).parameter);
          // The SK is a secret: no refusal may quote it (a one-character SK is too common to test).
          if (input.sk.length >= 6) {
            expect((error as Error).message).not.toContain(input.sk);
          }
          return;
        }
        for (const [name, value] of Object.entries(added)) {
          expect(name).toMatch(HEADER_NAME);
          expect(value).not.toMatch(UNSAFE_HEADER_TEXT);
        }
        expect(parseAkSkAuthorization(added['Authorization'])?.accessKey).toBe(input.ak);
      }),
      propertyParameters(),
    );
  });
});

describe('a request the client signs, the verifier accepts', () => {
  it('for any server id and key the builders accept, over the wire form of the URL', () => {
    fc.assert(
      fc.property(hostileString, fc.oneof(hostileString, fc.stringMatching(/^[A-Za-z0-9_:. -]{1,20}$/u)), visibleAscii.filter((ak) => !ak.includes(',')), visibleAscii, fc.date({ noInvalidDate: true, min: new Date(0), max: new Date('9999-12-31') }), (serverId, key, ak, sk, date) => {
        let url: URL;
        try {
          url = new URL(buildGetServerMetadataItemRequest({ endpoint: 'https://ecs.example', projectId: EXAMPLE_PROJECT_ID, serverId, key, keyRules: 'nova' }).url);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
          return;
        }
        const headers = { Host: url.host, 'Content-Type': 'application/json', 'X-Project-Id': EXAMPLE_PROJECT_ID };
        const added = signAkSkRequest({ method: 'GET', url: url.href, headers, body: undefined, ak, sk, date });
        const verdict = verifyAkSkSignature(
          { method: 'GET', path: url.pathname, query: url.search, headers: { ...headers, ...added }, body: undefined },
          { lookupSecretKey: (accessKey) => (accessKey === ak ? sk : undefined), maxSkewMs: false, pathProjectId: EXAMPLE_PROJECT_ID },
        );
        expect(verdict).toEqual({ valid: true, accessKey: ak, signedHeaders: ['content-type', 'host', 'x-project-id', 'x-sdk-date'], projectId: EXAMPLE_PROJECT_ID });
      }),
      propertyParameters(),
    );
  });
});

describe('verifyAkSkSignature, for anything a request carries', () => {
  const headerValue = fc.oneof(hostileString, fc.array(hostileString, { maxLength: 3 }), fc.constant(undefined));
  const received = fc.record({
    method: hostileString,
    path: hostileString,
    query: hostileString,
    headers: fc.oneof(
      fc.dictionary(headerName, headerValue, { maxKeys: 6 }),
      // A well-formed Authorization with hostile neighbours reaches the later steps of the recipe.
      fc.record({
        authorization: fc.tuple(visibleAscii, fc.array(fc.oneof(hostileString, fc.constantFrom('x-sdk-date', 'host', 'x-project-id')), { minLength: 1, maxLength: 3 }), fc.stringMatching(/^[0-9a-f]{64}$/u))
          .map(([ak, names, signature]) => `SDK-HMAC-SHA256 Access=${ak}, SignedHeaders=${names.join(';')}, Signature=${signature}`),
        'x-sdk-date': fc.oneof(hostileString, fc.constantFrom('20240102T030405Z', '20241302T030405Z', '99991231T235959Z')),
        host: hostileString,
        'x-project-id': hostileString,
        'x-sdk-content-sha256': hostileString,
      }),
    ),
    body: fc.option(fc.oneof(hostileString, fc.uint8Array({ maxLength: 32 })), { nil: undefined }),
  });

  it('answers a verdict and never throws', () => {
    fc.assert(
      fc.property(received, fc.option(hostileString, { nil: undefined }), (request, secretKey) => {
        const verdict = verifyAkSkSignature(request as Parameters<typeof verifyAkSkSignature>[0], {
          lookupSecretKey: () => secretKey,
          now: new Date('2024-01-02T03:04:05Z'),
          pathProjectId: EXAMPLE_PROJECT_ID,
        });
        expect(typeof verdict.valid).toBe('boolean');
      }),
      propertyParameters(),
    );
  });
});
