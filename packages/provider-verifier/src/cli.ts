import { parseArgs } from 'node:util';
import { CONFIG_SETTINGS, credentialsFromConfig, loadConfigFiles, parseTimeoutMs, resolveConfig, type SecretSetting, type SettingName } from '@ecs-metadata/client';
import { AbortError, ConfigError, TOOLKIT_VERSION, ValidationError } from '@ecs-metadata/core';
import { BrokerError, type BrokerProblem } from './broker-error.js';
import { type BrokerAuth, brokerSecrets } from './internal/broker-check.js';
import { createRedactor, messageOf } from './internal/redact.js';
import { writeJUnitReport } from './junit.js';
import { JournalError, restoreFromJournal } from './restore.js';
import { loadStateHandlers, type UserStateHandlers } from './state-handlers.js';
import {
  type BrokerPactSource,
  type ConsumerVersionSelector,
  LOG_LEVELS,
  type LogLevel,
  type PactSource,
  type ProviderName,
  PROVIDER_NAMES,
  type ProviderTarget,
} from './options.js';
import { decideExitCode, skippedStates, type VerificationReport, VerifierExitCode } from './report.js';
import { formatSummary } from './summary.js';
import { verifyPacts } from './verify-pacts.js';

/** The bin's name, as messages name it. */
const BIN = 'ecs-metadata-verify';

/** The bin's usage text. */
export const VERIFY_USAGE = `Usage: ${BIN} (--against-mock | --provider-base-url URL) [options]

Verifies the ecs-metadata-api pacts (and the ecs-native-metadata-api ones) against the embedded
mock provider or a real endpoint.

Provider (one of):
  --against-mock                  start the embedded mock (127.0.0.1, ephemeral port)
  --provider-base-url URL         a real endpoint (env ECS_METADATA_ENDPOINT); https, or http on loopback
    --token T                     X-Auth-Token for every request (env ECS_METADATA_TOKEN, OS_TOKEN)
    --profile NAME                a profile of the ecs-metadata CLI's config.toml (env ECS_METADATA_PROFILE)
                                  Credentials as the ecs-metadata CLI takes them: a token, AK/SK
                                  (HUAWEICLOUD_SDK_AK/_SK, every request signed), a password login
                                  (OS_AUTH_URL/OS_USERNAME/OS_PASSWORD, OS_CLOUD with clouds.yaml),
                                  from the flags, the environment or the profile
    --project-id ID               the credential's project (env ECS_METADATA_PROJECT_ID, ...)
    --server-id ID                an existing server of that project (env ECS_METADATA_SERVER_ID)
    --allow-writes                replace the server's metadata to arrange states, restored afterwards;
                                  the original is journaled first (path printed), and a journal left by
                                  a killed run is restored from before anything else
    --allow-lock                  with --allow-writes: arrange "a locked server exists" by locking the
                                  server (Nova's POST /servers/{id}/action {"lock": null}), unlocked after
                                  the interaction; journaled like the metadata
    --journal FILE                the journal (default $XDG_STATE_HOME/ecs-metadata/verify-<hash>.ndjson)

Recovery:
  --restore FILE                  put the original journaled in FILE back on the server the provider
                                  flags name, read it back, delete FILE; nothing else runs

Pacts (default: the workspace's pacts/, or ./pacts outside the monorepo):
  --pact-dir DIR                  every ecs-metadata-api pact in DIR (repeatable)
  --pact-file FILE                one pact file (repeatable)
  --provider-name NAME            ecs-metadata-api and/or ecs-native-metadata-api (repeatable); default
                                  both with --against-mock and the default pacts/ or with --pact-url
                                  (the pact's own), else ecs-metadata-api
  --broker-url URL                a Pact Broker instead (env PACT_BROKER_BASE_URL)
    --broker-token T              bearer token (env PACT_BROKER_TOKEN)
    --broker-username U           basic auth instead of a token (env PACT_BROKER_USERNAME)
    --broker-password P           (env PACT_BROKER_PASSWORD)
    --consumer-version-selectors JSON  default [{"mainBranch":true},{"deployedOrReleased":true}]
    --enable-pending              failures of pending pacts do not fail the run
    --include-wip-pacts-since DATE
    --provider-branch BRANCH      the provider's branch (pending/WIP, and published)
    --publish-results             publish the results; needs --provider-version and --provider-branch;
                                  refused with --against-mock, --description or PACT_DESCRIPTION /
                                  PACT_PROVIDER_STATE / PACT_PROVIDER_NO_STATE, --expect-skipped, and
                                  held back (exit 1) when any interaction was not verifiable
    --provider-version VERSION    e.g. the commit SHA
    --build-url URL               published with the results
  --pact-url URL                  one pact on a broker, as its webhook passes it (\${pactbroker.pactUrl});
                                  the broker credentials and publishing flags apply, selectors do not

Output:
  --junit FILE                    also write a JUnit XML report (a partial one when interrupted)
  --expect-skipped "A,B"          exit 0 instead of 8 when exactly these states were not arrangeable
                                  (refused with --publish-results)
  --description TEXT              run only the interaction with exactly this description (a literal,
                                  escaped for Pact; PACT_DESCRIPTION is Pact's raw regex)
  --timeout MS                    per-request timeout (default 30000)
  --state-handlers FILE           a module exporting (default, or "stateHandlers") handlers by provider
                                  state name, {setup(params, target), teardown()}, for states the
                                  verifier cannot arrange itself (e.g. "a building server exists")
  --header "Name: value"          an extra header for every provider request (repeatable; the value is
                                  treated as a secret)
  --log-level LEVEL               Pact's log level: trace, debug, info, warn (default), error
                                  (env PACT_LOG_LEVEL)
  --no-fail-if-no-pacts-found     finding no pact is a success (exit 0) instead of a failure (exit 1);
                                  --fail-if-no-pacts-found is the default
  -h, --help                      this text;  -V, --version

Environment: PACT_LOG_LEVEL (default warn); PACT_DESCRIPTION / PACT_PROVIDER_STATE (Pact's regexes) run
some interactions; NO_COLOR drops colour codes (they are dropped anyway when stdout is not a terminal).
Every secret is redacted from all output, Pact's own included. A --token, --broker-token or
--broker-password on the command line prints a warning (ps, history).
Exit codes: 0 all verified; 1 a mismatch or an error (also: results held back from the broker, metadata
not restored); 2 usage; 3 the broker refused the credentials (401/403); 5 the broker's answer is not the
Pact Broker API; 6 the broker cannot be reached; 8 nothing failed but some interactions were not
verifiable (each listed with its reason); 10 a journal that cannot be used (corrupt, truncated, another
server's or project's; nothing written); 130 SIGINT, 143 SIGTERM (metadata restored first:
"interrupted; metadata of S restored").
`;

