import { ValidationError } from '@ecs-metadata/core';
import { describe, expect, it } from '@jest/globals';
import { errorReply } from './dispatch.js';
import { HttpFault } from './reply.js';

describe('errorReply', () => {
  it('answers a thrown HttpFault with its own reply', () => {
    expect(errorReply(new HttpFault({ status: 418, json: { x: 1 } }))).toEqual({ status: 418, json: { x: 1 } });
  });

  it('answers a refused input with 400 badRequest', () => {
    expect(errorReply(new ValidationError('metadata.wj', 'bad'))).toEqual({
      status: 400,
      json: { badRequest: { code: 400, message: 'Invalid metadata.wj: bad' } },
      headers: { 'Content-Type': 'application/json; charset=UTF-8' },
    });
  });

  it('answers a bug with 500 computeFault instead of crashing', () => {
    expect(errorReply(new TypeError('boom'))).toEqual({
      status: 500,
      json: { computeFault: { code: 500, message: 'Unexpected API Error. TypeError: boom' } },
      headers: { 'Content-Type': 'application/json; charset=UTF-8' },
    });
    expect(errorReply('odd')).toMatchObject({ status: 500 });
  });
});
