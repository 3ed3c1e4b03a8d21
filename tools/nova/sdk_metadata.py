#!/usr/bin/python3
"""openstacksdk's server metadata calls, as an OpenStack user's script makes them (real-Nova stage).

    sdk_metadata.py SERVER_ID          # credentials from the OS_* environment (openstack.connect())

Runs, in order, and prints one JSON line per step (keys sorted, so outputs compare as text):
get_server_metadata, set_server_metadata(sdk-key=sdk-value, other=1), get_server_metadata,
delete_server_metadata([sdk-key]), get_server_metadata, then a get of a server that does not exist
(the SDK's exception class and HTTP status). Exits 1 on any unexpected error.
Run with Debian's /usr/bin/python3 (python3-openstacksdk).
"""

import json
import sys
import warnings

warnings.filterwarnings('ignore')

import openstack  # noqa: E402 (after the warnings filter: the SDK warns on import)
from openstack import exceptions  # noqa: E402

MISSING_SERVER = '00000000-0000-4000-8000-00000000dead'


def emit(step, **fields):
    print(json.dumps({'step': step, **fields}, sort_keys=True), flush=True)


def main(argv):
    if len(argv) != 2:
        raise SystemExit(__doc__)
    server_id = argv[1]
    conn = openstack.connect()
    compute = conn.compute
    emit('get', metadata=compute.get_server_metadata(server_id).metadata)
    emit('set', metadata=compute.set_server_metadata(server_id, **{'sdk-key': 'sdk-value', 'other': '1'}).metadata)
    emit('get-after-set', metadata=compute.get_server_metadata(server_id).metadata)
    compute.delete_server_metadata(server_id, ['sdk-key'])
    emit('get-after-delete', metadata=compute.get_server_metadata(server_id).metadata)
    try:
        compute.get_server_metadata(MISSING_SERVER)
        emit('get-missing', error=None)
    except exceptions.HttpException as error:
        emit('get-missing', error=type(error).__name__, status=error.status_code)


if __name__ == '__main__':
    main(sys.argv)
