import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BrokerModel,
  BrokerRequestError,
  type BrokerVersion,
  type DeployedVersion,
  type Environment,
  type MatrixSelector,
  type PublishedPact,
  type SelectedPact,
  type VerificationResult,
} from './broker-model.js';

/** One call the fake broker received. */
export interface BrokerCall {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  /** The JSON body, parsed; the raw text when it is not JSON; `undefined` for none. */
  readonly body: unknown;
}

/** The credentials the fake broker demands; none: it answers anyone. */
export type FakeBrokerAuth = { readonly token: string } | { readonly username: string; readonly password: string };

/** A pact published before the test starts, as `pact-broker publish` would. */
export interface SeededPact {
  /** A parsed pact file. */
  readonly pact: Record<string, unknown>;
  /** The consumer version; default `c0ffee1`. */
  readonly version?: string;
  /** Its branch; default `main` (which becomes the consumer's main branch). */
  readonly branch?: string;
}

/** Options of {@link startFakeBroker}. */
export interface FakeBrokerOptions {
  /** Pacts published before the broker answers. */
  readonly seed?: readonly SeededPact[];
  /** Demand a bearer token or basic auth, as a broker behind auth does (401 without it). */
  readonly auth?: FakeBrokerAuth;
}

/** A running fake broker. */
export interface FakeBroker {
  readonly url: string;
  /** Every call, in order, for tests to assert on. */
  readonly calls: BrokerCall[];
  /** Its state: published pacts, verification results, environments, deployments. */
  readonly model: BrokerModel;
  close(): Promise<void>;
}

type Reply = { readonly status: number; readonly body: unknown };
type Route = (match: RegExpExecArray, body: unknown, query: URLSearchParams) => Reply;

const PACTICIPANT = '([^/]+)';

/**
 * An in-memory Pact Broker speaking the real one's HAL JSON API on `127.0.0.1`, port 0, well enough
 * for the official `pact-broker` CLI (`@pact-foundation/pact-cli`) and Pact's verifier to run a whole
 * pipeline against it (PACT-GUIDE "Broker"): publish, pacts for verification (selectors, pending, WIP),
 * verification results, the matrix behind can-i-deploy, environments, deployments,
 * describe-pacticipant. The rules live in {@link BrokerModel}; this is its HTTP face. Every call is
 * recorded.
 */
