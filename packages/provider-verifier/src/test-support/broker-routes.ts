import { type BrokerModel, BrokerRequestError, type BrokerVersion, type MatrixSelector } from './broker-model.js';
import { halDocuments } from './broker-hal.js';

/** A route's answer: a status and a JSON body. */
export interface Reply {
  readonly status: number;
  readonly body: unknown;
}

/** One route's handler: the path's match, the parsed body, the query. */
export type Route = (match: RegExpExecArray, body: unknown, query: URLSearchParams) => Reply;

const PACTICIPANT = '([^/]+)';

/** Finds the route for a request and runs it; the model's refusals become their HTTP status. */
export function route(routes: ReadonlyMap<string, Route>, method: string, url: URL, body: unknown): Reply {
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
export function brokerRoutes(model: BrokerModel, baseOf: () => string): Map<string, Route> {
  const {
    link,
    pacticipantPath,
    versionPath,
    pactPath,
    pactDocument,
    verificationDocument,
    environmentDocument,
    deploymentDocument,
    selectedDocument,
  } = halDocuments(baseOf);
  const found = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) {
      throw new BrokerRequestError(404, `${what} was not found`);
    }
    return value;
  };
  const requirePacticipant = (name: string): string => found(model.pacticipants().includes(name) ? name : undefined, `pacticipant ${name}`);
  const versionOf = (match: RegExpExecArray): BrokerVersion => found(model.findVersion(decode(match[1]), decode(match[2])), `version ${decode(match[2])} of ${decode(match[1])}`);

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
        const latest = model.pactsForVerification({
          provider,
          selectors: [{ latest: true }],
          includePendingStatus: false,
          includeWipPactsSince: undefined,
          providerVersionBranch: undefined,
        });
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
            consumer: {
              name: row.pact.consumer,
              version: { number: row.pact.consumerVersion.number, branch: row.pact.consumerVersion.branch ?? null },
            },
            provider: {
              name: row.pact.provider,
              version:
                row.providerVersion === undefined
                  ? null
                  : { number: row.providerVersion.number, branch: row.providerVersion.branch ?? null },
            },
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
function ok(body: unknown): Reply {
  return { status: 200, body };
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
