import * as z from 'zod';
import { normalizeComputeEndpoint, normalizeEndpoint } from './endpoint.js';
import { ConfigError, ResponseValidationError } from './errors.js';
import { type HeaderSource, readHeader, readRequestIdHeader } from './headers.js';
import { interpretResponse, type ResponseExpectation } from './interpret-response.js';
import type { EcsRequest } from './request.js';
import { projectIdSchema } from './schemas.js';
import { DEFAULT_USER_AGENT } from './version.js';

/**
 * Parameters of {@link buildPasswordLoginRequest}: an IAM / Keystone v3 password login scoped to
 * one project (spec §9.1).
 */
export interface PasswordLoginParams {
  /**
   * The identity endpoint, with or without its `/v3` suffix: `https://iam.myhuaweicloud.com/v3`,
   * `https://iam.cn-north-4.myhuaweicloud.com`, `http://keystone.example:5000/v3` (`OS_AUTH_URL`).
   */
  authUrl: string;
  username: string;
  password: string;
  /** The user's domain by name (Huawei: the account name; OpenStack: often `Default`). */
  userDomainName?: string | undefined;
  /** The user's domain by id; used when no name is given. Neither: `default`, OpenStack's default domain. */
  userDomainId?: string | undefined;
  /** The project to scope the token to, by id (wins over `projectName`). */
  projectId?: string | undefined;
  /** The project by name (Huawei: a region's default project is named after the region, `cn-north-4`). */
  projectName?: string | undefined;
  /** The project's domain by name, sent only with `projectName`. */
  projectDomainName?: string | undefined;
  /** The project's domain by id, sent only with `projectName` and no `projectDomainName`. */
  projectDomainId?: string | undefined;
  /** `User-Agent`; default `ecs-metadata/<version>`. */
  userAgent?: string | undefined;
}

/** One endpoint of a service in a token's catalog. */
export interface CatalogEndpoint {
  /** `public`, `internal` or `admin`. */
  readonly interface: string;
  /** The region id (`region_id`, else `region`), when the catalog names one. */
  readonly region: string | undefined;
  readonly url: string;
}

/** One service of a token's catalog. */
export interface CatalogService {
  /** `compute`, `identity`, ... */
  readonly type: string;
  readonly name: string | undefined;
  readonly endpoints: readonly CatalogEndpoint[];
}

/** The service catalog a password login returned (Keystone v3 `token.catalog`). */
export type ServiceCatalog = readonly CatalogService[];

/** What a successful password login yields. */
export interface PasswordLogin {
  /** The token, from the `X-Subject-Token` response header. A secret: never log it. */
  readonly token: string;
  /** When the token expires, epoch ms (`token.expires_at`). */
  readonly expiresAt: number;
  /** When the token was issued, epoch ms (`token.issued_at`), if the server said. */
  readonly issuedAt: number | undefined;
  /** The project the token is scoped to, if the body names it. */
  readonly project: { readonly id: string; readonly name: string | undefined } | undefined;
  /** The catalog (empty when the server sent none, e.g. with `?nocatalog`). */
  readonly catalog: ServiceCatalog;
  /** The request id of the login's response, if any. */
  readonly requestId: string | undefined;
}

const catalogEndpointSchema = z.object({
  interface: z.string(),
  region: z.string().nullish(),
  region_id: z.string().nullish(),
  url: z.string(),
});

const catalogServiceSchema = z.object({
  type: z.string(),
  name: z.string().nullish(),
  endpoints: z.array(catalogEndpointSchema),
});

const isoInstantSchema = z.string().refine((value) => !Number.isNaN(parseIsoInstant(value)), 'must be an ISO-8601 date-time');

/** The body of a 201 answer to `POST /v3/auth/tokens` (spec §9.1); fields the toolkit does not use are ignored. */
export const passwordLoginResponseSchema = z.object({
  token: z.object({
    expires_at: isoInstantSchema,
    issued_at: isoInstantSchema.optional(),
    project: z.object({ id: z.string(), name: z.string().nullish() }).optional(),
    catalog: z.array(catalogServiceSchema).optional(),
  }),
});

type PasswordLoginBody = z.infer<typeof passwordLoginResponseSchema>;

