import type {TaskGraph} from './task-graph.js';
import {criticalPathTimes, timeEpsilon} from './critical-path.js';
import {scheduleOnWorkers} from './schedule-on-workers.js';
import {cpMisfPositions, ListMakespans} from './list-schedule.js';
import {roundUp, timeGrain} from './lower-bound.js';
import type {WorkerSchedule} from './worker-schedule.js';

/** One row of the "how many workers?" table. */
export interface WhatIfRow {
  readonly workers: number;
  /** The best makespan found on that many workers, in ms. */
  readonly makespan: number;
  /** Sequential time (one worker) divided by `makespan`. */
  readonly speedup: number;
  /** True when `makespan` is proven optimal for that many workers. */
  readonly optimal: boolean;
}

/** Options of {@link whatIfWorkers}. */
export interface WhatIfOptions {
  /**
   * The most workers to try.
   * @default the number of tasks
   */
  readonly maxWorkers?: number;
  /**
   * Search time per worker count, in ms (rows are estimates for a table).
   * @default 100
   */
  readonly timeBudgetMs?: number;
  /**
   * Schedules already computed, by worker count, reused instead of scheduling again.
   */
  readonly known?: ReadonlyMap<number, WorkerSchedule>;
  /**
   * Above this many tasks, rows use one CP/MISF pass each instead of the search: on 100,000 tasks the
   * search's start-up alone costs more than the whole table is worth.
   * @default 20000
   */
  readonly searchUpTo?: number;
}

/**
 * Makespans for 1, 2, 4, 8, ... workers, until adding workers stops helping: the
 * makespan reaches the critical path (no more workers can help) or stops decreasing.
 */
export function whatIfWorkers(graph: TaskGraph, options: WhatIfOptions = {}): WhatIfRow[] {
  return whatIfWorkersWith(graph, options);
}

/** What {@link whatIfWorkersWith} may reuse instead of computing it again. */
export interface WhatIfKnown {
  /** The critical path length. */
  readonly critical?: number;
  /** The CP/MISF priority list (see `cpMisfPositions`); not changed. */
  readonly cpMisf?: Int32Array;
}

/** {@link whatIfWorkers} with figures the caller has already computed. */
export function whatIfWorkersWith(graph: TaskGraph, options: WhatIfOptions, known: WhatIfKnown = {}): WhatIfRow[] {
  const maxWorkers = Math.max(1, options.maxWorkers ?? graph.n);
  const budget = options.timeBudgetMs ?? 100;
  const critical = known.critical ?? criticalPathTimes(graph).length;
  const eps = timeEpsilon(critical);
  const rows: WhatIfRow[] = [];
  let sequential = 0;
  for (let i = 0; i < graph.n; i++) sequential += graph.durations[i]!;
  const large = graph.n > (options.searchUpTo ?? 20_000);
  const lists = large ? new ListMakespans(graph, known.cpMisf ?? cpMisfPositions(graph)) : undefined;
  const grain = large ? timeGrain(graph) : 0;
  for (let workers = 1; ; workers *= 2) {
    workers = Math.min(workers, maxWorkers);
    const s =
      options.known?.get(workers) ??
      (workers === 1
        ? {makespan: sequential, optimal: true}
        : lists
          ? largeRow(lists, workers, Math.max(critical, roundUp(sequential / workers, grain)))
          : scheduleOnWorkers(graph, workers, {timeBudgetMs: budget}));
    const previous = rows[rows.length - 1];
    rows.push({
      workers,
      makespan: s.makespan,
      speedup: s.makespan > 0 ? sequential / s.makespan : 1,
      optimal: s.optimal,
    });
    if (workers >= maxWorkers || s.makespan <= critical + eps) break;
    if (previous && s.makespan >= previous.makespan - eps) break;
  }
  return rows;
}

/** A row for a large graph: one list schedule, proven optimal only when it meets `bound` (critical path, work / N). */
function largeRow(lists: ListMakespans, workers: number, bound: number): {makespan: number; optimal: boolean} {
  const makespan = lists.makespan(workers);
  return {makespan, optimal: makespan <= bound + timeEpsilon(makespan)};
}
