#!/usr/bin/python3
"""Seeds servers into the Nova that tools/nova/start.sh runs, with Nova's own objects.

No compute service exists, so servers are written the way the API would find them: an Instance
row in cell1 (with a flavor, a vm_state, a lock flag and metadata) and an InstanceMapping in the
API database. Metadata calls only read and write those rows.

    seed.py --env STATE/env --project-id P --server-id S --metadata '{"wj": "True"}'
            [--locked | --unlocked] [--vm-state active|building|stopped|error|...] [--task-state T]
    seed.py --env STATE/env --project-id P --server-id S --delete
    seed.py --env STATE/env --batch servers.json     # [{"projectId", "serverId", "metadata"?,
                                                    #   "name"?, "locked"?, "vmState"?, "taskState"?, "delete"?}]

Idempotent: an existing server is updated in place (only the given fields change; --metadata
replaces the whole map); a new one starts active, unlocked, without metadata unless told.
Run with Debian's /usr/bin/python3 (the one Nova is installed for). Prints one line per server.
"""

import argparse
import json
import os
import shlex
import sys
import warnings

warnings.filterwarnings('ignore')

VM_STATES = ('active', 'building', 'paused', 'suspended', 'stopped', 'rescued', 'resized',
             'soft-delete', 'deleted', 'error', 'shelved', 'shelved_offloaded')
FLAVOR_NAME = 'ecs-metadata-seed'
USER_ID = 'ecs-metadata-seed'


def read_env(path):
    env = {}
    with open(path, encoding='utf-8') as handle:
        for line in handle:
            line = line.strip()
            if not line or line.startswith('#') or '=' not in line:
                continue
            key, _, value = line.partition('=')
            parts = shlex.split(value)
            env[key] = parts[0] if parts else ''
    return env


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--env', help="start.sh's env file (default $NOVA_STATE_DIR/env)")
    parser.add_argument('--project-id')
    parser.add_argument('--server-id')
    parser.add_argument('--metadata', help='JSON object of string values; replaces the whole map')
    parser.add_argument('--name', help='display name (default seed-<first 8 characters of the id>)')
    lock = parser.add_mutually_exclusive_group()
    lock.add_argument('--locked', dest='locked', action='store_const', const=True)
    lock.add_argument('--unlocked', dest='locked', action='store_const', const=False)
    parser.add_argument('--vm-state', choices=VM_STATES)
    parser.add_argument('--task-state', help="Nova task_state ('none' clears it)")
    parser.add_argument('--delete', action='store_true', help='remove the server (instance and mapping)')
    parser.add_argument('--batch', help='a JSON file with a list of servers (see above)')
    args = parser.parse_args(argv)
    if args.batch is None and (args.project_id is None or args.server_id is None):
        parser.error('--project-id and --server-id are required (or --batch FILE)')
    return args


def spec_from_args(args):
    spec = {'projectId': args.project_id, 'serverId': args.server_id}
    if args.name is not None:
        spec['name'] = args.name
    if args.metadata is not None:
        spec['metadata'] = json.loads(args.metadata)
    if args.locked is not None:
        spec['locked'] = args.locked
    if args.vm_state is not None:
        spec['vmState'] = args.vm_state
    if args.task_state is not None:
        spec['taskState'] = None if args.task_state.lower() == 'none' else args.task_state
    if args.delete:
        spec['delete'] = True
    return spec