export async function startFakeBroker(options: FakeBrokerOptions = {}): Promise<FakeBroker> {
  const model = new BrokerModel();
  for (const seeded of options.seed ?? []) {
    const consumer = (seeded.pact['consumer'] as { name: string }).name;
    const provider = (seeded.pact['provider'] as { name: string }).name;
    const content = Buffer.from(JSON.stringify(seeded.pact)).toString('base64');
    model.publish(consumer, seeded.version ?? 'c0ffee1', seeded.branch ?? 'main', undefined, [{ consumerName: consumer, providerName: provider, content }]);
  }
  const calls: BrokerCall[] = [];
  let base = '';
  const routes = brokerRoutes(model, () => base);

  const server = createServer((req, res) => {
    readBody(req).then((text) => {
      const url = new URL(req.url ?? '/', 'http://broker');
      const method = req.method ?? 'GET';
      const body = parseBody(text);
      calls.push({ method, path: `${url.pathname}${url.search}`, authorization: req.headers.authorization, body });
      if (!authorized(options.auth, req.headers.authorization)) {
        // What a broker behind basic auth or a bearer token answers (no JSON body).
        res.writeHead(401, { 'Content-Type': 'text/plain', 'WWW-Authenticate': options.auth !== undefined && 'token' in options.auth ? 'Bearer' : 'Basic realm="Pact Broker"' });
        res.end('Unauthorized');
        return;
      }
      const reply = route(routes, method, url, body);
      res.writeHead(reply.status, { 'Content-Type': 'application/hal+json;charset=utf-8' });
      res.end(JSON.stringify(reply.body));
    }, () => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    calls,
    model,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function route(routes: ReadonlyMap<string, Route>, method: string, url: URL, body: unknown): Reply {
  for (const [key, handler] of routes) {
    const [routeMethod, pattern] = key.split(' ') as [string, string];
    const match = new RegExp(`^${pattern}$`, 'u').exec(url.pathname);
    if (match !== null && routeMethod === method) {
      try {
        return handler(match, body, url.searchParams);
      } catch (error) {
        if (error instanceof BrokerRequestError) {
          return { status: error.status, body: { errors: { base: [error.message] } } };
        }
        throw error;
      }
    }
  }
  return { status: 404, body: { error: `The requested document was not found on this server: ${method} ${url.pathname}` } };
}

/** The routes, keyed `METHOD /path-regex`, as the real broker's `api.rb` names them. */
function brokerRoutes(model: BrokerModel, baseOf: () => string): Map<string, Route> {
  const link = (path: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ href: `${baseOf()}${path}`, ...extra });
  const pacticipantPath = (name: string): string => `/pacticipants/${encodeURIComponent(name)}`;
  const versionPath = (version: BrokerVersion): string => `${pacticipantPath(version.pacticipant)}/versions/${encodeURIComponent(version.number)}`;
  const pactPath = (pact: PublishedPact): string => `/pacts/provider/${encodeURIComponent(pact.provider)}/consumer/${encodeURIComponent(pact.consumer)}/pact-version/${pact.sha}`;
  const found = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) {
      throw new BrokerRequestError(404, `${what} was not found`);
    }
    return value;
  };
  const requirePacticipant = (name: string): string => found(model.pacticipants().includes(name) ? name : undefined, `pacticipant ${name}`);
  const versionOf = (match: RegExpExecArray): BrokerVersion => found(model.findVersion(decode(match[1]), decode(match[2])), `version ${decode(match[2])} of ${decode(match[1])}`);

  const pactDocument = (pact: PublishedPact): unknown => ({
    ...pact.content,
    // The broker gives each interaction an id; Pact sends it back in the verification results.
    interactions: (pact.content['interactions'] as Record<string, unknown>[]).map((interaction, index) => ({ ...interaction, _id: `interaction-${index}` })),
    createdAt: pact.createdAt,
    _links: {
      self: link(pactPath(pact), { title: 'Pact', name: `Pact between ${pact.consumer} (${pact.consumerVersion.number}) and ${pact.provider}` }),
      'pb:consumer': link(pacticipantPath(pact.consumer), { title: 'Consumer', name: pact.consumer }),
      'pb:consumer-version': link(versionPath(pact.consumerVersion), { title: 'Consumer version', name: pact.consumerVersion.number }),
      'pb:provider': link(pacticipantPath(pact.provider), { title: 'Provider', name: pact.provider }),
      'pb:publish-verification-results': link(`${pactPath(pact)}/verification-results`, { title: 'Publish verification results' }),
    },
  });
  const verificationDocument = (result: VerificationResult): unknown => ({
    ...result.body,
    verifiedAt: result.verifiedAt,
    _links: { self: link(`/pacts/provider/${encodeURIComponent(result.provider)}/consumer/${encodeURIComponent(result.consumer)}/pact-version/${result.sha}/verification-results/${result.id}`) },
  });
  const environmentDocument = (environment: Environment): unknown => ({
    uuid: environment.uuid,
    name: environment.name,
    displayName: environment.displayName,
    production: environment.production,
    _links: { self: link(`/environments/${environment.uuid}`, { title: 'Environment', name: environment.name }) },
  });
  const deploymentDocument = (deployment: DeployedVersion): unknown => ({
    uuid: deployment.uuid,
    currentlyDeployed: deployment.currentlyDeployed,
    target: deployment.applicationInstance ?? null,
    applicationInstance: deployment.applicationInstance ?? null,
    _embedded: { version: { number: deployment.version.number }, environment: environmentDocument(deployment.environment) },
    _links: { self: link(`/deployed-versions/${deployment.uuid}`) },
  });
  const selectedDocument = (entry: SelectedPact): unknown => ({
    shortDescription: entry.wip ? 'a work in progress pact' : entry.reasons.join(', '),
    verificationProperties: {
      pending: entry.pending,
      ...(entry.wip ? { wip: true } : {}),
      notices: [
        { when: 'before_verification', text: `The pact at ${baseOf()}${pactPath(entry.pact)} is being verified because it matches the following configured selection criterion: ${entry.reasons.join(', ')}` },
        ...(entry.pending ? [{ when: 'before_verification', text: 'This pact is in pending state for this version of the provider: a failure will not fail the build.' }] : []),
      ],
    },
    _links: { self: link(pactPath(entry.pact), { name: `Pact between ${entry.pact.consumer} (${entry.pact.consumerVersion.number}) and ${entry.pact.provider}` }) },
  });

  return new Map<string, Route>([
    [
      'GET /',
      () =>
        ok({
          _links: {
            self: link('', { title: 'Index' }),
            'pb:publish-contracts': link('/contracts/publish', { title: 'Publish contracts' }),
            'pb:provider-pacts-for-verification': link('/pacts/provider/{provider}/for-verification', { templated: true }),
            'beta:provider-pacts-for-verification': link('/pacts/provider/{provider}/for-verification', { templated: true }),
            'pb:latest-provider-pacts': link('/pacts/provider/{provider}/latest', { templated: true }),
            'pb:pacticipants': link('/pacticipants'),
            'pb:pacticipant': link('/pacticipants/{pacticipant}', { templated: true }),
            'pb:pacticipant-version': link('/pacticipants/{pacticipant}/versions/{version}', { templated: true }),
            'pb:environments': link('/environments'),
            'pb:environment': link('/environments/{uuid}', { templated: true }),
            'pb:matrix': link('/matrix'),
            curies: [{ name: 'pb', href: `${baseOf()}/doc/{rel}?context=index`, templated: true }],
          },
        }),
    ],
    [
      'POST /contracts/publish',
      (_, body) => {
        const request = record(body);
        const consumer = text(request['pacticipantName'], 'pacticipantName');
        const number = text(request['pacticipantVersionNumber'], 'pacticipantVersionNumber');
        const contracts = Array.isArray(request['contracts']) ? (request['contracts'] as Record<string, unknown>[]) : [];
        const branch = optionalText(request['branch']);
        const pacts = model.publish(consumer, number, branch, optionalText(request['buildUrl']), contracts);
        const version = pacts[0]?.consumerVersion ?? model.version(consumer, number, branch);
        return ok({
          notices: pacts.map((pact) => ({ type: 'success', text: `Pact published for ${consumer} version ${number}${branch === undefined ? '' : ` (branch ${branch})`} and provider ${pact.provider}.` })),
          logs: [],
          _embedded: { pacticipant: { name: consumer, _links: { self: link(pacticipantPath(consumer)) } }, version: { number, _links: { self: link(versionPath(version), { name: number, title: 'Version' }) } } },
          _links: {
            'pb:pacticipant': link(pacticipantPath(consumer), { name: consumer, title: 'Pacticipant' }),
            'pb:pacticipant-version': link(versionPath(version), { name: number, title: 'Pacticipant version' }),
            'pb:pacticipant-version-tags': [],
            'pb:contracts': pacts.map((pact) => link(`/pacts/provider/${encodeURIComponent(pact.provider)}/consumer/${encodeURIComponent(consumer)}/version/${encodeURIComponent(number)}`, { name: `Pact between ${consumer} and ${pact.provider}`, title: 'Pact' })),
          },
        });
      },
    ],
    [
      `GET /pacticipants/${PACTICIPANT}`,
      (match) => {
        const name = requirePacticipant(decode(match[1]));
        return ok({
          name,
          displayName: name,
          mainBranch: model.mainBranches.get(name) ?? null,
          repositoryUrl: null,
          createdAt: model.versions.find((version) => version.pacticipant === name)?.createdAt ?? null,
          updatedAt: null,
          _links: {
            self: link(pacticipantPath(name)),
            'pb:versions': link(`${pacticipantPath(name)}/versions`),
            'pb:version': link(`${pacticipantPath(name)}/versions/{version}`, { templated: true }),
            'pb:branch-version': link(`${pacticipantPath(name)}/branches/{branch}/versions/{version}`, { templated: true }),
            'pb:version-tag': link(`${pacticipantPath(name)}/versions/{version}/tags/{tag}`, { templated: true }),
          },
        });
      },
    ],
    [
      `PUT /pacticipants/${PACTICIPANT}/branches/([^/]+)/versions/([^/]+)`,
      (match) => {
        const version = model.version(decode(match[1]), decode(match[3]), decode(match[2]));
        return ok({ name: version.number, _links: { self: link(versionPath(version)) } });
      },
    ],
    [`PUT /pacticipants/${PACTICIPANT}/versions/([^/]+)/tags/([^/]+)`, (match) => ok({ name: decode(match[3]), _links: { self: link(versionPath(model.version(decode(match[1]), decode(match[2])))) } })],
    [
      `GET /pacticipants/${PACTICIPANT}/versions/([^/]+)`,
      (match) => {
        const version = versionOf(match);
        return ok({
          number: version.number,
          branch: version.branch ?? null,
          buildUrl: version.buildUrl ?? null,
          createdAt: version.createdAt,
          _links: {
            self: link(versionPath(version), { title: 'Version', name: version.number }),
            'pb:pacticipant': link(pacticipantPath(version.pacticipant), { name: version.pacticipant }),
            'pb:record-deployment': model.environments.map((environment) =>
              link(`${versionPath(version)}/deployed-versions/environment/${environment.uuid}`, { title: `Record deployment to ${environment.displayName}`, name: environment.name }),
            ),
          },
        });
      },
    ],
    [
      `POST /pacticipants/${PACTICIPANT}/versions/([^/]+)/deployed-versions/environment/([^/]+)`,
      (match, body) => {
        const version = versionOf(match);
        const environment = found(
          model.environments.find((candidate) => candidate.uuid === decode(match[3])),
          `environment ${decode(match[3])}`,
        );
        const instance = optionalText(record(body ?? {})['applicationInstance']);
        return { status: 201, body: deploymentDocument(model.recordDeployment(version, environment, instance)) };
      },
    ],
    [
      'GET /environments',
      () => ok({ _embedded: { environments: model.environments.map(environmentDocument) }, _links: { self: link('/environments') } }),
    ],
    [
      'POST /environments',
      (_, body) => {
        const request = record(body);
        const environment = model.createEnvironment({ name: text(request['name'], 'name'), displayName: optionalText(request['displayName']), production: request['production'] === true });
        return { status: 201, body: environmentDocument(environment) };
      },
    ],
    ['GET /environments/([^/]+)', (match) => ok(environmentDocument(found(model.environments.find((environment) => environment.uuid === decode(match[1])), `environment ${decode(match[1])}`)))],
    [`GET /pacts/provider/${PACTICIPANT}/for-verification`, (match) => ok({ _links: { self: link(`/pacts/provider/${match[1] ?? ''}/for-verification`) } })],
    [
      `POST /pacts/provider/${PACTICIPANT}/for-verification`,
      (match, body) => {
        const request = record(body ?? {});
        const selectors = Array.isArray(request['consumerVersionSelectors']) ? (request['consumerVersionSelectors'] as Record<string, unknown>[]) : [{ mainBranch: true }];
        const selected = model.pactsForVerification({
          provider: decode(match[1]),
          selectors: selectors.length === 0 ? [{ latest: true }] : selectors,
          includePendingStatus: request['includePendingStatus'] === true,
          includeWipPactsSince: optionalText(request['includeWipPactsSince']),
          providerVersionBranch: optionalText(request['providerVersionBranch']),
        });
        return ok({ _embedded: { pacts: selected.map(selectedDocument) }, _links: { self: link(`/pacts/provider/${match[1] ?? ''}/for-verification`) } });
      },
    ],
    [
      `GET /pacts/provider/${PACTICIPANT}/latest`,
      (match) => {
        const provider = decode(match[1]);
        const latest = model.pactsForVerification({ provider, selectors: [{ latest: true }], includePendingStatus: false, includeWipPactsSince: undefined, providerVersionBranch: undefined });
        return ok({
          _links: {
            self: link(`/pacts/provider/${match[1] ?? ''}/latest`),
            provider: link(pacticipantPath(provider), { name: provider }),
            'pb:pacts': latest.map((entry) => link(pactPath(entry.pact), { name: `Pact between ${entry.pact.consumer} (${entry.pact.consumerVersion.number}) and ${provider}` })),
          },
        });
      },
    ],
    [
      `GET /pacts/provider/${PACTICIPANT}/consumer/${PACTICIPANT}/pact-version/([0-9a-f]+)(?:/metadata/[^/]+)?`,
      (match) => ok(pactDocument(found(model.findPact(decode(match[1]), decode(match[2]), { sha: decode(match[3]) }), 'the pact'))),
    ],
    [
      `GET /pacts/provider/${PACTICIPANT}/consumer/${PACTICIPANT}/version/([^/]+)`,
      (match) => ok(pactDocument(found(model.findPact(decode(match[1]), decode(match[2]), { consumerVersion: decode(match[3]) }), 'the pact'))),
    ],
    [
      `POST /pacts/provider/${PACTICIPANT}/consumer/${PACTICIPANT}/pact-version/([0-9a-f]+)/verification-results`,
      (match, body) => {
        const pact = found(model.findPact(decode(match[1]), decode(match[2]), { sha: decode(match[3]) }), 'the pact');
        return { status: 201, body: verificationDocument(model.recordVerification(pact, record(body))) };
      },
    ],
    [
      'GET /matrix',
      (_, __, query) => {
        const answer = model.matrix(matrixSelectors(query), query.get('environment') ?? undefined);
        return ok({
          summary: {
            deployable: answer.deployable,
            reason: answer.reason,
            success: answer.rows.filter((row) => row.verification?.success === true).length,
            failed: answer.rows.filter((row) => row.verification?.success === false).length,
            unknown: answer.rows.filter((row) => row.verification === undefined).length,
          },
          notices: answer.notices,
          matrix: answer.rows.map((row) => ({
            consumer: { name: row.pact.consumer, version: { number: row.pact.consumerVersion.number, branch: row.pact.consumerVersion.branch ?? null } },
            provider: { name: row.pact.provider, version: row.providerVersion === undefined ? null : { number: row.providerVersion.number, branch: row.providerVersion.branch ?? null } },
            pact: { createdAt: row.pact.createdAt, _links: { self: link(pactPath(row.pact)) } },
            verificationResult: row.verification === undefined ? null : verificationDocument(row.verification),
          })),
        });
      },
    ],
  ]);
}

/** `q[][pacticipant]=A&q[][version]=1&q[][pacticipant]=B&...`: each `pacticipant` starts a selector. */
function matrixSelectors(query: URLSearchParams): MatrixSelector[] {
  const selectors: Record<string, string>[] = [];
  for (const [key, value] of query) {
    const field = /^q\[\]\[(\w+)\]$/u.exec(key)?.[1];
    if (field === 'pacticipant') {
      selectors.push({ pacticipant: value });
    } else if (field !== undefined && selectors.length > 0) {
      (selectors[selectors.length - 1] as Record<string, string>)[field] = value;
    }
  }
  return selectors.map((selector) => ({
    pacticipant: selector['pacticipant'] as string,
    version: selector['version'],
    branch: selector['branch'],
    latest: selector['latest'] === 'true',
    mainBranch: selector['mainBranch'] === 'true',
  }));
}

function authorized(auth: FakeBrokerAuth | undefined, header: string | undefined): boolean {
  if (auth === undefined) {
    return true;
  }
  const expected = 'token' in auth ? `Bearer ${auth.token}` : `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  return header === expected;
}

function ok(body: unknown): Reply {
  return { status: 200, body };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

function parseBody(text: string): unknown {
  if (text === '') {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function decode(segment: string | undefined): string {
  return decodeURIComponent(segment ?? '');
}

function record(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BrokerRequestError(400, 'the request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

function text(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new BrokerRequestError(400, `${name} is required`);
  }
  return value;
}

function optionalText(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