/** A stream the bin writes to. */
export interface VerifyOutputStream {
  write(chunk: string): boolean;
}

/** Everything the bin touches outside itself, so tests can hand it in. */
export interface VerifyCliIo {
  readonly stdout: VerifyOutputStream;
  readonly stderr: VerifyOutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Fires on SIGINT/SIGTERM: writes stop, changed metadata is restored, exit 130 (143 when its reason is `Error('terminated')`). */
  readonly signal?: AbortSignal;
  /** Where `./pacts` is looked for outside the monorepo; default `process.cwd()`. */
  readonly cwd?: string;
}

/** Flags as the library's option paths name them, for messages. */
const FLAG_OF_SETTING: Readonly<Record<string, string>> = {
  'provider.baseUrl': '--provider-base-url',
  'provider.token': '--token (or ECS_METADATA_TOKEN)',
  'provider.projectId': '--project-id (or ECS_METADATA_PROJECT_ID)',
  'provider.serverId': '--server-id (or ECS_METADATA_SERVER_ID)',
  'provider.allowLock': '--allow-lock',
  'source.brokerUrl': '--broker-url',
  'source.pactUrl': '--pact-url',
  'source.brokerToken': '--broker-token (or PACT_BROKER_TOKEN)',
  'source.brokerUsername': '--broker-username (or PACT_BROKER_USERNAME)',
  'source.brokerPassword': '--broker-password (or PACT_BROKER_PASSWORD)',
  'source.consumerVersionSelectors': '--consumer-version-selectors',
  'source.includeWipPactsSince': '--include-wip-pacts-since',
  'source.providerVersion': '--provider-version',
  'source.providerBranch': '--provider-branch',
  'source.publishResults': '--publish-results',
  pactDir: '--pact-dir',
  pactFiles: '--pact-file',
  logLevel: '--log-level (or PACT_LOG_LEVEL)',
  requestTimeoutMs: '--timeout',
  providers: '--provider-name',
  description: '--description',
  journalFile: '--journal',
  providerHeaders: '--header',
  stateHandlers: '--state-handlers',
};

