/**
 * AK/SK request signing, `SDK-HMAC-SHA256`, as the official Huawei Cloud SDKs sign and the API
 * gateway verifies (spec §9.2). Pure: no I/O, no clock (the caller passes the date), no state.
 *
 * Every step is exported on its own so that the test vectors (spec §9.3) can be checked step by
 * step, and so that a server (the mock provider) can re-canonicalise a received request.
 */
// Taken as a CommonJS module, not imported: the ES module facade of `node:crypto` reads every export,
// and its lazy `webcrypto` loads the Web Crypto implementation, a cost every CLI call paid.
const { createHash, createHmac, timingSafeEqual } = process.getBuiltinModule('node:crypto');
import { ValidationError } from './errors.js';
import { type HeaderSource, readHeader } from './headers.js';

/** The algorithm name: first word of `Authorization` and first line of the string to sign (spec §9.2). */
export const AKSK_ALGORITHM = 'SDK-HMAC-SHA256';

/** Lower-case hex SHA-256 of the empty body (spec §9.2, "HexSHA256(body)"). */
export const EMPTY_PAYLOAD_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** How far `X-Sdk-Date` may be from the server's clock, either way: 15 minutes (spec §8, §9.2). */
export const DEFAULT_SIGNATURE_MAX_SKEW_MS = 15 * 60 * 1000;

/**
 * The `Authorization` header of spec §9.2, step 1 of the verification recipe. One space after the
 * algorithm, `, ` between the parts, a lower-case hex signature of 64 characters.
 */
export const AKSK_AUTHORIZATION_PATTERN = /^SDK-HMAC-SHA256 Access=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/u;

// The headers the signer adds itself; a caller giving them would sign a value we then replace.
const SDK_DATE = 'x-sdk-date';
const SECURITY_TOKEN = 'x-security-token';
const CONTENT_SHA256 = 'x-sdk-content-sha256';
const RESERVED_HEADERS = new Set(['authorization', SDK_DATE]);

// RFC 9110 token characters (header names); values must not be able to split a header.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/u;
const UNSAFE_HEADER_VALUE = /[\r\n\0]/u;
/**
 * An access key (AK) that can be signed with: visible ASCII without `,`, because the AK sits in
 * `Authorization: SDK-HMAC-SHA256 Access=<AK>, ...` (`AKSK_AUTHORIZATION_PATTERN`).
 */
export const AKSK_ACCESS_KEY_PATTERN = /^[\x21-\x2b\x2d-\x7e]+$/u;
/** A security token (`X-Security-Token`, temporary AK/SK) that can be sent: non-empty visible ASCII. */
export const AKSK_SECURITY_TOKEN_PATTERN = /^[\x21-\x7e]+$/u;
const SDK_DATE_VALUE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/u;
// HTTP's optional whitespace (RFC 9110 §5.6.3): what parsers drop around a field value.
const SURROUNDING_OWS = /^[ \t]+|[ \t]+$/gu;

const HEX = '0123456789ABCDEF';
const UTF8 = new TextEncoder();
const ALL_UNRESERVED = /^[A-Za-z0-9\-_.~]*$/u;

/** The six components of a canonical request (spec §9.2 step 1), named as in the vector file. */
export interface CanonicalRequestParts {
  /** Upper-case method. */
  readonly method: string;
  /** {@link buildCanonicalUri} of the wire path. */
  readonly canonicalUri: string;
  /** {@link buildCanonicalQueryString} of the query. */
  readonly canonicalQueryString: string;
  /** `name:value\n` per signed header. */
  readonly canonicalHeaders: string;
  /** Signed header names joined with `;`. */
  readonly signedHeaders: string;
  /** Lower-case hex SHA-256 of the body, or the value of `X-Sdk-Content-Sha256`. */
  readonly payloadHash: string;
}

