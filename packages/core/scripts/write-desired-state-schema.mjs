// Writes desired-state.schema.json from the built zod schema (`npm run schema -w packages/core`
// after `npm run build -w packages/core`); `desired-state-json-schema.spec.ts` fails while they differ.
import { writeFileSync } from 'node:fs';
import { desiredStateJsonSchema } from '../dist/index.js';

writeFileSync(new globalThis.URL('../desired-state.schema.json', import.meta.url), `${JSON.stringify(desiredStateJsonSchema(), null, 2)}\n`);
