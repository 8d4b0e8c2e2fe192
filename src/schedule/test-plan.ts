// Test helper: builds normalized plans from object literals. Not exported from index.ts.
import {taskId} from '../model/index.js';
import type {DependencyKind, Plan, Priority, Task, TaskId} from '../model/index.js';

/** A task as a test writes it: only what scheduling reads. */
export interface TestTask {
  readonly id: string;
  /** Estimate in minutes; omitted = the plan's default estimate. */
  readonly minutes?: number;
  /** `'a'` for an explicit dependency, or `['a', 'group-barrier']`. */
  readonly needs?: readonly (string | readonly [string, DependencyKind])[];
  readonly priority?: Priority;
  readonly size?: number;
  readonly done?: boolean;
}

/** A plan of the given tasks in file order; default estimate 30 minutes. */
export function testPlan(tasks: readonly TestTask[], defaultEstimateMs = 30 * 60_000): Plan {
  const map = new Map<TaskId, Task>();
  tasks.forEach((t, index) => {
    const id = taskId(t.id);
    const ms = t.minutes === undefined ? undefined : t.minutes * 60_000;
    map.set(id, {
      id,
      index,
      title: t.id,
      priority: t.priority ?? 'medium',
      ...(ms === undefined ? {} : {estimate: {low: ms, high: ms, text: `${t.minutes}m`}}),
      ...(t.size === undefined ? {} : {size: t.size}),
      retries: 0,
      retryOn: [],
      needs: (t.needs ?? []).map((n) =>
        typeof n === 'string' ? {task: taskId(n), kind: 'explicit' as const} : {task: taskId(n[0]), kind: n[1]},
      ),
      executor: 'shell',
      verify: [],
      criteria: [],
      deliverables: [],
      files: [],
      tags: [],
      trigger: 'all_success',
      gate: false,
      done: t.done ?? false,
      env: {},
      workspace: 'none',
      extra: {},
    });
  });
  return {
    name: 'test',
    concurrency: 2,
    defaultEstimateMs,
    executors: new Map(),
    pools: new Map(),
    groups: new Map(),
    tasks: map,
    verify: [],
    settings: {},
  };
}
