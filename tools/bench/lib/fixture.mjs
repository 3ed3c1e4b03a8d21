// The one server and credentials every benchmark reads: the documentation's example, which the mock's
// default fixture serves and the minimal server answers byte for byte.
import { DEFAULT_FIXTURE, DEMO_ACCESS_KEY, DEMO_TOKEN } from '@ecs-metadata/mock-provider';

export const PROJECT_ID = '9c53a566cb3443ab910cf0daebca90c4';
export const SERVER_ID = '998af54b-5762-4041-abc1-f98a2c27b3a2';
export const METADATA_PATH = `/v2.1/${PROJECT_ID}/servers/${SERVER_ID}/metadata`;
/** What the mock answers to that GET (checked by `startServerChild`). */
export const METADATA_BODY = '{"metadata":{"wj":"True"}}';
export { DEFAULT_FIXTURE, DEMO_ACCESS_KEY, DEMO_TOKEN };
