import { createHash, randomUUID } from 'node:crypto';

/**
 * The in-memory state of the fake Pact Broker and the rules the real one applies to it (docs.pact.io
 * "Pact Broker": consumer version selectors, pending and WIP pacts, the matrix behind can-i-deploy,
 * environments and deployed versions). Pure: no HTTP here, the clock is passed in.
 */

/** An application version (`pacticipant` + `number`), with its branch. */
export interface BrokerVersion {
  readonly pacticipant: string;
  readonly number: string;
  branch: string | undefined;
  buildUrl: string | undefined;
  readonly order: number;
  readonly createdAt: string;
}

/** A published pact: one consumer version's contract with one provider. */
export interface PublishedPact {
  readonly consumer: string;
  readonly provider: string;
  readonly consumerVersion: BrokerVersion;
  /** The content hash: two consumer versions publishing the same content share it. */
  readonly sha: string;
  readonly content: Record<string, unknown>;
  readonly createdAt: string;
  readonly order: number;
}

/** A published verification result. */
export interface VerificationResult {
  readonly id: number;
  readonly sha: string;
  readonly consumer: string;
  readonly provider: string;
  readonly providerVersion: BrokerVersion;
  readonly success: boolean;
  readonly body: Record<string, unknown>;
  readonly verifiedAt: string;
}

/** A deployment environment. */
export interface Environment {
  readonly uuid: string;
  readonly name: string;
  readonly displayName: string;
  readonly production: boolean;
}

/** A version recorded as deployed to an environment. */
export interface DeployedVersion {
  readonly uuid: string;
  readonly version: BrokerVersion;
  readonly environment: Environment;
  readonly applicationInstance: string | undefined;
  currentlyDeployed: boolean;
}

/** A pact selected for verification, and why. */
export interface SelectedPact {
  readonly pact: PublishedPact;
  readonly reasons: string[];
  pending: boolean;
  wip: boolean;
}

/** What `POST /pacts/provider/{p}/for-verification` is asked. */
export interface ForVerificationQuery {
  readonly provider: string;
  readonly selectors: readonly Record<string, unknown>[];
  readonly includePendingStatus: boolean;
  readonly includeWipPactsSince: string | undefined;
  readonly providerVersionBranch: string | undefined;
}

/** One row of the matrix: a consumer version's pact and a provider version's verification of it. */
export interface MatrixRow {
  readonly pact: PublishedPact;
  readonly providerVersion: BrokerVersion | undefined;
  readonly verification: VerificationResult | undefined;
}

/** The matrix's answer to can-i-deploy. */
export interface MatrixAnswer {
  readonly rows: readonly MatrixRow[];
  readonly deployable: boolean;
  readonly reason: string;
  readonly notices: readonly { type: 'success' | 'error'; text: string }[];
}

/** One `q[]` selector of `GET /matrix`. */
export interface MatrixSelector {
  readonly pacticipant: string;
  readonly version?: string;
  readonly branch?: string;
  readonly latest?: boolean;
  readonly mainBranch?: boolean;
}

/** A request the broker refuses (HTTP 400/404/409 with this message). */
export class BrokerRequestError extends Error {
  override readonly name = 'BrokerRequestError';
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

/** The selector keys the fake understands (a subset of the real broker's; others are refused as it does). */
const SELECTOR_KEYS = new Set(['mainBranch', 'branch', 'matchingBranch', 'deployedOrReleased', 'deployed', 'released', 'environment', 'latest', 'consumer', 'fallbackBranch']);

/** The broker makes the first of these branches a pacticipant publishes its main branch (auto-detection). */
const MAIN_BRANCH_CANDIDATES = ['develop', 'main', 'master'];

/** The broker's state. `now` is the clock (ISO strings). */
export class BrokerModel {
  readonly mainBranches = new Map<string, string>();
  readonly versions: BrokerVersion[] = [];
  readonly pacts: PublishedPact[] = [];
  readonly verifications: VerificationResult[] = [];
  readonly environments: Environment[] = [];
  readonly deployments: DeployedVersion[] = [];
  private readonly named = new Set<string>();
  private order = 0;

