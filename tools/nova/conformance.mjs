#!/usr/bin/env node
// Conformance run: one matrix of raw HTTP requests sent to real Nova (tools/nova/start.sh) and to
// the mock provider, both holding the same seed. Statuses, fault names, messages, bodies and the
// headers spec §7/§11 names are compared; every difference is printed, and the run fails for any
// difference that docs/conformance.md does not list (its fenced `json conformance-known-differences`
// block, machine-readable).
//
//   node tools/nova/conformance.mjs --env STATE/env [--report FILE] [--only REGEX] [--verbose]
//
// Exit codes: 0 no undocumented difference; 1 an undocumented difference (or a documented one
// whose values changed); 2 usage or setup error.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import { request as httpRequest } from 'node:http';
import process from 'node:process';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath, URL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DOC = `${ROOT}docs/conformance.md`;
const SEED = fileURLToPath(new URL('./seed.py', import.meta.url));
const DEBIAN_PYTHON = '/usr/bin/python3';

// ---- the seed: the same servers in Nova (seed.py) and in the mock (fixture) -------------------
const SERVER = {
  read: '998af54b-5762-4041-abc1-f98a2c27b3a2', // the documentation's example server
  write: '5f0c1f6e-1d1e-4c8e-9a1e-000000000001',
  locked: '5f0c1f6e-1d1e-4c8e-9a1e-000000000002',
  building: '5f0c1f6e-1d1e-4c8e-9a1e-000000000003',
  full: '5f0c1f6e-1d1e-4c8e-9a1e-000000000004',
  foreign: '5f0c1f6e-1d1e-4c8e-9a1e-000000000005', // in the other project
  stopped: '5f0c1f6e-1d1e-4c8e-9a1e-000000000006',
  error: '5f0c1f6e-1d1e-4c8e-9a1e-000000000007',
  unknown: '5f0c1f6e-1d1e-4c8e-9a1e-000000000099', // never seeded
};
const FULL_METADATA = Object.fromEntries(Array.from({ length: 128 }, (_, i) => [`key${String(i).padStart(3, '0')}`, `value${i}`]));

// Names start with `conf-`, so listings filtered by name (`?name=^conf-`) see only these servers,
// whatever else the stage's Nova holds.
function seedServers(p, q) {
  return [
    { projectId: p, serverId: SERVER.read, name: 'conf-read', metadata: { wj: 'True', k1: 'v1' }, vmState: 'active', locked: false },
    { projectId: p, serverId: SERVER.write, name: 'conf-write', metadata: { wj: 'True' }, vmState: 'active', locked: false },
    { projectId: p, serverId: SERVER.locked, name: 'conf-locked', metadata: { wj: 'True' }, vmState: 'active', locked: true },
    { projectId: p, serverId: SERVER.building, name: 'conf-building', metadata: { wj: 'True' }, vmState: 'building', locked: false },
    { projectId: p, serverId: SERVER.full, name: 'conf-full', metadata: FULL_METADATA, vmState: 'active', locked: false },
    { projectId: q, serverId: SERVER.foreign, name: 'conf-foreign', metadata: { q: '1' }, vmState: 'active', locked: false },
    { projectId: p, serverId: SERVER.stopped, name: 'conf-stopped', metadata: { wj: 'True' }, vmState: 'stopped', locked: false },
    { projectId: p, serverId: SERVER.error, name: 'conf-error', metadata: { wj: 'True' }, vmState: 'error', locked: false },
  ];
}

