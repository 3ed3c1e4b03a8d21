import { describe, expect, it } from '@jest/globals';
import * as core from './index.js';

describe('the public API of @ecs-metadata/core', () => {
  it('exports exactly the documented names', () => {
    expect(Object.keys(core).sort()).toEqual(
      [
        'AbortError',
        'AuthenticationError',
        'BODY_EXCERPT_LENGTH',
        'BadRequestError',
        'ConfigError',
        'ConflictError',
        'DEFAULT_API_VERSION',
        'DEFAULT_RETRY_OPTIONS',
        'DEFAULT_USER_AGENT',
        'EXAMPLE_METADATA',
        'EXAMPLE_PROJECT_ID',
        'EXAMPLE_SERVER_ID',
        'EcsApiError',
        'EcsMetadataError',
        'IDEMPOTENT_METHODS',
        'MAX_METADATA_ITEMS',
        'NetworkError',
        'NotFoundError',
        'OverLimitError',
        'PermissionDeniedError',
        'REQUEST_ID_HEADERS',
        'RETRYABLE_STATUSES',
        'RETRY_AFTER_STATUSES',
        'RateLimitError',
        'ResponseTooLargeError',
        'ResponseValidationError',
        'ServerError',
        'TOOLKIT_VERSION',
        'TimeoutError',
        'ValidationError',
        'apiVersionSchema',
        'backoffCeiling',
        'buildGetServerMetadataRequest',
        'buildHeaders',
        'decodeErrorResponse',
        'decodeFaultBody',
        'encodePathSegment',
        'excerpt',
        'formatJsonPath',
        'gatewayErrorSchema',
        'getServerMetadataExpectation',
        'huaweiErrorSchema',
        'interpretResponse',
        'isRetryable',
        'metadataKeySchema',
        'metadataMapSchema',
        'metadataResponseSchema',
        'metadataSchema',
        'metadataValueSchema',
        'normalizeEndpoint',
        'novaFaultSchema',
        'novaMetadataKeySchema',
        'parseRetryAfter',
        'parseWith',
        'projectIdSchema',
        'readHeader',
        'readRequestIdHeader',
        'serverIdSchema',
        'serverUrl',
      ].sort(),
    );
  });

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
