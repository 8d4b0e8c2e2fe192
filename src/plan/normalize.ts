import {dirname, resolve, sep} from 'node:path';
import type {
  Command,
  Dependency,
  DependencyKind,
  Diagnostic,
  Estimate,
  ExecutorProfile,
  Group,
  Location,
  Plan,
  Task,
  TaskId,
  VerifyCommand,
} from '../model/index.js';
import {AGENT_PRESETS, ATTEMPT_OUTCOMES, DEFAULT_RETRY_ON, isTaskId, parseDurationMs, parseEstimate, taskId} from '../model/index.js';
import {parseCommand} from './command.js';
import {checkGraph} from './rules.js';
import {TASK_KEY_ALIASES, writtenSchemas, type WrittenPlan, type WrittenTask, type WrittenVerify} from './schema.js';
import {compileQuick} from './quick-check.js';
import {WRITTEN_PLAN_SPEC, WRITTEN_TASK_SPEC} from './quick-spec.js';
import type {DataPath, PlanSource} from './source.js';
import {defaultPlanName} from './load.js';
import {suggestion} from './suggest.js';
import type {z} from 'zod';

/** True for a task `WrittenTask` accepts unchanged; false means "ask zod" (see quick-check.ts). */
const isPlainWrittenTask = compileQuick(WRITTEN_TASK_SPEC);
/** The same for the plan without its tasks. */
const isPlainWrittenPlan = compileQuick(WRITTEN_PLAN_SPEC);
/** Task keys paraplan knows; anything else is kept verbatim in `extra`, with a warning. */
const TASK_KEYS: ReadonlySet<string> = new Set(Object.keys(WRITTEN_TASK_SPEC.fields));

/** Shared by every task that has none: a plan of 100,000 tasks would otherwise allocate one each. */
const NO_ITEMS: readonly never[] = Object.freeze([]);
const NO_FIELDS: Readonly<Record<string, never>> = Object.freeze({});

/** The estimate used for tasks without one, unless `defaults.estimate` says otherwise. */
export const DEFAULT_ESTIMATE_MS = 30 * 60_000;
/** Workers when neither the plan nor `-j` says. */
export const DEFAULT_CONCURRENCY = 4;

export interface NormalizeResult {
  /** Undefined when there is any error. */
  readonly plan?: Plan;
  /** Every problem found, errors and warnings, in file order. */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Validates a written plan and builds the frozen `Plan`. Reports every problem in one pass; never changes the
 * plan to make it valid.
 */
export function normalizePlan(source: PlanSource): NormalizeResult {
  const diagnostics: Diagnostic[] = [...source.diagnostics];
  if (source.data === undefined) return {diagnostics};
  const ctx = new Context(source, diagnostics);
  const plan = ctx.build();
  const sorted = sortDiagnostics(diagnostics);
  return sorted.some((d) => d.severity === 'error') || !plan ? {diagnostics: sorted} : {plan, diagnostics: sorted};
}

function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics
    .map((d, i) => ({d, i}))
    .sort((a, b) => {
      const la = a.d.location;
      const lb = b.d.location;
      if (la && lb) return la.file.localeCompare(lb.file) || la.line - lb.line || la.column - lb.column || a.i - b.i;
      if (la) return 1;
      if (lb) return -1;
      return a.i - b.i;
    })
    .map((x) => x.d);
}

/** Holds the state of one normalization. */
class Context {
  readonly #source: PlanSource;
  readonly #diagnostics: Diagnostic[];
  readonly #estimates = new Map<string, Estimate | null>();
  /** The class of this plan's tasks (see {@link taskClass}). */
  readonly #Task: ReturnType<typeof taskClass>;
  /** Every dependency so far is on a task written before: the graph is then acyclic, with no need to check. */
  #backward = true;

  constructor(source: PlanSource, diagnostics: Diagnostic[]) {
    this.#source = source;
    this.#diagnostics = diagnostics;
    this.#Task = taskClass(taskLocate(source));
  }

