import {createRequire} from 'node:module';
import type {z, z as zod} from 'zod';
import type {QuickSpec} from './quick-check.js';

/**
 * The plan file as written (YAML or JSON): everything optional that can be, key names as users type them.
 * `normalize.ts` turns it into a frozen `Plan`. Keep descriptions: they become the JSON Schema editors show.
 *
 * The schemas are built on first use: loading zod costs about 60 ms, which plans that pass the quick check
 * (`quick-check.ts`, compiled from `quickSpec` of these schemas) never pay. zod is loaded synchronously, through
 * its CommonJS build, because validation is synchronous.
 */
function define(z: typeof zod) {
  const duration = z
    .union([z.string(), z.number().nonnegative()])
    .describe('A duration: "15m", "2h", "1.5d" (work days of 8h), "30 minutes", "1h30m". A bare number means minutes.');

  const estimate = z
    .union([z.string(), z.number().nonnegative()])
    .describe('An estimate: a duration ("15m", "2h", "1.5d") or a range ("4-8h", kept as low/high; schedules use the middle). A bare number means minutes.');

  const argv = z.array(z.string()).min(1).describe('An argv list: the program and its arguments, run without a shell.');
  const shell = z
    .object({shell: z.string().min(1).describe('A shell script, run with /bin/sh -c. Only here does a shell see the text.')})
    .strict();

  const WrittenCommand = z
    .union([argv, shell, z.string().min(1)])
    .describe('A command: an argv list (no shell), {shell: "..."} for a shell script, or a plain string of simple words (split on spaces, no shell).');

  const WrittenVerify = z.union([
    WrittenCommand,
    z
      .object({
        name: z.string().optional().describe('A label for reports.'),
        run: WrittenCommand,
      })
      .strict(),
  ]);

  const priority = z.enum(['critical', 'high', 'medium', 'low']);
  const level = z.enum(['high', 'medium', 'low']);
  const trigger = z.enum(['all_success', 'all_done', 'none_failed', 'one_success', 'one_failed']);
  const dependencyKind = z.enum(['explicit', 'group-barrier', 'sequential-order', 'blocks', 'prose', 'diagram']);

  const WrittenNeed = z.union([
    z.string().min(1).describe('A task id, or a group id (the task waits for every task of that group).'),
    z
      .object({
        id: z.string().min(1),
        kind: dependencyKind.optional().describe('Why the edge exists (importers record it); default explicit.'),
        source: z.string().optional().describe('Where the edge was read, e.g. "plan.md:42" (importers record it).'),
      })
      .strict(),
  ]);

  const stringList = z.union([z.string(), z.array(z.string())]);

  const WrittenTask = z
    .object({
      id: z.union([z.string(), z.number()]).describe('Unique task id: letters, digits and ._:/@+- (e.g. "db-fix", "Y1-A.4", "T001").'),
      title: z.string().optional(),
      description: z.string().optional(),
      instructions: z.string().optional().describe('What the worker (agent or person) is told to do.'),
      priority: priority.optional().describe('critical, high, medium (default) or low.'),
      impact: level.optional(),
      risk: level.optional(),
      estimate: estimate.optional(),
      timeout: duration.optional().describe('Per-attempt time limit; the whole process tree is terminated when it passes.'),
      retries: z.number().int().min(0).max(100).optional().describe('Extra attempts after a failure.'),
      retryOn: z.array(z.string()).optional().describe('Attempt outcomes to retry: exit_nonzero, timeout, verify_failed, lost, spawn_error.'),
      needs: z.array(WrittenNeed).optional().describe('Dependencies: task ids or group ids.'),
      group: z.string().optional().describe('The group (batch, wave, phase) the task belongs to.'),
      owner: z.string().optional().describe('A person or role (free text).'),
      agent: z.string().optional().describe('The executor profile (agent or llm) that carries the task out.'),
      executor: z.string().optional().describe('The executor profile; "shell" by default.'),
      run: WrittenCommand.optional(),
      verify: z.array(WrittenVerify).optional().describe('Success criteria as commands: every one must exit 0.'),
      criteria: stringList.optional().describe('Success criteria in prose.'),
      returns: z.string().optional().describe('What the task must report back.'),
      deliverables: z.array(z.string()).optional(),
      testStrategy: z.string().optional(),
      size: z.number().int().nonnegative().optional().describe('Estimated lines of code changed (for review batches).'),
      files: z.array(z.string()).optional().describe('Globs of the files the task touches.'),
      tags: z.array(z.string()).optional(),
      trigger: trigger.optional().describe('When the task may start given its dependencies: all_success (default), all_done, none_failed, one_success, one_failed.'),
      gate: z.boolean().optional().describe('A milestone or coordination point: no command; done when its dependencies allow.'),
      done: z.boolean().optional().describe('Already done: a run skips it unless asked to redo it.'),
      cwd: z.string().optional().describe('Working folder, relative to the plan file.'),
      env: z.record(z.string(), z.string()).optional(),
      pool: z.string().optional().describe('A pool (see plan `pools`) the task takes a slot of.'),
      workspace: z.enum(['worktree', 'none']).optional().describe('worktree: run in an own git worktree and branch.'),
      extra: z.record(z.string(), z.unknown()).optional().describe('Fields kept verbatim from an imported document.'),
    })
    .catchall(z.unknown());

  const WrittenGroup = z
    .object({
      id: z.string().min(1),
      title: z.string().optional(),
      mode: z.enum(['parallel', 'sequential', 'unspecified']).optional().describe('parallel, sequential (tasks run in the order written) or unspecified (default).'),
      needs: z.array(z.string()).optional().describe('Groups that must be complete before this one starts (a barrier).'),
      tasks: z.number().int().nonnegative().optional().describe('How many tasks the group is said to have; a mismatch is warned about.'),
    })
    .strict();

  const WrittenExecutor = z
    .object({
      kind: z.enum(['shell', 'agent', 'llm']).describe('shell, agent (a coding-agent CLI) or llm (an OpenAI-compatible API).'),
      pool: z.string().optional(),
    })
    .catchall(z.unknown());

  const WrittenPlan = z
    .object({
      $schema: z.string().optional(),
      name: z.string().optional(),
      description: z.string().optional(),
      concurrency: z.number().int().min(1).max(10_000).optional().describe('Default number of workers (-j).'),
      defaults: z
        .object({
          executor: z.string().optional(),
          timeout: duration.optional(),
          retries: z.number().int().min(0).max(100).optional(),
          retryOn: z.array(z.string()).optional(),
          estimate: estimate.optional().describe('Used for tasks without an estimate (default 30m); outputs say so.'),
          priority: priority.optional(),
          trigger: trigger.optional(),
          workspace: z.enum(['worktree', 'none']).optional(),
        })
        .strict()
        .optional(),
      executors: z.record(z.string(), WrittenExecutor).optional().describe('Named executor profiles.'),
      pools: z.record(z.string(), z.number().int().min(1)).optional().describe('Named pools and their slots, e.g. {agents: 2}.'),
      groups: z.array(WrittenGroup).optional(),
      tasks: z.array(WrittenTask),
      verify: z.array(WrittenVerify).optional().describe('Plan-level checks (smoke tests), run after each merge.'),
      rollback: z.string().optional().describe('Rollback notes for the runbook.'),
      workspace: z.record(z.string(), z.unknown()).optional().describe('Worktree settings (branch template, files to copy, setup command).'),
      merge: z.record(z.string(), z.unknown()).optional(),
      budget: z.record(z.string(), z.unknown()).optional(),
    })
    .strict();

  return {WrittenCommand, WrittenVerify, WrittenNeed, WrittenTask, WrittenGroup, WrittenExecutor, WrittenPlan, z};
}

