import { ValidationError } from './errors.js';

/**
 * Validates an API endpoint (`https://ecs.cn-north-4.myhuaweicloud.com`, `http://127.0.0.1:8774`)
 * and returns it without a trailing slash, ready for a path to be appended. A base path
 * (`https://gw.example/compute`) is kept.
 *
 * @throws {ValidationError} (`endpoint`) for anything but an absolute http(s) URL without
 *   credentials, query or fragment.
 */
export function normalizeEndpoint(endpoint: string, parameter = 'endpoint'): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch (error) {
    // Shown without its user info; the cause is the parser's error without its `input`, which is the
    // whole string, password included (`http://user:pw@[::1`).
    const cause = Object.assign(new TypeError((error as Error).message), { code: (error as { code?: unknown }).code });
    throw new ValidationError(parameter, `"${withoutUserInfo(endpoint)}" is not an absolute URL (e.g. https://ecs.cn-north-4.myhuaweicloud.com)`, { cause });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ValidationError(parameter, `scheme must be https or http, got "${url.protocol}"`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new ValidationError(parameter, 'must not carry credentials; pass them as auth options');
  }
  // An empty query or fragment (`https://host/?`) leaves search and hash empty but keeps `?`/`#` in href.
  if (url.search !== '' || url.hash !== '' || /[?#]/u.test(url.href)) {
    throw new ValidationError(parameter, 'must not have a query string or fragment');
  }
  return url.href.replace(/\/+$/u, '');
}

/** `endpoint` with anything between `scheme://` and the last `@` masked: user info is never echoed. */
function withoutUserInfo(endpoint: string): string {
  return endpoint.replace(/^([^:/?#]*:\/\/).*@/su, '$1****@');
}

// `/v2` or `/v2.1` at the end of the path, optionally followed by one more segment: what a catalog
// lists (`/v2.1/{project_id}`, or a template such as `/v2.1/$(tenant_id)s` left unsubstituted).
const VERSION_SUFFIX = /\/v2(?:\.1)?(?:\/([^/]+))?$/u;
// An unsubstituted catalog template (`$(tenant_id)s`, `%(project_id)s`): the project goes there.
const PROJECT_TEMPLATE = /^(?:\$|%24|%)(?:\(|%28)\w+(?:\)|%29)s$/u;
const PROJECT_SEGMENT = /^[0-9a-f-]{1,64}$/u;

/**
 * The base a Nova-style request path (`/{v}/{project_id}/servers/...`) is appended to, from an
 * endpoint as users copy it from a catalog (issue 16): `http://nova:8774/v2.1`, `.../v2.1/`,
 * `.../v2`, `.../v2.1/{project_id}` all become `http://nova:8774`, so the version is never sent
 * twice. The API version is the `apiVersion` setting's, not the suffix's (Nova serves both).
 *
 * @param projectId - the project the requests are for; an endpoint naming another is refused,
 *   as sending to one project's URL with another's id would be read as "server not found".
 * @throws {ValidationError} (`endpoint`) as {@link normalizeEndpoint}; for a suffix whose last
 *   segment is no project id (`/v2.1/servers`); for a project in it that differs from `projectId`.
 */
export function normalizeComputeEndpoint(endpoint: string, projectId?: string): string {
  const normalized = normalizeEndpoint(endpoint);
  const url = new URL(normalized);
  const match = VERSION_SUFFIX.exec(url.pathname);
  if (match === null) {
    return normalized;
  }
  const segment = match[1];
  if (segment !== undefined && !PROJECT_TEMPLATE.test(segment)) {
    if (!PROJECT_SEGMENT.test(segment)) {
      throw new ValidationError('endpoint', `"${normalized}" goes past the API version: give it up to /v2.1 or /v2.1/{project_id} (got "/${segment}" after the version)`);
    }
    if (projectId !== undefined && segment !== projectId) {
      throw new ValidationError('endpoint', `"${normalized}" names project ${segment}, but the project id is ${projectId}: drop the project from the endpoint or fix the project id`);
    }
  }
  return `${url.origin}${url.pathname.slice(0, match.index)}`;
}
