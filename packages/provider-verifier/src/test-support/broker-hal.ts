import type { BrokerVersion, DeployedVersion, Environment, PublishedPact, SelectedPact, VerificationResult } from './broker-model.js';

/**
 * The fake broker's HAL documents, shaped as the real broker's decorators shape them (what the
 * official CLI and Pact's core read); `baseOf()` is the broker's URL, known once it listens.
 */
export function halDocuments(baseOf: () => string) {
  const link = (path: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ href: `${baseOf()}${path}`, ...extra });
  const pacticipantPath = (name: string): string => `/pacticipants/${encodeURIComponent(name)}`;
  const versionPath = (version: BrokerVersion): string => `${pacticipantPath(version.pacticipant)}/versions/${encodeURIComponent(version.number)}`;
  const pactPath = (pact: PublishedPact): string => `/pacts/provider/${encodeURIComponent(pact.provider)}/consumer/${encodeURIComponent(pact.consumer)}/pact-version/${pact.sha}`;
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

  return {
    link,
    pacticipantPath,
    versionPath,
    pactPath,
    pactDocument,
    verificationDocument,
    environmentDocument,
    deploymentDocument,
    selectedDocument,
  };
}
