import { describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import { NetworkError, TimeoutError } from './errors.js';
import { toTransportError } from './transport-error.js';

const socketError = (code: string, message: string): Error => Object.assign(new Error(message), { code });

describe('toTransportError', () => {
  it('names the socket code of a reset', () => {
    const error = toTransportError(socketError('ECONNRESET', 'socket hang up'), { attempts: 4, timedOut: false });
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).not.toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ name: 'NetworkError', message: 'Network error after 4 attempt(s): ECONNRESET socket hang up', attempts: 4 });
    expect(error.cause).toMatchObject({ name: 'Error', code: 'ECONNRESET', message: 'socket hang up' });
  });

  it('reads through the global fetch\'s "fetch failed" to the socket error it wraps', () => {
    const wrapped = new TypeError('fetch failed', { cause: socketError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9') });
    const error = toTransportError(wrapped, { attempts: 1, timedOut: false, subject: 'GET http://127.0.0.1:9/ failed' });
    expect(error.message).toBe('GET http://127.0.0.1:9/ failed: Network error after 1 attempt(s): ECONNREFUSED connect ECONNREFUSED 127.0.0.1:9');
    expect(error.cause).toMatchObject({ name: 'TypeError', code: 'ECONNREFUSED' });
  });

  it('gives a TimeoutError with no cause when the deadline fired, naming the deadline when known', () => {
    const error = toTransportError(new Error('aborted'), { attempts: 2, timedOut: true });
    expect(error).toBeInstanceOf(TimeoutError);
    expect([error.message, error.attempts, 'cause' in error]).toEqual(['No complete response within the timeout after 2 attempt(s)', 2, false]);
    expect(toTransportError(undefined, { attempts: 1, timedOut: true, timeoutMs: 250 }).message).toBe('No complete response within 250 ms after 1 attempt(s)');
  });

  it('keeps nothing of the transport\'s error but its name, code and message: no request, no headers', () => {
    const request = new Request('http://127.0.0.1/', { headers: { 'X-Auth-Token': 'SECRET-TOKEN' } });
    const kyLike = Object.assign(new TypeError('fetch failed', { cause: Object.assign(socketError('ECONNRESET', 'reset'), { request }) }), { request });
    const error = toTransportError(kyLike, { attempts: 1, timedOut: false });
    const printed = `${inspect(error, { depth: Infinity, showHidden: true })} ${JSON.stringify(error)} ${JSON.stringify(error.cause)}`;
    expect(printed).not.toContain('SECRET-TOKEN');
    expect(Object.keys(error.cause as object).sort()).toEqual(['code', 'name']);
    expect((error.cause as Error).stack).toBeUndefined();
  });

  it('blanks the secrets out of a message that echoed one', () => {
    const error = toTransportError(new Error('refused for password hunter2'), { attempts: 1, timedOut: false, secrets: ['hunter2', ''] });
    expect(error.message).toBe('Network error after 1 attempt(s): refused for password ****');
    expect(inspect(error, { depth: Infinity })).not.toContain('hunter2');
  });

  it('describes a thrown non-error by its text', () => {
    expect(toTransportError('boom', { attempts: 1, timedOut: false }).message).toBe('Network error after 1 attempt(s): boom');
  });
});
