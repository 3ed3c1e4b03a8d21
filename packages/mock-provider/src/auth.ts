import { type AkSkVerificationFailure, readHeader, verifyAkSkSignature } from '@ecs-metadata/core';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { FAULT_MESSAGES, KEYSTONE_UNAUTHORIZED_BODY, keystoneChallenge } from './fault-bodies.js';
import { HttpFault, novaFaultReply, type Reply } from './reply.js';
import type { BodyReader } from './request-body.js';
import { DEFAULT_ROLES, effectiveRoles } from './identity.js';
import type { Credentials, MetadataStore } from './store.js';

/**
 * Authenticates an API request by its `X-Auth-Token` (spec §9.1), as keystonemiddleware does in
 * front of Nova, and returns the project the token is scoped to and its roles.
 *
 * @throws {HttpFault} 401 with Keystone's body and `WWW-Authenticate` when the token is missing or unknown.
 */
export function authenticateToken(req: IncomingMessage, store: MetadataStore, providerUrl: string): Credentials {
  const token = readHeader(req.headers, 'X-Auth-Token');
  const credentials = token === undefined || token === '' ? undefined : store.credentialsOfToken(token);
  if (credentials === undefined) {
    throw new HttpFault({ status: 401, json: KEYSTONE_UNAUTHORIZED_BODY, headers: { 'WWW-Authenticate': keystoneChallenge(providerUrl) } });
  }
  return credentials;
}

/** The prefix of every `APIG.0301` message (spec §6.3). */
export const APIG_AUTH_MESSAGE_PREFIX = 'Incorrect IAM authentication information: ';

/**
 * The `APIG.0301` message suffixes of spec §6.3 the mock uses, verbatim (project decision). A
 * missing or malformed `X-Sdk-Date` and a signed header that is absent are signature failures:
 * §6.3 has no message of their own.
 */
export const APIG_AUTH_MESSAGES = {
  signatureMismatch: 'verify aksk signature fail',
  signatureExpired: 'calc ak sk signature fail:signature expired',
  unknownAccessKey: 'Get secretKey failed',
} as const;

/** What {@link authenticateAkSk} needs besides the request. */
export interface AkSkContext {
  readonly store: MetadataStore;
  /** The request's body, read once: the signature covers its raw bytes. */
  readonly body: BodyReader;
  /** The `{project_id}` segment of the path (decoded), which a signed `X-Project-Id` must equal. */
  readonly pathProjectId: string | undefined;
  /** `X-Sdk-Date` tolerance either way, in ms; `false` skips the date check (fixed-date vectors). */
  readonly signatureMaxSkewMs: number | false;
}

/**
 * Whether a request is to be checked as AK/SK-signed: it carries `Authorization: SDK-HMAC-SHA256 ...`
 * and no `X-Auth-Token` (a token wins, as it is what Nova's own middleware reads).
 */
export function isAkSkSigned(req: IncomingMessage): boolean {
  const token = readHeader(req.headers, 'X-Auth-Token');
  const authorization = readHeader(req.headers, 'Authorization');
  return (token === undefined || token === '') && authorization !== undefined && /^SDK-HMAC-SHA256(?:\s|$)/u.test(authorization.trim());
}

/**
 * Checks an AK/SK signature as the API gateway does in front of ECS (spec §9.2, "Server-side
 * verification recipe"; §6.3), over the raw request path, the raw query and the raw body bytes,
 * and returns the project the AK is scoped to, with a project member's roles (an AK acts with its
 * IAM user's rights, which the mock does not model beyond that).
 *
 * @throws {HttpFault} 401 with the gateway body `APIG.0301` (spec §6.3): `Get secretKey failed`
 *   for an unknown AK, `calc ak sk signature fail:signature expired` for an `X-Sdk-Date` outside the
 *   window, `verify aksk signature fail` for anything else; 400 `badRequest` "Malformed request
 *   URL ..." (spec §6.1) when the signed `X-Project-Id` is not the path's project.
 */
export async function authenticateAkSk(req: IncomingMessage, context: AkSkContext): Promise<Credentials> {
  const target = req.url ?? '/';
  const queryStart = target.indexOf('?');
  const body = await context.body.bytes();
  const result = verifyAkSkSignature(
    {
      method: req.method ?? 'GET',
      path: queryStart === -1 ? target : target.slice(0, queryStart),
      query: queryStart === -1 ? '' : target.slice(queryStart + 1),
      headers: req.headers,
      body,
    },
    {
      lookupSecretKey: (accessKey) => context.store.accessKeyGrant(accessKey)?.secretKey,
      maxSkewMs: context.signatureMaxSkewMs,
      pathProjectId: context.pathProjectId,
    },
  );
  if (!result.valid) {
    throw new HttpFault(akskFailureReply(result));
  }
  // Verified, so the AK is known; its project is the request's context, as a token's is.
  return { projectId: context.store.accessKeyGrant(result.accessKey)?.projectId as string, roles: effectiveRoles(DEFAULT_ROLES) };
}

/** The answer to a refused signature: the gateway's 401 (spec §6.3), or Nova's 400 for a project mismatch. */
function akskFailureReply(failure: AkSkVerificationFailure): Reply {
  switch (failure.reason) {
    case 'project-mismatch':
      // The gateway scopes an AK/SK request to its X-Project-Id: that is Nova's context project.
      return novaFaultReply(400, FAULT_MESSAGES.projectMismatch(failure.pathProjectId, failure.headerProjectId));
    case 'unknown-access-key':
      return gatewayUnauthorized(APIG_AUTH_MESSAGES.unknownAccessKey);
    case 'expired':
      return gatewayUnauthorized(APIG_AUTH_MESSAGES.signatureExpired);
    default:
      return gatewayUnauthorized(APIG_AUTH_MESSAGES.signatureMismatch);
  }
}

/**
 * A 401 `APIG.0301` gateway body (spec §6.3). Its `request_id` is also sent as `X-Request-Id`, as
 * the gateway echoes its id in both (spec §7).
 */
export function gatewayUnauthorized(suffix: string): Reply {
  const requestId = randomBytes(16).toString('hex');
  return {
    status: 401,
    json: { error_code: 'APIG.0301', error_msg: `${APIG_AUTH_MESSAGE_PREFIX}${suffix}`, request_id: requestId },
    headers: { 'X-Request-Id': requestId },
  };
}