  #at(path: DataPath): Location | undefined {
    return this.#source.locate(path);
  }

  error(code: string, path: DataPath, message: string, related?: Diagnostic['related']): void {
    this.#diagnostics.push({severity: 'error', code, message, location: this.#at(path), ...(related ? {related} : {})});
  }

  warn(code: string, path: DataPath, message: string): void {
    this.#diagnostics.push({severity: 'warning', code, message, location: this.#at(path)});
  }

  /** Reports zod issues with their field path first (`tasks[3].priority: ...`). */
  #schemaIssues(issues: readonly z.core.$ZodIssue[], base: DataPath): void {
    for (const issue of issues) {
      const path = [...base, ...(issue.path as (string | number)[])];
      if (issue.code === 'unrecognized_keys') {
        const known = path.length === 0 ? Object.keys(WRITTEN_PLAN_SPEC.fields) : [];
        for (const key of issue.keys) {
          this.error('unknown-field', [...path, key], `${formatPath([...path, key])}: unknown field "${key}"${suggestion(key, known) || ' (see schema/plan.schema.json for the fields)'}`);
        }
        continue;
      }
      this.error('schema', path, `${formatPath(path)}: ${issueMessage(issue)}`);
    }
  }

  /**
   * A task that needs zod: YAML scalars in argv (`run: [sleep, 10]`, `[true]`) and numeric ids in `needs` are
   * taken as the strings they stand for; fields zod refuses are reported and left out, so the rest of the task
   * is still checked (every mistake in one pass).
   */
  #parseTask(t: unknown, i: number): WrittenTask | undefined {
    const value = coerceScalars(t);
    const {WrittenTask} = writtenSchemas();
    const r = WrittenTask.safeParse(value, {reportInput: true});
    if (r.success) return r.data;
    this.#schemaIssues(r.error.issues, ['tasks', i]);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const bad = new Set(r.error.issues.map((issue) => issue.path[0]).filter((k): k is string => typeof k === 'string'));
    if (bad.has('id') || r.error.issues.some((issue) => issue.path.length === 0)) return undefined;
    const rest = Object.fromEntries(Object.entries(value).filter(([k]) => !bad.has(k)));
    const again = WrittenTask.safeParse(rest);
    return again.success ? again.data : undefined;
  }

  build(): Plan | undefined {
    const data = this.#source.data;
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      this.error('not-a-plan', [], `${this.#source.file} does not hold a plan: expected a map with a "tasks" list (see examples/ and schema/plan.schema.json)`);
      return undefined;
    }
    const raw = data as Record<string, unknown>;
    if (!('tasks' in raw)) {
      this.error('no-tasks', [], `${this.#source.file} has no "tasks" list; add tasks: [{id: ..., run: [...]}]`);
      return undefined;
    }
    // Validate the plan without its tasks, then each task on its own, so one bad task does not hide the rest.
    const withoutTasks = {...raw, tasks: []};
    const top = isPlainWrittenPlan(withoutTasks) ? {success: true as const, data: withoutTasks as WrittenPlan} : writtenSchemas().WrittenPlan.safeParse(withoutTasks, {reportInput: true});
    if (!top.success) this.#schemaIssues(top.error.issues, []);
    const writtenTasks = raw['tasks'];
    if (!Array.isArray(writtenTasks)) {
      this.error('schema', ['tasks'], `tasks: expected a list of tasks, got ${describe(writtenTasks)}`);
      return undefined;
    }
    if (writtenTasks.length === 0) {
      this.error('no-tasks', ['tasks'], 'the plan has no tasks; add at least one task');
      return undefined;
    }
    let plan: unknown = top.success ? top.data : undefined;
    if (!top.success) {
      // Leave out the top-level fields zod refused, so tasks are still checked against the rest.
      const bad = new Set(top.error.issues.map((issue) => issue.path[0]).filter((k) => k !== undefined));
      const unknown = top.error.issues.flatMap((issue) => (issue.code === 'unrecognized_keys' && issue.path.length === 0 ? issue.keys : []));
      const rest = Object.fromEntries(Object.entries(raw).filter(([k]) => !bad.has(k) && !unknown.includes(k)));
      plan = writtenSchemas().WrittenPlan.safeParse({...rest, tasks: []}).data ?? {tasks: []};
    }
    return this.#buildPlan(plan as WrittenPlan, writtenTasks);
  }

  #buildPlan(written: WrittenPlan, writtenTasks: unknown[]): Plan | undefined {
    const defaults = written.defaults ?? {};
    const executors = this.#executors(written);
    const pools = new Map(Object.entries(written.pools ?? {}));
    let defaultEstimateMs = DEFAULT_ESTIMATE_MS;
    if (defaults.estimate !== undefined) {
      const e = parseEstimate(defaults.estimate);
      if (e) defaultEstimateMs = (e.low + e.high) / 2;
      else this.error('invalid-duration', ['defaults', 'estimate'], `defaults.estimate: "${defaults.estimate}" is not a duration; write e.g. 30m, 2h or 1.5d`);
    }
    const defaultTimeout = this.#duration(defaults.timeout, ['defaults', 'timeout']);
    if (defaults.executor !== undefined && !executors.has(defaults.executor)) {
      this.error('unknown-executor', ['defaults', 'executor'], `defaults.executor: no executor profile "${defaults.executor}"${suggestion(defaults.executor, executors.keys())}`);
    }
    const defaultRetryOn = Object.freeze(this.#retryOn(defaults.retryOn, ['defaults', 'retryOn']) ?? [...DEFAULT_RETRY_ON]);

    // Groups.
    const groupIndex = new Map<string, number>();
    const groupDefs: {id: string; title: string; mode: Group['mode']; needs: string[]; declared?: number; path: DataPath}[] = [];
    (written.groups ?? []).forEach((g, i) => {
      if (groupIndex.has(g.id)) {
        this.error('duplicate-group', ['groups', i, 'id'], `group "${g.id}" is defined twice`, [{message: 'first defined here', location: this.#at(['groups', groupIndex.get(g.id)!, 'id'])}]);
        return;
      }
      groupIndex.set(g.id, groupDefs.length);
      groupDefs.push({id: g.id, title: g.title ?? g.id, mode: g.mode ?? 'unspecified', needs: g.needs ?? [], ...(g.tasks !== undefined ? {declared: g.tasks} : {}), path: ['groups', i]});
    });

    // Tasks, first pass: ids.
    const ids = new Map<string, number>();
    // owns[i]: task i holds its id (valid, and the first to use it), i.e. `ids.get(id) === i`.
    const owns = new Uint8Array(writtenTasks.length);
    const parsed: (WrittenTask | undefined)[] = [];
    writtenTasks.forEach((t, i) => {
      // zod only for tasks the quick check (compiled from the same schema) cannot pass as they are.
      if (isPlainWrittenTask(t)) parsed.push(t as WrittenTask);
      else parsed.push(this.#parseTask(t, i));
      const rawId = t && typeof t === 'object' ? (t as Record<string, unknown>)['id'] : undefined;
      if (typeof rawId !== 'string' && typeof rawId !== 'number') return;
      const id = String(rawId);
      if (!isTaskId(id)) {
        this.error('invalid-id', ['tasks', i, 'id'], `tasks[${i}].id: "${id}" is not a valid task id; use letters, digits and . _ - : / @ + (no spaces, no "..", at most 128 characters)`);
        return;
      }
      const first = ids.get(id);
      if (first !== undefined) {
        this.error('duplicate-id', ['tasks', i, 'id'], `task id "${id}" is used twice; task ids must be unique`, [{message: `first used here`, location: this.#at(['tasks', first, 'id'])}]);
        return;
      }
      ids.set(id, i);
      owns[i] = 1;
    });

    // Group membership (a task may name a group the plan did not declare: it is created).
    const members = new Map<string, TaskId[]>();
    parsed.forEach((t, i) => {
      if (!t?.group || !owns[i]) return;
      if (!groupIndex.has(t.group)) {
        groupIndex.set(t.group, groupDefs.length);
        groupDefs.push({id: t.group, title: t.group, mode: 'unspecified', needs: [], path: ['tasks', i, 'group']});
      }
      const list = members.get(t.group) ?? [];
      list.push(taskId(String(t.id)));
      members.set(t.group, list);
    });

    // Tasks, second pass.
    const tasks: Task[] = [];
    const env: TaskEnv = {defaults, defaultTimeout, retryOn: defaultRetryOn, executors, pools, ids, groupIndex, members, explicit: new Array<Dependency | undefined>(writtenTasks.length)};
    for (let i = 0; i < parsed.length; i++) {
      const t = parsed[i];
      if (!t || !owns[i]) continue;
      const task = this.#task(t, i, writtenTasks[i] as Record<string, unknown>, env);
      if (task) tasks.push(task);
    }

    // Group barriers and sequential order.
    const groups = new Map<string, Group>();
    const extraNeeds = new Map<TaskId, Dependency[]>();
    const addNeed = (id: TaskId, dep: Dependency): void => {
      const list = extraNeeds.get(id) ?? [];
      list.push(dep);
      extraNeeds.set(id, list);
    };
    const taskById = new Map<TaskId, Task>();
    if (groupDefs.length > 0) for (const t of tasks) taskById.set(t.id, t);
    for (const g of groupDefs) {
      const groupTasks = (members.get(g.id) ?? []).filter((id) => taskById.has(id));
      g.needs.forEach((need, j) => {
        const path = [...g.path, 'needs', j];
        if (!groupIndex.has(need)) {
          this.error('unknown-group', path, `group "${g.id}" needs group "${need}", which is not defined${suggestion(need, groupIndex.keys())}`);
          return;
        }
        if (need === g.id) {
          this.error('self-dependency', path, `group "${g.id}" needs itself; remove "${need}" from its needs`);
          return;
        }
        const location = this.#at(path);
        for (const upstream of members.get(need) ?? []) {
          for (const id of groupTasks) addNeed(id, {task: upstream, kind: 'group-barrier', viaGroup: need, ...(location ? {location} : {})});
        }
      });
      if (g.mode === 'sequential') this.#sequential(g, groupTasks, taskById, addNeed);
      if (g.declared !== undefined && g.declared !== groupTasks.length) {
        this.warn('group-count', g.path, `group "${g.id}" is said to have ${g.declared} tasks but has ${groupTasks.length}`);
      }
      groups.set(g.id, {
        id: g.id,
        title: g.title,
        mode: g.mode,
        needs: g.needs.filter((n) => groupIndex.has(n) && n !== g.id),
        tasks: groupTasks,
        ...(g.declared !== undefined ? {declaredCount: g.declared} : {}),
        ...(this.#at(g.path) ? {location: this.#at(g.path)!} : {}),
      });
    }
    // Tasks are still ours to change until frozen; no spread, which would lose their prototype (lazy locations).
    const finalTasks = tasks.map((t) => {
      const more = extraNeeds.get(t.id);
      if (!more) return t;
      const seen = new Set(t.needs.map((d) => d.task));
      const needs = [...t.needs];
      for (const d of more) {
        if (d.task === t.id || seen.has(d.task)) continue;
        seen.add(d.task);
        needs.push(d);
        if (ids.get(d.task)! >= t.index) this.#backward = false;
      }
      (t as {needs: readonly Dependency[]}).needs = needs;
      return t;
    });

    const verify = this.#verifyList(written.verify, ['verify']);
    // Graph rules run on whatever could be built, so cycles show up together with the other errors.
    this.#diagnostics.push(...checkGraph(finalTasks, (t, d) => this.locateNeed(t, d), {acyclic: this.#backward}));
    const idle = finalTasks.filter((t) => !t.gate && !t.done && t.run === undefined && executors.get(t.executor)?.kind === 'shell');
    if (idle.length > 0) {
      const names = idle.slice(0, 12).map((t) => t.id).join(', ') + (idle.length > 12 ? `, ... (${idle.length} in all)` : '');
      const first = idle[0]!;
      this.#diagnostics.push({
        severity: 'warning',
        code: 'nothing-to-run',
        message: `${idle.length === 1 ? '1 task has' : `${idle.length} tasks have`} nothing to run (no run: command, no agent): ${names}; \`paraplan run\` will refuse ${idle.length === 1 ? 'it' : 'them'}. Give each a run: command, an agent (agent: claude, or defaults: {executor: claude} for all), or mark milestones gate: true${this.#source.format === 'yaml' || this.#source.format === 'json' ? '' : ` (import it first: paraplan import ${this.#source.file} -o plan.yaml, then edit plan.yaml)`}`,
        ...(first.location ? {location: first.location} : {}),
      });
    }
    if (this.#diagnostics.some((d) => d.severity === 'error')) return undefined;
    const plan: Plan = {
      name: written.name ?? defaultPlanName(this.#source.file),
      ...(written.description !== undefined ? {description: written.description} : {}),
      file: this.#source.file,
      concurrency: written.concurrency ?? DEFAULT_CONCURRENCY,
      defaultEstimateMs,
      executors,
      pools,
      groups,
      tasks: frozenTasks(finalTasks),
      verify,
      ...(written.rollback !== undefined ? {rollback: written.rollback} : {}),
      settings: Object.freeze({
        ...(written.workspace ? {workspace: written.workspace} : {}),
        ...(written.merge ? {merge: written.merge} : {}),
        ...(written.budget ? {budget: written.budget} : {}),
      }),
    };
    return Object.freeze(plan);
  }

  #sequential(g: {id: string; path: DataPath}, groupTasks: TaskId[], taskById: Map<TaskId, Task>, addNeed: (id: TaskId, dep: Dependency) => void): void {
    const pos = new Map(groupTasks.map((id, k) => [id, k]));
    let outOfOrder = false;
    for (const id of groupTasks) {
      const task = taskById.get(id)!;
      task.needs.forEach((d) => {
        const k = pos.get(d.task);
        if (k !== undefined && k > pos.get(id)!) {
          outOfOrder = true;
          this.#diagnostics.push({
            severity: 'error',
            code: 'sequential-order',
            message: `task "${id}" needs "${d.task}", which comes after it in sequential group "${g.id}"; move "${d.task}" before "${id}", or make the group parallel`,
            ...(this.locateNeed(task, d) ? {location: this.locateNeed(task, d)!} : {}),
          });
        }
      });
    }
    if (outOfOrder) return;
    const location = this.#at(g.path);
    for (let k = 1; k < groupTasks.length; k++) {
      addNeed(groupTasks[k]!, {task: groupTasks[k - 1]!, kind: 'sequential-order', viaGroup: g.id, ...(location ? {location} : {})});
    }
  }

  #executors(written: WrittenPlan): Map<string, ExecutorProfile> {
    const map = new Map<string, ExecutorProfile>();
    map.set('shell', {name: 'shell', kind: 'shell', options: {}, builtin: true});
    for (const preset of AGENT_PRESETS) map.set(preset, {name: preset, kind: 'agent', options: {preset}, builtin: true, pool: 'agent'});
    map.set('llm', {name: 'llm', kind: 'llm', options: {}, builtin: true, pool: 'agent'});
    for (const [name, profile] of Object.entries(written.executors ?? {})) {
      const {kind, pool, ...options} = profile;
      const location = this.#at(['executors', name]);
      if (kind === 'agent') {
        const preset = typeof options['preset'] === 'string' ? options['preset'] : AGENT_PRESETS.includes(name) ? name : undefined;
        if (preset === undefined && options['command'] === undefined) {
          this.error('executor-preset', ['executors', name], `executor "${name}": an agent profile needs preset (one of ${AGENT_PRESETS.join(', ')}) or command (a generic CLI template)`);
        } else if (preset !== undefined && !AGENT_PRESETS.includes(preset) && preset !== 'generic') {
          this.error('executor-preset', ['executors', name, 'preset'], `executor "${name}": unknown preset "${preset}"; use one of ${AGENT_PRESETS.join(', ')}, generic${suggestion(preset, AGENT_PRESETS)}`);
        }
      }
      map.set(name, {name, kind, options, builtin: false, ...(pool !== undefined ? {pool} : kind === 'shell' ? {} : {pool: 'agent'}), ...(location ? {location} : {})});
    }
    return map;
  }

  /** `parseEstimate`, remembered per text: plans repeat a few estimates many times. Shared, so frozen. */
  #estimate(value: string | number): Estimate | undefined {
    if (typeof value !== 'string') return parseEstimate(value);
    let known = this.#estimates.get(value);
    if (known === undefined) {
      const parsed = parseEstimate(value);
      known = parsed ? Object.freeze(parsed) : null;
      this.#estimates.set(value, known);
    }
    return known ?? undefined;
  }

  #duration(value: string | number | undefined, path: DataPath): number | undefined {
    if (value === undefined) return undefined;
    const ms = typeof value === 'number' ? value * 60_000 : parseDurationMs(value);
    if (ms === undefined || ms <= 0) {
      this.error('invalid-duration', path, `${formatPath(path)}: "${value}" is not a duration; write e.g. 90s, 10m, 2h or 1.5d`);
      return undefined;
    }
    return ms;
  }

  /** The outcomes of a `retryOn` list that may be retried; the others are reported. */
  #retryOn(value: readonly string[] | undefined, path: DataPath): string[] | undefined {
    if (value === undefined) return undefined;
    const okList: string[] = [];
    value.forEach((v, i) => {
      if ((ATTEMPT_OUTCOMES as readonly string[]).includes(v) && v !== 'ok') okList.push(v);
      else this.error('schema', [...path, i], `${formatPath([...path, i])}: "${v}" is not an attempt outcome; use exit_nonzero, timeout, verify_failed, lost, spawn_error or cancelled${suggestion(v, ATTEMPT_OUTCOMES)}`);
    });
    return okList;
  }

  /** The command written at `[...base, key]` (the path is built only for an error). */
  #command(written: Parameters<typeof parseCommand>[0], base: DataPath, key: string | number): Command | undefined {
    const r = parseCommand(written);
    if ('error' in r) {
      const path = [...base, key];
      this.error('invalid-command', path, `${formatPath(path)}: ${r.error}`);
      return undefined;
    }
    return r.command;
  }

  #verifyList(list: readonly WrittenVerify[] | undefined, path: DataPath): VerifyCommand[] {
    const out: VerifyCommand[] = [];
    (list ?? []).forEach((v, i) => {
      const isNamed = typeof v === 'object' && !Array.isArray(v) && 'run' in v;
      const command = isNamed ? this.#command(v.run, [...path, i], 'run') : this.#command(v as Parameters<typeof parseCommand>[0], path, i);
      const location = this.#at([...path, i]);
      if (command) out.push({command, ...(isNamed && v.name ? {name: v.name} : {}), ...(location ? {location} : {})});
    });
    return out;
  }

  #task(t: WrittenTask, i: number, raw: Record<string, unknown>, env: TaskEnv): Task | undefined {
    // The hot loop of large plans: paths for diagnostics are built only when one is reported.
    // Checked in the first pass (this task owns its id).
    const id = String(t.id) as TaskId;
    const base: DataPath = ['tasks', i];
    let extra: Record<string, unknown> | undefined = t.extra ? {...t.extra} : undefined;
    for (const key in raw) {
      if (TASK_KEYS.has(key)) continue;
      const alias = Object.hasOwn(TASK_KEY_ALIASES, key) ? TASK_KEY_ALIASES[key] : undefined;
      if (alias) this.error('unknown-field', [...base, key], `task "${id}": "${key}" is not a paraplan field; write ${alias} instead`);
      else {
        this.warn('unknown-field', [...base, key], `task "${id}": unknown field "${key}" is kept as it is but not used${suggestion(key, TASK_KEYS)}`);
        (extra ??= {})[key] = raw[key];
      }
    }
    let estimate: Estimate | undefined;
    if (t.estimate !== undefined) {
      estimate = this.#estimate(t.estimate);
      if (!estimate) this.error('invalid-duration', [...base, 'estimate'], `task "${id}": estimate "${t.estimate}" is not a duration; write e.g. 15m, 2h, 1.5d or a range like 4-8h`);
    }
    const timeoutMs = t.timeout !== undefined ? this.#duration(t.timeout, [...base, 'timeout']) : env.defaultTimeout;

    // Executor.
    const executorName = t.executor ?? t.agent ?? env.defaults.executor ?? 'shell';
    const profile = env.executors.get(executorName);
    const executorField = t.executor !== undefined ? 'executor' : t.agent !== undefined ? 'agent' : undefined;
    if (!profile && executorField) {
      this.error('unknown-executor', [...base, executorField], `task "${id}": no executor profile "${executorName}"; define it under executors: or use one of ${[...env.executors.keys()].join(', ')}${suggestion(executorName, env.executors.keys())}`);
    }
    if (t.agent !== undefined && t.executor !== undefined && t.agent !== t.executor) {
      this.error('conflicting-executor', [...base, 'agent'], `task "${id}": agent "${t.agent}" and executor "${t.executor}" disagree; keep one`);
    }
    const run = t.run !== undefined ? this.#command(t.run, base, 'run') : undefined;
    const kind = profile?.kind ?? 'shell';
    if (t.gate === true && t.run !== undefined) {
      this.error('gate-with-command', [...base, 'run'], `task "${id}" is a gate (gate: true) but has a run command; a gate only waits for its dependencies: remove run or gate`);
    }
    if (t.gate === true && kind !== 'shell') {
      this.error('gate-with-command', [...base, 'gate'], `task "${id}" is a gate but has an ${kind} executor ("${executorName}"); a gate runs nothing`);
    }
    if (kind !== 'shell' && t.run !== undefined && kind === 'llm') {
      this.error('llm-with-run', [...base, 'run'], `task "${id}": an llm executor does not run commands; move the command to another task or use verify`);
    }
    // A gate is what the plan says is one; a task with nothing to run is not silently a gate (it is warned about).
    const gate = t.gate === true;

    // Dependencies. Explicit edges are located on demand (`locateNeed`): eagerly locating 300,000 edges costs
    // more than validating them.
    const needs: Dependency[] = [];
    const written = t.needs ?? NO_ITEMS;
    // Short lists (nearly all) are checked for repeats by a scan; a Set per task would cost more. A long list (many
    // needs, or a group's members) gets a Set once it grows.
    let seen: Set<string> | undefined;
    const listed = (ref: string): boolean => {
      if (!seen && needs.length > 16) seen = new Set(needs.map((d) => d.task));
      if (seen) return seen.has(ref) || (seen.add(ref), false);
      for (let k = 0; k < needs.length; k++) if (needs[k]!.task === ref) return true;
      return false;
    };
    for (let j = 0; j < written.length; j++) {
      const n = written[j]!;
      const ref = typeof n === 'string' ? n : n.id;
      const kind: DependencyKind = typeof n === 'string' ? 'explicit' : (n.kind ?? 'explicit');
      const source = typeof n === 'object' && n.source ? parseSource(n.source) : undefined;
      if (ref === id) {
        this.error('self-dependency', [...base, 'needs', j], `task "${id}" needs itself; remove "${ref}" from its needs`);
        continue;
      }
      const at = env.ids.get(ref);
      if (at !== undefined) {
        if (listed(ref)) {
          this.warn('duplicate-dependency', [...base, 'needs', j], `task "${id}" lists "${ref}" twice in needs`);
          continue;
        }
        // Dependencies are immutable: one object per needed task serves every plain edge to it.
        if (at >= i) this.#backward = false;
        if (source || kind !== 'explicit') needs.push(source ? {task: ref as TaskId, kind, location: source} : {task: ref as TaskId, kind});
        else needs.push((env.explicit[at] ??= Object.freeze({task: ref as TaskId, kind: 'explicit'})));
        continue;
      }
      if (env.groupIndex.has(ref)) {
        if (t.group === ref) {
          this.error('self-dependency', [...base, 'needs', j], `task "${id}" needs its own group "${ref}", which includes itself; name the tasks of "${ref}" it needs instead`);
          continue;
        }
        for (const member of env.members.get(ref) ?? []) {
          if (member === id || listed(member)) continue;
          if (env.ids.get(member)! >= i) this.#backward = false;
          needs.push(source ? {task: member, kind: 'group-barrier', viaGroup: ref, location: source} : {task: member, kind: 'group-barrier', viaGroup: ref});
        }
        continue;
      }
      const hint = suggestion(ref, [...env.groupIndex.keys(), ...env.ids.keys()]);
      this.error('unknown-dependency', [...base, 'needs', j], `task "${id}" needs "${ref}", which is not defined${hint || '; check the id or add the task'}`);
    }

    if (t.pool !== undefined && !env.pools.has(t.pool)) {
      this.error('unknown-pool', [...base, 'pool'], `task "${id}": no pool "${t.pool}"; declare it under pools: (e.g. pools: {${t.pool}: 2})${suggestion(t.pool, env.pools.keys())}`);
    }
    if ((t.trigger === 'one_success' || t.trigger === 'one_failed') && needs.length === 0) {
      this.error('never-runs', [...base, 'trigger'], `task "${id}" has trigger ${t.trigger} but no dependencies, so it can never run; add needs or remove the trigger`);
    }
    const files = t.files ?? NO_ITEMS;
    for (let j = 0; j < files.length; j++) {
      const f = files[j]!;
      if (f.startsWith('/') || /^[A-Za-z]:[\\/]/.test(f) || f.split(/[\\/]/).includes('..')) {
        this.error('files-outside', [...base, 'files', j], `task "${id}": files glob "${f}" leaves the repository; write a path relative to the repository root without ".."`);
      }
    }
    if (t.cwd !== undefined && outsideFolder(t.cwd, this.#source.file)) {
      this.warn('cwd-outside', [...base, 'cwd'], `task "${id}": cwd "${t.cwd}" is outside the plan's folder; worktrees will not contain it`);
    }
    const retryOn = t.retryOn !== undefined ? this.#retryOn(t.retryOn, [...base, 'retryOn'])! : env.retryOn;
    const criteria = typeof t.criteria === 'string' ? [t.criteria] : (t.criteria ?? NO_ITEMS);
    const pool = t.pool ?? profile?.pool;
    // Built field by field in the order of the model (a literal with conditional spreads would allocate an
    // object per optional field), so the keys and their order are those of `Task`.
    const task: TaskDraft = new this.#Task(id, i, t.title ?? id);
    if (t.description !== undefined) task.description = t.description;
    if (t.instructions !== undefined) task.instructions = t.instructions;
    task.priority = t.priority ?? env.defaults.priority ?? 'medium';
    if (t.impact !== undefined) task.impact = t.impact;
    if (t.risk !== undefined) task.risk = t.risk;
    if (estimate) task.estimate = estimate;
    if (timeoutMs !== undefined) task.timeoutMs = timeoutMs;
    task.retries = t.retries ?? env.defaults.retries ?? 0;
    task.retryOn = retryOn;
    task.needs = needs;
    if (t.group !== undefined) task.group = t.group;
    if (t.owner !== undefined) task.owner = t.owner;
    task.executor = profile ? executorName : 'shell';
    if (run) task.run = run;
    task.verify = t.verify !== undefined ? this.#verifyList(t.verify, [...base, 'verify']) : NO_ITEMS;
    task.criteria = criteria;
    if (t.returns !== undefined) task.returns = t.returns;
    task.deliverables = t.deliverables ?? NO_ITEMS;
    if (t.testStrategy !== undefined) task.testStrategy = t.testStrategy;
    if (t.size !== undefined) task.size = t.size;
    task.files = files;
    task.tags = t.tags ?? NO_ITEMS;
    task.trigger = t.trigger ?? env.defaults.trigger ?? 'all_success';
    task.gate = gate;
    task.done = t.done ?? false;
    if (t.cwd !== undefined) task.cwd = t.cwd;
    task.env = t.env ?? NO_FIELDS;
    if (pool !== undefined) task.pool = pool;
    task.workspace = t.workspace ?? env.defaults.workspace ?? (kind === 'shell' ? 'none' : 'worktree');
    task.extra = extra ?? NO_FIELDS;
    return task as Task;
  }

  /** Where a task wrote one of its dependencies (diagnostics only). */
  locateNeed(task: Task, dep: Dependency): Location | undefined {
    if (dep.location) return dep.location;
    const data = this.#source.data as {tasks?: {needs?: unknown[]}[]};
    const written = data.tasks?.[task.index]?.needs ?? [];
    const target = dep.viaGroup ?? dep.task;
    const j = written.findIndex((n) => (typeof n === 'string' ? n : (n as {id?: unknown} | null)?.id) === target);
    return (j >= 0 ? this.#at(['tasks', task.index, 'needs', j]) : undefined) ?? task.location;
  }
}

/**
 * The class of a plan's tasks. Their `location` is found when first read, through its prototype: locating every
 * task of a 100,000-task file costs more than validating it, and only diagnostics and reports ask. The fields every
 * task has are set in the constructor, in the model's order, so that all tasks share one hidden class (V8 builds
 * such objects about a third faster than objects grown from `Object.create`); the optional ones are added as found.
 */
function taskClass(locate: (index: number) => Location | undefined) {
  return class NormalizedTask {
    id: TaskId;
    index: number;
    title: string;
    priority: Task['priority'] = 'medium';
    retries = 0;
    retryOn: readonly string[] = NO_ITEMS;
    needs: readonly Dependency[] = NO_ITEMS;
    executor = 'shell';
    verify: readonly VerifyCommand[] = NO_ITEMS;
    criteria: readonly string[] = NO_ITEMS;
    deliverables: readonly string[] = NO_ITEMS;
    files: readonly string[] = NO_ITEMS;
    tags: readonly string[] = NO_ITEMS;
    trigger: Task['trigger'] = 'all_success';
    gate = false;
    done = false;
    env: Task['env'] = NO_FIELDS;
    workspace: Task['workspace'] = 'none';
    extra: Task['extra'] = NO_FIELDS;

    constructor(id: TaskId, index: number, title: string) {
      this.id = id;
      this.index = index;
      this.title = title;
    }

    get location(): Location | undefined {
      return locate(this.index);
    }
  };
}

/**
 * Where the task at a file index was written, through a locator that does not keep the parsed file alive (hundreds
 * of MB for a large YAML plan): the tasks' prototype holds it for as long as the plan lives. A function of its own,
 * so that the closure's scope holds nothing else.
 */
function taskLocate(source: PlanSource): (index: number) => Location | undefined {
  const own = source.taskLocator?.();
  if (own) return own;
  const locate = source.locate;
  return (index) => locate(['tasks', index]);
}

/** What every task of a plan is normalized against. */
interface TaskEnv {
  readonly defaults: NonNullable<WrittenPlan['defaults']>;
  readonly defaultTimeout: number | undefined;
  /** `defaults.retryOn` (its mistakes are reported once, not per task), or the built-in list. */
  readonly retryOn: readonly string[];
  readonly executors: Map<string, ExecutorProfile>;
  readonly pools: Map<string, number>;
  readonly ids: Map<string, number>;
  readonly groupIndex: Map<string, number>;
  readonly members: Map<string, TaskId[]>;
  /** The shared plain dependency on the task at each file index, made on first use. */
  readonly explicit: (Dependency | undefined)[];
}

/** A task while it is being built. */
type TaskDraft = {-readonly [K in keyof Task]?: Task[K]};

function frozenTasks(tasks: readonly Task[]): Map<TaskId, Task> {
  const map = new Map<TaskId, Task>();
  for (const t of tasks) map.set(t.id, Object.freeze(t));
  return map;
}

/** True when `cwd` (relative to the plan file's folder, or absolute) leaves that folder. */
function outsideFolder(cwd: string, planFile: string): boolean {
  const base = resolve(dirname(planFile));
  const target = resolve(base, cwd);
  return target !== base && !target.startsWith(base.endsWith(sep) ? base : base + sep);
}

/** `run`/`verify` argv elements and `needs` entries that YAML read as numbers or booleans, as the text written. */
function coerceScalars(t: unknown): unknown {
  if (t === null || typeof t !== 'object' || Array.isArray(t)) return t;
  const o = t as Record<string, unknown>;
  const scalar = (x: unknown): unknown => (typeof x === 'number' || typeof x === 'boolean' ? String(x) : x);
  const argv = (x: unknown): unknown => (Array.isArray(x) && x.some((y) => typeof y === 'number' || typeof y === 'boolean') ? x.map(scalar) : x);
  const out: Record<string, unknown> = {...o};
  if (o['run'] !== undefined) out['run'] = argv(o['run']);
  if (Array.isArray(o['verify'])) {
    out['verify'] = o['verify'].map((v) => (v && typeof v === 'object' && !Array.isArray(v) && 'run' in v ? {...v, run: argv((v as {run: unknown}).run)} : argv(v)));
  }
  if (Array.isArray(o['needs'])) out['needs'] = o['needs'].map(scalar);
  return out;
}

/** `plan.md:42` or `plan.md:42:7` → a Location. */
export function parseSource(source: string): Location | undefined {
  const m = /^(.*):(\d+)(?::(\d+))?$/.exec(source);
  return m ? {file: m[1]!, line: Number(m[2]), column: m[3] ? Number(m[3]) : 1} : undefined;
}

/** `tasks[3].needs[1]` */
export function formatPath(path: DataPath): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out || '(plan)';
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a map' : `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`;
}

function issueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_union':
      return 'not a valid value here (see schema/plan.schema.json for the accepted forms)';
    case 'too_small':
      return issue.origin === 'array' || issue.origin === 'string'
        ? `must not be empty`
        : `must be ${issue.inclusive ? 'at least' : 'more than'} ${String(issue.minimum)}, got ${JSON.stringify(issue.input)}`;
    case 'too_big':
      return `must be ${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}, got ${JSON.stringify(issue.input)}`;
    case 'invalid_type': {
      const got = describe(issue.input);
      const last = issue.path[issue.path.length - 1];
      if (issue.expected === 'array' && typeof issue.input === 'string') return `expected a list, got the text ${JSON.stringify(issue.input)}; write ${String(last ?? 'it')}: [${issue.input}]`;
      const names: Record<string, string> = {int: 'a whole number', array: 'a list', object: 'a map', string: 'text', number: 'a number', boolean: 'true or false'};
      return `expected ${names[issue.expected] ?? issue.expected}, got ${got}`;
    }
    default:
      return issue.message;
  }
}
