import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {planJsonSchema} from '../src/plan/json-schema.js';
import {ROOT} from './helpers/cli.js';

describe('schema/plan.schema.json', () => {
  it('is the JSON Schema of the current zod schema (run npm run schema after changing it)', () => {
    const committed = JSON.parse(readFileSync(join(ROOT, 'schema/plan.schema.json'), 'utf8')) as unknown;
    expect(committed).toEqual(planJsonSchema());
  });

  it('names the key fields of the plan format', () => {
    const schema = planJsonSchema() as {properties: Record<string, {items?: {properties?: Record<string, unknown>}}>};
    const task = schema.properties['tasks']!.items!.properties!;
    for (const key of ['id', 'title', 'priority', 'estimate', 'timeout', 'needs', 'run', 'verify', 'agent', 'instructions', 'returns', 'files', 'trigger']) {
      expect(task).toHaveProperty(key);
    }
  });
});