/**
 * Percent-encodes `value` keeping only RFC 3986's unreserved set (`A-Z a-z 0-9 - _ . ~`);
 * everything else becomes `%XX` of its UTF-8 bytes, upper-case hex (spec §9.2). So `%` → `%25`,
 * `:` → `%3A`, space → `%20`, `*` → `%2A`, `ü` → `%C3%BC`. A lone surrogate, which has no UTF-8
 * form, is encoded as U+FFFD.
 */
export function encodeRfc3986(value: string): string {
  // Most path segments (versions, ids, `metadata`) are unreserved already: skip the UTF-8 round trip.
  if (ALL_UNRESERVED.test(value)) {
    return value;
  }
  let encoded = '';
  for (const byte of UTF8.encode(value)) {
    if (isUnreserved(byte)) {
      encoded += String.fromCharCode(byte);
    } else {
      encoded += `%${HEX[byte >> 4] as string}${HEX[byte & 15] as string}`;
    }
  }
  return encoded;
}

function isUnreserved(byte: number): boolean {
  return (
    (byte >= 0x41 && byte <= 0x5a) || // A-Z
    (byte >= 0x61 && byte <= 0x7a) || // a-z
    (byte >= 0x30 && byte <= 0x39) || // 0-9
    byte === 0x2d || // -
    byte === 0x5f || // _
    byte === 0x2e || // .
    byte === 0x7e // ~
  );
}

/**
 * The canonical URI (spec §9.2 step 1): the path **as sent on the wire** (still percent-encoded,
 * without the query), split on `/`, each segment encoded again with {@link encodeRfc3986}, re-joined,
 * and ending with `/`. So `.../metadata` → `.../metadata/`, `.../os:type.v1` → `.../os%3Atype.v1/`,
 * and `.../a%20b` → `.../a%2520b/` (the double encoding is what the SDK signs).
 */
export function buildCanonicalUri(wirePath: string): string {
  const encoded = wirePath.split('/').map(encodeRfc3986).join('/');
  return encoded.endsWith('/') ? encoded : `${encoded}/`;
}

/**
 * The canonical query string (spec §9.2 step 1): the query's parameters decoded (as
 * `application/x-www-form-urlencoded`, the way `URLSearchParams` and Node's `querystring` do, so
 * `+` is a space), sorted by name and, for a repeated name, by value (UTF-16 code units, i.e. byte
 * order for ASCII: upper case before lower case), then each name and value encoded with
 * {@link encodeRfc3986}, as `name=value` (`name=` for an empty value) joined with `&`. The empty
 * string when there is no query. The wire form is never reused: the SDK sends `*` raw and keeps
 * the caller's order.
 *
 * @param query the raw query, with or without its leading `?`, or already decoded parameters.
 */