export type WrittenSchemas = ReturnType<typeof define>;
let defined: WrittenSchemas | undefined;

/** The zod schemas of the written plan (and the zod they were built with). */
export function writtenSchemas(): WrittenSchemas {
  return (defined ??= define((createRequire(import.meta.url)('zod') as {z: typeof zod}).z));
}

export type WrittenPlan = z.infer<WrittenSchemas['WrittenPlan']>;
export type WrittenTask = z.infer<WrittenSchemas['WrittenTask']>;
export type WrittenCommand = z.infer<WrittenSchemas['WrittenCommand']>;
export type WrittenVerify = z.infer<WrittenSchemas['WrittenVerify']>;
export type WrittenGroup = z.infer<WrittenSchemas['WrittenGroup']>;

/** Keys people write for fields paraplan names otherwise: an error, since ignoring them would change the plan. */
export const TASK_KEY_ALIASES: Readonly<Record<string, string>> = {
  depends_on: 'needs',
  dependsOn: 'needs',
  depends: 'needs',
  dependencies: 'needs',
  deps: 'needs',
  requires: 'needs',
  after: 'needs',
  command: 'run',
  cmd: 'run',
  script: 'run',
  name: 'title',
  success_criteria: 'verify (commands) or criteria (prose)',
  successCriteria: 'verify (commands) or criteria (prose)',
  estimated_time: 'estimate',
  estimatedTime: 'estimate',
  duration: 'estimate',
  test_strategy: 'testStrategy',
  trigger_rule: 'trigger',
  triggerRule: 'trigger',
  retry: 'retries',
  details: 'instructions',
};

