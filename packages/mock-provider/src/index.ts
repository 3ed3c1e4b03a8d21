/**
 * `@ecs-metadata/mock-provider`: a real HTTP server that behaves like the Huawei Cloud ECS /
 * OpenStack Nova server metadata API, with fault injection and an admin API, for tests, demos
 * (`ecs-metadata demo`) and Pact provider verification.
 *
 * @packageDocumentation
 */
export { startMockProvider, type MockProvider, type MockProviderOptions } from './server.js';
export { DEFAULT_CLIENT_TIMEOUTS, type ClientTimeouts } from './client-limits.js';
export type { MockAdmin } from './admin.js';
export { FAULT_ROUTE_NAMES, type FaultRouteName, type FaultRule } from './faults.js';
export type { LoggedRequest } from './request-log.js';
export type { MockServer, ServerInput } from './store.js';
export { DEFAULT_FIXTURE, DEMO_TOKEN, fixtureSchema, loadFixture, type Fixture } from './fixture.js';
export { DEMO_ACCESS_KEY, DEMO_USER } from './fixture.js';
export { DEFAULT_MOCK_REGION, DEFAULT_TOKEN_LIFETIME_MS, ROLE_NAMES, type Role, type UserGrant } from './identity.js';
export type { AccessKeyGrant } from './store.js';
export { fleetServerId, parseRate, rateLimitSchema, throttledMessage, type RateLimit } from './rate-limit.js';