const OPTIONS = {
  'against-mock': { type: 'boolean' },
  'provider-base-url': { type: 'string' },
  token: { type: 'string' },
  profile: { type: 'string' },
  'project-id': { type: 'string' },
  'server-id': { type: 'string' },
  'allow-writes': { type: 'boolean' },
  'allow-lock': { type: 'boolean' },
  'pact-dir': { type: 'string', multiple: true },
  'pact-file': { type: 'string', multiple: true },
  'provider-name': { type: 'string', multiple: true },
  'broker-url': { type: 'string' },
  'broker-token': { type: 'string' },
  'broker-username': { type: 'string' },
  'broker-password': { type: 'string' },
  'pact-url': { type: 'string' },
  'consumer-version-selectors': { type: 'string' },
  'enable-pending': { type: 'boolean' },
  'include-wip-pacts-since': { type: 'string' },
  'provider-branch': { type: 'string' },
  'publish-results': { type: 'boolean' },
  'provider-version': { type: 'string' },
  'build-url': { type: 'string' },
  junit: { type: 'string' },
  'expect-skipped': { type: 'string' },
  description: { type: 'string' },
  journal: { type: 'string' },
  restore: { type: 'string' },
  header: { type: 'string', multiple: true },
  'state-handlers': { type: 'string' },
  'log-level': { type: 'string' },
  'fail-if-no-pacts-found': { type: 'boolean' },
  'no-fail-if-no-pacts-found': { type: 'boolean' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

type Flags = ReturnType<typeof parseFlags>;

function parseFlags(argv: readonly string[]) {
  return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values;
}

/** A command-line mistake: exit 2, the message names the flag. */
function usage(flag: string, message: string): ConfigError {
  return new ConfigError(flag, message);
}

/**
 * Runs `ecs-metadata-verify` in-process and returns its exit code (see {@link VerifierExitCode}):
 * the summary goes to stdout, diagnostics to stderr, tokens nowhere.
 */
export async function runVerifyCli(argv: readonly string[], io: VerifyCliIo): Promise<number> {
  let secrets: (string | undefined)[] = [io.env['ECS_METADATA_TOKEN'], ...brokerSecrets(brokerAuthFrom({}, io.env))];
  const keepSecret = (secret: string): void => {
    secrets.push(secret);
  };
  const warn = (line: string): void => {
    io.stderr.write(`${BIN}: warning: ${line}\n`);
  };
  const fail = (code: number, message: string): number => {
    io.stderr.write(`${BIN}: ${createRedactor(secrets)(message)}\n`);
    return code;
  };
  let flags: Flags;
  try {
    flags = parseFlags(argv);
  } catch (error) {
    return fail(VerifierExitCode.Usage, `${messageOf(error)}\nRun "${BIN} --help" for the flags.`);
  }
  secrets = [
    ...secrets,
    flags.token,
    ...brokerSecrets(brokerAuthFrom(flags, io.env)),
    ...(flags.header ?? []).map((header) => header.slice(header.indexOf(':') + 1).trim()),
  ];
  if (flags.help === true) {
    io.stdout.write(VERIFY_USAGE);
    return VerifierExitCode.Verified;
  }
  if (flags.version === true) {
    io.stdout.write(`${TOOLKIT_VERSION}\n`);
    return VerifierExitCode.Verified;
  }

  const onCommandLine = (['token', 'broker-token', 'broker-password'] as const).filter((flag) => flags[flag] !== undefined).map((flag) => `--${flag}`);
  if (onCommandLine.length > 0) {
    // As the ecs-metadata CLI warns: a flag's value is in the process list and the shell history.
    io.stderr.write(
      `${BIN}: warning: ${onCommandLine.join(' and ')} put a secret on the command line, where other users can see it (ps, shell history); prefer the environment (ECS_METADATA_TOKEN, PACT_BROKER_TOKEN, PACT_BROKER_PASSWORD)\n`,
    );
  }
  if (flags.restore !== undefined) {
    return runRestore(flags, flags.restore, io, fail, keepSecret, warn);
  }

  let provider: ProviderTarget;
  let source: PactSource;
  let providers: ProviderName[];
  let expectSkipped: string[] | undefined;
  let requestTimeoutMs: number | undefined;
  let logLevel: LogLevel;
  let providerHeaders: Record<string, string> | undefined;
  let stateHandlers: UserStateHandlers | undefined;
  try {
    provider = await providerFrom(flags, io.env, keepSecret, warn);
    source = sourceFrom(flags, io.env);
    providers = providersFrom(flags, provider, source);
    expectSkipped = flags['expect-skipped'] === undefined ? undefined : splitList(flags['expect-skipped']);
    if (expectSkipped !== undefined && flags['publish-results'] === true) {
      // The broker records one success per pact version: it cannot be told that some were skipped.
      throw usage(
        '--expect-skipped',
        '--expect-skipped and --publish-results exclude each other: the broker records one result per pact version and cannot be told that some interactions were skipped',
      );
    }
    requestTimeoutMs = timeoutFrom(flags.timeout);
    logLevel = flags['log-level'] === undefined ? logLevelFrom(io.env['PACT_LOG_LEVEL'], 'PACT_LOG_LEVEL') : logLevelFrom(flags['log-level'], '--log-level');
    providerHeaders = headersFrom(flags.header);
    stateHandlers = flags['state-handlers'] === undefined ? undefined : await loadStateHandlers(flags['state-handlers'], io.cwd);
    if (flags['fail-if-no-pacts-found'] === true && flags['no-fail-if-no-pacts-found'] === true) {
      throw usage('--fail-if-no-pacts-found', '--fail-if-no-pacts-found and --no-fail-if-no-pacts-found exclude each other');
    }
  } catch (error) {
    return fail(VerifierExitCode.Usage, messageOf(error));
  }

  let report: VerificationReport;
  try {
    report = await verifyPacts({
      provider,
      source,
      providers,
      logLevel,
      requestTimeoutMs,
      signal: io.signal,
      cwd: io.cwd,
      description: flags.description,
      journalFile: flags.journal,
      providerHeaders,
      stateHandlers,
      failIfNoPactsFound: flags['no-fail-if-no-pacts-found'] !== true,
      onNotice: (line) => io.stderr.write(`${BIN}: ${createRedactor(secrets)(line)}\n`),
    });
  } catch (error) {
    if (error instanceof ConfigError || error instanceof ValidationError) {
      const setting = error instanceof ConfigError ? error.setting : error.parameter;
      return fail(VerifierExitCode.Usage, `${FLAG_OF_SETTING[setting] ?? setting}: ${error.message}`);
    }
    if (error instanceof BrokerError) {
      return fail(BROKER_EXIT_CODES[error.problem], error.message);
    }
    if (error instanceof JournalError) {
      return fail(VerifierExitCode.Journal, error.message);
    }
    if (error instanceof AbortError) {
      const code = io.signal?.reason instanceof Error && io.signal.reason.message === 'terminated' ? VerifierExitCode.Terminated : VerifierExitCode.Interrupted;
      if (flags.junit !== undefined) {
        // A partial report: the run's one test case fails with what the interrupt left.
        const partial: VerificationReport = {
          provider: providers.join(', '),
          target: provider.kind,
          providerBaseUrl: provider.kind === 'endpoint' ? provider.baseUrl : '',
          pactSources: [],
          interactions: [],
          errors: [error.message],
          notices: [],
          publishRequested: false,
          metadataRestored: undefined,
        };
        await writeJUnitReport(partial, flags.junit).catch((junitError: unknown) => io.stderr.write(`${BIN}: cannot write the JUnit report ${flags.junit}: ${messageOf(junitError)}\n`));
      }
      return fail(code, error.message);
    }
    return fail(VerifierExitCode.Failed, `verification failed: ${messageOf(error)}`);
  }

  io.stdout.write(`\n${formatSummary(report)}`);
  let code: number;
  const decision = decideExitCode(report, expectSkipped);
  code = decision.code;
  if (flags.junit !== undefined) {
    try {
      // Exit 8 fails the report's "verification run" test case, so a CI widget does not show all green.
      const junitReport = decision.code === VerifierExitCode.NotVerifiable ? { ...report, errors: [...report.errors, `exit 8: ${decision.reason}`] } : report;
      await writeJUnitReport(junitReport, flags.junit);
    } catch (error) {
      io.stderr.write(`${BIN}: cannot write the JUnit report ${flags.junit}: ${messageOf(error)}\n`);
      code = VerifierExitCode.Failed;
    }
  }
  io.stdout.write(`Exit ${code}: ${decision.reason}\n`);
  if (decision.code === VerifierExitCode.NotVerifiable) {
    const states = skippedStates(report);
    const hint = states.length > 0 ? ` If this provider cannot arrange them, pass --expect-skipped "${states.join(',')}".` : '';
    io.stderr.write(`${BIN}: some interactions were not verified.${provider.kind === 'endpoint' && provider.allowWrites !== true ? ' --allow-writes lets the verifier arrange the metadata states (restored afterwards).' : ''}${hint}\n`);
  }
  return code;
}

/** `--restore JOURNAL`: puts a journaled original back on the server the flags name. */
async function runRestore(
  flags: Flags,
  file: string,
  io: VerifyCliIo,
  fail: (code: number, message: string) => number,
  keepSecret: (secret: string) => void,
  warn: (line: string) => void,
): Promise<number> {
  let provider: ProviderTarget;
  try {
    provider = await providerFrom(flags, io.env, keepSecret, warn);
    if (provider.kind !== 'endpoint') {
      throw usage('--restore', '--restore needs the endpoint and server the journal was written for (--provider-base-url ...), not --against-mock');
    }
  } catch (error) {
    return fail(VerifierExitCode.Usage, messageOf(error));
  }
  try {
    const result = await restoreFromJournal(provider, file, { requestTimeoutMs: timeoutFrom(flags.timeout) });
    io.stdout.write(result.restored ? `metadata of ${provider.serverId} restored from ${result.file}\n` : `${result.file} holds nothing to restore; nothing was written\n`);
    return VerifierExitCode.Verified;
  } catch (error) {
    if (error instanceof JournalError) {
      return fail(VerifierExitCode.Journal, error.message);
    }
    if (error instanceof ConfigError) {
      return fail(VerifierExitCode.Usage, `${FLAG_OF_SETTING[error.setting] ?? error.setting}: ${error.message}`);
    }
    return fail(VerifierExitCode.Failed, `could not restore from ${file}: ${messageOf(error)}`);
  }
}

/** The secret settings of the client's configuration (token, secret key, security token, password). */
const SECRET_SETTINGS = (Object.keys(CONFIG_SETTINGS) as SettingName[]).filter(
  (name): name is SecretSetting => CONFIG_SETTINGS[name].secret,
);

/**
 * The provider the flags name. A real endpoint is reached with the same credentials as the
 * `ecs-metadata` CLI: the client's configuration (`--token`, `--profile`, the environment,
 * `clouds.yaml` with `OS_CLOUD`, a profile) gives a token, an AK/SK pair or a password login.
 * Every secret it holds goes to `keepSecret` (redacted from all output); its warnings to `warn`.
 */
async function providerFrom(flags: Flags, env: VerifyCliIo['env'], keepSecret: (secret: string) => void, warn: (line: string) => void): Promise<ProviderTarget> {
  const againstMock = flags['against-mock'] === true;
  if (againstMock && flags['provider-base-url'] !== undefined) {
    throw usage('--against-mock', '--against-mock and --provider-base-url exclude each other: choose one provider');
  }
  if (againstMock) {
    for (const flag of ['token', 'profile', 'project-id', 'server-id', 'allow-writes', 'allow-lock'] as const) {
      if (flags[flag] !== undefined) {
        throw usage(`--${flag}`, `--${flag} applies to --provider-base-url only: the embedded mock brings its own token and servers`);
      }
    }
    return { kind: 'embedded-mock' };
  }
  const files = await loadConfigFiles(env);
  const config = namingTheFlag(() =>
    resolveConfig({ profile: flags.profile, endpoint: flags['provider-base-url'], projectId: flags['project-id'], token: flags.token }, env, files),
  );
  for (const name of SECRET_SETTINGS) {
    const secret = config[name]?.value.reveal();
    if (secret !== undefined) {
      keepSecret(secret);
    }
  }
  for (const warning of config.warnings) {
    warn(warning);
  }
  const baseUrl = config.endpoint?.value;
  if (baseUrl === undefined || baseUrl === '') {
    throw usage('--provider-base-url', 'choose the provider: --against-mock, or --provider-base-url URL (or ECS_METADATA_ENDPOINT, or endpoint in the profile)');
  }
  const projectId = config.projectId?.value;
  const serverId = flags['server-id'] ?? env['ECS_METADATA_SERVER_ID'];
  if (projectId === undefined || projectId === '') {
    throw usage('--project-id', '--project-id (or ECS_METADATA_PROJECT_ID, HUAWEICLOUD_SDK_PROJECT_ID, OS_PROJECT_ID, or project_id in the profile) is required with --provider-base-url');
  }
  if (serverId === undefined || serverId === '') {
    throw usage('--server-id', '--server-id (or ECS_METADATA_SERVER_ID), an existing server, is required with --provider-base-url');
  }
  // A token stays a token (the library redacts it from the report); AK/SK and a password login sign through the client.
  // No credential configured: the client's message lists every way to give one.
  const credential = config.credentials === 'token' ? { token: config.token?.value.reveal() ?? '' } : { auth: namingTheFlag(() => credentialsFromConfig(config)) };
  return { kind: 'endpoint', baseUrl, ...credential, projectId, serverId, allowWrites: flags['allow-writes'] === true, allowLock: flags['allow-lock'] === true };
}

/**
 * Runs a step of the client's configuration; its {@link ConfigError} names the verifier's flag for
 * the setting (`--project-id: ...`), or `--token` when no credential is configured at all.
 */
function namingTheFlag<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (!(error instanceof ConfigError)) {
      throw error;
    }
    const flags: Readonly<Record<string, string>> = { credentials: '--token', endpoint: '--provider-base-url' };
    const setting = CONFIG_SETTINGS[error.setting as SettingName] as { readonly flag?: string } | undefined;
    const flag = flags[error.setting] ?? setting?.flag ?? error.setting;
    throw usage(flag, `${flag}: ${error.message}`);
  }
}