const passwordLoginExpectation: ResponseExpectation<PasswordLoginBody> = {
  successStatuses: [200, 201],
  schema: passwordLoginResponseSchema,
  parse: (body) => body as PasswordLoginBody,
};

// A name or id sent in the login body: one line, not empty.
const SINGLE_LINE = /^[^\r\n\0]+$/u;

/** A name or id of a login body, checked: `undefined` stays absent; anything else must be one non-empty line. */
export function loginLine(setting: string, value: string | undefined): string | undefined {
  if (value !== undefined && (typeof value !== 'string' || !SINGLE_LINE.test(value))) {
    throw new ConfigError(setting, `Invalid ${setting}: must be a non-empty single line`);
  }
  return value;
}

/** The `User-Agent` of a login, default `ecs-metadata/<version>`, checked for what a header may hold. */
export function loginUserAgent(userAgent: string | undefined): string {
  const value = userAgent ?? DEFAULT_USER_AGENT;
  if (/[^\t\x20-\x7e\x80-\xff]/u.test(value) || value.trim() === '') {
    throw new ConfigError('userAgent', 'Invalid userAgent: must be a non-empty single line of printable Latin-1 characters');
  }
  return value;
}

/**
 * The token endpoint of an identity service: `{authUrl without /v3}/v3/auth/tokens`.
 *
 * @throws {ConfigError} (`authUrl`) for anything but an http(s) URL, or a Keystone v2.0 URL.
 */
export function passwordLoginUrl(authUrl: string): string {
  let base: string;
  try {
    base = normalizeEndpoint(authUrl, 'authUrl');
  } catch (error) {
    throw new ConfigError('authUrl', (error as Error).message, { cause: error });
  }
  if (/\/v2\.0$/u.test(base)) {
    throw new ConfigError('authUrl', 'Invalid authUrl: Keystone v2.0 is not supported; use the identity v3 endpoint (…/v3)');
  }
  return `${base.replace(/\/v3$/u, '')}/v3/auth/tokens`;
}

/**
 * Builds the password login of spec §9.1, `POST {iam}/v3/auth/tokens`, scoped to the project by id
 * (or else by name). Pure: validates, sends nothing. The body holds the password: never log it.
 *
 * @throws {ConfigError} naming `authUrl`, `username`, `password`, `projectId` (when neither id nor
 *   name is given, or the id is malformed), a domain or `userAgent`; never with the password in the message.
 */
export function buildPasswordLoginRequest(params: PasswordLoginParams): EcsRequest {
  const url = passwordLoginUrl(params.authUrl);
  const username = loginLine('username', params.username);
  if (username === undefined) {
    throw new ConfigError('username', 'A password login needs a user name (username)');
  }
  if (typeof params.password !== 'string' || params.password === '') {
    throw new ConfigError('password', 'A password login needs a non-empty password');
  }
  const userDomainName = loginLine('userDomainName', params.userDomainName);
  const userDomainId = loginLine('userDomainId', params.userDomainId);
  const projectName = loginLine('projectName', params.projectName);
  const projectDomainName = loginLine('projectDomainName', params.projectDomainName);
  const projectDomainId = loginLine('projectDomainId', params.projectDomainId);
  if (params.projectId !== undefined && !projectIdSchema.safeParse(params.projectId).success) {
    throw new ConfigError('projectId', 'Invalid projectId: must be 1-64 characters of lower-case hex digits and "-"');
  }
  let project: Record<string, unknown>;
  if (params.projectId !== undefined) {
    project = { id: params.projectId };
  } else if (projectName !== undefined) {
    const domain =
      projectDomainName !== undefined ? { name: projectDomainName } : projectDomainId !== undefined ? { id: projectDomainId } : undefined;
    project = domain === undefined ? { name: projectName } : { name: projectName, domain };
  } else {
    throw new ConfigError('projectId', 'A password login is scoped to a project: give its id (projectId) or name (projectName)');
  }
  const userAgent = loginUserAgent(params.userAgent);
  const domain = userDomainName !== undefined ? { name: userDomainName } : { id: userDomainId ?? 'default' };
  const body = {
    auth: {
      identity: { methods: ['password'], password: { user: { name: username, password: params.password, domain } } },
      scope: { project },
    },
  };
  return {
    method: 'POST',
    url,
    headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'User-Agent': userAgent },
    body: JSON.stringify(body),
  };
}