// ---- the matrix ----------------------------------------------------------------------------------
// Each row: id, method, server (a SERVER key or a literal id), suffix after /metadata, token
// (`p` a member of the project, `q` of another project, `reader` a reader of the project, `admin` an
// admin of the admin project, `none`, `garbage`, `expired`), project in the path (`p`, `q` or a
// literal), body (object → JSON, string → raw), content type (undefined → JSON when there is a body,
// null → no header), `accept` (default application/json; null → no header), extra headers. A row
// with `path` sends that path instead of the metadata one, its placeholders filled in: `{V}` the API
// version, `{P}`/`{Q}`/`{A}` the project / other project / admin project, `{S_name}` a SERVER id.
// Rows run in order, once per API version, on a freshly seeded world: writes are part of the
// sequence and later rows see their effect.
const JSON_TYPE = 'application/json';
const LONG = 'x'.repeat(256);
const MATRIX = [
  // reads
  { id: 'list', method: 'GET', server: 'read' },
  { id: 'list/unknown-server', method: 'GET', server: 'unknown' },
  { id: 'list/non-uuid-server', method: 'GET', server: 'not-a-uuid' },
  { id: 'list/locked', method: 'GET', server: 'locked' },
  { id: 'list/building', method: 'GET', server: 'building' },
  { id: 'list/foreign-server', method: 'GET', server: 'foreign' },
  { id: 'list/path-project-of-other-token', method: 'GET', server: 'read', project: 'q' },
  { id: 'list/token-of-other-project', method: 'GET', server: 'foreign', project: 'q', token: 'p' },
  { id: 'list/other-token-own-server', method: 'GET', server: 'foreign', project: 'q', token: 'q' },
  { id: 'list/no-token', method: 'GET', server: 'read', token: 'none' },
  { id: 'list/garbage-token', method: 'GET', server: 'read', token: 'garbage' },
  { id: 'list/no-token-unknown-path', method: 'GET', server: 'read', suffix: '/x/y', token: 'none' },
  { id: 'list/uppercase-project', method: 'GET', server: 'read', project: 'NOT-A-PROJECT' },
  { id: 'list/trailing-slash', method: 'GET', server: 'read', suffix: '/' },
  { id: 'list/query-ignored', method: 'GET', server: 'read', suffix: '?limit=1&marker=x' },
  { id: 'list/patch', method: 'PATCH', server: 'read', body: { metadata: {} } },
  { id: 'list/microversion-2.79', method: 'GET', server: 'read', headers: { 'X-OpenStack-Nova-API-Version': '2.79' } },
  { id: 'list/microversion-compute-2.90', method: 'GET', server: 'read', headers: { 'OpenStack-API-Version': 'compute 2.90' } },
  { id: 'list/microversion-latest', method: 'GET', server: 'read', headers: { 'OpenStack-API-Version': 'compute latest' } },
  { id: 'list/microversion-too-high', method: 'GET', server: 'read', headers: { 'OpenStack-API-Version': 'compute 9.99' } },
  { id: 'list/microversion-malformed', method: 'GET', server: 'read', headers: { 'OpenStack-API-Version': 'compute two' } },
  { id: 'show', method: 'GET', server: 'read', suffix: '/wj' },
  { id: 'show/missing-key', method: 'GET', server: 'read', suffix: '/nope' },
  { id: 'show/unknown-server', method: 'GET', server: 'unknown', suffix: '/wj' },
  { id: 'show/encoded-space-key', method: 'GET', server: 'read', suffix: '/a%20b' },
  { id: 'show/dot-key', method: 'GET', server: 'read', suffix: '/k.1' },
  // writes on the writable server, in sequence
  { id: 'merge', method: 'POST', server: 'write', body: { metadata: { k2: 'v2' } } },
  { id: 'set-item', method: 'PUT', server: 'write', suffix: '/k3', body: { meta: { k3: 'v3' } } },
  { id: 'set-item/uri-mismatch', method: 'PUT', server: 'write', suffix: '/k4', body: { meta: { k5: 'v' } } },
  { id: 'set-item/two-keys', method: 'PUT', server: 'write', suffix: '/k4', body: { meta: { k4: 'a', k5: 'b' } } },
  { id: 'set-item/empty-meta', method: 'PUT', server: 'write', suffix: '/k4', body: { meta: {} } },
  { id: 'set-item/metadata-envelope', method: 'PUT', server: 'write', suffix: '/k4', body: { metadata: { k4: 'a' } } },
  { id: 'delete-item', method: 'DELETE', server: 'write', suffix: '/k3' },
  { id: 'delete-item/missing-key', method: 'DELETE', server: 'write', suffix: '/k3' },
  { id: 'replace', method: 'PUT', server: 'write', body: { metadata: { wj: 'True', r: '1' } } },
  { id: 'merge/bad-json', method: 'POST', server: 'write', body: '{"metadata": ' },
  { id: 'merge/xml-content-type', method: 'POST', server: 'write', body: { metadata: { a: 'b' } }, contentType: 'application/xml' },
  { id: 'merge/form-content-type', method: 'POST', server: 'write', body: { metadata: { a: 'b' } }, contentType: 'application/x-www-form-urlencoded' },
  { id: 'merge/no-content-type', method: 'POST', server: 'write', body: { metadata: { nct: '1' } }, contentType: null },
  { id: 'merge/text-plain', method: 'POST', server: 'write', body: { metadata: { tp: '1' } }, contentType: 'text/plain' },
  { id: 'merge/json-charset', method: 'POST', server: 'write', body: { metadata: { cs: '1' } }, contentType: 'application/json; charset=UTF-8' },
  { id: 'merge/empty-body', method: 'POST', server: 'write', body: '' },
  { id: 'merge/empty-object', method: 'POST', server: 'write', body: {} },
  { id: 'merge/extra-property', method: 'POST', server: 'write', body: { metadata: {}, extra: 1 } },
  { id: 'merge/metadata-not-object', method: 'POST', server: 'write', body: { metadata: 'x' } },
  { id: 'merge/number-value', method: 'POST', server: 'write', body: { metadata: { a: 1 } } },
  { id: 'merge/null-value', method: 'POST', server: 'write', body: { metadata: { a: null } } },
  { id: 'merge/long-key', method: 'POST', server: 'write', body: { metadata: { [LONG]: 'v' } } },
  { id: 'merge/long-value', method: 'POST', server: 'write', body: { metadata: { a: LONG } } },
  { id: 'merge/slash-key', method: 'POST', server: 'write', body: { metadata: { 'a/b': 'c' } } },
  { id: 'merge/empty-key', method: 'POST', server: 'write', body: { metadata: { '': 'c' } } },
  { id: 'merge/space-key', method: 'POST', server: 'write', body: { metadata: { 'a b': 'c' } } },
  { id: 'merge/empty-metadata', method: 'POST', server: 'write', body: { metadata: {} } },
  { id: 'merge/platform-key', method: 'POST', server: 'write', body: { metadata: { virtual_env_type: 'FusionCompute' } } },
  { id: 'merge/too-large-body', method: 'POST', server: 'write', body: { metadata: { a: 'b' }, pad: 'p'.repeat(120 * 1024) } },
  { id: 'merge/no-token', method: 'POST', server: 'write', body: { metadata: { a: 'b' } }, token: 'none' },
  { id: 'merge/token-of-other-project', method: 'POST', server: 'foreign', project: 'q', token: 'p', body: { metadata: { a: 'b' } } },
  { id: 'merge/unknown-server', method: 'POST', server: 'unknown', body: { metadata: { a: 'b' } } },
  { id: 'merge/unknown-server-bad-body', method: 'POST', server: 'unknown', body: { metadata: { a: 1 } } },
  { id: 'set-item/unknown-server', method: 'PUT', server: 'unknown', suffix: '/a', body: { meta: { a: 'b' } } },
  { id: 'delete-item/unknown-server', method: 'DELETE', server: 'unknown', suffix: '/a' },
  { id: 'replace/clear', method: 'PUT', server: 'write', body: { metadata: {} } },
  { id: 'list/after-writes', method: 'GET', server: 'write' },
  // server states
  { id: 'merge/locked', method: 'POST', server: 'locked', body: { metadata: { a: 'b' } } },
  { id: 'merge/locked-bad-body', method: 'POST', server: 'locked', body: { metadata: { a: 1 } } },
  { id: 'replace/locked', method: 'PUT', server: 'locked', body: { metadata: {} } },
  { id: 'set-item/locked', method: 'PUT', server: 'locked', suffix: '/wj', body: { meta: { wj: 'False' } } },
  { id: 'delete-item/locked', method: 'DELETE', server: 'locked', suffix: '/wj' },
  { id: 'delete-item/locked-missing-key', method: 'DELETE', server: 'locked', suffix: '/nope' },
  { id: 'merge/building', method: 'POST', server: 'building', body: { metadata: { a: 'b' } } },
  { id: 'set-item/building', method: 'PUT', server: 'building', suffix: '/wj', body: { meta: { wj: 'False' } } },
  { id: 'delete-item/building', method: 'DELETE', server: 'building', suffix: '/wj' },
  { id: 'merge/error-state', method: 'POST', server: 'error', body: { metadata: { a: 'b' } } },
  { id: 'merge/stopped', method: 'POST', server: 'stopped', body: { metadata: { a: 'b' } } },
  { id: 'merge/full-new-key', method: 'POST', server: 'full', body: { metadata: { extra: 'x' } } },
  { id: 'merge/full-existing-key', method: 'POST', server: 'full', body: { metadata: { key000: 'changed' } } },
  { id: 'set-item/full-new-key', method: 'PUT', server: 'full', suffix: '/extra', body: { meta: { extra: 'x' } } },
  { id: 'replace/full-129', method: 'PUT', server: 'full', body: { metadata: { ...FULL_METADATA, extra: 'x' } } },
  { id: 'list/full', method: 'GET', server: 'full' },
  // version discovery (Nova's; Keystone's documents are checked in the mock's own tests)
  { id: 'discovery/root', method: 'GET', path: '/', token: 'none' },
  { id: 'discovery/version', method: 'GET', path: '/{V}', token: 'none' },
  { id: 'discovery/version-slash', method: 'GET', path: '/{V}/', token: 'none' },
  { id: 'discovery/version-slash-token', method: 'GET', path: '/{V}/' },
  { id: 'discovery/version-microversion', method: 'GET', path: '/{V}/', token: 'none', headers: { 'OpenStack-API-Version': 'compute 2.50' } },
  { id: 'discovery/version-microversion-too-high', method: 'GET', path: '/{V}', token: 'none', headers: { 'OpenStack-API-Version': 'compute 3.50' } },
  { id: 'discovery/project-root', method: 'GET', path: '/{V}/{P}/' },
  { id: 'discovery/project-root-no-token', method: 'GET', path: '/{V}/{P}/', token: 'none' },
  { id: 'discovery/project-root-no-slash', method: 'GET', path: '/{V}/{P}' },
  // the router's 404 and the size limit's 413, as webob negotiates them
  { id: 'accept/none', method: 'GET', server: 'read', suffix: '/', accept: null },
  { id: 'accept/any', method: 'GET', server: 'read', suffix: '/', accept: '*/*' },
  { id: 'accept/text-plain', method: 'GET', server: 'read', suffix: '/', accept: 'text/plain' },
  { id: 'accept/text-html', method: 'GET', server: 'read', suffix: '/', accept: 'text/html' },
  { id: 'accept/json-below-plain', method: 'GET', server: 'read', suffix: '/', accept: 'application/json;q=0.5, text/plain' },
  { id: 'accept/xml', method: 'GET', server: 'read', suffix: '/', accept: 'application/xml' },
  { id: 'accept/patch-any', method: 'PATCH', server: 'read', body: { metadata: {} }, accept: '*/*' },
  { id: 'accept/too-large-none', method: 'POST', server: 'write', body: { metadata: { a: 'b' }, pad: 'p'.repeat(120 * 1024) }, accept: null },
  // paths without a project id (the token's project)
  { id: 'projectless/list', method: 'GET', path: '/{V}/servers/{S_read}/metadata' },
  { id: 'projectless/show-item', method: 'GET', path: '/{V}/servers/{S_read}/metadata/wj' },
  { id: 'projectless/foreign-server', method: 'GET', path: '/{V}/servers/{S_foreign}/metadata' },
  { id: 'projectless/no-token', method: 'GET', path: '/{V}/servers/{S_read}/metadata', token: 'none' },
  { id: 'projectless/unknown-path', method: 'GET', path: '/{V}/servers/{S_read}/nope' },
  { id: 'projectless/set-item', method: 'PUT', path: '/{V}/servers/{S_write}/metadata/pl', body: { meta: { pl: '1' } } },
  { id: 'projectless/delete-item', method: 'DELETE', path: '/{V}/servers/{S_write}/metadata/pl' },
  // the servers API
  { id: 'servers/show', method: 'GET', path: '/{V}/{P}/servers/{S_read}' },
  { id: 'servers/show-projectless', method: 'GET', path: '/{V}/servers/{S_read}' },
  { id: 'servers/show-2.9', method: 'GET', path: '/{V}/{P}/servers/{S_locked}', headers: { 'OpenStack-API-Version': 'compute 2.9' } },
  { id: 'servers/show-2.47', method: 'GET', path: '/{V}/{P}/servers/{S_read}', headers: { 'OpenStack-API-Version': 'compute 2.47' } },
  { id: 'servers/show-latest', method: 'GET', path: '/{V}/{P}/servers/{S_read}', headers: { 'OpenStack-API-Version': 'compute latest' } },
  { id: 'servers/show-building', method: 'GET', path: '/{V}/{P}/servers/{S_building}' },
  { id: 'servers/show-stopped', method: 'GET', path: '/{V}/{P}/servers/{S_stopped}' },
  { id: 'servers/show-unknown', method: 'GET', path: '/{V}/{P}/servers/{S_unknown}' },
  { id: 'servers/show-foreign', method: 'GET', path: '/{V}/{P}/servers/{S_foreign}' },
  { id: 'servers/show-no-token', method: 'GET', path: '/{V}/{P}/servers/{S_read}', token: 'none' },
  { id: 'servers/list-name', method: 'GET', path: '/{V}/{P}/servers?name=conf-read' },
  { id: 'servers/list-name-regex', method: 'GET', path: '/{V}/{P}/servers?name=%5Econf-(read%7Cwrite)%24' },
  { id: 'servers/list-name-prefix', method: 'GET', path: '/{V}/servers?name=%5Econf-' },
  { id: 'servers/list-name-invalid', method: 'GET', path: '/{V}/{P}/servers?name=(' },
  { id: 'servers/detail-name', method: 'GET', path: '/{V}/{P}/servers/detail?name=%5Econf-locked%24' },
  { id: 'servers/detail-name-latest', method: 'GET', path: '/{V}/servers/detail?name=%5Econf-(read%7Cstopped)%24', headers: { 'OpenStack-API-Version': 'compute latest' } },
  { id: 'servers/detail-name-none', method: 'GET', path: '/{V}/servers/detail?name=%5Enothing-is-named-so%24' },
  // roles: Nova's default policy
  { id: 'roles/reader-list', method: 'GET', server: 'read', token: 'reader' },
  { id: 'roles/reader-show-server', method: 'GET', path: '/{V}/{P}/servers/{S_read}', token: 'reader' },
  { id: 'roles/reader-merge', method: 'POST', server: 'write', body: { metadata: { r: '1' } }, token: 'reader' },
  { id: 'roles/reader-replace', method: 'PUT', server: 'write', body: { metadata: {} }, token: 'reader' },
  { id: 'roles/reader-set-item', method: 'PUT', server: 'write', suffix: '/r', body: { meta: { r: '1' } }, token: 'reader' },
  { id: 'roles/reader-delete-item', method: 'DELETE', server: 'write', suffix: '/wj', token: 'reader' },
  { id: 'roles/reader-unknown-server', method: 'PUT', server: 'unknown', suffix: '/r', body: { meta: { r: '1' } }, token: 'reader' },
  { id: 'roles/reader-lock', method: 'POST', path: '/{V}/{P}/servers/{S_write}/action', body: { lock: null }, token: 'reader' },
  { id: 'roles/admin-list-projectless', method: 'GET', path: '/{V}/servers/{S_read}/metadata', token: 'admin' },
  { id: 'roles/admin-list-own-project-path', method: 'GET', path: '/{V}/{A}/servers/{S_foreign}/metadata', token: 'admin' },
  { id: 'roles/admin-list-server-project-path', method: 'GET', path: '/{V}/{P}/servers/{S_read}/metadata', token: 'admin' },
  { id: 'roles/admin-set-item', method: 'PUT', path: '/{V}/servers/{S_write}/metadata/adm', body: { meta: { adm: '1' } }, token: 'admin' },
  { id: 'roles/admin-show-server', method: 'GET', path: '/{V}/servers/{S_read}', token: 'admin', headers: { 'OpenStack-API-Version': 'compute latest' } },
  { id: 'roles/admin-all-tenants', method: 'GET', path: '/{V}/servers?all_tenants=1&name=%5Econf-(read%7Cforeign)%24', token: 'admin' },
  { id: 'roles/admin-own-project-only', method: 'GET', path: '/{V}/servers?name=%5Econf-', token: 'admin' },
  { id: 'roles/member-all-tenants', method: 'GET', path: '/{V}/servers?all_tenants=1', token: 'p' },
  { id: 'roles/member-detail-all-tenants', method: 'GET', path: '/{V}/servers/detail?all_tenants=True', token: 'p' },
  // lock and unlock server actions
  { id: 'lock/lock', method: 'POST', path: '/{V}/{P}/servers/{S_write}/action', body: { lock: null } },
  { id: 'lock/show-locked', method: 'GET', path: '/{V}/{P}/servers/{S_write}', headers: { 'OpenStack-API-Version': 'compute 2.9' } },
  { id: 'lock/merge-locked', method: 'POST', server: 'write', body: { metadata: { l: '1' } } },
  { id: 'lock/lock-again', method: 'POST', path: '/{V}/{P}/servers/{S_write}/action', body: { lock: null } },
  { id: 'lock/unlock', method: 'POST', path: '/{V}/servers/{S_write}/action', body: { unlock: null } },
  { id: 'lock/merge-unlocked', method: 'POST', server: 'write', body: { metadata: { l: '1' } } },
  { id: 'lock/reason-2.73', method: 'POST', path: '/{V}/{P}/servers/{S_write}/action', body: { lock: { locked_reason: 'maintenance' } }, headers: { 'OpenStack-API-Version': 'compute 2.73' } },
  { id: 'lock/show-reason-2.73', method: 'GET', path: '/{V}/{P}/servers/{S_write}', headers: { 'OpenStack-API-Version': 'compute 2.73' } },
  { id: 'lock/unlock-any-argument', method: 'POST', path: '/{V}/{P}/servers/{S_write}/action', body: { unlock: { locked_reason: 'x' } } },
  { id: 'lock/reason-extra-property-2.73', method: 'POST', path: '/{V}/{P}/servers/{S_write}/action', body: { lock: { other: 1 } }, headers: { 'OpenStack-API-Version': 'compute 2.73' } },
  { id: 'lock/reason-empty-2.73', method: 'POST', path: '/{V}/{P}/servers/{S_write}/action', body: { lock: { locked_reason: '' } }, headers: { 'OpenStack-API-Version': 'compute 2.73' } },
  { id: 'lock/unvalidated-before-2.73', method: 'POST', path: '/{V}/{P}/servers/{S_write}/action', body: { lock: { other: 1 } } },
  { id: 'lock/unlock-again', method: 'POST', path: '/{V}/{P}/servers/{S_write}/action', body: { unlock: null } },
  { id: 'lock/two-actions', method: 'POST', path: '/{V}/{P}/servers/{S_write}/action', body: { lock: null, unlock: null } },
  { id: 'lock/unknown-action', method: 'POST', path: '/{V}/{P}/servers/{S_write}/action', body: { 'no-such-action': null } },
  { id: 'lock/unknown-server', method: 'POST', path: '/{V}/{P}/servers/{S_unknown}/action', body: { lock: null } },
  { id: 'lock/foreign-server', method: 'POST', path: '/{V}/{P}/servers/{S_foreign}/action', body: { lock: null } },
  // last: a token that has expired by now (from the short-lived Keystone / the mock's IAM)
  { id: 'list/expired-token', method: 'GET', server: 'read', token: 'expired' },
];