  constructor(private readonly now: () => string = () => new Date().toISOString()) {
    // The real broker seeds these two (pact-broker CLI help, "can-i-deploy").
    this.createEnvironment({ name: 'test', production: false });
    this.createEnvironment({ name: 'production', production: true });
  }

  /** The pacticipants known: any with a version, and every provider named in a pact. */
  pacticipants(): string[] {
    return [...new Set([...this.named, ...this.versions.map((version) => version.pacticipant)])];
  }

  /** Finds or creates a version; a branch given is recorded (and may become the main branch). */
  version(pacticipant: string, number: string, branch?: string, buildUrl?: string): BrokerVersion {
    let version = this.findVersion(pacticipant, number);
    if (version === undefined) {
      version = { pacticipant, number, branch: undefined, buildUrl: undefined, order: ++this.order, createdAt: this.now() };
      this.versions.push(version);
    }
    if (branch !== undefined && branch !== '') {
      version.branch = branch;
      if (!this.mainBranches.has(pacticipant) && MAIN_BRANCH_CANDIDATES.includes(branch)) {
        this.mainBranches.set(pacticipant, branch);
      }
    }
    if (buildUrl !== undefined) {
      version.buildUrl = buildUrl;
    }
    return version;
  }

  findVersion(pacticipant: string, number: string): BrokerVersion | undefined {
    return this.versions.find((version) => version.pacticipant === pacticipant && version.number === number);
  }

  /** `POST /contracts/publish`: one consumer version's pacts. */
  publish(
    consumer: string,
    versionNumber: string,
    branch: string | undefined,
    buildUrl: string | undefined,
    contracts: readonly Record<string, unknown>[],
  ): PublishedPact[] {
    const version = this.version(consumer, versionNumber, branch, buildUrl);
    return contracts.map((contract) => {
      const provider = contract['providerName'];
      const content = contract['content'];
      if (typeof provider !== 'string' || typeof content !== 'string' || contract['consumerName'] !== consumer) {
        throw new BrokerRequestError(400, 'each contract needs consumerName (the pacticipant), providerName and base64 content');
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.from(content, 'base64').toString('utf8'));
      } catch {
        throw new BrokerRequestError(400, `the content of the contract with ${provider} is not base64-encoded JSON`);
      }
      if (typeof parsed !== 'object' || parsed === null || !Array.isArray((parsed as { interactions?: unknown }).interactions)) {
        throw new BrokerRequestError(400, `the contract with ${provider} is not a pact (no interactions)`);
      }
      const existing = this.pacts.find((pact) => pact.consumerVersion === version && pact.provider === provider);
      const sha = createHash('sha1').update(JSON.stringify(parsed)).digest('hex');
      if (existing !== undefined && existing.sha !== sha) {
        throw new BrokerRequestError(
          409,
          `a different pact was already published for ${consumer} version ${versionNumber} and ${provider}`,
        );
      }
      this.named.add(provider); // the provider becomes a pacticipant, as in the real broker
      if (existing !== undefined) {
        return existing;
      }
      const pact: PublishedPact = {
        consumer,
        provider,
        consumerVersion: version,
        sha,
        content: parsed as Record<string, unknown>,
        createdAt: this.now(),
        order: ++this.order,
      };
      this.pacts.push(pact);
      return pact;
    });
  }

  /** The pact of a consumer version with a provider, by pact version hash or consumer version number. */
  findPact(provider: string, consumer: string, by: { sha: string } | { consumerVersion: string }): PublishedPact | undefined {
    return [...this.pacts]
      .reverse()
      .find(
        (pact) =>
          pact.provider === provider &&
          pact.consumer === consumer &&
          ('sha' in by ? pact.sha === by.sha : pact.consumerVersion.number === by.consumerVersion),
      );
  }

