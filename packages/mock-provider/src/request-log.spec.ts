import { describe, expect, it } from '@jest/globals';
import { flattenHeaders, REQUEST_LOG_LIMIT, RequestLog } from './request-log.js';

describe('RequestLog', () => {
  it('keeps the newest entries up to its limit', () => {
    const log = new RequestLog(3);
    for (let index = 0; index < 5; index += 1) {
      log.add({ method: 'GET', path: `/${index}`, headers: {} });
    }
    expect(log.snapshot().map(({ path }) => path)).toEqual(['/2', '/3', '/4']);
    log.clear();
    expect(log.snapshot()).toEqual([]);
    expect(REQUEST_LOG_LIMIT).toBe(1000);
  });

  it('keeps exactly the newest `limit` entries at every count, across the trims', () => {
    const log = new RequestLog(4);
    for (let index = 0; index < 23; index += 1) {
      log.add({ method: 'GET', path: `/${index}`, headers: {} });
      const expected = Array.from({ length: Math.min(index + 1, 4) }, (_, offset) => `/${index + 1 - Math.min(index + 1, 4) + offset}`);
      expect(log.snapshot().map(({ path }) => path)).toEqual(expected);
    }
  });

  it('flattens repeated headers', () => {
    expect(flattenHeaders({ a: '1', 'set-cookie': ['x', 'y'], gone: undefined })).toEqual({ a: '1', 'set-cookie': 'x, y' });
  });
});