/** The exit code of each way a broker can fail (the CLI's table: 3 auth, 5 bad answer, 6 network). */
const BROKER_EXIT_CODES: Readonly<Record<BrokerProblem, number>> = {
  refused: VerifierExitCode.BrokerRefused,
  'invalid-response': VerifierExitCode.BrokerInvalidResponse,
  unreachable: VerifierExitCode.BrokerUnreachable,
};

/** Flags for a broker or a pact URL on one. */
const BROKER_ONLY_FLAGS = [
  'broker-token',
  'broker-username',
  'broker-password',
  'consumer-version-selectors',
  'enable-pending',
  'include-wip-pacts-since',
  'provider-branch',
  'provider-version',
  'build-url',
] as const;

/** Flags that choose pacts by selectors: meaningless for the one pact of --pact-url. */
const SELECTION_FLAGS = ['consumer-version-selectors', 'enable-pending', 'include-wip-pacts-since'] as const;

/** The broker credentials: flags, else the environment (empty variables count as unset). */
function brokerAuthFrom(flags: Partial<Flags>, env: VerifyCliIo['env']): BrokerAuth {
  return {
    brokerToken: flags['broker-token'] ?? (env['PACT_BROKER_TOKEN'] || undefined),
    brokerUsername: flags['broker-username'] ?? (env['PACT_BROKER_USERNAME'] || undefined),
    brokerPassword: flags['broker-password'] ?? (env['PACT_BROKER_PASSWORD'] || undefined),
  };
}

