// Writes schema/plan.schema.json from the zod schema (run by `npm run schema`; a test checks it is current).
import {writeFileSync} from 'node:fs';
import {planJsonSchema} from '../dist/plan/json-schema.js';

writeFileSync(new URL('../schema/plan.schema.json', import.meta.url), JSON.stringify(planJsonSchema(), null, 2) + '\n');
console.log('wrote schema/plan.schema.json');
