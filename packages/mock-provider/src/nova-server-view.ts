import { microversionAtLeast } from './microversion.js';
import type { MockServer, ServerTimes } from './store.js';

/**
 * Nova's server status for a `vm_state` (`nova/api/openstack/common.py` `_STATE_MAP`, no task
 * running): what `status` shows and `openstack server list` prints.
 */
const STATUS_BY_VM_STATE: Readonly<Record<string, string>> = {
  active: 'ACTIVE',
  building: 'BUILD',
  stopped: 'SHUTOFF',
  resized: 'VERIFY_RESIZE',
  paused: 'PAUSED',
  suspended: 'SUSPENDED',
  rescued: 'RESCUE',
  error: 'ERROR',
  deleted: 'DELETED',
  'soft-delete': 'SOFT_DELETED',
  shelved: 'SHELVED',
  shelved_offloaded: 'SHELVED_OFFLOADED',
};

// Nova shows `progress` only in these statuses (views/servers.py `_progress_statuses`; of the
// `vm_state`s the mock holds, these).
const PROGRESS_STATUSES: ReadonlySet<string> = new Set(['ACTIVE', 'BUILD', 'VERIFY_RESIZE']);

/**
 * The one flavor every mock server has. Nova embeds it from microversion 2.47 on; before that it
 * is `{id, links}` and clients may look `/flavors/{id}` up, which the mock answers 404 (clients
 * such as openstackclient then show the id).
 */
export const MOCK_FLAVOR = Object.freeze({ id: 'mock-flavor', vcpus: 1, ram: 512, disk: 1, ephemeral: 0, swap: 0 });

/** The `user_id` of every mock server: the mock has no users behind its tokens. */
export const MOCK_USER_ID = 'mock-user';

/** Where and how a server is being shown: what Nova's view builder reads from the request. */
export interface ServerViewRequest {
  /** `http://host:port` from the request's `Host` (Nova's `application_url`). */
  readonly origin: string;
  /** `v2` or `v2.1`, the API the request came in under. */
  readonly apiVersion: string;
  /** The project id when the request's path holds one; links then hold it too, as Nova's. */
  readonly pathProjectId: string | undefined;
  /** The microversion the request is served at (`2.1` on `/v2`). */
  readonly microversion: string;
  /** Whether the caller is an admin (Nova's `os_compute_api:os-extended-server-attributes`). */
  readonly admin: boolean;
  /** `GET /servers/{id}` shows the server's groups from 2.71 on; listings never do. */
  readonly showServerGroups?: boolean;
}

/** Nova's `utils.isotime`: UTC to the second, with `Z`. */
const isoTime = (epochMs: number): string => `${new Date(epochMs).toISOString().slice(0, 19)}Z`;

/** How oslo's JSON encoder writes a naive datetime (`OS-SRV-USG:launched_at`): microseconds, no zone. */
const pythonDateTime = (epochMs: number): string => `${new Date(epochMs).toISOString().slice(0, 23)}000`;

/** Nova's `self` and `bookmark` links for one server. */
export function serverLinks(request: ServerViewRequest, serverId: string): { rel: string; href: string }[] {
  const project = request.pathProjectId === undefined ? '' : `/${request.pathProjectId}`;
  const tail = `${project}/servers/${encodeURIComponent(serverId)}`;
  return [
    { rel: 'self', href: `${request.origin}/${request.apiVersion}${tail}` },
    { rel: 'bookmark', href: `${request.origin}${tail}` },
  ];
}

/** A server as `GET /servers` lists it: `{id, links, name}`. */
export function serverSummary(request: ServerViewRequest, server: MockServer): Record<string, unknown> {
  return { id: server.serverId, links: serverLinks(request, server.serverId), name: server.name };
}

/**
 * A server as Nova 26 (Zed) shows it (`nova/api/openstack/compute/views/servers.py` `show`) at the
 * request's microversion, for a server without image (booted from volume: `image` is `""`, so no
 * image lookup), network, volumes, key pair or tags. Fields that need a compute host are empty or
 * `null`, as for a server that has none.
 */
