import * as z from 'zod';

/**
 * Project id as Nova routes it (`[0-9a-f-]{1,64}`); Huawei's are 32 lower-case hex characters.
 * See DECISIONS "Ids".
 */
export const projectIdSchema = z
  .string()
  .regex(/^[0-9a-f-]{1,64}$/u, 'must be 1-64 characters of lower-case hex digits and "-" (e.g. 9c53a566cb3443ab910cf0daebca90c4)');

/**
 * Server id. Usually a UUID, but any path-safe string is sent (Nova answers 404 for others);
 * path safety is checked by {@link encodePathSegment}.
 */
export const serverIdSchema = z.string().min(1, 'must not be empty').max(255, 'must be at most 255 characters');

const codePointLength = (value: string): number => [...value].length;

/** Metadata key under Huawei's rules (spec §4.1): 1-255 of `A-Z a-z 0-9 - _ : .`. */
export const metadataKeySchema = z
  .string()
  .refine((key) => /^[A-Za-z0-9_:.-]+$/u.test(key), 'may contain only A-Z a-z 0-9 - _ : .')
  .refine((key) => codePointLength(key) >= 1 && codePointLength(key) <= 255, 'must be 1-255 characters');

/** Metadata key under upstream Nova's rules (spec §4.1): Huawei's set plus the space. */
export const novaMetadataKeySchema = z
  .string()
  .refine((key) => /^[A-Za-z0-9_:. -]+$/u.test(key), 'may contain only A-Z a-z 0-9 - _ : . and space')
  .refine((key) => codePointLength(key) >= 1 && codePointLength(key) <= 255, 'must be 1-255 characters');

/** Metadata value: a string of 0-255 characters (spec §4.1). */
export const metadataValueSchema = z
  .string()
  .refine((value) => codePointLength(value) <= 255, 'must be at most 255 characters');

/** Maximum number of metadata items on one server, and in one request (spec §4.1). */
export const MAX_METADATA_ITEMS = 128;


/**
 * Which key rules a client checks (spec §4.1): `huawei`, the default, allows `A-Z a-z 0-9 - _ : .`;
 * `nova` also allows the space, as upstream Nova (and the mock) do.
 */
export const metadataKeyRulesSchema = z.enum(['huawei', 'nova']);

// zod's record skips an own `__proto__` key without checking it (its guard against prototype
// pollution), so `{"__proto__": {...}}` passed unchecked and a real `__proto__` item, a valid key
// under both key rules, vanished. Found by interpret-response.property.spec.ts.
const PROTO_KEY = '__proto__';

/**
 * `z.record(keySchema, valueSchema)` over a JSON object that checks and keeps every own key,
 * `__proto__` included: as an own property of a plain object (never its prototype), in the
 * object's key order. Issues carry their JSON path (`['__proto__']`) as the record's do.
 */
export function ownKeysRecordSchema<V>(keySchema: z.ZodType<string>, valueSchema: z.ZodType<V>): z.ZodType<Record<string, V>> {
  const record = z.record(keySchema, valueSchema);
  return z.unknown().transform((input, context): Record<string, V> => {
    const result = record.safeParse(input);
    const proto = result.success ? Object.getOwnPropertyDescriptor(input, PROTO_KEY) : undefined;
    const issues = result.success ? [] : [...result.error.issues];
    if (proto !== undefined) {
      const key = keySchema.safeParse(PROTO_KEY);
      const value = valueSchema.safeParse(proto.value);
      issues.push(...(key.success ? [] : key.error.issues.map((issue) => ({ ...issue, path: [PROTO_KEY] }))));
      issues.push(...(value.success ? [] : value.error.issues.map((issue) => ({ ...issue, path: [PROTO_KEY, ...issue.path] }))));
    }
    if (!result.success || issues.length > 0) {
      for (const issue of issues) {
        context.addIssue({ ...issue });
      }
      return z.NEVER;
    }
    if (proto === undefined) {
      return result.data;
    }
    const protoValue = valueSchema.parse(proto.value);
    // Object.fromEntries defines `__proto__` as an own data property instead of calling the setter.
    return Object.fromEntries(
      Object.keys(input as object).map((name) => [name, name === PROTO_KEY ? protoValue : (result.data[name] as V)]),
    );
  });
}