export function buildCanonicalQueryString(query: string | URLSearchParams): string {
  const params = typeof query === 'string' ? new URLSearchParams(query) : query;
  return [...params]
    .sort(([nameA, valueA], [nameB, valueB]) => compareCodeUnits(nameA, nameB) || compareCodeUnits(valueA, valueB))
    .map(([name, value]) => `${encodeRfc3986(name)}=${encodeRfc3986(value)}`)
    .join('&');
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The signed header names of a request being signed (spec §9.2): every header given, lower-case,
 * sorted ascending, joined with `;`, e.g. `content-type;host;x-project-id;x-sdk-date`.
 */
export function buildSignedHeaders(headers: Readonly<Record<string, string>>): string {
  return sortedHeaders(headers)
    .map(([name]) => name)
    .join(';');
}

/**
 * The canonical headers of a request being signed (spec §9.2): for every header, sorted by
 * lower-case name, `name:value\n`. Values are used as given, without the surrounding spaces and
 * tabs that HTTP parsers drop anyway (the spec calls that trimming safe).
 */
export function buildCanonicalHeaders(headers: Readonly<Record<string, string>>): string {
  return sortedHeaders(headers)
    .map(([name, value]) => `${name}:${value}\n`)
    .join('');
}

function sortedHeaders(headers: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries(headers)
    .map(([name, value]): [string, string] => [name.toLowerCase(), trimHeaderValue(value)])
    .sort(([a], [b]) => compareCodeUnits(a, b));
}

function trimHeaderValue(value: string): string {
  return value.replace(SURROUNDING_OWS, '');
}

/**
 * The payload hash (spec §9.2): lower-case hex SHA-256 of the exact body bytes (a string is
 * hashed as UTF-8); {@link EMPTY_PAYLOAD_SHA256} for no body. (`X-Sdk-Content-Sha256`, when signed,
 * replaces it: see {@link computeAkSkSignature} and {@link verifyAkSkSignature}.)
 */
export function hashPayload(body: string | Uint8Array | null | undefined): string {
  // Every GET and DELETE has no body: its hash is a constant, not worth a SHA-256 per request.
  if (body === undefined || body === null || body.length === 0) {
    return EMPTY_PAYLOAD_SHA256;
  }
  return sha256Hex(body);
}

function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The canonical request (spec §9.2 step 1): the six parts joined with `\n`. */
export function buildCanonicalRequest(parts: CanonicalRequestParts): string {
  return [parts.method, parts.canonicalUri, parts.canonicalQueryString, parts.canonicalHeaders, parts.signedHeaders, parts.payloadHash].join('\n');
}

/**
 * The string to sign (spec §9.2 step 2): `SDK-HMAC-SHA256`, the `X-Sdk-Date` value and the
 * lower-case hex SHA-256 of the canonical request, joined with `\n`.
 */
export function buildStringToSign(sdkDate: string, canonicalRequest: string): string {
  return [AKSK_ALGORITHM, sdkDate, sha256Hex(canonicalRequest)].join('\n');
}

/** The signature (spec §9.2 step 3): lower-case hex HMAC-SHA256 keyed with the SK's UTF-8 bytes. */
export function computeSignature(secretKey: string, stringToSign: string): string {
  return createHmac('sha256', secretKey).update(stringToSign).digest('hex');
}

/**
 * The `Authorization` value (spec §9.2 step 4):
 * `SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<names>, Signature=<hex>`.
 */
export function formatAuthorization(accessKey: string, signedHeaders: string, signature: string): string {
  return `${AKSK_ALGORITHM} Access=${accessKey}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

/** The three parts of an `SDK-HMAC-SHA256` `Authorization` header. */
export interface ParsedAkSkAuthorization {
  readonly accessKey: string;
  /** The `SignedHeaders` value as sent, e.g. `content-type;host;x-project-id;x-sdk-date`. */
  readonly signedHeaders: string;
  /** 64 lower-case hex characters. */
  readonly signature: string;
}

/**
 * Parses an `Authorization` value with {@link AKSK_AUTHORIZATION_PATTERN} (spec §9.2, verification
 * step 1). Returns `undefined` when it is missing or malformed, including an empty name in
 * `SignedHeaders` (`a;;b`).
 */
export function parseAkSkAuthorization(value: string | undefined): ParsedAkSkAuthorization | undefined {
  const match = value === undefined ? null : AKSK_AUTHORIZATION_PATTERN.exec(value);
  if (match === null) {
    return undefined;
  }
  const [, accessKey, signedHeaders, signature] = match as unknown as [string, string, string, string];
  if (signedHeaders.split(';').some((name) => !HEADER_NAME.test(name))) {
    return undefined;
  }
  return { accessKey, signedHeaders, signature };
}

/**
 * `X-Sdk-Date` for `date`: UTC, basic ISO 8601 `YYYYMMDD'T'HHMMSS'Z'`, e.g. `20240102T030405Z`
 * (spec §9.2). Milliseconds are dropped.
 *
 * @throws {ValidationError} (`date`) for an invalid `Date` or a year outside 0000-9999.
 */
export function formatSdkDate(date: Date): string {
  const time = date instanceof Date ? date.getTime() : Number.NaN;
  const year = date instanceof Date ? date.getUTCFullYear() : Number.NaN;
  if (!Number.isFinite(time) || year < 0 || year > 9999) {
    throw new ValidationError('date', 'must be a valid Date between the years 0 and 9999');
  }
  return date.toISOString().replace(/[-:]/gu, '').replace(/\.\d{3}Z$/u, 'Z');
}

/**
 * Parses an `X-Sdk-Date` value in the basic format of {@link formatSdkDate}. Returns `undefined`
 * for any other form or an impossible date (month 13, 31 February).
 */
export function parseSdkDate(value: string): Date | undefined {
  const match = SDK_DATE_VALUE.exec(value);
  if (match === null) {
    return undefined;
  }
  const date = new Date(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}Z`);
  return Number.isNaN(date.getTime()) || formatSdkDate(date) !== value ? undefined : date;
}