  /** `POST .../verification-results`. */
  recordVerification(pact: PublishedPact, body: Record<string, unknown>): VerificationResult {
    const number = body['providerApplicationVersion'];
    if (typeof number !== 'string' || number === '' || typeof body['success'] !== 'boolean') {
      throw new BrokerRequestError(400, 'a verification result needs providerApplicationVersion and success');
    }
    const providerVersion = this.version(pact.provider, number);
    const result: VerificationResult = {
      id: this.verifications.length + 1,
      sha: pact.sha,
      consumer: pact.consumer,
      provider: pact.provider,
      providerVersion,
      success: body['success'],
      body,
      verifiedAt: this.now(),
    };
    this.verifications.push(result);
    return result;
  }

  createEnvironment(input: { name: string; displayName?: string; production: boolean }): Environment {
    if (this.environments.some((environment) => environment.name === input.name)) {
      throw new BrokerRequestError(409, `an environment named ${input.name} already exists`);
    }
    const environment: Environment = {
      uuid: randomUUID(),
      name: input.name,
      displayName: input.displayName ?? capitalize(input.name),
      production: input.production,
    };
    this.environments.push(environment);
    return environment;
  }

  /** Records a deployment; the version deployed before to the same environment and instance is no longer current. */
  recordDeployment(version: BrokerVersion, environment: Environment, applicationInstance: string | undefined): DeployedVersion {
    for (const deployment of this.deployments) {
      if (
        deployment.version.pacticipant === version.pacticipant &&
        deployment.environment === environment &&
        deployment.applicationInstance === applicationInstance
      ) {
        deployment.currentlyDeployed = false;
      }
    }
    const deployment: DeployedVersion = { uuid: randomUUID(), version, environment, applicationInstance, currentlyDeployed: true };
    this.deployments.push(deployment);
    return deployment;
  }

  /** The versions of `pacticipant` currently deployed (to `environment` when named). */
  deployedVersions(pacticipant: string, environment?: string): BrokerVersion[] {
    return this.deployments
      .filter(
        (deployment) =>
          deployment.currentlyDeployed &&
          deployment.version.pacticipant === pacticipant &&
          (environment === undefined || deployment.environment.name === environment),
      )
      .map((deployment) => deployment.version);
  }

  /** Pacts for verification: the selectors applied, pending status, WIP pacts (docs.pact.io/pact_broker/advanced_topics/pending_pacts). */
  pactsForVerification(query: ForVerificationQuery): SelectedPact[] {
    const selected = new Map<string, SelectedPact>();
    const add = (pact: PublishedPact, reason: string): void => {
      const entry = selected.get(pact.sha) ?? { pact, reasons: [], pending: false, wip: false };
      entry.reasons.push(reason);
      selected.set(pact.sha, entry);
    };
    for (const selector of query.selectors) {
      const unknown = Object.keys(selector).filter((key) => !SELECTOR_KEYS.has(key));
      if (unknown.length > 0) {
        throw new BrokerRequestError(400, `consumerVersionSelectors: ${unknown.join(', ')} is not a valid selector property`);
      }
      for (const [pact, reason] of this.select(query.provider, selector, query.providerVersionBranch)) {
        add(pact, reason);
      }
    }
    for (const entry of selected.values()) {
      entry.pending = query.includePendingStatus && this.isPending(entry.pact, query.providerVersionBranch);
    }
    if (query.includeWipPactsSince !== undefined && query.providerVersionBranch !== undefined) {
      const since = Date.parse(query.includeWipPactsSince);
      for (const pact of this.latestPerConsumerBranch(query.provider)) {
        if (!selected.has(pact.sha) && Date.parse(pact.createdAt) >= since && this.isPending(pact, query.providerVersionBranch)) {
          selected.set(pact.sha, {
            pact,
            reasons: [`a work in progress pact from branch ${pact.consumerVersion.branch ?? '(none)'}`],
            pending: true,
            wip: true,
          });
        }
      }
    }
    return [...selected.values()];
  }

