import fc from 'fast-check';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {parse} from 'yaml';
import {z} from 'zod';
import {compileQuick} from './quick-check.js';
import {WRITTEN_PLAN_SPEC, WRITTEN_TASK_SPEC} from './quick-spec.js';
import {quickSpec, writtenQuickSpecs, writtenSchemas} from './schema.js';

const ROOT = new URL('../../', import.meta.url).pathname;

const {WrittenTask} = writtenSchemas();
const isPlainWrittenTask = compileQuick(WRITTEN_TASK_SPEC);
const quickCheck = (schema: z.core.$ZodType): ((value: unknown) => boolean) => compileQuick(quickSpec(schema));

/** Values near the edges of what WrittenTask accepts: right types, wrong types, empty, negative, fractional, odd keys. */
const scalar = fc.oneof(
  fc.string({maxLength: 6}),
  fc.constantFrom('', 'a', 'critical', 'high', 'medium', 'low', 'explicit', 'blocks', 'all_done', 'one_failed', 'worktree', 'none', '15m', 'constructor', '__proto__'),
  fc.integer({min: -3, max: 200}),
  fc.double(),
  fc.constantFrom(0, -0, 0.5, 1e21, Number.MAX_SAFE_INTEGER + 2, Infinity, NaN),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);
const any = fc.letrec((tie) => ({
  value: fc.oneof({depthSize: 'small'}, scalar, fc.array(tie('value'), {maxLength: 3}), fc.dictionary(fc.string({maxLength: 4}), tie('value'), {maxKeys: 3, noNullPrototype: true})),
})).value;
/** Valid values nearly always, near misses sometimes: most tasks pass, and the rest probe every field's edges. */
const edgy = <T, U>(valid: fc.Arbitrary<T>, near: fc.Arbitrary<U>): fc.Arbitrary<unknown> =>
  fc.oneof({weight: 40, arbitrary: valid}, {weight: 1, arbitrary: near}, {weight: 1, arbitrary: scalar});