def check_spec(spec):
    for name in ('projectId', 'serverId'):
        if not isinstance(spec.get(name), str) or not spec[name]:
            raise SystemExit(f'seed: {name} is required in {spec!r}')
    metadata = spec.get('metadata')
    if metadata is not None:
        if not isinstance(metadata, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
            raise SystemExit(f'seed: metadata must be a JSON object of strings, got {metadata!r}')
    if 'name' in spec and (not isinstance(spec['name'], str) or not spec['name']):
        raise SystemExit(f"seed: name must be a non-empty string, got {spec['name']!r}")
    if spec.get('vmState') is not None and spec['vmState'] not in VM_STATES:
        raise SystemExit(f"seed: vmState {spec['vmState']!r} is not one of {', '.join(VM_STATES)}")


def main(argv):
    args = parse_args(argv)
    env_file = args.env or os.path.join(os.environ.get('NOVA_STATE_DIR', ''), 'env')
    if not os.path.isfile(env_file):
        raise SystemExit(f'seed: no env file at {env_file!r}: pass --env STATE/env (written by start.sh)')
    state = read_env(env_file)['NOVA_STATE_DIR']
    if args.batch is not None:
        with open(args.batch, encoding='utf-8') as handle:
            specs = json.load(handle)
        if not isinstance(specs, list):
            raise SystemExit('seed: the batch file must hold a JSON list')
    else:
        specs = [spec_from_args(args)]
    for spec in specs:
        check_spec(spec)

    # Nova's objects, configured as the running nova-api is (its nova.conf), logging kept quiet.
    from nova import config, context, exception, objects
    from nova.compute import power_state, vm_states
    from nova.network import model as network_model
    from oslo_utils import timeutils
    objects.register_all()
    config.parse_args(['seed'], default_config_files=[os.path.join(state, 'nova', 'nova.conf')])

    admin = context.get_admin_context()
    cell = next((c for c in objects.CellMappingList.get_all(admin) if c.name == 'cell1'), None)
    if cell is None:
        raise SystemExit('seed: cell1 is not mapped: was the state directory set up by start.sh?')

    try:
        flavor = objects.Flavor.get_by_name(admin, FLAVOR_NAME)
    except exception.FlavorNotFound:
        flavor = objects.Flavor(admin, name=FLAVOR_NAME, memory_mb=512, vcpus=1, root_gb=1, ephemeral_gb=0,
                                flavorid=FLAVOR_NAME, swap=0, rxtx_factor=1.0, vcpu_weight=0,
                                disabled=False, is_public=True, extra_specs={})
        flavor.create()

    for spec in specs:
        server_id = spec['serverId']
        project_id = spec['projectId']
        with context.target_cell(admin, cell) as cctxt:
            try:
                instance = objects.Instance.get_by_uuid(cctxt, server_id, expected_attrs=['metadata', 'system_metadata'])
            except exception.InstanceNotFound:
                instance = None
            if spec.get('delete'):
                if instance is not None:
                    instance.destroy()
                try:
                    objects.InstanceMapping.get_by_instance_uuid(admin, server_id).destroy()
                except exception.InstanceMappingNotFound:
                    pass
                print(f'seed: deleted server {server_id}')
                continue
            if instance is not None and instance.project_id != project_id:
                raise SystemExit(f'seed: server {server_id} exists in project {instance.project_id}, not {project_id}')
            created = instance is None
            if created:
                instance = objects.Instance(cctxt)
                instance.uuid = server_id
                instance.project_id = project_id
                instance.user_id = USER_ID
                instance.display_name = f'seed-{server_id[:8]}'
                instance.hostname = f'seed-{server_id[:8]}'
                instance.flavor = flavor
                instance.old_flavor = None
                instance.new_flavor = None
                instance.instance_type_id = flavor.id
                instance.memory_mb = flavor.memory_mb
                instance.vcpus = flavor.vcpus
                instance.root_gb = flavor.root_gb
                instance.ephemeral_gb = flavor.ephemeral_gb
                instance.vm_state = vm_states.ACTIVE
                instance.power_state = power_state.RUNNING
                instance.task_state = None
                instance.locked = False
                instance.locked_by = None
                instance.metadata = {}
                instance.system_metadata = {}
                instance.availability_zone = 'nova'
                # No network: an empty info cache, as a server booted without ports has (Nova's
                # server views read it; without one GET /servers/{id} fails with a 500).
                instance.info_cache = objects.InstanceInfoCache(network_info=network_model.NetworkInfo())
            if 'name' in spec:
                instance.display_name = spec['name']
            if 'metadata' in spec:
                instance.metadata = dict(spec['metadata'])
            if 'vmState' in spec:
                instance.vm_state = spec['vmState']
                instance.power_state = power_state.RUNNING if spec['vmState'] == vm_states.ACTIVE else power_state.NOSTATE
            # A server that ever ran has launched_at (Nova refuses metadata writes to one that never
            # launched); a building one has not launched yet.
            if instance.vm_state == vm_states.BUILDING:
                instance.launched_at = None
            elif not instance.obj_attr_is_set('launched_at') or instance.launched_at is None:
                instance.launched_at = timeutils.utcnow()
            if 'taskState' in spec:
                instance.task_state = spec['taskState']
            if 'locked' in spec:
                instance.locked = bool(spec['locked'])
                instance.locked_by = 'admin' if spec['locked'] else None
            if created:
                instance.create()
                mapping = objects.InstanceMapping(admin, instance_uuid=server_id, cell_mapping=cell,
                                                  project_id=project_id, user_id=USER_ID, queued_for_delete=False)
                mapping.create()
            else:
                instance.save()
            print(f"seed: {'created' if created else 'updated'} server {server_id} in project {project_id}: "
                  f"vm_state={instance.vm_state} locked={instance.locked} metadata={json.dumps(instance.metadata, sort_keys=True)}")


if __name__ == '__main__':
    main(sys.argv[1:])
