import type {Plan, TaskId} from '../model/index.js';
import type {TaskGraph} from './task-graph.js';
import {graphFromPlan} from './task-graph.js';
import {topologicalOrder} from './topological-order.js';
import {waves} from './waves.js';
import type {Wave} from './waves.js';
import {bottomLevels, criticalPath} from './critical-path.js';
import type {CriticalPath} from './critical-path.js';
import {scheduleOnWorkers} from './schedule-on-workers.js';
import type {WorkerSchedule} from './worker-schedule.js';
import {whatIfWorkers} from './what-if.js';
import type {WhatIfRow} from './what-if.js';
import {checkWorkers} from './list-schedule.js';

/** Options of {@link analyzePlan}. */
export interface AnalyzePlanOptions {
  /** Workers to schedule on (`-j`). */
  readonly workers: number;
  /**
   * Search time for the main schedule, in ms (and again for the schedule without
   * barriers). What-if rows get a tenth each.
   * @default 1000
   */
  readonly timeBudgetMs?: number;
}

/** Everything the CLI shows about a plan before running it. Times in ms. */
export interface PlanAnalysis {
  /** A topological order: priority and file order wherever dependencies allow. */
  readonly order: TaskId[];
  readonly waves: Wave[];
  readonly critical: CriticalPath;
  /** Sum of all durations: the time on one worker. */
  readonly sequentialMs: number;
  /** The critical path length, barriers included: the time with unlimited workers. */
  readonly unlimitedMs: number;
  /** The best schedule found on `workers` workers, barriers included. */
  readonly schedule: WorkerSchedule<TaskId>;
  /**
   * The same with group-barrier and sequential-order edges dropped: what the plan's
   * grouping costs. Undefined when the plan has no such edges.
   */
  readonly withoutBarriers?: {readonly unlimitedMs: number; readonly schedule: WorkerSchedule<TaskId>};
  /** Makespans for 1, 2, 4, ... workers. */
  readonly whatIf: WhatIfRow[];
  /** Tasks with no estimate, which used `plan.defaultEstimateMs`. */
  readonly defaultEstimateTasks: TaskId[];
  /**
   * The order an engine should prefer among ready tasks, 0 first: longest path to the
   * end first (the critical path leads), then priority, then file order.
   */
  readonly dispatchRank: Map<TaskId, number>;
}

/**
 * Analyzes a validated plan: order, waves, critical path and schedules. Tasks marked
 * done count like any other: the analysis is of the plan, not of a run.
 */
export function analyzePlan(plan: Plan, options: AnalyzePlanOptions): PlanAnalysis {
  checkWorkers(options.workers);
  const budget = options.timeBudgetMs ?? 1000;
  const graph = graphFromPlan(plan, {barriers: true});
  const critical = criticalPath(graph);
  let sequentialMs = 0;
  for (let i = 0; i < graph.n; i++) sequentialMs += graph.durations[i]!;
  const hasBarriers = [...plan.tasks.values()].some((t) =>
    t.needs.some((d) => d.kind === 'group-barrier' || d.kind === 'sequential-order'),
  );
  let withoutBarriers: PlanAnalysis['withoutBarriers'];
  if (hasBarriers) {
    const free = graphFromPlan(plan, {barriers: false});
    withoutBarriers = {
      unlimitedMs: criticalPath(free).length,
      schedule: withTaskIds(free, scheduleOnWorkers(free, options.workers, {timeBudgetMs: budget})),
    };
  }
  const schedule = scheduleOnWorkers(graph, options.workers, {timeBudgetMs: budget});
  return {
    order: Array.from(topologicalOrder(graph), (i) => graph.ids[i]!),
    waves: waves(graph),
    critical,
    sequentialMs,
    unlimitedMs: critical.length,
    schedule: withTaskIds(graph, schedule),
    ...(withoutBarriers ? {withoutBarriers} : {}),
    whatIf: whatIfWorkers(graph, {timeBudgetMs: Math.max(10, budget / 10), known: new Map([[options.workers, schedule]])}),
    defaultEstimateTasks: [...plan.tasks.values()].filter((t) => t.estimate === undefined).map((t) => t.id),
    dispatchRank: dispatchRank(graph),
  };
}

/** Dispatch order among ready tasks: larger bottom level first, then rank. */
export function dispatchRank(graph: TaskGraph): Map<TaskId, number> {
  const bottom = bottomLevels(graph);
  const order = Array.from({length: graph.n}, (_, i) => i).sort(
    (a, b) => bottom[b]! - bottom[a]! || graph.rank[a]! - graph.rank[b]!,
  );
  return new Map(order.map((i, k) => [graph.ids[i]!, k]));
}

/** A schedule with task indices replaced by task ids. */
export function withTaskIds(graph: TaskGraph, schedule: WorkerSchedule): WorkerSchedule<TaskId> {
  return {...schedule, slots: schedule.slots.map((s) => ({...s, task: graph.ids[s.task]!}))};
}