const text = fc.oneof({weight: 8, arbitrary: fc.string({maxLength: 5})}, {weight: 1, arbitrary: fc.constantFrom('', 'constructor', '__proto__', 'toString')});
const nonEmpty = fc.string({minLength: 1, maxLength: 5});
const key = fc.oneof({weight: 20, arbitrary: fc.string({maxLength: 4})}, {weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor')});
const oneOf = (valid: unknown[], near: unknown[]): fc.Arbitrary<unknown> => edgy(fc.constantFrom(...valid), fc.constantFrom(...near));
const words = edgy(fc.array(text, {maxLength: 3}), fc.array(scalar, {maxLength: 3}));
const duration = edgy(fc.oneof(text, fc.nat(500), fc.constantFrom(0, -0, 0.5, 1e300)), fc.constantFrom(-1, -0.5, -Infinity, Infinity, NaN));
const command = edgy(
  fc.oneof(fc.array(text, {minLength: 1, maxLength: 3}), fc.record({shell: nonEmpty}, {noNullPrototype: true}), nonEmpty),
  fc.oneof(fc.constant([]), fc.array(scalar, {maxLength: 2}), fc.record({shell: text}), fc.constant(''), fc.record({shell: text, x: text})),
);
const need = edgy(
  fc.oneof(nonEmpty, fc.record({id: nonEmpty, kind: fc.constantFrom('explicit', 'group-barrier', 'sequential-order', 'blocks', 'prose', 'diagram'), source: text}, {requiredKeys: ['id'], noNullPrototype: true})),
  fc.oneof(fc.constant(''), fc.record({id: text, kind: scalar}), fc.record({id: text, other: text}), fc.constant(undefined)),
);
const verify = edgy(fc.oneof(command, fc.record({name: text, run: command}, {requiredKeys: ['run'], noNullPrototype: true})), fc.oneof(fc.record({name: scalar, run: command}, {requiredKeys: []}), fc.record({name: text, run: command, x: text})));
const record = <T>(value: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  edgy(fc.dictionary(key, value, {maxKeys: 3, noNullPrototype: true}), fc.oneof(fc.constant(Object.create(null) as unknown), fc.dictionary(text, scalar, {maxKeys: 2}), fc.constant([])));
const defined = any.filter((v) => v !== undefined);
const fields: Record<string, fc.Arbitrary<unknown>> = {
  id: edgy(fc.oneof(text, fc.integer()), fc.double()),
  title: edgy(text, scalar),
  description: edgy(text, scalar),
  priority: oneOf(['critical', 'high', 'medium', 'low'], ['urgent', 'High']),
  impact: oneOf(['high', 'medium', 'low'], ['critical']),
  estimate: duration,
  timeout: duration,
  retries: edgy(fc.oneof(fc.integer({min: 0, max: 100}), fc.constant(-0)), fc.constantFrom(-1, 101, 2.5, NaN)),
  retryOn: words,
  needs: edgy(fc.array(need, {maxLength: 4}), fc.oneof(need, fc.constant({}))),
  group: edgy(text, scalar),
  run: command,
  verify: edgy(fc.array(verify, {maxLength: 3}), verify),
  criteria: edgy(fc.oneof(text, fc.array(text, {maxLength: 3})), words),
  size: edgy(fc.oneof(fc.nat(1000), fc.constantFrom(-0, 2 ** 53 - 1)), fc.constantFrom(-1, 0.5, 2 ** 53)),
  files: words,
  trigger: oneOf(['all_success', 'all_done', 'none_failed', 'one_success', 'one_failed'], ['any']),
  gate: edgy(fc.boolean(), scalar),
  env: record(edgy(text, scalar)),
  workspace: oneOf(['worktree', 'none'], ['shared']),
  extra: record(defined),
  depends_on: defined,
  other: defined,
};
const taskArb = fc.oneof({weight: 10, arbitrary: fc.record(fields, {requiredKeys: ['id'], noNullPrototype: true})}, {weight: 1, arbitrary: fc.record(fields, {requiredKeys: []})}, {weight: 1, arbitrary: any});

describe('quickCheck', () => {
  it('is compiled from specs that match the zod schemas (run npm run schema after changing them)', () => {
    const specs = writtenQuickSpecs();
    expect(WRITTEN_TASK_SPEC).toEqual(specs.task);
    expect(WRITTEN_PLAN_SPEC).toEqual(specs.plan);
  });

  it('passes only tasks zod accepts, and zod returns them unchanged', () => {
    let passed = 0;
    fc.assert(
      fc.property(taskArb, (t) => {
        if (!isPlainWrittenTask(t)) return;
        passed++;
        const r = WrittenTask.safeParse(t);
        expect(r.success).toBe(true);
        expect(r.data).toStrictEqual(t);
      }),
      {numRuns: 10_000},
    );
    // The property means little unless many random tasks take the fast path.
    expect(passed).toBeGreaterThan(500);
  });

  it('passes the tasks plans are made of, so the fast path is taken', () => {
    const tasks = [
      {id: 't1', estimate: '12m', needs: ['t0'], run: ['true']},
      {id: 7, title: 'x', priority: 'high', needs: [{id: 'a', kind: 'blocks', source: 'plan.md:3'}], run: {shell: 'make'}, verify: ['npm test', {name: 'lint', run: ['npm', 'run', 'lint']}]},
      {id: 'g', gate: true, group: 'batch-1', retries: 2, size: 40, files: ['src/**'], env: {CI: '1'}, extra: {status: 'todo'}, unknownKey: 1},
    ];
    for (const t of tasks) expect(isPlainWrittenTask(t)).toBe(true);
  });

  it('asks zod for what it cannot judge', () => {
    expect(quickCheck(z.string().email())('a@b.c')).toBe(false);
    expect(quickCheck(z.object({a: z.string()}))({a: 'x', b: 1})).toBe(false);
    expect(quickCheck(z.string().default('x'))('y')).toBe(false);
    expect(isPlainWrittenTask({id: 'a', title: undefined})).toBe(false);
  });

  it('passes the plans of the examples without their tasks, as zod returns them', () => {
    const isPlainWrittenPlan = compileQuick(WRITTEN_PLAN_SPEC);
    const {WrittenPlan} = writtenSchemas();
    const tops: Record<string, unknown>[] = ['examples/seed-000/plan.yaml', 'examples/sample-project/plan.yaml'].map((file) => ({...(parse(readFileSync(join(ROOT, file), 'utf8')) as object), tasks: []}));
    tops.push({name: 'x', concurrency: 2, defaults: {executor: 'claude', timeout: '10m', retries: 1}, executors: {claude: {kind: 'agent', preset: 'claude', pool: 'agents'}}, pools: {agents: 2}, groups: [{id: 'g', mode: 'parallel', needs: []}], tasks: []});
    for (const top of tops) {
      expect(isPlainWrittenPlan(top)).toBe(true);
      expect(WrittenPlan.parse(top)).toStrictEqual(top);
    }
    for (const bad of [{tasks: [], concurrency: 0}, {tasks: [], name: 3}, {tasks: [], nope: 1}, {tasks: [], defaults: {x: 1}}, {tasks: [], groups: [{id: ''}]}]) {
      expect(isPlainWrittenPlan(bad)).toBe(false);
      expect(WrittenPlan.safeParse(bad).success).toBe(false);
    }
  });
});
