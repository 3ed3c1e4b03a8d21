import { describe, expect, it } from '@jest/globals';
import { BrokerModel, BrokerRequestError } from './broker-model.js';

/** The test broker's rules, checked against what docs.pact.io says the real broker does. */

const CONSUMER = 'web';
const PROVIDER = 'api';

/** A clock that ticks one minute per call, from a fixed start. */
function clock(): () => string {
  let minutes = 0;
  return () => new Date(Date.UTC(2026, 0, 1, 0, minutes++)).toISOString();
}

function publish(model: BrokerModel, version: string, branch: string, marker = version): void {
  const content = Buffer.from(JSON.stringify({ consumer: { name: CONSUMER }, provider: { name: PROVIDER }, interactions: [{ description: marker }] })).toString('base64');
  model.publish(CONSUMER, version, branch, undefined, [{ consumerName: CONSUMER, providerName: PROVIDER, content }]);
}

function select(
  model: BrokerModel,
  selectors: Record<string, unknown>[],
  extra: { branch?: string; pending?: boolean; wipSince?: string } = {},
) {
  return model
    .pactsForVerification({
      provider: PROVIDER,
      selectors,
      includePendingStatus: extra.pending ?? false,
      includeWipPactsSince: extra.wipSince,
      providerVersionBranch: extra.branch,
    })
    .map((entry) => ({ version: entry.pact.consumerVersion.number, pending: entry.pending, wip: entry.wip }));
}

describe('the test broker model', () => {
  it('takes the first of develop/main/master a pacticipant publishes as its main branch', () => {
    const model = new BrokerModel(clock());
    publish(model, 'c1', 'feature/a');
    publish(model, 'c2', 'main');
    publish(model, 'c3', 'develop');
    expect(model.mainBranches.get(CONSUMER)).toBe('main');
    expect(select(model, [{ mainBranch: true }])).toEqual([{ version: 'c2', pending: false, wip: false }]);
  });

  it('selects the latest of a branch, the branch matching the provider, and what is deployed', () => {
    const model = new BrokerModel(clock());
    publish(model, 'c1', 'main');
    publish(model, 'c2', 'main');
    publish(model, 'c3', 'feature/x');
    expect(select(model, [{ branch: 'main' }])).toEqual([{ version: 'c2', pending: false, wip: false }]);
    expect(select(model, [{ matchingBranch: true }], { branch: 'feature/x' })).toEqual([{ version: 'c3', pending: false, wip: false }]);
    expect(select(model, [{ deployedOrReleased: true }])).toEqual([]);
    const production = model.environments.find((environment) => environment.name === 'production');
    model.recordDeployment(model.findVersion(CONSUMER, 'c1')!, production!, undefined);
    expect(select(model, [{ deployedOrReleased: true }])).toEqual([{ version: 'c1', pending: false, wip: false }]);
    // A later deployment to the same environment replaces the earlier one.
    model.recordDeployment(model.findVersion(CONSUMER, 'c2')!, production!, undefined);
    expect(select(model, [{ deployedOrReleased: true }, { deployed: true, environment: 'test' }])).toEqual([{ version: 'c2', pending: false, wip: false }]);
  });

  it('refuses a selector it does not know, as the broker does', () => {
    const model = new BrokerModel(clock());
    expect(() => select(model, [{ mainBranch: true, tagg: 'x' }])).toThrow(BrokerRequestError);
  });

  it('keeps a pact pending for a provider branch until that branch verified it successfully; WIP adds unselected branches', () => {
    const model = new BrokerModel(clock());
    publish(model, 'c1', 'main');
    publish(model, 'c2', 'feature/y');
    expect(select(model, [{ mainBranch: true }], { branch: 'main', pending: true, wipSince: '2025-12-31' })).toEqual([
      { version: 'c1', pending: true, wip: false },
      { version: 'c2', pending: true, wip: true },
    ]);
    const [pact] = model.pacts;
    model.recordVerification(pact!, { providerApplicationVersion: 'p1', success: false });
    expect(model.isPending(pact!, 'main')).toBe(true);
    model.version(PROVIDER, 'p2', 'other');
    model.recordVerification(pact!, { providerApplicationVersion: 'p2', success: true });
    expect(model.isPending(pact!, 'main')).toBe(true);
    model.version(PROVIDER, 'p3', 'main');
    model.recordVerification(pact!, { providerApplicationVersion: 'p3', success: true });
    expect(select(model, [{ mainBranch: true }], { branch: 'main', pending: true, wipSince: '2027-01-01' })).toEqual([{ version: 'c1', pending: false, wip: false }]);
  });

  it('answers can-i-deploy from deployments and verification results', () => {
    const model = new BrokerModel(clock());
    publish(model, 'c1', 'main');
    const [pact] = model.pacts;
    const production = model.environments.find((environment) => environment.name === 'production')!;
    const consumerTo = () => model.matrix([{ pacticipant: CONSUMER, version: 'c1' }], 'production');
    // No provider in production: the consumer cannot go first.
    expect(consumerTo()).toMatchObject({ deployable: false, reason: expect.stringContaining('no version is currently recorded as deployed') });
    // A provider with no consumer in production can.
    model.recordVerification(pact!, { providerApplicationVersion: 'p1', success: false });
    expect(model.matrix([{ pacticipant: PROVIDER, version: 'p1' }], 'production')).toMatchObject({ deployable: true, rows: [] });
    model.recordDeployment(model.findVersion(PROVIDER, 'p1')!, production, undefined);
    expect(consumerTo()).toMatchObject({ deployable: false, reason: expect.stringContaining('failed') });
    model.recordVerification(pact!, { providerApplicationVersion: 'p1', success: true });
    expect(consumerTo()).toMatchObject({ deployable: true, rows: [{ verification: { success: true } }] });
    // Now the consumer is in production, a provider version that did not verify it may not follow.
    model.recordDeployment(model.findVersion(CONSUMER, 'c1')!, production, undefined);
    model.version(PROVIDER, 'p2', 'main');
    expect(model.matrix([{ pacticipant: PROVIDER, version: 'p2' }], 'production')).toMatchObject({ deployable: false });
    expect(model.matrix([{ pacticipant: CONSUMER, version: 'nope' }], 'production')).toMatchObject({ deployable: false, reason: `No pacticipant version found for ${CONSUMER} version nope` });
  });

  it('refuses a second, different pact for the same consumer version (409)', () => {
    const model = new BrokerModel(clock());
    publish(model, 'c1', 'main', 'one');
    publish(model, 'c1', 'main', 'one');
    expect(() => publish(model, 'c1', 'main', 'two')).toThrow(expect.objectContaining({ status: 409 }));
    expect(model.pacts).toHaveLength(1);
  });
});