  /** A pact is pending for a provider branch until a version of that branch verified it successfully. */
  isPending(pact: PublishedPact, providerBranch: string | undefined): boolean {
    return !this.verifications.some(
      (result) =>
        result.sha === pact.sha && result.success && (providerBranch === undefined || result.providerVersion.branch === providerBranch),
    );
  }

  private select(provider: string, selector: Record<string, unknown>, providerBranch: string | undefined): [PublishedPact, string][] {
    const consumer = typeof selector['consumer'] === 'string' ? selector['consumer'] : undefined;
    const pacts = this.pacts.filter((pact) => pact.provider === provider && (consumer === undefined || pact.consumer === consumer));
    const latestOf = (candidates: PublishedPact[]): PublishedPact[] => {
      const latest = new Map<string, PublishedPact>();
      for (const pact of candidates) {
        const current = latest.get(pact.consumer);
        if (current === undefined || pact.consumerVersion.order > current.consumerVersion.order) {
          latest.set(pact.consumer, pact);
        }
      }
      return [...latest.values()];
    };
    const on = (branch: string | undefined): PublishedPact[] =>
      latestOf(pacts.filter((pact) => branch !== undefined && pact.consumerVersion.branch === branch));
    if (selector['mainBranch'] === true) {
      return latestOf(
        pacts.filter(
          (pact) => pact.consumerVersion.branch !== undefined && pact.consumerVersion.branch === this.mainBranches.get(pact.consumer),
        ),
      ).map((pact) => [pact, `latest pact for a consumer version from the main branch (${pact.consumerVersion.branch ?? ''})`]);
    }
    if (selector['matchingBranch'] === true) {
      return on(providerBranch).map((pact) => [
        pact,
        `latest pact for a consumer version from the branch matching the provider's (${providerBranch ?? ''})`,
      ]);
    }
    if (typeof selector['branch'] === 'string') {
      const found = on(selector['branch']);
      const fallback = typeof selector['fallbackBranch'] === 'string' && found.length === 0 ? on(selector['fallbackBranch']) : [];
      return [...found, ...fallback].map((pact) => [pact, `latest pact from branch ${pact.consumerVersion.branch ?? ''}`]);
    }
    if (selector['deployedOrReleased'] === true || selector['deployed'] === true || selector['released'] === true) {
      const environment = typeof selector['environment'] === 'string' ? selector['environment'] : undefined;
      // Nothing is "released" here (no record-release): a released selector matches nothing.
      const deployed =
        selector['released'] === true
          ? []
          : this.deployments.filter(
              (deployment) => deployment.currentlyDeployed && (environment === undefined || deployment.environment.name === environment),
            );
      return pacts.flatMap((pact): [PublishedPact, string][] => {
        const where = deployed
          .filter((deployment) => deployment.version === pact.consumerVersion)
          .map((deployment) => deployment.environment.name);
        return where.length === 0 ? [] : [[pact, `pact for a consumer version currently deployed to ${where.join(', ')}`]];
      });
    }
    if (selector['latest'] === true) {
      return latestOf(pacts).map((pact) => [pact, 'latest pact between a consumer and the provider']);
    }
    throw new BrokerRequestError(400, `consumerVersionSelectors: ${JSON.stringify(selector)} selects nothing the broker understands`);
  }

  private latestPerConsumerBranch(provider: string): PublishedPact[] {
    const latest = new Map<string, PublishedPact>();
    for (const pact of this.pacts.filter(
      (candidate) => candidate.provider === provider && candidate.consumerVersion.branch !== undefined,
    )) {
      const key = `${pact.consumer}\u0000${pact.consumerVersion.branch ?? ''}`;
      const current = latest.get(key);
      if (current === undefined || pact.consumerVersion.order > current.consumerVersion.order) {
        latest.set(key, pact);
      }
    }
    return [...latest.values()];
  }

