// A CommonJS user: the packages are ESM-only, and Node's require(esm) (unflagged from 20.19 and
// 22.12, the floors of our engines range) loads them synchronously.
const assert = require('node:assert/strict');
const client = require('@ecs-metadata/client');

assert.equal(typeof client.EcsMetadataClient, 'function');
assert.equal(typeof client.tokenAuth, 'function');
assert.ok(client.NotFoundError.prototype instanceof client.EcsApiError);
console.log(`cjs ok: require('@ecs-metadata/client') gave ${Object.keys(client).length} exports`);