export function serverDetail(request: ServerViewRequest, server: MockServer, times: ServerTimes): Record<string, unknown> {
  const at = (min: string): boolean => microversionAtLeast(request.microversion, min);
  const status = STATUS_BY_VM_STATE[server.vmState] ?? 'ERROR';
  const flavor = at('2.47')
    ? {
        vcpus: MOCK_FLAVOR.vcpus,
        ram: MOCK_FLAVOR.ram,
        disk: MOCK_FLAVOR.disk,
        ephemeral: MOCK_FLAVOR.ephemeral,
        swap: MOCK_FLAVOR.swap,
        original_name: MOCK_FLAVOR.id,
        extra_specs: {},
      }
    : {
        id: MOCK_FLAVOR.id,
        links: [{ rel: 'bookmark', href: `${request.origin}${request.pathProjectId === undefined ? '' : `/${request.pathProjectId}`}/flavors/${MOCK_FLAVOR.id}` }],
      };
  const view: Record<string, unknown> = {
    id: server.serverId,
    name: server.name,
    status,
    tenant_id: server.projectId,
    user_id: MOCK_USER_ID,
    metadata: server.metadata,
    hostId: '',
    image: '',
    flavor,
    created: isoTime(times.created),
    updated: isoTime(times.updated),
    addresses: {},
    accessIPv4: '',
    accessIPv6: '',
    links: serverLinks(request, server.serverId),
    'OS-DCF:diskConfig': 'MANUAL',
  };
  if (PROGRESS_STATUSES.has(status)) {
    // The instance's progress: none recorded, as for a server no compute host reports on.
    view['progress'] = null;
  }
  Object.assign(view, {
    'OS-EXT-AZ:availability_zone': 'nova',
    config_drive: null,
    key_name: null,
    'OS-SRV-USG:launched_at': server.vmState === 'building' ? null : pythonDateTime(times.created),
    'OS-SRV-USG:terminated_at': null,
  });
  if (request.admin) {
    Object.assign(view, {
      'OS-EXT-SRV-ATTR:host': null,
      'OS-EXT-SRV-ATTR:instance_name': `instance-${server.serverId.slice(0, 8)}`,
      'OS-EXT-SRV-ATTR:hypervisor_hostname': null,
    });
    if (at('2.3')) {
      Object.assign(view, {
        'OS-EXT-SRV-ATTR:reservation_id': null,
        'OS-EXT-SRV-ATTR:launch_index': null,
        'OS-EXT-SRV-ATTR:hostname': server.name,
        'OS-EXT-SRV-ATTR:kernel_id': null,
        'OS-EXT-SRV-ATTR:ramdisk_id': null,
        'OS-EXT-SRV-ATTR:root_device_name': null,
        'OS-EXT-SRV-ATTR:user_data': null,
      });
    }
  }
  Object.assign(view, {
    'OS-EXT-STS:task_state': null,
    'OS-EXT-STS:vm_state': server.vmState,
    'OS-EXT-STS:power_state': server.vmState === 'active' ? 1 : 0,
    'os-extended-volumes:volumes_attached': [],
  });
  if (at('2.16') && request.admin) {
    view['host_status'] = '';
  }
  if (at('2.9')) {
    view['locked'] = server.locked;
  }
  if (at('2.73')) {
    view['locked_reason'] = server.lockedReason;
  }
  if (at('2.19')) {
    view['description'] = null;
  }
  if (at('2.26')) {
    view['tags'] = [];
  }
  if (at('2.63')) {
    view['trusted_image_certificates'] = null;
  }
  if (at('2.71') && request.showServerGroups === true) {
    view['server_groups'] = [];
  }
  if (at('2.90') && !request.admin) {
    view['OS-EXT-SRV-ATTR:hostname'] = server.name;
  }
  return view;
}
