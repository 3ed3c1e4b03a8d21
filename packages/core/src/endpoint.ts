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