/**
 * Interprets the answer to a password login: the token from `X-Subject-Token`, its expiry and
 * the catalog; or throws the typed error of the status (401 → `AuthenticationError`, ...).
 *
 * @throws {EcsApiError} subclasses for error statuses (Keystone's `{error: {code, message}}` body is decoded).
 * @throws {ResponseValidationError} for a success without `X-Subject-Token` or whose body breaks
 *   the Keystone v3 token schema. Headers are never copied into an error, so the token cannot leak.
 */
export function interpretPasswordLoginResponse(status: number, headers: HeaderSource, bodyText: string): PasswordLogin {
  const parsed = interpretResponse(status, headers, bodyText, passwordLoginExpectation);
  const token = readHeader(headers, 'X-Subject-Token');
  const requestId = readRequestIdHeader(headers);
  if (token === undefined || token.trim() === '') {
    throw new ResponseValidationError('X-Subject-Token', 'the login response carries no token header', { status, requestId, bodyExcerpt: '' });
  }
  const { token: body } = parsed;
  return {
    token: token.trim(),
    expiresAt: parseIsoInstant(body.expires_at),
    issuedAt: body.issued_at === undefined ? undefined : parseIsoInstant(body.issued_at),
    project: body.project === undefined ? undefined : { id: body.project.id, name: body.project.name ?? undefined },
    catalog: (body.catalog ?? []).map((service) => ({
      type: service.type,
      name: service.name ?? undefined,
      endpoints: service.endpoints.map((endpoint) => ({
        interface: endpoint.interface,
        region: endpoint.region_id ?? endpoint.region ?? undefined,
        url: endpoint.url,
      })),
    })),
    requestId,
  };
}

/** What {@link findCatalogEndpoint} looks for. */
export interface CatalogQuery {
  /** Service type, e.g. `compute`. */
  type: string;
  /** Default `public`. */
  interface?: string | undefined;
  /** Only endpoints of this region (by `region_id` or `region`); any region when absent. */
  region?: string | undefined;
}

/**
 * The URL of the first endpoint of the catalog that fits `query` (type, interface, region), as
 * OpenStack clients pick it; `undefined` when none does.
 */
export function findCatalogEndpoint(catalog: ServiceCatalog, query: CatalogQuery): string | undefined {
  const wantedInterface = query.interface ?? 'public';
  for (const service of catalog) {
    if (service.type !== query.type) {
      continue;
    }
    const endpoint = service.endpoints.find(
      (candidate) => candidate.interface === wantedInterface && (query.region === undefined || candidate.region === query.region),
    );
    if (endpoint !== undefined) {
      return endpoint.url;
    }
  }
  return undefined;
}

/**
 * Turns a compute endpoint as catalogs list it (`https://ecs.eu-nl.otc.t-systems.com/v2.1`,
 * `http://nova:8774/v2.1/{project_id}`, spec §10) into the base the request builders add
 * `/{v}/{project_id}` to: a trailing `/v2` or `/v2.1`, optionally followed by one more segment (the
 * project id, or an unsubstituted template such as `$(tenant_id)s`), is removed.
 *
 * @throws {ConfigError} (`endpoint`) when the catalog's URL is not a usable http(s) URL.
 */
export function computeEndpointBase(catalogUrl: string): string {
  try {
    return normalizeComputeEndpoint(catalogUrl);
  } catch (error) {
    throw new ConfigError('endpoint', `The catalog's compute endpoint is unusable: ${(error as Error).message}`, { cause: error });
  }
}

/** `2024-01-02T03:04:05.123456Z` → epoch ms; fractions beyond milliseconds are dropped. `NaN` when invalid. */
export function parseIsoInstant(value: string): number {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/u.exec(value);
  if (match === null) {
    return Number.NaN;
  }
  const fraction = (match[2] ?? '').slice(0, 3).padEnd(3, '0');
  return Date.parse(`${match[1]}.${fraction}${match[3]}`);
}
