/**
 * `@ecs-metadata/provider-verifier`: verifies the `ecs-metadata-api` Pact contract (and, with
 * `providers`, the `ecs-native-metadata-api` one of the ECS native `/v1` calls) against the
 * embedded mock provider or a real ECS / Nova-compatible endpoint, from local pact files or a
 * Pact Broker. The bin `ecs-metadata-verify` is a thin shell over {@link verifyPacts}; its own
 * parsing, supervision and output stay in their modules.
 *
 * @packageDocumentation
 */
export { verifyPacts } from './verify-pacts.js';
export { JournalError, restoreFromJournal, type RestoreResult } from './restore.js';
export { loadStateHandlers, type StateHandlerIds, type StateHandlerTarget, type UserStateHandler, type UserStateHandlers } from './state-handlers.js';
export {
  DEFAULT_CONSUMER_VERSION_SELECTORS,
  DEFAULT_REQUEST_TIMEOUT_MS,
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
export { writeJUnitReport } from './junit.js';