  /**
   * The matrix for can-i-deploy: the selected version(s) of one pacticipant against what is deployed
   * to `environment`. A consumer needs each provider it has a pact with deployed there with a successful
   * verification of that pact; a provider needs each consumer deployed there verified (consumers not
   * deployed are no dependency).
   */
  matrix(selectors: readonly MatrixSelector[], environment: string | undefined): MatrixAnswer {
    if (selectors.length === 0) {
      throw new BrokerRequestError(400, 'q[][pacticipant] is required');
    }
    const selected = selectors.map((selector) => this.resolveSelector(selector));
    const missing = selected.find(([, version]) => version === undefined);
    if (missing !== undefined) {
      const [selector] = missing;
      const text = `No pacticipant version found for ${selector.pacticipant}${selector.version === undefined ? '' : ` version ${selector.version}`}`;
      return { rows: [], deployable: false, reason: text, notices: [{ type: 'error', text }] };
    }
    const rows: MatrixRow[] = [];
    const problems: string[] = [];
    for (const [, version] of selected as [MatrixSelector, BrokerVersion][]) {
      for (const pact of this.pacts.filter((candidate) => candidate.consumerVersion === version)) {
        const providers =
          environment === undefined ? this.latestVersions(pact.provider) : this.deployedVersions(pact.provider, environment);
        if (providers.length === 0) {
          problems.push(
            `There is no verified pact between ${pact.consumer} (${version.number}) and a version of ${pact.provider} currently in ${environment ?? 'the broker'} (no version is currently recorded as deployed/released in this environment)`,
          );
          rows.push({ pact, providerVersion: undefined, verification: undefined });
        }
        for (const providerVersion of providers) {
          const verification = this.latestVerification(pact.sha, providerVersion);
          if (verification === undefined) {
            problems.push(
              `There is no verified pact between ${pact.consumer} (${version.number}) and ${pact.provider} (${providerVersion.number})`,
            );
          } else if (!verification.success) {
            problems.push(
              `The verification for the pact between ${pact.consumer} (${version.number}) and ${pact.provider} (${providerVersion.number}) failed`,
            );
          }
          rows.push({ pact, providerVersion, verification });
        }
      }
      if (environment !== undefined) {
        for (const consumer of this.pacticipants().filter((name) => name !== version.pacticipant)) {
          for (const consumerVersion of this.deployedVersions(consumer, environment)) {
            const pact = this.pacts.find(
              (candidate) => candidate.consumerVersion === consumerVersion && candidate.provider === version.pacticipant,
            );
            if (pact === undefined) {
              continue;
            }
            const verification = this.latestVerification(pact.sha, version);
            if (verification?.success !== true) {
              problems.push(
                `The pact between ${consumer} (${consumerVersion.number}) and ${version.pacticipant} (${version.number}) is not successfully verified`,
              );
            }
            rows.push({ pact, providerVersion: version, verification });
          }
        }
      }
    }
    const deployable = problems.length === 0;
    const reason = deployable ? 'All required verification results are published and successful' : problems.join('; ');
    return {
      rows,
      deployable,
      reason,
      notices: deployable ? [{ type: 'success', text: reason }] : problems.map((text) => ({ type: 'error' as const, text })),
    };
  }

  private resolveSelector(selector: MatrixSelector): [MatrixSelector, BrokerVersion | undefined] {
    const mine = this.versions.filter((version) => version.pacticipant === selector.pacticipant);
    if (selector.version !== undefined) {
      return [selector, mine.find((version) => version.number === selector.version)];
    }
    const branch = selector.mainBranch === true ? this.mainBranches.get(selector.pacticipant) : selector.branch;
    const candidates = branch === undefined ? mine : mine.filter((version) => version.branch === branch);
    return [selector, candidates.sort((a, b) => b.order - a.order)[0]];
  }

  private latestVersions(pacticipant: string): BrokerVersion[] {
    const latest = this.versions.filter((version) => version.pacticipant === pacticipant).sort((a, b) => b.order - a.order)[0];
    return latest === undefined ? [] : [latest];
  }

  private latestVerification(sha: string, providerVersion: BrokerVersion): VerificationResult | undefined {
    return [...this.verifications].reverse().find((result) => result.sha === sha && result.providerVersion === providerVersion);
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
