/**
 * Keys that Huawei Cloud writes into a server's metadata itself (spec §4.3): billing, image, network,
 * locking and creation-time information. Only `virtual_env_type` is documented as unchangeable; what
 * the service does with writes to the others is not documented, so the toolkit refuses to write or
 * delete any of them unless the caller passes `force` (project decision, spec §4.3).
 */
export const PLATFORM_METADATA_KEYS: readonly string[] = Object.freeze([
  // Billing / metering
  'charging_mode',
  'metering.image_id',
  'metering.imagetype',
  'metering.resourcespeccode',
  'metering.resourcetype',
  'metering.order_id',
  'metering.product_id',
  // Image / OS
  'image_name',
  'os_bit',
  'os_type',
  'virtual_env_type',
  // Network
  'vpc_id',
  // Locking / freezing
  'lockCheckEndpoint',
  'lockScene',
  'lockSource',
  'lockSourceId',
  'EcmResStatus',
  // Other
  'cascaded.instance_extrainfo',
  'agency_name',
  '__support_agent_list',
  // Creation-time inputs
  'admin_pass',
  'op_svc_userid',
  'BYOL',
]);

const PLATFORM_KEY_SET: ReadonlySet<string> = new Set(PLATFORM_METADATA_KEYS);

/** Whether `key` is one of the {@link PLATFORM_METADATA_KEYS} (compared exactly: keys are case-sensitive). */
export function isPlatformMetadataKey(key: string): boolean {
  return PLATFORM_KEY_SET.has(key);
}
