import { describe, expect, it } from '@jest/globals';
import { type Route, Router, splitRawPath } from './router.js';

describe('splitRawPath', () => {
  it.each([
    ['/v2.1/p/servers/s/metadata', ['v2.1', 'p', 'servers', 's', 'metadata']],
    ['/v2.1/p/servers/a%2Fb/metadata?x=1', ['v2.1', 'p', 'servers', 'a/b', 'metadata']],
    ['/a/../b', ['a', '..', 'b']],
    ['/a/%2e%2e/b', ['a', '..', 'b']],
    ['/', ['']],
    ['/a/', ['a', '']],
  ])('splits %s', (raw, segments) => {
    expect(splitRawPath(raw)).toEqual(segments);
  });

  it.each(['*', 'http://host/a', '/a/%zz', '/%E0%A4%A'])('refuses %s', (raw) => {
    expect(splitRawPath(raw)).toBeUndefined();
  });
});

describe('Router', () => {
  const handler: Route['handler'] = () => ({ status: 200 });
  const router = new Router([
    { method: 'GET', pattern: '/{version}/items/{id}', family: 'admin', where: { version: (v) => v === 'v1' }, handler },
    { method: 'PUT', pattern: '/{version}/items/{id}', family: 'admin', where: { version: (v) => v === 'v1' }, handler },
  ]);

  it('returns every route of a path, whatever the method, with its parameters', () => {
    expect(router.match(['v1', 'items', 'a b']).map(({ route, params }) => [route.method, params])).toEqual([
      ['GET', { version: 'v1', id: 'a b' }],
      ['PUT', { version: 'v1', id: 'a b' }],
    ]);
  });

  it.each([
    ['a failing condition', ['v2', 'items', 'x']],
    ['a wrong literal', ['v1', 'things', 'x']],
    ['a different length', ['v1', 'items', 'x', '']],
    ['an empty parameter', ['v1', 'items', '']],
    ['a dot parameter', ['v1', 'items', '.']],
    ['a dot-dot parameter', ['v1', 'items', '..']],
  ])('matches nothing for %s', (_name, segments) => {
    expect(router.match(segments)).toEqual([]);
  });
});
