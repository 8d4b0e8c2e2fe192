import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {Engine, localDispatcher, type EngineOptions, type RunSummary} from '../../src/engine/index.js';
import {executorRegistry, killProcessTree, runVerify, shellExecutor} from '../../src/executors/index.js';
import {newRunId, type Plan, type StoredEvent} from '../../src/model/index.js';
import {loadPlanSource, normalizePlan} from '../../src/plan/index.js';
import {dispatchRank, graphFromPlan} from '../../src/schedule/index.js';
import {logPathFor, sqliteStore, type RunStore} from '../../src/store/index.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/bin/', import.meta.url));
export const fixture = (name: string): string => join(FIXTURES, name);
export const NODE = process.execPath;

export function tempFolder(): string {
  return mkdtempSync(join(tmpdir(), 'paraplan-engine-'));
}

/** Writes `plan.yaml` into `dir` and returns the normalized plan; throws on plan errors. */
export async function planFrom(dir: string, yaml: string): Promise<Plan> {
  const file = join(dir, 'plan.yaml');
  writeFileSync(file, yaml);
  const source = await loadPlanSource(file);
  if (!source.ok) throw new Error(source.error.map((d) => d.message).join('\n'));
  const result = normalizePlan(source.value);
  if (!result.plan) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.plan;
}

export interface EngineRun {
  readonly engine: Engine;
  readonly store: RunStore;
  readonly events: StoredEvent[];
  readonly result: Awaited<ReturnType<Engine['run']>>;
  readonly summary: RunSummary;
}

/** Makes an engine with the real shell executor and a SQLite store in `dir/.paraplan`. */
export function makeEngine(dir: string, plan: Plan, options: Partial<EngineOptions> & {store?: RunStore} = {}): {engine: Engine; store: RunStore; events: StoredEvent[]} {
  const store = options.store ?? sqliteStore(join(dir, '.paraplan', 'paraplan.db'));
  const events: StoredEvent[] = [];
  const engine = new Engine({
    plan,
    planDir: dir,
    planFile: join(dir, 'plan.yaml'),
    stateDir: join(dir, '.paraplan'),
    store,
    dispatcher: localDispatcher({executors: executorRegistry([shellExecutor({killGraceMs: 200})]), verify: (r) => runVerify({...r, killGraceMs: 200})}),
    target: {kind: 'new', id: newRunId(new Date(), Math.random)},
    runOptions: {failFast: false, redoDone: false},
    workers: 2,
    rank: dispatchRank(graphFromPlan(plan, {barriers: true})),
    env: process.env,
    logPathFor,
    killOrphan: (pid) => killProcessTree(pid, 200),
    backoff: {baseMs: 1, maxMs: 5},
    pid: process.pid,
    host: 'test-host',
    ...options,
    onEvent: (e) => {
      events.push(e);
      options.onEvent?.(e);
    },
  });
  return {engine, store, events};
}

/** Runs a plan to its end; fails the test when the engine refuses. */
export async function runPlan(dir: string, plan: Plan, options: Partial<EngineOptions> & {store?: RunStore} = {}): Promise<EngineRun> {
  const {engine, store, events} = makeEngine(dir, plan, options);
  const result = await engine.run();
  if (!result.ok) throw new Error(`engine refused: ${JSON.stringify(result.error)}`);
  return {engine, store, events, result, summary: result.value};
}

/** Task statuses of a run, by id. */
export async function statuses(store: RunStore, run: EngineRun['summary']['run']): Promise<Record<string, string>> {
  return Object.fromEntries((await store.tasks(run)).map((t) => [t.task, t.status]));
}