/** The message of a map with too many items: {@link checkMetadataMap} tells it apart by it. */
export const TOO_MANY_ITEMS_MESSAGE = `must hold at most ${MAX_METADATA_ITEMS} items`;

/**
 * A metadata map as a client may send it: valid keys and values, at most 128 items, every own key
 * checked (`__proto__` included, see {@link ownKeysRecordSchema}).
 */
export const metadataMapSchema = ownKeysRecordSchema(metadataKeySchema, metadataValueSchema).refine(
  (map) => Object.keys(map).length <= MAX_METADATA_ITEMS,
  TOO_MANY_ITEMS_MESSAGE,
);

/** A metadata map under upstream Nova's rules (space allowed in keys), at most 128 items. */
export const novaMetadataMapSchema = ownKeysRecordSchema(novaMetadataKeySchema, metadataValueSchema).refine(
  (map) => Object.keys(map).length <= MAX_METADATA_ITEMS,
  TOO_MANY_ITEMS_MESSAGE,
);

/**
 * The body of merge and replace (spec §3.3, §3.4) and of the native merge (§3.7):
 * exactly `{"metadata": {...}}`; another top-level property is refused, as Nova v2.1 does.
 */
export const metadataRequestBodySchema = z.strictObject({ metadata: metadataMapSchema });

/** The body of "set one item" (spec §3.5): `{"meta": {key: value}}` with exactly one entry. */
export const metadataItemRequestBodySchema = z.strictObject({
  meta: z
    .record(metadataKeySchema, metadataValueSchema)
    .refine((meta) => Object.keys(meta).length === 1, 'must hold exactly one item'),
});

/**
 * Metadata as a server returns it: string keys (platform keys included) to string values, every
 * key kept, `__proto__` included (see {@link ownKeysRecordSchema}).
 */
export const metadataSchema = ownKeysRecordSchema(z.string(), z.string());

/** The body of a 200 answer to "list all metadata": `{"metadata": {"wj": "True"}}`. */
export const metadataResponseSchema = z.object({ metadata: metadataSchema });

/**
 * The body of a 200 answer to "show one item" and "set one item" (spec §3.2, §3.5):
 * `{"meta": {"wj": "True"}}`. That it holds exactly the requested key is checked per call.
 */
export const metadataItemResponseSchema = z.object({ meta: metadataSchema });

/** Nova fault body (spec §6.1): `{"itemNotFound": {"code": 404, "message": "..."}}`. */
export const novaFaultSchema = z
  .record(z.string(), z.looseObject({ code: z.number().int(), message: z.string() }))
  .refine((body) => Object.keys(body).length === 1, 'a Nova fault has exactly one top-level key');

/** Huawei ECS error body (spec §6.2); also Keystone's `{"error": {"code": 401, ...}}`. */
export const huaweiErrorSchema = z.object({
  error: z.looseObject({
    code: z.union([z.string(), z.number()]),
    message: z.string().optional(),
    title: z.string().optional(),
  }),
});

/** API-gateway error body (spec §6.3): `{"error_code": "APIG.0301", "error_msg": "...", "request_id": "..."}`. */
export const gatewayErrorSchema = z.object({
  error_code: z.string(),
  error_msg: z.string().optional(),
  request_id: z.string().optional(),
});

/** A metadata key→value map. */
export type Metadata = z.infer<typeof metadataSchema>;
/** The 200 body of "list all metadata". */
export type MetadataResponse = z.infer<typeof metadataResponseSchema>;
/** `huawei` or `nova` (see {@link metadataKeyRulesSchema}). */
export type MetadataKeyRules = z.infer<typeof metadataKeyRulesSchema>;
/** The body of merge and replace. */
export type MetadataRequestBody = z.infer<typeof metadataRequestBodySchema>;
/** The body of "set one item". */
export type MetadataItemRequestBody = z.infer<typeof metadataItemRequestBodySchema>;
/** The 200 body of "show one item" and "set one item". */
export type MetadataItemResponse = z.infer<typeof metadataItemResponseSchema>;
/** A Nova fault body. */
export type NovaFault = z.infer<typeof novaFaultSchema>;
/** A Huawei ECS (or Keystone) error body. */
export type HuaweiError = z.infer<typeof huaweiErrorSchema>;
/** An API-gateway error body. */
export type GatewayError = z.infer<typeof gatewayErrorSchema>;