/**
 * The quick test's description of a zod schema (see `quick-check.ts`): only what the test can judge exactly. Anything
 * else (a refinement, a default, a transform, a check it has no rule for) becomes "ask zod", so the test can only be
 * too strict, never too lenient. `schema.test.ts` checks this against zod on random values, and that the committed
 * `quick-spec.ts` is current.
 */
export function quickSpec(schema: z.core.$ZodType): QuickSpec {
  const def = schema._zod.def as unknown as LooseDef;
  const checks = def.checks ?? [];
  const ask: QuickSpec = {type: 'ask'};
  switch (def.type) {
    case 'string':
    case 'array': {
      let min = 0;
      for (const c of checks) {
        if (c._zod.def.check === 'min_length' && typeof c._zod.def.minimum === 'number') min = Math.max(min, c._zod.def.minimum);
        else return ask;
      }
      if (def.type === 'string') return {type: 'string', min};
      return def.element ? {type: 'array', min, element: quickSpec(def.element)} : ask;
    }
    case 'number': {
      const tests: NumberTest[] = [];
      for (const c of checks) {
        const {check, value, inclusive, format} = c._zod.def;
        if (check === 'number_format' && format === 'safeint') tests.push(['safeint']);
        else if (check === 'greater_than' && typeof value === 'number') tests.push([inclusive ? '>=' : '>', value]);
        else if (check === 'less_than' && typeof value === 'number') tests.push([inclusive ? '<=' : '<', value]);
        else return ask;
      }
      return {type: 'number', tests};
    }
    case 'boolean':
      return checks.length ? ask : {type: 'boolean'};
    case 'unknown':
      return checks.length ? ask : {type: 'unknown'};
    case 'enum': {
      const values = Object.values(def.entries ?? {});
      if (checks.length || values.some((v) => typeof v !== 'string')) return ask;
      return {type: 'enum', values: values as string[]};
    }
    case 'optional':
      // Only present keys are tested; an explicit `undefined` is left to zod.
      return checks.length || !def.innerType ? ask : quickSpec(def.innerType);
    case 'union':
      if (checks.length || def.discriminator !== undefined || def.inclusive === false || !def.options) return ask;
      return {type: 'union', options: def.options.map(quickSpec)};
    case 'object': {
      if (checks.length || !def.shape) return ask;
      const fields: Record<string, QuickSpec> = {};
      const required: string[] = [];
      for (const [key, field] of Object.entries(def.shape)) {
        fields[key] = quickSpec(field);
        if ((field._zod.def as unknown as LooseDef).type !== 'optional') required.push(key);
      }
      // Unknown keys pass only through a catchall: without one zod strips them (the output would differ), and
      // strict() is a catchall of never.
      const catchallType = def.catchall ? (def.catchall._zod.def as unknown as LooseDef).type : 'never';
      return {type: 'object', fields, required, ...(def.catchall && catchallType !== 'never' ? {other: quickSpec(def.catchall)} : {})};
    }
    case 'record': {
      const keyDef = def.keyType?._zod.def as unknown as LooseDef | undefined;
      if (checks.length || keyDef?.type !== 'string' || keyDef.checks?.length || !def.valueType) return ask;
      return {type: 'record', value: quickSpec(def.valueType)};
    }
    default:
      return ask;
  }
}

/**
 * The specs committed in quick-spec.ts: of a task, and of the plan without its tasks (normalize checks each task
 * on its own; `tasks: []` passes).
 */
export function writtenQuickSpecs(): {task: QuickSpec; plan: QuickSpec} {
  const {WrittenTask, WrittenPlan} = writtenSchemas();
  const plan = quickSpec(WrittenPlan);
  if (plan.type !== 'object') return {task: quickSpec(WrittenTask), plan};
  return {task: quickSpec(WrittenTask), plan: {...plan, fields: {...plan.fields, tasks: {type: 'array', min: 0, element: {type: 'ask'}}}}};
}

type NumberTest = Extract<QuickSpec, {type: 'number'}>['tests'][number];

/** The parts of a zod definition {@link quickSpec} reads. */
interface LooseDef {
  readonly type: string;
  readonly checks?: readonly {readonly _zod: {readonly def: {readonly check: string; readonly minimum?: number; readonly value?: unknown; readonly inclusive?: boolean; readonly format?: string}}}[];
  readonly innerType?: z.core.$ZodType;
  readonly options?: readonly z.core.$ZodType[];
  readonly discriminator?: unknown;
  readonly inclusive?: boolean;
  readonly element?: z.core.$ZodType;
  readonly entries?: Record<string, unknown>;
  readonly shape?: Record<string, z.core.$ZodType>;
  readonly catchall?: z.core.$ZodType;
  readonly keyType?: z.core.$ZodType;
  readonly valueType?: z.core.$ZodType;
}