/** What {@link signAkSkRequest} signs. */
export interface SignAkSkRequestInput {
  /** HTTP method, any case (signed upper-case). */
  readonly method: string;
  /**
   * The final absolute URL, as it will be sent: its path (as `URL` serialises it, i.e. the wire
   * form) gives the canonical URI, its query the canonical query string.
   */
  readonly url: string;
  /**
   * Every header to sign, with the values that will be sent: at least `Host` (the URL authority),
   * `Content-Type` and `X-Project-Id` for ECS (spec §9.2). Each is signed; `Authorization` and
   * `X-Sdk-Date` are refused (the signer adds them). Transport headers (`Accept`, `User-Agent`,
   * `Content-Length`) must be left out: they are not signed.
   */
  readonly headers: Readonly<Record<string, string>>;
  /** The exact body, hashed as UTF-8 when a string; `undefined`/`null` for none. */
  readonly body?: string | Uint8Array | null | undefined;
  /** Access key id (AK). */
  readonly ak: string;
  /** Secret access key (SK): used as the HMAC key only, never copied into a result or an error. */
  readonly sk: string;
  /** Security token of temporary credentials; sent and signed as `X-Security-Token`. */
  readonly securityToken?: string | undefined;
  /** The signing time, formatted into `X-Sdk-Date`. */
  readonly date: Date;
}

/** Every intermediate value of one signature, as the vector file lists them (spec §9.3). */
export interface AkSkSignature {
  /** The headers to add to the request: `X-Sdk-Date`, `X-Security-Token` (when given), `Authorization`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly canonicalRequestParts: CanonicalRequestParts;
  readonly canonicalRequest: string;
  /** Lower-case hex SHA-256 of {@link AkSkSignature.canonicalRequest}. */
  readonly canonicalRequestSha256: string;
  readonly stringToSign: string;
  readonly signature: string;
  readonly signedHeaders: string;
  readonly authorization: string;
}

/**
 * Signs a request (spec §9.2) and returns every intermediate value; {@link signAkSkRequest} returns
 * only the headers. All the given headers plus `X-Sdk-Date` (and `X-Security-Token`) are signed,
 * as the official SDK signs every header present at signing time.
 *
 * @throws {ValidationError} naming `method`, `url`, `headers`, `ak`, `sk` (never its value),
 *   `securityToken` or `date` when an input cannot be signed or sent.
 */
