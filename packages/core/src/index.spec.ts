import { describe, expect, it } from '@jest/globals';
import * as core from './index.js';

// The list of exports is the reviewed snapshot packages/core/api-surface.txt (tools/check-api-surface.mjs).
describe('the public API of @ecs-metadata/core', () => {
  it('round-trips the seed request and response through the public API', () => {
    const request = core.buildGetServerMetadataRequest({
      endpoint: 'https://ecs.cn-north-4.myhuaweicloud.com',
      projectId: core.EXAMPLE_PROJECT_ID,
      serverId: core.EXAMPLE_SERVER_ID,
    });
    expect(request.url).toBe(
      'https://ecs.cn-north-4.myhuaweicloud.com/v2.1/9c53a566cb3443ab910cf0daebca90c4/servers/998af54b-5762-4041-abc1-f98a2c27b3a2/metadata',
    );
    expect(core.interpretResponse(200, { 'Content-Type': 'application/json' }, JSON.stringify({ metadata: core.EXAMPLE_METADATA }))).toEqual({
      wj: 'True',
    });
  });
});
