#!/usr/bin/python3
"""Creates the stage's identities through Keystone's own v3 API (stdlib only, loopback only).

Run by start.sh after `keystone-manage bootstrap`:

    keystone_setup.py KEYSTONE_URL NOVA_URL ADMIN_PASSWORD NOVA_SERVICE_PASSWORD USER_PASSWORD OTHER_PASSWORD READER_PASSWORD IMAGE_URL

Creates (idempotently: an existing object is looked up by name and reused)
  - project `service` with user `nova` (role `admin`): Nova's keystonemiddleware validates tokens as it;
  - project `demo` with user `demo` (role `member`): the toolkit's user;
  - project `other` with user `other` (role `member`): a token of another project;
  - user `reader` with role `reader` on `demo`: Nova's policy lets it read metadata, not write it;
  - service `nova` of type `compute` with a public endpoint `NOVA_URL/v2.1` in RegionOne, so a
    password login's catalog names the compute endpoint as a real cloud's does;
  - service `glance` of type `image` at IMAGE_URL (fake_services.py answers its version discovery):
    openstackclient's `server show` needs an image endpoint in the catalog.

Keystone chooses project ids itself; they are printed as shell assignments on stdout
(`NOVA_PROJECT_ID=...`), which start.sh appends to its env file.
"""

import json
import sys
import urllib.error
import urllib.parse
import urllib.request

REGION = 'RegionOne'


def call(base, method, path, token=None, body=None, expect=(200,)):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header('Accept', 'application/json')
    if data is not None:
        req.add_header('Content-Type', 'application/json')
    if token is not None:
        req.add_header('X-Auth-Token', token)
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            status, headers, text = res.status, res.headers, res.read().decode()
    except urllib.error.HTTPError as err:
        status, headers, text = err.code, err.headers, err.read().decode()
    if status not in expect:
        raise SystemExit(f'keystone_setup: {method} {path} answered {status}: {text[:500]}')
    return status, headers, (json.loads(text) if text else None)


def login(base, user, password, project_name):
    body = {'auth': {'identity': {'methods': ['password'], 'password': {'user': {
        'name': user, 'password': password, 'domain': {'id': 'default'}}}},
        'scope': {'project': {'name': project_name, 'domain': {'id': 'default'}}}}}
    _, headers, _ = call(base, 'POST', '/v3/auth/tokens', body=body, expect=(201,))
    return headers['X-Subject-Token']


def find(base, token, collection, name, extra=''):
    query = urllib.parse.urlencode({'name': name})
    _, _, found = call(base, 'GET', f'/v3/{collection}?{query}{extra}', token)
    items = found[collection]
    return items[0] if items else None


def ensure(base, token, collection, singular, name, fields):
    existing = find(base, token, collection, name)
    if existing is not None:
        return existing
    _, _, created = call(base, 'POST', f'/v3/{collection}', token, {singular: {'name': name, **fields}}, expect=(201,))
    return created[singular]


def grant(base, token, project_id, user_id, role_name):
    role = find(base, token, 'roles', role_name)
    if role is None:
        raise SystemExit(f'keystone_setup: role {role_name} does not exist (keystone-manage bootstrap creates it)')
    call(base, 'PUT', f'/v3/projects/{project_id}/users/{user_id}/roles/{role["id"]}', token, expect=(200, 204))


def ensure_endpoint(base, token, name, service_type, description, url):
    """The service's one public endpoint in RegionOne is `url` (others of the service are removed)."""
    service = ensure(base, token, 'services', 'service', name, {'type': service_type, 'description': description})
    _, _, endpoints = call(base, 'GET', f'/v3/endpoints?service_id={service["id"]}&interface=public', token)
    for endpoint in endpoints['endpoints']:
        if endpoint['url'] != url:
            call(base, 'DELETE', f'/v3/endpoints/{endpoint["id"]}', token, expect=(204,))
    if not any(e['url'] == url for e in endpoints['endpoints']):
        call(base, 'POST', '/v3/endpoints', token, {'endpoint': {
            'service_id': service['id'], 'interface': 'public', 'url': url, 'region_id': REGION}}, expect=(201,))


def main(argv):
    if len(argv) != 9:
        raise SystemExit(__doc__)
    base, nova_url, admin_pw, nova_pw, user_pw, other_pw, reader_pw, image_url = argv[1:]
    token = login(base, 'admin', admin_pw, 'admin')
    ids = {}
    for project, user, password, role in (('service', 'nova', nova_pw, 'admin'),
                                          ('demo', 'demo', user_pw, 'member'),
                                          ('other', 'other', other_pw, 'member')):
        p = ensure(base, token, 'projects', 'project', project, {'domain_id': 'default', 'description': 'ecs-metadata real-Nova stage'})
        u = ensure(base, token, 'users', 'user', user, {'domain_id': 'default', 'password': password, 'default_project_id': p['id']})
        # Passwords are per state dir; a reused user gets this run's password.
        call(base, 'PATCH', f'/v3/users/{u["id"]}', token, {'user': {'password': password}})
        grant(base, token, p['id'], u['id'], role)
        ids[project] = p['id']
    reader = ensure(base, token, 'users', 'user', 'reader', {'domain_id': 'default', 'password': reader_pw, 'default_project_id': ids['demo']})
    call(base, 'PATCH', f'/v3/users/{reader["id"]}', token, {'user': {'password': reader_pw}})
    grant(base, token, ids['demo'], reader['id'], 'reader')

    ensure_endpoint(base, token, 'nova', 'compute', 'OpenStack Compute', nova_url.rstrip('/') + '/v2.1')
    ensure_endpoint(base, token, 'glance', 'image', 'Image (version discovery only)', image_url)

    _, _, admin_project = call(base, 'GET', '/v3/projects?name=admin', token)
    print(f"NOVA_PROJECT_ID='{ids['demo']}'")
    print(f"NOVA_OTHER_PROJECT_ID='{ids['other']}'")
    print(f"NOVA_SERVICE_PROJECT_ID='{ids['service']}'")
    print(f"NOVA_ADMIN_PROJECT_ID='{admin_project['projects'][0]['id']}'")


if __name__ == '__main__':
    main(sys.argv)