export function computeAkSkSignature(input: SignAkSkRequestInput): AkSkSignature {
  const method = checkMethod(input.method);
  const url = checkUrl(input.url);
  if (typeof input.ak !== 'string' || !AKSK_ACCESS_KEY_PATTERN.test(input.ak)) {
    throw new ValidationError('ak', 'must be non-empty visible ASCII without ","');
  }
  if (typeof input.sk !== 'string' || input.sk === '') {
    throw new ValidationError('sk', 'must be a non-empty string');
  }
  const sdkDate = formatSdkDate(input.date);
  const headers = checkHeaders(input.headers);
  const added: Record<string, string> = { 'X-Sdk-Date': sdkDate };
  if (input.securityToken !== undefined) {
    if (typeof input.securityToken !== 'string' || !AKSK_SECURITY_TOKEN_PATTERN.test(input.securityToken)) {
      throw new ValidationError('securityToken', 'must be non-empty visible ASCII');
    }
    const given = Object.entries(headers).find(([name]) => name.toLowerCase() === SECURITY_TOKEN);
    if (given !== undefined && trimHeaderValue(given[1]) !== input.securityToken) {
      throw new ValidationError('headers', 'X-Security-Token differs from securityToken; give the token once');
    }
    if (given === undefined) {
      added['X-Security-Token'] = input.securityToken;
    }
  }
  const signed = { ...headers, ...added };
  const contentSha256 = Object.entries(signed).find(([name]) => name.toLowerCase() === CONTENT_SHA256);
  const canonicalRequestParts: CanonicalRequestParts = {
    method,
    canonicalUri: buildCanonicalUri(url.pathname),
    canonicalQueryString: buildCanonicalQueryString(url.searchParams),
    canonicalHeaders: buildCanonicalHeaders(signed),
    signedHeaders: buildSignedHeaders(signed),
    payloadHash: contentSha256 === undefined ? hashPayload(input.body) : trimHeaderValue(contentSha256[1]),
  };
  const canonicalRequest = buildCanonicalRequest(canonicalRequestParts);
  const stringToSign = buildStringToSign(sdkDate, canonicalRequest);
  const signature = computeSignature(input.sk, stringToSign);
  const authorization = formatAuthorization(input.ak, canonicalRequestParts.signedHeaders, signature);
  return {
    headers: { ...added, Authorization: authorization },
    canonicalRequestParts,
    canonicalRequest,
    canonicalRequestSha256: sha256Hex(canonicalRequest),
    stringToSign,
    signature,
    signedHeaders: canonicalRequestParts.signedHeaders,
    authorization,
  };
}

/**
 * Signs a request with AK/SK (`SDK-HMAC-SHA256`, spec §9.2) and returns the headers to add:
 * `X-Sdk-Date`, `X-Security-Token` (when `securityToken` is given and the headers lack it) and
 * `Authorization`. Every header given is signed, so pass exactly the headers that will be sent
 * with these values (the client passes `Content-Type`, `Host`, `X-Project-Id`; DECISIONS
 * "Requests and retries"), and send the request without a trailing slash: the slash exists only in
 * the canonical URI.
 *
 * @example
 * ```ts
 * signAkSkRequest({ method: 'GET', url, headers: { 'Content-Type': 'application/json', Host: 'ecs.cn-north-4.myhuaweicloud.com',
 *   'X-Project-Id': projectId }, body: undefined, ak, sk, date: new Date() });
 * // { 'X-Sdk-Date': '20240102T030405Z', Authorization: 'SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...' }
 * ```
 *
 * @throws {ValidationError} naming `method`, `url`, `headers`, `ak`, `sk` (never its value),
 *   `securityToken` or `date` when an input cannot be signed or sent.
 */
export function signAkSkRequest(input: SignAkSkRequestInput): Record<string, string> {
  return { ...computeAkSkSignature(input).headers };
}

function checkMethod(method: string): string {
  if (typeof method !== 'string' || !/^[A-Za-z]+$/u.test(method)) {
    throw new ValidationError('method', 'must be an HTTP method such as GET');
  }
  return method.toUpperCase();
}

function checkUrl(url: string): URL {
  try {
    return new URL(url);
  } catch (error) {
    throw new ValidationError('url', 'must be an absolute URL', { cause: error });
  }
}

function checkHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  if (typeof headers !== 'object' || headers === null) {
    throw new ValidationError('headers', 'must be an object of header names to values');
  }
  const seen = new Set<string>();
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!HEADER_NAME.test(name)) {
      throw new ValidationError('headers', `"${name}" is not an HTTP header name`);
    }
    if (typeof value !== 'string' || UNSAFE_HEADER_VALUE.test(value)) {
      throw new ValidationError('headers', `the value of ${name} must be a string without CR, LF or NUL`);
    }
    if (RESERVED_HEADERS.has(lower)) {
      throw new ValidationError('headers', `must not contain ${name}: the signer adds it`);
    }
    if (seen.has(lower)) {
      throw new ValidationError('headers', `${name} is given twice (header names are case-insensitive)`);
    }
    seen.add(lower);
  }
  return { ...headers };
}

/** A request as a server received it, for {@link verifyAkSkSignature}. */
export interface ReceivedAkSkRequest {
  readonly method: string;
  /** The raw request path exactly as received: not decoded, not normalised, without the query. */
  readonly path: string;
  /** The raw query string, with or without `?`; `''` when none. */
  readonly query: string;
  /** The received headers (Node's `req.headers`, a fetch `Headers` or a plain record); names are case-insensitive. */
  readonly headers: HeaderSource;
  /** The raw body bytes (a string is taken as UTF-8); `undefined`/`null`/empty for none. */
  readonly body?: string | Uint8Array | null | undefined;
}

/** Options of {@link verifyAkSkSignature}. */
export interface VerifyAkSkOptions {
  /** The SK of an AK, or `undefined` for an unknown AK. */
  lookupSecretKey(accessKey: string): string | undefined;
  /** The server's clock; default `Date.now()`. */
  readonly now?: Date | number;
  /**
   * How far `X-Sdk-Date` may be from `now`, either way; default
   * {@link DEFAULT_SIGNATURE_MAX_SKEW_MS} (15 min). `false` skips the check (fixed-date vectors).
   */
  readonly maxSkewMs?: number | false;
  /** The `{project_id}` of the request path; when given, a signed `X-Project-Id` must equal it (spec §9.2 step 6). */
  readonly pathProjectId?: string | undefined;
}

/** Why {@link verifyAkSkSignature} refused a request. */
export type AkSkFailureReason = AkSkVerificationFailure['reason'];

/** A refused request: the reason, and what the server needs to word its answer. */
export type AkSkVerificationFailure =
  /** `Authorization` missing or not matching the `SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...` form. */
  | { readonly valid: false; readonly reason: 'malformed-authorization' }
  /** No SK for this AK. */
  | { readonly valid: false; readonly reason: 'unknown-access-key'; readonly accessKey: string }
  /** `X-Sdk-Date` not signed, absent, or not in the basic format `YYYYMMDDTHHMMSSZ`. */
  | { readonly valid: false; readonly reason: 'missing-date'; readonly accessKey: string }
  /** `X-Sdk-Date` further from `now` than `maxSkewMs`. */
  | { readonly valid: false; readonly reason: 'expired'; readonly accessKey: string; readonly sdkDate: string }
  /** A header named in `SignedHeaders` is not on the request. */
  | { readonly valid: false; readonly reason: 'missing-signed-header'; readonly accessKey: string; readonly header: string }
  /** The signature does not match the request; `canonicalRequest` is the server's, for debugging. */
  | { readonly valid: false; readonly reason: 'signature-mismatch'; readonly accessKey: string; readonly canonicalRequest: string }
  /** The signature is valid but the signed `X-Project-Id` is not the path's project. */
  | {
      readonly valid: false;
      readonly reason: 'project-mismatch';
      readonly accessKey: string;
      readonly headerProjectId: string;
      readonly pathProjectId: string;
    };

/** A verified request. */
export interface AkSkVerificationSuccess {
  readonly valid: true;
  readonly accessKey: string;
  /** The signed header names, lower-case, in the order listed. */
  readonly signedHeaders: readonly string[];
  /** The signed `X-Project-Id`, if any. */
  readonly projectId: string | undefined;
}

/** The result of {@link verifyAkSkSignature}. */
export type AkSkVerification = AkSkVerificationSuccess | AkSkVerificationFailure;