// Headers compared (spec §7, §11), lower-case; each normalised before comparing.
const COMPARED_HEADERS = [
  'content-type',
  'x-request-id',
  'x-openstack-request-id',
  'x-compute-request-id',
  'openstack-api-version',
  'x-openstack-nova-api-version',
  'vary',
  'www-authenticate',
  'retry-after',
];

// ---- plumbing ------------------------------------------------------------------------------------
function usage(message) {
  process.stderr.write(`conformance: ${message}\nUsage: node tools/nova/conformance.mjs --env STATE/env [--report FILE] [--only REGEX] [--verbose]\n`);
  process.exit(2);
}

export function readEnvFile(path) {
  const env = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)='([^']*)'$/u.exec(line.trim());
    if (match) env[match[1]] = match[2];
  }
  return env;
}

/** One raw request; resolves with status, headers (lower-case, repeated ones joined with ", ") and body text. */
export function rawRequest(baseUrl, { method, path, headers, body }) {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method, path, headers, agent: false, timeout: 30_000 },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          const joined = {};
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            const name = res.rawHeaders[i].toLowerCase();
            joined[name] = joined[name] === undefined ? res.rawHeaders[i + 1] : `${joined[name]}, ${res.rawHeaders[i + 1]}`;
          }
          resolve({ status: res.statusCode, headers: joined, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 30 s`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

async function keystoneLogin(authBase, username, password, projectId) {
  const body = JSON.stringify({
    auth: {
      identity: { methods: ['password'], password: { user: { name: username, password, domain: { name: 'Default' } } } },
      scope: { project: { id: projectId } },
    },
  });
  const url = new URL(`${authBase}/v3/auth/tokens`);
  const res = await rawRequest(url.origin, {
    method: 'POST',
    path: url.pathname,
    headers: { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(body) },
    body,
  });
  const token = res.headers['x-subject-token'];
  if (res.status !== 201 || !token) throw new Error(`login of ${username} at ${authBase} answered ${res.status}: ${res.text.slice(0, 300)}`);
  return token;
}

/** A row's path template with its placeholders filled in (see MATRIX). */
function fillPath(template, version, ctx) {
  return template.replace(/\{(V|P|Q|A|S_\w+)\}/gu, (_, name) => {
    if (name === 'V') return version;
    if (name === 'P' || name === 'Q' || name === 'A') return ctx[name.toLowerCase()];
    const id = SERVER[name.slice(2)];
    if (id === undefined) throw new Error(`unknown server placeholder {${name}}`);
    return id;
  });
}

function buildRequest(row, version, ctx) {
  const project = row.project === undefined || row.project === 'p' ? ctx.p : row.project === 'q' ? ctx.q : row.project;
  const serverId = SERVER[row.server] ?? row.server;
  const path = row.path !== undefined ? fillPath(row.path, version, ctx) : `/${version}/${project}/servers/${serverId}/metadata${row.suffix ?? ''}`;
  const headers = row.accept === null ? {} : { Accept: row.accept ?? JSON_TYPE };
  const token = row.token ?? 'p';
  if (token !== 'none') headers['X-Auth-Token'] = ctx.tokens[token];
  Object.assign(headers, row.headers ?? {});
  let body;
  if (row.body !== undefined) {
    body = typeof row.body === 'string' ? row.body : JSON.stringify(row.body);
    if (row.contentType !== null) headers['Content-Type'] = row.contentType ?? JSON_TYPE;
    headers['Content-Length'] = String(Buffer.byteLength(body));
  }
  return { method: row.method, path, headers, body };
}

// ---- observation and comparison ---------------------------------------------------------------
function parseBody(text) {
  if (text === '') return { kind: 'empty' };
  try {
    return { kind: 'json', value: JSON.parse(text) };
  } catch {
    return { kind: 'text', value: text };
  }
}

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys(value[key])]));
  return value;
}

function normaliseHeader(name, value, ctx) {
  if (value === undefined) return null;
  switch (name) {
    case 'x-request-id':
      return /^[0-9a-f]{32}$/u.test(value) ? '<32 hex>' : value;
    case 'x-openstack-request-id':
    case 'x-compute-request-id':
      return /^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/u.test(value) ? '<req-uuid>' : value;
    case 'vary':
      return value.split(',').map((part) => part.trim()).filter(Boolean).sort().join(', ');
    case 'www-authenticate':
      return ctx.normaliseText(value).replace(/uri="[^"]*"/u, 'uri="<identity>"');
    default:
      return ctx.normaliseText(value);
  }
}

// What must differ between a server seeded into Nova's database and the mock's (docs/conformance.md
// "Normalised"): times, the creating user, the flavor's name, the instance's host name and
// database-derived instance name. Replaced by placeholders wherever a server view holds them.
const SERVER_TIMES = ['created', 'updated', 'OS-SRV-USG:launched_at'];
const SERVER_PLACEHOLDERS = { user_id: '<user>', 'OS-EXT-SRV-ATTR:hostname': '<hostname>', 'OS-EXT-SRV-ATTR:instance_name': '<instance-name>' };

function normaliseServerViews(value) {
  if (Array.isArray(value)) return value.map(normaliseServerViews);
  if (!value || typeof value !== 'object') return value;
  const out = Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, normaliseServerViews(inner)]));
  if (typeof out.id === 'string' && 'tenant_id' in out && 'flavor' in out) {
    for (const key of SERVER_TIMES) if (typeof out[key] === 'string') out[key] = '<time>';
    for (const [key, placeholder] of Object.entries(SERVER_PLACEHOLDERS)) if (typeof out[key] === 'string') out[key] = placeholder;
    const flavor = out.flavor;
    if (flavor && typeof flavor === 'object') {
      const name = flavor.id ?? flavor.original_name;
      out.flavor = JSON.parse(JSON.stringify(flavor).split(JSON.stringify(name).slice(1, -1)).join('<flavor>'));
    }
  }
  return out;
}

/** What is compared of one answer, every id replaced by its placeholder. */
function observe(res, ctx) {
  const parsed = parseBody(res.text);
  const observation = { status: res.status, fault: null, message: null, body: null, headers: {} };
  if (parsed.kind === 'json') {
    const value = normaliseServerViews(JSON.parse(ctx.normaliseText(JSON.stringify(parsed.value))));
    observation.body = sortKeys(value);
    const keys = value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
    if (res.status >= 400 && keys.length === 1 && value[keys[0]] && typeof value[keys[0]] === 'object') {
      observation.fault = keys[0];
      observation.message = value[keys[0]].message ?? null;
    } else if (res.status >= 400 && typeof value?.error_code === 'string') {
      observation.fault = value.error_code;
      observation.message = value.error_msg ?? null;
    }
  } else if (parsed.kind === 'text') {
    observation.body = ctx.normaliseText(parsed.value).slice(0, 300);
  }
  for (const name of COMPARED_HEADERS) observation.headers[name] = normaliseHeader(name, res.headers[name], ctx);
  // Spec §7: X-Compute-Request-Id carries the same value as X-Openstack-Request-Id.
  const same = res.headers['x-openstack-request-id'] !== undefined && res.headers['x-openstack-request-id'] === res.headers['x-compute-request-id'];
  observation.headers['x-compute-request-id'] = observation.headers['x-compute-request-id'] === null ? null : `${observation.headers['x-compute-request-id']}${same ? ' (= x-openstack-request-id)' : ' (differs)'}`;
  return observation;
}

const show = (value) => (value === null || value === undefined ? '∅' : typeof value === 'string' ? value : JSON.stringify(value));

function compare(nova, mock) {
  const differences = [];
  const push = (field, a, b) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) differences.push({ field, nova: a ?? null, mock: b ?? null });
  };
  push('status', nova.status, mock.status);
  push('fault', nova.fault, mock.fault);
  push('message', nova.message, mock.message);
  // The whole body only when fault and message agree (else it would repeat them).
  if (nova.fault === mock.fault && nova.message === mock.message) push('body', nova.body, mock.body);
  for (const name of COMPARED_HEADERS) push(`header:${name}`, nova.headers[name], mock.headers[name]);
  return differences;
}

// ---- documented differences ------------------------------------------------------------------
export function loadKnownDifferences(docPath = DOC) {
  const text = readFileSync(docPath, 'utf8');
  const match = /```json conformance-known-differences\n([\s\S]*?)\n```/u.exec(text);
  if (!match) throw new Error(`${docPath} has no \`\`\`json conformance-known-differences block`);
  const entries = JSON.parse(match[1]);
  const list = (value) => (Array.isArray(value) ? value : [value]);
  for (const [index, entry] of entries.entries()) {
    const ok =
      typeof entry.id === 'string' &&
      ['decision', 'mock-bug'].includes(entry.kind) &&
      list(entry.rows).every((row) => typeof row === 'string') &&
      list(entry.fields).every((field) => typeof field === 'string') &&
      typeof entry.reason === 'string' &&
      entry.reason.trim() !== '';
    if (!ok) throw new Error(`known difference #${index} in ${docPath} needs "id", "kind" (decision | mock-bug), "rows", "fields" and a "reason"`);
    entry.rowPatterns = list(entry.rows).map(globToRegex);
    entry.fieldPatterns = list(entry.fields).map(globToRegex);
  }
  return entries;
}

