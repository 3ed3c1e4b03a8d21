import { EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID } from '@ecs-metadata/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type MockProvider, startMockProvider } from './index.js';
import { AUTH_HEADERS, metadataPath, type RawResponse, rawRequest } from './test-support/http.js';

const JSON_HEADERS = { ...AUTH_HEADERS, 'Content-Type': 'application/json' };
const ACTION = `/v2.1/${EXAMPLE_PROJECT_ID}/servers/${EXAMPLE_SERVER_ID}/action`;

function send(mock: MockProvider, method: string, path: string, body: unknown): Promise<RawResponse> {
  return rawRequest(mock.url, path, { method, headers: JSON_HEADERS, body: JSON.stringify(body) });
}
const answer = (res: RawResponse): [number, unknown] => [res.status, res.text === '' ? '' : JSON.parse(res.text)];

describe('the lock and unlock server actions (Nova POST /servers/{id}/action)', () => {
  let mock: MockProvider;
  beforeAll(async () => {
    mock = await startMockProvider({ port: 0 });
  });
  afterAll(async () => {
    await mock.close();
  });
  beforeEach(() => {
    mock.admin.reset();
  });

  it('locks with 202 and an empty body; a locked server refuses metadata writes with 409; unlock lifts it', async () => {
    expect(answer(await send(mock, 'POST', ACTION, { lock: null }))).toEqual([202, '']);
    expect(mock.admin.getServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID)?.locked).toBe(true);
    expect(answer(await send(mock, 'PUT', metadataPath(), { metadata: { a: 'b' } }))).toEqual([
      409,
      { conflictingRequest: { code: 409, message: `Instance ${EXAMPLE_SERVER_ID} is locked` } },
    ]);
    // Locking again is accepted, as Nova does.
    expect(answer(await send(mock, 'POST', ACTION, { lock: { locked_reason: 'verifier' } }))).toEqual([202, '']);
    expect(answer(await send(mock, 'POST', ACTION, { unlock: null }))).toEqual([202, '']);
    expect(mock.admin.getServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID)?.locked).toBe(false);
    expect((await send(mock, 'PUT', metadataPath(), { metadata: { a: 'b' } })).status).toBe(200);
  });

  it('refuses other actions and malformed bodies with 400, an unknown server with 404', async () => {
    expect(answer(await send(mock, 'POST', ACTION, { reboot: { type: 'SOFT' } }))).toEqual([400, { badRequest: { code: 400, message: 'There is no such action: reboot' } }]);
    expect((await send(mock, 'POST', ACTION, { lock: null, unlock: null })).status).toBe(400);
    expect((await send(mock, 'POST', ACTION, { unlock: { locked_reason: 'x' } })).status).toBe(400);
    expect((await send(mock, 'POST', ACTION, { lock: { other: 1 } })).status).toBe(400);
    expect((await send(mock, 'POST', ACTION.replace(EXAMPLE_SERVER_ID, 'b8a7f1c2-0000-4000-8000-000000000000'), { lock: null })).status).toBe(404);
    expect(mock.admin.getServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID)?.locked).toBe(false);
  });
});
