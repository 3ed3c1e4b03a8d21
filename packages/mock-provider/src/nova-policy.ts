import type { Role } from './identity.js';
import { HttpFault, novaFaultReply } from './reply.js';

/**
 * The Nova policy rules the mock's routes enforce, with the role each needs under Nova's current
 * defaults (`nova/policies/`, `enforce_new_defaults`, the default since Nova 28 and what the
 * real-Nova stage runs): `PROJECT_READER_OR_ADMIN` reads, `PROJECT_MEMBER_OR_ADMIN` writes, listing
 * every project's servers is `ADMIN`. An admin also reaches servers of other projects (its lookups
 * are not scoped to its project).
 */
export const NOVA_POLICY_RULES = {
  'os_compute_api:server-metadata:index': 'reader',
  'os_compute_api:server-metadata:show': 'reader',
  'os_compute_api:server-metadata:create': 'member',
  'os_compute_api:server-metadata:update': 'member',
  'os_compute_api:server-metadata:update_all': 'member',
  'os_compute_api:server-metadata:delete': 'member',
  'os_compute_api:os-lock-server:lock': 'member',
  'os_compute_api:os-lock-server:unlock': 'member',
  'os_compute_api:servers:show': 'reader',
  'os_compute_api:servers:index': 'reader',
  'os_compute_api:servers:detail': 'reader',
  'os_compute_api:servers:index:get_all_tenants': 'admin',
  'os_compute_api:servers:detail:get_all_tenants': 'admin',
} as const satisfies Record<string, Role>;

/** The name of one of {@link NOVA_POLICY_RULES}. */
export type NovaPolicyRule = keyof typeof NOVA_POLICY_RULES;

/** Whether roles (implied ones included) let the caller act as an admin: Nova's `context_is_admin`. */
export const isAdmin = (roles: readonly Role[]): boolean => roles.includes('admin');

/**
 * Checks a rule as Nova's `context.can` does, after the server was found.
 *
 * @throws {HttpFault} 403 `forbidden` "Policy doesn't allow <rule> to be performed." (Nova's words).
 */
export function authorize(roles: readonly Role[], rule: NovaPolicyRule): void {
  if (!roles.includes(NOVA_POLICY_RULES[rule])) {
    throw new HttpFault(novaFaultReply(403, `Policy doesn't allow ${rule} to be performed.`));
  }
}