function sourceFrom(flags: Flags, env: VerifyCliIo['env']): PactSource {
  const local = flags['pact-dir'] !== undefined || flags['pact-file'] !== undefined;
  if (local && flags['broker-url'] !== undefined) {
    throw usage('--broker-url', '--broker-url and --pact-dir/--pact-file exclude each other: choose one pact source');
  }
  const pactUrl = flags['pact-url'];
  if (pactUrl !== undefined) {
    return pactUrlSourceFrom(pactUrl, flags, env, local);
  }
  if (flags['publish-results'] === true) {
    if (flags['provider-version'] === undefined || flags['provider-version'] === '') {
      throw usage('--provider-version', '--publish-results needs --provider-version (e.g. the commit SHA)');
    }
    if (flags['provider-branch'] === undefined || flags['provider-branch'] === '') {
      throw usage('--provider-branch', '--publish-results needs --provider-branch');
    }
  }
  // The environment's broker counts only when no local pacts were named.
  const brokerUrl = flags['broker-url'] ?? (local ? undefined : env['PACT_BROKER_BASE_URL'] || undefined);
  if (brokerUrl === undefined) {
    if (flags['publish-results'] === true) {
      throw usage('--publish-results', '--publish-results needs --broker-url (or PACT_BROKER_BASE_URL): results are published only for pacts from a broker');
    }
    for (const flag of BROKER_ONLY_FLAGS) {
      if (flags[flag] !== undefined) {
        throw usage(`--${flag}`, `--${flag} applies to pacts from a broker: add --broker-url (or PACT_BROKER_BASE_URL)`);
      }
    }
    return { kind: 'local', pactDirs: flags['pact-dir'], pactFiles: flags['pact-file'] };
  }
  const source: BrokerPactSource = {
    kind: 'broker',
    brokerUrl,
    ...brokerAuthFrom(flags, env),
    consumerVersionSelectors: selectorsFrom(flags['consumer-version-selectors']),
    enablePending: flags['enable-pending'],
    includeWipPactsSince: flags['include-wip-pacts-since'],
    providerBranch: flags['provider-branch'],
    publishResults: flags['publish-results'],
    providerVersion: flags['provider-version'],
    buildUrl: flags['build-url'],
  };
  return source;
}

