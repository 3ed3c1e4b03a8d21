import { readHeader } from '@ecs-metadata/core';
import type { IncomingMessage } from 'node:http';
import { novaFaultReply, type Reply } from './reply.js';

/** The microversions the mock serves on `/v2.1`, as the Nova it is checked against (26.x, Zed). */
export const NOVA_MIN_MICROVERSION = { major: 2, minor: 1 } as const;
export const NOVA_MAX_MICROVERSION = { major: 2, minor: 93 } as const;

const format = ({ major, minor }: { major: number; minor: number }): string => `${major}.${minor}`;

/**
 * Whether microversion `version` is `min` or later (`2.10` is after `2.9`), as Nova's
 * `api_version_request.is_supported(req, min_version=...)` decides what a response holds.
 */
export function microversionAtLeast(version: string, min: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const [minMajor = 0, minMinor = 0] = min.split('.').map(Number);
  return major > minMajor || (major === minMajor && minor >= minMinor);
}

/** What {@link negotiateMicroversion} decided for one `/v2.1` request. */
export interface Microversion {
  /** The version to report in the microversion headers; `undefined`: send none. */
  readonly version: string | undefined;
  /** The refusal to answer instead of serving the request, if any. */
  readonly refusal?: Reply;
}

/**
 * The requested version string as `microversion_parse.get_version` finds it: the `compute` entry of
 * `OpenStack-API-Version` (`compute 2.90`, possibly among other services), else the legacy
 * `X-OpenStack-Nova-API-Version`; `undefined` when neither names one.
 */
export function requestedMicroversion(req: IncomingMessage): string | undefined {
  const standard = readHeader(req.headers, 'OpenStack-API-Version');
  if (standard !== undefined) {
    for (const entry of standard.split(',')) {
      const [service, ...rest] = entry.trim().split(/\s+/u);
      if (service?.toLowerCase() === 'compute' && rest.length > 0) {
        return rest.join(' ').trim();
      }
    }
  }
  const legacy = readHeader(req.headers, 'X-OpenStack-Nova-API-Version')?.trim();
  return legacy === undefined || legacy === '' ? undefined : legacy;
}

/**
 * Nova's microversion negotiation (`nova/api/openstack/wsgi.py`, `api_version_request.py`; spec §11):
 * none requested → 2.1; `latest` → the maximum; `MajorNum.MinorNum` within range → that version,
 * echoed; out of range → 406 `computeFault`, the requested version still echoed; anything else →
 * 400 `badRequest` without microversion headers.
 */
export function negotiateMicroversion(req: IncomingMessage): Microversion {
  const requested = requestedMicroversion(req);
  if (requested === undefined) {
    return { version: format(NOVA_MIN_MICROVERSION) };
  }
  if (requested === 'latest') {
    return { version: format(NOVA_MAX_MICROVERSION) };
  }
  const match = /^([1-9]\d*)\.([1-9]\d*|0)$/u.exec(requested);
  if (match === null) {
    return {
      version: undefined,
      refusal: novaFaultReply(400, `API Version String ${requested} is of invalid format. Must be of format MajorNum.MinorNum.`),
    };
  }
  const wanted = { major: Number(match[1]), minor: Number(match[2]) };
  const version = format(wanted);
  const rank = (v: { major: number; minor: number }): [number, number] => [v.major, v.minor];
  const below = (a: [number, number], b: [number, number]): boolean => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
  if (below(rank(wanted), rank(NOVA_MIN_MICROVERSION)) || below(rank(NOVA_MAX_MICROVERSION), rank(wanted))) {
    return {
      version,
      refusal: novaFaultReply(
        406,
        `Version ${version} is not supported by the API. Minimum is ${format(NOVA_MIN_MICROVERSION)} and maximum is ${format(NOVA_MAX_MICROVERSION)}.`,
      ),
    };
  }
  return { version };
}