const globToRegex = (glob) => new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/gu, '\\$&').replace(/\*/gu, '.*').replace(/\?/gu, '.')}$`, 'u');

/** The documented entry a difference falls under: its row and field match, and its values when the entry names them. */
function findKnown(known, rowKey, difference) {
  return known.find(
    (entry) =>
      entry.rowPatterns.some((pattern) => pattern.test(rowKey)) &&
      entry.fieldPatterns.some((pattern) => pattern.test(difference.field)) &&
      (!('nova' in entry) || JSON.stringify(entry.nova) === JSON.stringify(difference.nova)) &&
      (!('mock' in entry) || JSON.stringify(entry.mock) === JSON.stringify(difference.mock)),
  );
}

// ---- main ------------------------------------------------------------------------------------
async function main() {
  const { values } = parseArgs({
    options: { env: { type: 'string' }, report: { type: 'string' }, only: { type: 'string' }, verbose: { type: 'boolean' } },
    strict: true,
  });
  const envPath = values.env ?? (process.env.NOVA_STATE_DIR ? `${process.env.NOVA_STATE_DIR}/env` : undefined);
  if (!envPath) usage('--env STATE/env is required (written by tools/nova/start.sh)');
  const env = readEnvFile(envPath);
  for (const name of ['NOVA_URL', 'KEYSTONE_URL', 'KEYSTONE_SHORT_URL', 'NOVA_PROJECT_ID', 'NOVA_OTHER_PROJECT_ID', 'NOVA_USER_PASSWORD', 'NOVA_OTHER_USER_PASSWORD', 'NOVA_READER_PASSWORD', 'NOVA_ADMIN_PASSWORD', 'NOVA_ADMIN_PROJECT_ID']) {
    if (!env[name]) usage(`${envPath} has no ${name}`);
  }
  const known = loadKnownDifferences();
  const only = values.only ? new RegExp(values.only, 'u') : undefined;
  const p = env.NOVA_PROJECT_ID;
  const q = env.NOVA_OTHER_PROJECT_ID;
  const shortSeconds = Number(env.NOVA_SHORT_TOKEN_SECONDS ?? '10');
  const servers = seedServers(p, q);
  const reportPath = values.report ?? `${env.NOVA_STATE_DIR}/conformance-report.json`;

  const seedNova = () => {
    const batch = `${env.NOVA_STATE_DIR}/conformance-seed.json`;
    writeFileSync(batch, JSON.stringify(servers));
    execFileSync(DEBIAN_PYTHON, [SEED, '--env', envPath, '--batch', batch], { stdio: ['ignore', 'ignore', 'inherit'] });
  };

  const { startMockProvider } = await import('@ecs-metadata/mock-provider');
  const a = env.NOVA_ADMIN_PROJECT_ID;
  const mockTokens = { p: 'conformance-token-p', q: 'conformance-token-q', reader: 'conformance-token-reader', admin: 'conformance-token-admin' };
  const mock = await startMockProvider({
    port: 0,
    host: '127.0.0.1',
    fixture: {
      tokens: [
        { token: mockTokens.p, projectId: p },
        { token: mockTokens.q, projectId: q },
        { token: mockTokens.reader, projectId: p, roles: ['reader'] },
        { token: mockTokens.admin, projectId: a, roles: ['admin'] },
      ],
      servers,
      users: [{ username: 'demo', password: 'conformance-password', domainName: 'Default', projectId: p }],
      tokenLifetimeMs: shortSeconds * 1000,
    },
  });
  try {
    const started = Date.now();
    // Tokens: Keystone's for Nova, the fixture's for the mock; the short-lived ones are taken now
    // and used last, once their lifetime has passed.
    const nova = {
      name: 'nova',
      url: env.NOVA_URL,
      identity: env.KEYSTONE_URL,
      tokens: {
        p: await keystoneLogin(env.KEYSTONE_URL, env.NOVA_USER ?? 'demo', env.NOVA_USER_PASSWORD, p),
        q: await keystoneLogin(env.KEYSTONE_URL, env.NOVA_OTHER_USER ?? 'other', env.NOVA_OTHER_USER_PASSWORD, q),
        reader: await keystoneLogin(env.KEYSTONE_URL, env.NOVA_READER_USER ?? 'reader', env.NOVA_READER_PASSWORD, p),
        admin: await keystoneLogin(env.KEYSTONE_URL, env.NOVA_ADMIN_USER ?? 'admin', env.NOVA_ADMIN_PASSWORD, a),
        expired: await keystoneLogin(env.KEYSTONE_SHORT_URL, env.NOVA_USER ?? 'demo', env.NOVA_USER_PASSWORD, p),
        garbage: 'gAAAAABgarbage-token-not-issued-by-anyone',
      },
    };
    const mockTarget = {
      name: 'mock',
      url: mock.url,
      identity: `${mock.url}/identity`,
      tokens: { ...mockTokens, expired: await keystoneLogin(mock.url, 'demo', 'conformance-password', p), garbage: nova.tokens.garbage },
    };
    const expiredAt = Date.now() + shortSeconds * 1000 + 1500;
    const placeholders = [
      [p, '{P}'],
      [q, '{Q}'],
      [a, '{A}'],
      ...Object.entries(SERVER).map(([name, id]) => [id, `{S_${name}}`]),
    ];
    // The identity URL, then the origin itself (version documents and links name the Host asked).
    const normaliserFor = (target) => (text) => {
      let out = text.split(target.identity).join('<identity>').split(target.url).join('<origin>');
      for (const [id, placeholder] of placeholders) out = out.split(id).join(placeholder);
      return out;
    };

    const results = [];
    for (const version of ['v2.1', 'v2']) {
      seedNova();
      mock.admin.reset();
      for (const row of MATRIX) {
        const key = `${row.id}@${version}`;
        if (only && !only.test(key)) continue;
        if (row.token === 'expired' && Date.now() < expiredAt) await delay(expiredAt - Date.now());
        const observed = {};
        for (const target of [nova, mockTarget]) {
          const req = buildRequest(row, version, { p, q, a, tokens: target.tokens });
          const res = await rawRequest(target.url, req);
          observed[target.name] = observe(res, { normaliseText: normaliserFor(target) });
        }
        const differences = compare(observed.nova, observed.mock).map((difference) => {
          const entry = findKnown(known, key, difference);
          return { ...difference, documented: entry !== undefined, entry: entry?.id, kind: entry?.kind };
        });
        const request = row.path !== undefined ? `${row.method} ${row.path.replace('{V}', version)}` : `${row.method} /${version}/…/${row.server}${row.suffix ?? '/metadata'}`;
        results.push({ row: key, request, nova: observed.nova, mock: observed.mock, differences });
      }
    }

    // Report
    const all = results.flatMap((result) => result.differences.map((difference) => ({ row: result.row, ...difference })));
    const undocumented = all.filter((difference) => !difference.documented);
    const used = new Set();
    for (const difference of all) {
      const entry = findKnown(known, difference.row, difference);
      if (entry) used.add(entry);
    }
    const stale = only ? [] : known.filter((entry) => !used.has(entry));
    const width = (values, max) => Math.min(max, Math.max(...values.map((value) => value.length)));
    const printTable = (diffs) => {
      const rows = diffs.map((d) => [d.documented ? `${d.kind}:${d.entry}` : 'NEW', d.row, d.field, show(d.nova), show(d.mock)]);
      const header = ['documented as', 'row', 'field', 'nova', 'mock'];
      const widths = header.map((_, i) => width([header[i], ...rows.map((r) => r[i])], i >= 3 ? 70 : 45));
      const line = (cells) => cells.map((cell, i) => (cell.length > widths[i] ? `${cell.slice(0, widths[i] - 1)}…` : cell.padEnd(widths[i]))).join(' | ');
      process.stdout.write(`${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}\n`);
      for (const r of rows) process.stdout.write(`${line(r)}\n`);
    };
    // Every difference with --verbose; otherwise the undocumented ones in full, the documented ones counted per entry.
    if (values.verbose) {
      if (all.length > 0) printTable(all);
    } else {
      const perEntry = new Map();
      for (const d of all.filter((difference) => difference.documented)) {
        const counted = perEntry.get(d.entry) ?? { kind: d.kind, rows: new Set(), count: 0 };
        counted.rows.add(d.row);
        counted.count += 1;
        perEntry.set(d.entry, counted);
      }
      if (perEntry.size > 0) {
        process.stdout.write('documented differences (docs/conformance.md; --verbose lists each):\n');
        for (const [id, counted] of perEntry) process.stdout.write(`  ${counted.kind.padEnd(8)} ${id.padEnd(30)} ${String(counted.count).padStart(4)} difference(s) in ${counted.rows.size} request(s)\n`);
      }
      if (undocumented.length > 0) {
        process.stdout.write('\nundocumented differences:\n');
        printTable(undocumented);
      }
    }
    const identical = results.filter((result) => result.differences.every((d) => d.kind === 'decision')).length;
    process.stdout.write(
      `\nconformance: ${results.length} requests per target (${MATRIX.length} rows × /v2.1 and /v2), ${identical} answered alike (apart from deliberate differences); ` +
        `${all.length - undocumented.length} documented difference(s), ${undocumented.length} undocumented; ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    const openBugs = known.filter((entry) => entry.kind === 'mock-bug' && used.has(entry)).map((entry) => entry.id);
    if (openBugs.length > 0) process.stdout.write(`open mock bugs (documented in docs/conformance.md, to be fixed in packages/mock-provider): ${openBugs.join(', ')}\n`);
    for (const entry of stale) process.stdout.write(`note: documented difference "${entry.id}" no longer observed: remove it from docs/conformance.md\n`);
    writeFileSync(reportPath, `${JSON.stringify({ results, undocumented, stale: stale.map((entry) => entry.id) }, null, 2)}\n`);
    process.stdout.write(`full report: ${reportPath}\n`);
    if (undocumented.length > 0) {
      process.stdout.write(`\nFAILED: ${undocumented.length} difference(s) between Nova and the mock are not documented in docs/conformance.md: fix the mock, or document them with the reason.\n`);
      process.exitCode = 1;
    }
  } finally {
    await mock.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    process.stderr.write(`conformance: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(2);
  });
}