/** `--pact-url URL`: one pact version on a broker; PACT_BROKER_BASE_URL is not used. */
function pactUrlSourceFrom(pactUrl: string, flags: Flags, env: VerifyCliIo['env'], local: boolean): PactSource {
  if (local || flags['broker-url'] !== undefined) {
    throw usage('--pact-url', `--pact-url excludes ${local ? '--pact-dir/--pact-file' : '--broker-url'}: it names the one pact to verify`);
  }
  for (const flag of SELECTION_FLAGS) {
    if (flags[flag] !== undefined) {
      throw usage(`--${flag}`, `--${flag} selects pacts on a broker; --pact-url names the one pact to verify`);
    }
  }
  return {
    kind: 'pact-url',
    pactUrl,
    ...brokerAuthFrom(flags, env),
    providerBranch: flags['provider-branch'],
    publishResults: flags['publish-results'],
    providerVersion: flags['provider-version'],
    buildUrl: flags['build-url'],
  };
}

/**
 * The providers to verify: those named with --provider-name; else both with the embedded mock and
 * the default pact directory (the mock serves both APIs, DECISIONS "Contract") or with a pact URL
 * (the pact names its provider), else ecs-metadata-api.
 */
function providersFrom(flags: Flags, provider: ProviderTarget, source: PactSource): ProviderName[] {
  const named = flags['provider-name'];
  if (named !== undefined) {
    const unknown = named.find((name) => !(PROVIDER_NAMES as readonly string[]).includes(name));
    if (unknown !== undefined) {
      throw usage('--provider-name', `--provider-name must be one of ${PROVIDER_NAMES.join(', ')}; got "${unknown}"`);
    }
    return [...new Set(named)] as ProviderName[];
  }
  const defaultPacts = source.kind === 'local' && source.pactDirs === undefined && source.pactFiles === undefined;
  // A pact URL names its provider itself (a webhook fires for either); the run verifies it as that one.
  return (provider.kind === 'embedded-mock' && defaultPacts) || source.kind === 'pact-url' ? [...PROVIDER_NAMES] : ['ecs-metadata-api'];
}