/**
 * Verifies the `SDK-HMAC-SHA256` signature of a received request, following spec §9.2's
 * "Server-side verification recipe" in its order:
 *
 * 1. parse `Authorization` → `malformed-authorization`;
 * 2. look up the SK → `unknown-access-key`;
 * 3. `X-Sdk-Date` signed, present, in the basic format → `missing-date`; within
 *    `maxSkewMs` of `now` → `expired`;
 * 4. rebuild the canonical request from the raw path, the decoded query, the headers named in
 *    `SignedHeaders` **in the listed order** (absent → `missing-signed-header`) and the raw body
 *    (or a signed `X-Sdk-Content-Sha256`: an unsigned one is ignored, or anyone could swap the body);
 * 5. compare the signatures in constant time → `signature-mismatch`;
 * 6. a signed `X-Project-Id` must equal `pathProjectId`, when given → `project-mismatch`.
 *
 * Never throws for anything the request carries.
 */
export function verifyAkSkSignature(request: ReceivedAkSkRequest, options: VerifyAkSkOptions): AkSkVerification {
  const authorization = readHeader(request.headers, 'Authorization');
  const parsed = parseAkSkAuthorization(authorization === undefined ? undefined : trimHeaderValue(authorization));
  if (parsed === undefined) {
    return { valid: false, reason: 'malformed-authorization' };
  }
  const { accessKey } = parsed;
  const secretKey = options.lookupSecretKey(accessKey);
  if (secretKey === undefined || secretKey === '') {
    return { valid: false, reason: 'unknown-access-key', accessKey };
  }
  const names = parsed.signedHeaders.split(';').map((name) => name.toLowerCase());
  const rawDate = names.includes(SDK_DATE) ? readHeader(request.headers, SDK_DATE) : undefined;
  const sdkDate = rawDate === undefined ? undefined : trimHeaderValue(rawDate);
  const date = sdkDate === undefined ? undefined : parseSdkDate(sdkDate);
  if (sdkDate === undefined || date === undefined) {
    return { valid: false, reason: 'missing-date', accessKey };
  }
  const maxSkewMs = options.maxSkewMs ?? DEFAULT_SIGNATURE_MAX_SKEW_MS;
  const now = options.now === undefined ? Date.now() : new Date(options.now).getTime();
  if (maxSkewMs !== false && !(Math.abs(now - date.getTime()) <= maxSkewMs)) {
    return { valid: false, reason: 'expired', accessKey, sdkDate };
  }
  let canonicalHeaders = '';
  const values = new Map<string, string>();
  for (const name of names) {
    const value = readHeader(request.headers, name);
    if (value === undefined) {
      return { valid: false, reason: 'missing-signed-header', accessKey, header: name };
    }
    values.set(name, trimHeaderValue(value));
    canonicalHeaders += `${name}:${trimHeaderValue(value)}\n`;
  }
  const canonicalRequest = buildCanonicalRequest({
    method: request.method.toUpperCase(),
    canonicalUri: buildCanonicalUri(request.path),
    canonicalQueryString: buildCanonicalQueryString(request.query),
    canonicalHeaders,
    signedHeaders: parsed.signedHeaders,
    payloadHash: values.get(CONTENT_SHA256) ?? hashPayload(request.body),
  });
  const expected = computeSignature(secretKey, buildStringToSign(sdkDate, canonicalRequest));
  if (!timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(parsed.signature, 'hex'))) {
    return { valid: false, reason: 'signature-mismatch', accessKey, canonicalRequest };
  }
  const projectId = values.get('x-project-id');
  if (projectId !== undefined && options.pathProjectId !== undefined && projectId !== options.pathProjectId) {
    return { valid: false, reason: 'project-mismatch', accessKey, headerProjectId: projectId, pathProjectId: options.pathProjectId };
  }
  return { valid: true, accessKey, signedHeaders: names, projectId };
}
