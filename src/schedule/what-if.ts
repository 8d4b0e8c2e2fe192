import type {TaskGraph} from './task-graph.js';
import {criticalPathTimes, timeEpsilon} from './critical-path.js';
import {scheduleOnWorkers} from './schedule-on-workers.js';
import {cpMisfPositions, ListMakespans} from './list-schedule.js';
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
  const budget = options.timeBudgetMs ?? 100;
  const table = new WhatIfTable(graph, options, known.critical);
  const large = graph.n > (options.searchUpTo ?? 20_000);
  const lists = large ? new ListMakespans(graph, known.cpMisf ?? cpMisfPositions(graph)) : undefined;
  for (let workers = table.next(); workers !== undefined; workers = table.next()) {
    table.add(
      options.known?.get(workers) ??
        (workers === 1 ? {makespan: table.sequential, optimal: true} : lists ? lists.row(workers, table.critical) : scheduleOnWorkers(graph, workers, {timeBudgetMs: budget})),
    );
  }
  return table.rows;
}

/**
 * The rows of the table as they are filled, and when it ends: the makespan reaches the critical path (no more
 * workers can help), stops decreasing, or the most workers are reached. Filled here or by rows computed elsewhere
 * (another thread), with the same rule.
 */
export class WhatIfTable {
  readonly rows: WhatIfRow[] = [];
  /** Sum of all durations: the makespan on one worker. */
  readonly sequential: number;
  readonly critical: number;
  readonly #maxWorkers: number;
  readonly #eps: number;
  #next: number | undefined = 1;

  constructor(graph: TaskGraph, options: Pick<WhatIfOptions, 'maxWorkers'> = {}, critical?: number) {
    this.#maxWorkers = Math.max(1, options.maxWorkers ?? graph.n);
    this.critical = critical ?? criticalPathTimes(graph).length;
    this.#eps = timeEpsilon(this.critical);
    let sequential = 0;
    for (let i = 0; i < graph.n; i++) sequential += graph.durations[i]!;
    this.sequential = sequential;
  }

  /** The worker count of the next row, or undefined once the table is complete. */
  next(): number | undefined {
    return this.#next;
  }

  /** Fills the row of {@link next}. */
  add(s: {readonly makespan: number; readonly optimal: boolean}): void {
    const workers = this.#next;
    if (workers === undefined) throw new Error('Internal error: the what-if table is already complete');
    const previous = this.rows[this.rows.length - 1];
    this.rows.push({workers, makespan: s.makespan, speedup: s.makespan > 0 ? this.sequential / s.makespan : 1, optimal: s.optimal});
    const done = workers >= this.#maxWorkers || s.makespan <= this.critical + this.#eps || (previous !== undefined && s.makespan >= previous.makespan - this.#eps);
    this.#next = done ? undefined : Math.min(workers * 2, this.#maxWorkers);
  }
}
