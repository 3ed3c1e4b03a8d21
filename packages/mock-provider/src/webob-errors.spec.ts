import { describe, expect, it } from '@jest/globals';
import { afterAll, beforeAll } from '@jest/globals';
import { type MockProvider, startMockProvider } from './index.js';
import { AUTH_HEADERS, metadataPath, rawRequest } from './test-support/http.js';
import { webobMediaType } from './webob-errors.js';

// What Nova 26 (Zed) answered for the router's 404 under each Accept (the real-Nova stage, curl).
const NOVA_404 = {
  'text/plain': '404 Not Found\n\nThe resource could not be found.\n\n   ',
  'text/html':
    '<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  The resource could not be found.<br /><br />\n\n\n\n </body>\n</html>',
  'application/json': '{"message": "The resource could not be found.<br /><br />\\n\\n\\n", "code": "404 Not Found", "title": "Not Found"}',
} as const;

describe("webob's content negotiation for Nova's errors outside its API layer", () => {
  it.each([
    [undefined, 'text/plain'],
    ['', 'text/plain'],
    ['*/*', 'text/html'],
    ['application/json', 'application/json'],
    ['text/plain', 'text/plain'],
    ['text/html', 'text/html'],
    ['application/xml', 'text/plain'],
    ['application/json;q=0.5, text/plain', 'application/json'],
    ['text/*', 'text/html'],
    ['application/*', 'application/json'],
    ['foo/bar', 'text/plain'],
    ['text/html;q=0.4, application/json;q=0.9', 'application/json'],
    ['*/*;q=0.1, application/json', 'application/json'],
    ['text/html;q=0, */*', 'application/json'],
    ['not a media range', 'text/html'],
  ])('Accept %j → %s (as Nova answered)', (accept, type) => {
    expect(webobMediaType(accept)).toBe(type);
  });

  describe('over loopback', () => {
    let mock: MockProvider;
    beforeAll(async () => {
      mock = await startMockProvider();
    });
    afterAll(async () => {
      await mock.close();
    });

    it.each([
      [undefined, 'text/plain; charset=UTF-8', NOVA_404['text/plain']],
      ['*/*', 'text/html; charset=UTF-8', NOVA_404['text/html']],
      ['application/json', 'application/json', NOVA_404['application/json']],
    ])("the router's 404 for Accept %j is %s, byte for byte Nova's", async (accept, contentType, body) => {
      const headers = accept === undefined ? AUTH_HEADERS : { ...AUTH_HEADERS, Accept: accept };
      const res = await rawRequest(mock.url, `${metadataPath()}/`, { headers });
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toBe(contentType);
      expect(res.text).toBe(body);
    });
  });
});
