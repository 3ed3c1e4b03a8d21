import * as z from 'zod';
import { desiredStateFileSchema } from './desired-state.js';

/**
 * The desired-state file's JSON Schema (draft 2020-12), generated from {@link desiredStateFileSchema};
 * an NDJSON line is its `$defs.DesiredServerState`. The package ships it as
 * `@ecs-metadata/core/desired-state.schema.json` (a test keeps that file equal to this).
 */
export function desiredStateJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://github.com/ecs-metadata/ecs-metadata/blob/main/packages/core/desired-state.schema.json',
    ...z.toJSONSchema(desiredStateFileSchema, { io: 'input', target: 'draft-2020-12' }),
  };
}
