/**
 * `@ecs-metadata/provider-verifier`: verifies the `ecs-metadata-api` Pact contract (and, with
 * `providers`, the `ecs-native-metadata-api` one of the ECS native `/v1` calls) against the
 * embedded mock provider or a real ECS / Nova-compatible endpoint, from local pact files or a
 * Pact Broker. The bin `ecs-metadata-verify` is a thin shell over {@link verifyPacts}.
 *
 * @packageDocumentation
 */
export { verifyPacts } from './verify-pacts.js';
export { JournalError, restoreFromJournal, type RestoreResult } from './restore.js';
export { checkStateHandlers, loadStateHandlers, type StateHandlerIds, type StateHandlerTarget, type UserStateHandler, type UserStateHandlers } from './state-handlers.js';
export {
  DEFAULT_CONSUMER_VERSION_SELECTORS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  isLoopbackHost,
  LOG_LEVELS,
  PROVIDER_NAMES,
  type BrokerPactSource,
  type ConsumerVersionSelector,
  type EmbeddedMockTarget,
  type EndpointTarget,
  type LocalPactSource,
  type LogLevel,
  type PactSource,
  type PactUrlSource,
  type ProviderName,
  type ProviderTarget,
  type VerifyPactsOptions,
} from './options.js';
export {
  decideExitCode,
  skippedStates,
  VerifierExitCode,
  type ExitDecision,
  type FailedInteraction,
  type InteractionOutcome,
  type InteractionOutcomeBase,
  type NotVerifiableInteraction,
  type VerificationReport,
  type VerifiedInteraction,
} from './report.js';
export { BrokerError, type BrokerProblem } from './broker-error.js';
export { formatSummary } from './summary.js';
export { escapeXml, toJUnitXml, writeJUnitReport } from './junit.js';
export { runVerifyCli, VERIFY_USAGE, type VerifyCliIo, type VerifyOutputStream } from './cli.js';
