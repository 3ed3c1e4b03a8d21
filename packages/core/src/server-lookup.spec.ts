import { describe, expect, it } from '@jest/globals';
import { interpretResponse } from './interpret-response.js';
import {
  buildFindServersByNameRequest,
  buildShowServerRequest,
  couldBeServerId,
  exactServerMatches,
  isServerUuid,
  listServersExpectation,
  showServerExpectation,
} from './server-lookup.js';
import { thrownBy } from './test-support/thrown.js';
import { ValidationError } from './errors.js';
import { DEFAULT_USER_AGENT } from './version.js';

const TARGET = { endpoint: 'http://nova:8774/v2.1', projectId: '9c53a566cb3443ab910cf0daebca90c4' };
const HEADERS = { Accept: 'application/json', 'Content-Type': 'application/json', 'User-Agent': DEFAULT_USER_AGENT, 'X-Project-Id': TARGET.projectId };
const JSON_HEADERS = { 'content-type': 'application/json' };

describe('server lookup by id or name, as openstacksdk find_server', () => {
  it.each([
    ['998af54b-5762-4041-abc1-f98a2c27b3a2', true, true],
    ['998AF54B-5762-4041-ABC1-F98A2C27B3A2', true, true],
    ['web-1', false, true],
    ['web 1', false, true],
    ['web/1', false, false],
    ['..', false, false],
    ['', false, false],
  ])('%j: a UUID %s, could be an id %s', (value, uuid, id) => {
    expect({ uuid: isServerUuid(value), id: couldBeServerId(value) }).toEqual({ uuid, id });
  });

  it('builds GET /servers/{id}, the endpoint\'s version suffix not doubled', () => {
    expect(buildShowServerRequest({ ...TARGET, serverId: 'web 1' })).toEqual({
      method: 'GET',
      url: `http://nova:8774/v2.1/${TARGET.projectId}/servers/web%201`,
      headers: HEADERS,
      body: undefined,
    });
  });

  it.each([
    ['web-1', '^web-1$'],
    ['web.1', '^web\\.1$'],
    ['a(b)*[c]{2}|d?e+f^g$h\\i', '^a\\(b\\)\\*\\[c\\]\\{2\\}\\|d\\?e\\+f\\^g\\$h\\\\i$'],
    ['名前 / x', '^名前 / x$'],
  ])('builds GET /servers?name= with %j escaped and anchored as %j', (name, pattern) => {
    expect(buildFindServersByNameRequest({ ...TARGET, name })).toEqual({
      method: 'GET',
      url: `http://nova:8774/v2.1/${TARGET.projectId}/servers?name=${encodeURIComponent(pattern)}`,
      headers: HEADERS,
      body: undefined,
    });
  });

  it.each([[''], ['a\nb'], ['tab\there']])('refuses the name %j before any I/O', (name) => {
    expect(thrownBy(() => buildFindServersByNameRequest({ ...TARGET, name }))).toMatchObject({ type: ValidationError, parameter: 'server' });
  });

  it('reads a server and a list of servers, and keeps exact name matches only', () => {
    const server = { id: 'i1', name: 'web', status: 'ACTIVE', metadata: {} };
    expect(interpretResponse(200, JSON_HEADERS, JSON.stringify({ server }), showServerExpectation)).toEqual({ id: 'i1', name: 'web' });
    const servers = [
      { id: 'i1', name: 'web', links: [] },
      { id: 'i2', name: 'web2', links: [] },
      { id: 'i3', name: 'web', links: [] },
    ];
    const listed = interpretResponse(200, JSON_HEADERS, JSON.stringify({ servers }), listServersExpectation);
    expect(listed).toEqual([
      { id: 'i1', name: 'web' },
      { id: 'i2', name: 'web2' },
      { id: 'i3', name: 'web' },
    ]);
    expect(exactServerMatches('web', listed)).toEqual([
      { id: 'i1', name: 'web' },
      { id: 'i3', name: 'web' },
    ]);
    expect(exactServerMatches('Web', listed)).toEqual([]);
  });

  it('refuses a list without ids, naming the path', () => {
    expect(() => interpretResponse(200, JSON_HEADERS, JSON.stringify({ servers: [{ name: 'x' }] }), listServersExpectation)).toThrow(/servers\.0\.id|\$\.servers\[0\]\.id/u);
  });
});
