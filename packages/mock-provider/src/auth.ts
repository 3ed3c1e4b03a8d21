import { readHeader } from '@ecs-metadata/core';
import type { IncomingMessage } from 'node:http';
import { KEYSTONE_UNAUTHORIZED_BODY, keystoneChallenge } from './fault-bodies.js';
import { HttpFault } from './reply.js';
import type { MetadataStore } from './store.js';

/**
 * Authenticates an API request by its `X-Auth-Token` (spec §9.1), as keystonemiddleware does in
 * front of Nova, and returns the project the token is scoped to.
 *
 * @throws {HttpFault} 401 with Keystone's body and `WWW-Authenticate` when the token is missing or unknown.
 */
export function authenticateToken(req: IncomingMessage, store: MetadataStore, providerUrl: string): string {
  const token = readHeader(req.headers, 'X-Auth-Token');
  const projectId = token === undefined || token === '' ? undefined : store.projectOfToken(token);
  if (projectId === undefined) {
    throw new HttpFault({ status: 401, json: KEYSTONE_UNAUTHORIZED_BODY, headers: { 'WWW-Authenticate': keystoneChallenge(providerUrl) } });
  }
  return projectId;
}
