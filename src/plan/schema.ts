import {z} from 'zod';

/**
 * The plan file as written (YAML or JSON): everything optional that can be, key names as users type them.
 * `normalize.ts` turns it into a frozen `Plan`. Keep descriptions: they become the JSON Schema editors show.
 */

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

export const WrittenCommand = z
  .union([argv, shell, z.string().min(1)])
  .describe('A command: an argv list (no shell), {shell: "..."} for a shell script, or a plain string of simple words (split on spaces, no shell).');

export const WrittenVerify = z.union([
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

export const WrittenNeed = z.union([
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

export const WrittenTask = z
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

export const WrittenGroup = z
  .object({
    id: z.string().min(1),
    title: z.string().optional(),
    mode: z.enum(['parallel', 'sequential', 'unspecified']).optional().describe('parallel, sequential (tasks run in the order written) or unspecified (default).'),
    needs: z.array(z.string()).optional().describe('Groups that must be complete before this one starts (a barrier).'),
    tasks: z.number().int().nonnegative().optional().describe('How many tasks the group is said to have; a mismatch is warned about.'),
  })
  .strict();

export const WrittenExecutor = z
  .object({
    kind: z.enum(['shell', 'agent', 'llm']).describe('shell, agent (a coding-agent CLI) or llm (an OpenAI-compatible API).'),
    pool: z.string().optional(),
  })
  .catchall(z.unknown());

export const WrittenPlan = z
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

export type WrittenPlan = z.infer<typeof WrittenPlan>;
export type WrittenTask = z.infer<typeof WrittenTask>;
export type WrittenCommand = z.infer<typeof WrittenCommand>;
export type WrittenVerify = z.infer<typeof WrittenVerify>;
export type WrittenGroup = z.infer<typeof WrittenGroup>;

/** Task keys paraplan knows; anything else is kept verbatim in `extra`, with a warning. */
export const TASK_KEYS: ReadonlySet<string> = new Set(Object.keys(WrittenTask.shape));

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
 * A quick test, compiled from a zod schema, that passes only values the schema accepts
 * as they are (its output would equal the input). Plans of 100,000 tasks spend most of
 * their validation in zod's general machinery, so normalize runs this first and calls
 * zod only for tasks it does not pass: zod stays the one schema and the one source of
 * error messages. Anything the compiler does not know (a refinement, a default, a
 * transform, a check it has no rule for) compiles to "ask zod", so the test can only be
 * too strict, never too lenient. `schema.test.ts` checks this against zod on random values.
 */
export function quickCheck(schema: z.core.$ZodType): (value: unknown) => boolean {
  const def = schema._zod.def as unknown as LooseDef;
  const checks = def.checks ?? [];
  const askZod = (): boolean => false;
  switch (def.type) {
    case 'string': {
      let min = 0;
      for (const c of checks) {
        if (c._zod.def.check === 'min_length' && typeof c._zod.def.minimum === 'number') min = Math.max(min, c._zod.def.minimum);
        else return askZod;
      }
      return (v) => typeof v === 'string' && v.length >= min;
    }
    case 'number': {
      const tests: ((v: number) => boolean)[] = [];
      for (const c of checks) {
        const {check, value, inclusive, format} = c._zod.def;
        if (check === 'number_format' && format === 'safeint') tests.push(Number.isSafeInteger);
        else if (check === 'greater_than' && typeof value === 'number') tests.push(inclusive ? (v) => v >= value : (v) => v > value);
        else if (check === 'less_than' && typeof value === 'number') tests.push(inclusive ? (v) => v <= value : (v) => v < value);
        else return askZod;
      }
      return (v) => typeof v === 'number' && Number.isFinite(v) && tests.every((test) => test(v));
    }
    case 'boolean':
      return checks.length ? askZod : (v) => typeof v === 'boolean';
    case 'unknown':
      return checks.length ? askZod : () => true;
    case 'enum': {
      const values = Object.values(def.entries ?? {});
      if (checks.length || values.some((v) => typeof v !== 'string')) return askZod;
      const set = new Set<unknown>(values);
      return (v) => set.has(v);
    }
    case 'optional':
      // Only present keys are tested; an explicit `undefined` is left to zod.
      return checks.length || !def.innerType ? askZod : quickCheck(def.innerType);
    case 'union': {
      if (checks.length || def.discriminator !== undefined || def.inclusive === false || !def.options) return askZod;
      const options = def.options.map(quickCheck);
      return (v) => options.some((option) => option(v));
    }
    case 'array': {
      let min = 0;
      for (const c of checks) {
        if (c._zod.def.check === 'min_length' && typeof c._zod.def.minimum === 'number') min = Math.max(min, c._zod.def.minimum);
        else return askZod;
      }
      if (!def.element) return askZod;
      const element = quickCheck(def.element);
      return (v) => {
        if (!Array.isArray(v) || v.length < min) return false;
        for (let i = 0; i < v.length; i++) if (v[i] === undefined || !element(v[i])) return false;
        return true;
      };
    }
    case 'object': {
      if (checks.length || !def.shape) return askZod;
      const fields = new Map<string, (v: unknown) => boolean>();
      const required: string[] = [];
      for (const [key, field] of Object.entries(def.shape)) {
        fields.set(key, quickCheck(field));
        if ((field._zod.def as unknown as LooseDef).type !== 'optional') required.push(key);
      }
      // Without a catchall zod strips unknown keys (the output would differ): ask zod.
      const catchallType = def.catchall ? (def.catchall._zod.def as unknown as LooseDef).type : undefined;
      const other = def.catchall && catchallType !== 'never' ? quickCheck(def.catchall) : undefined;
      return (v) => {
        if (!isPlainRecord(v)) return false;
        for (const key of required) if (!Object.hasOwn(v, key)) return false;
        for (const key in v) {
          if (key === '__proto__' || !Object.hasOwn(v, key)) return false;
          const value = v[key];
          if (value === undefined) return false;
          const test = fields.get(key) ?? other;
          if (!test || !test(value)) return false;
        }
        return true;
      };
    }
    case 'record': {
      const keyDef = def.keyType?._zod.def as unknown as LooseDef | undefined;
      if (checks.length || keyDef?.type !== 'string' || keyDef.checks?.length || !def.valueType) return askZod;
      const value = quickCheck(def.valueType);
      return (v) => {
        if (!isPlainRecord(v) || Object.hasOwn(v, 'constructor') || Object.getOwnPropertySymbols(v).length > 0) return false;
        for (const key in v) {
          if (key === '__proto__' || !Object.hasOwn(v, key) || v[key] === undefined || !value(v[key])) return false;
        }
        return true;
      };
    }
    default:
      return askZod;
  }
}

/** The parts of a zod definition {@link quickCheck} reads. */
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

function isPlainRecord(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  // zod's output always has Object.prototype, so the input must too.
  return Object.getPrototypeOf(v) === Object.prototype;
}

/** True for a task that `WrittenTask` accepts unchanged (see {@link quickCheck}); false means "ask zod". */
export const isPlainWrittenTask: (value: unknown) => boolean = quickCheck(WrittenTask);