function selectorsFrom(json: string | undefined): ConsumerVersionSelector[] | undefined {
  if (json === undefined) {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw usage('--consumer-version-selectors', '--consumer-version-selectors is not valid JSON; e.g. [{"mainBranch":true},{"deployedOrReleased":true}]');
  }
  if (!Array.isArray(parsed)) {
    throw usage('--consumer-version-selectors', '--consumer-version-selectors must be a JSON list of selector objects');
  }
  return parsed as ConsumerVersionSelector[];
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function timeoutFrom(value: string | undefined): number | undefined {
  return value === undefined ? undefined : parseTimeoutMs('--timeout', value);
}

function logLevelFrom(value: string | undefined, source: string): LogLevel {
  if (value === undefined || value === '') {
    return 'warn';
  }
  const level = value.toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(level)) {
    throw usage(source, `${source} must be one of ${LOG_LEVELS.join(', ')}, got "${value}"`);
  }
  return level;
}

/** `--header 'Name: value'` (repeatable) as a map; the library checks names and values. */
function headersFrom(values: readonly string[] | undefined): Record<string, string> | undefined {
  if (values === undefined) {
    return undefined;
  }
  const headers: Record<string, string> = {};
  for (const value of values) {
    const colon = value.indexOf(':');
    if (colon <= 0) {
      throw usage('--header', `--header takes "Name: value", got "${value.slice(0, 40)}"`);
    }
    headers[value.slice(0, colon).trim()] = value.slice(colon + 1).trim();
  }
  return headers;
}
