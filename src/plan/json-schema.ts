import {writtenSchemas} from './schema.js';

/** The JSON Schema of plan files, for editors (`# yaml-language-server: $schema=...`). */
export function planJsonSchema(): Record<string, unknown> {
  const {z, WrittenPlan} = writtenSchemas();
  const schema = z.toJSONSchema(WrittenPlan, {target: 'draft-7', io: 'input', unrepresentable: 'any'}) as Record<string, unknown>;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'paraplan plan',
    description: 'A work plan for paraplan: tasks with dependencies, estimates, commands and success criteria.',
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}
