import type {Plan, TaskId} from '../model/index.js';
import type {TaskGraph} from './task-graph.js';
import {graphFromPlan} from './task-graph.js';
import {quickTopologicalOrder, topologicalOrder} from './topological-order.js';
import {waves} from './waves.js';
import type {Wave} from './waves.js';
import {bottomLevels, criticalPath, criticalPathTimes} from './critical-path.js';
import type {CriticalPath} from './critical-path.js';
import {scheduleOnWorkersWith} from './schedule-on-workers.js';
import type {WorkerSchedule} from './worker-schedule.js';
import {whatIfWorkersWith} from './what-if.js';
import type {WhatIfRow} from './what-if.js';
import {checkWorkers, cpMisfPositions} from './list-schedule.js';
import {rankOrder, sortByKey} from './key-order.js';

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
  // Computed once and shared: each is a pass over 100,000 tasks in large plans.
  const quick = quickTopologicalOrder(graph);
  const cpm = criticalPathTimes(graph, quick);
  const bottom = bottomLevels(graph, quick);
  const cpMisf = cpMisfPositions(graph, bottom);
  const critical = criticalPath(graph, cpm);
  const rowBudget = Math.max(10, budget / 10);
  let sequentialMs = 0;
  for (let i = 0; i < graph.n; i++) sequentialMs += graph.durations[i]!;
  let hasBarriers = false;
  for (const t of plan.tasks.values()) {
    for (const d of t.needs) if (d.kind === 'group-barrier' || d.kind === 'sequential-order') hasBarriers = true;
    if (hasBarriers) break;
  }
  let withoutBarriers: PlanAnalysis['withoutBarriers'];
  if (hasBarriers) {
    const free = graphFromPlan(plan, {barriers: false});
    const freeCpm = criticalPathTimes(free);
    withoutBarriers = {
      unlimitedMs: freeCpm.length,
      schedule: withTaskIds(free, scheduleOnWorkersWith(free, options.workers, {timeBudgetMs: budget}, {cpm: freeCpm})),
    };
  }
  const schedule = scheduleOnWorkersWith(graph, options.workers, {timeBudgetMs: budget}, {cpm, bottom, cpMisf});
  let rank: Map<TaskId, number> | undefined;
  let rows: WhatIfRow[] | undefined;
  return {
    order: Array.from(topologicalOrder(graph), (i) => graph.ids[i]!),
    waves: waves(graph),
    critical,
    sequentialMs,
    unlimitedMs: critical.length,
    schedule: withTaskIds(graph, schedule),
    ...(withoutBarriers ? {withoutBarriers} : {}),
    // Computed on first read too: `run` never shows it.
    get whatIf(): WhatIfRow[] {
      return (rows ??= whatIfWorkersWith(graph, {timeBudgetMs: rowBudget, known: new Map([[options.workers, schedule]])}, {critical: cpm.length, cpMisf}));
    },
    defaultEstimateTasks: defaultEstimateTasks(plan),
    // Only `run` reads it, so it is computed on first read (the outputs of `plan` do not need it).
    get dispatchRank(): Map<TaskId, number> {
      return (rank ??= dispatchRankFrom(graph, bottom));
    },
  };
}

function defaultEstimateTasks(plan: Plan): TaskId[] {
  const out: TaskId[] = [];
  for (const t of plan.tasks.values()) if (t.estimate === undefined && !t.gate) out.push(t.id);
  return out;
}

/** Dispatch order among ready tasks: larger bottom level first, then rank. */
export function dispatchRank(graph: TaskGraph): Map<TaskId, number> {
  return dispatchRankFrom(graph, bottomLevels(graph));
}

function dispatchRankFrom(graph: TaskGraph, bottom: Float64Array): Map<TaskId, number> {
  const {n, ids, rank} = graph;
  const byRank = rankOrder(rank);
  let order: ArrayLike<number>;
  if (byRank) {
    const key = new Float64Array(n);
    for (let i = 0; i < n; i++) key[i] = -bottom[i]!;
    order = sortByKey(byRank, key);
  } else {
    order = Array.from({length: n}, (_, i) => i).sort((a, b) => bottom[b]! - bottom[a]! || rank[a]! - rank[b]!);
  }
  const out = new Map<TaskId, number>();
  for (let k = 0; k < n; k++) out.set(ids[order[k]!]!, k);
  return out;
}

/** A schedule with task indices replaced by task ids. */
export function withTaskIds(graph: TaskGraph, schedule: WorkerSchedule): WorkerSchedule<TaskId> {
  const {ids} = graph;
  const slots = schedule.slots.map((s) => ({task: ids[s.task]!, worker: s.worker, start: s.start, end: s.end}));
  return {...schedule, slots};
}
