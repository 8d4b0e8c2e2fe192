import type {TaskGraph} from './task-graph.js';
import {bottomLevels, timeEpsilon} from './critical-path.js';
import {ListDecoder} from './list-decoder.js';
import {rankOrder, sortByKey} from './key-order.js';
import {makespanLowerBound} from './lower-bound.js';
import {assignWorkers} from './worker-schedule.js';
import type {WorkerSchedule} from './worker-schedule.js';

/**
 * The CP/MISF priority list (Kasahara & Narita): longest path to an exit first
 * (bottom level, own duration included), then most immediate successors, then rank.
 * Returns `pos`: the place of each task, lower = more urgent.
 */
export function cpMisfPositions(graph: TaskGraph, bottom = bottomLevels(graph)): Int32Array {
  const {n, succStart, rank} = graph;
  const pos = new Int32Array(n);
  const byRank = rankOrder(rank);
  if (!byRank) {
    const order = Array.from({length: n}, (_, i) => i).sort(
      (a, b) =>
        bottom[b]! - bottom[a]! ||
        succStart[b + 1]! - succStart[b]! - (succStart[a + 1]! - succStart[a]!) ||
        rank[a]! - rank[b]!,
    );
    for (let k = 0; k < n; k++) pos[order[k]!] = k;
    return pos;
  }
  // Least significant key first: rank (the start), then successors, then bottom level.
  const key = new Float64Array(n);
  for (let i = 0; i < n; i++) key[i] = -(succStart[i + 1]! - succStart[i]!);
  sortByKey(byRank, key);
  for (let i = 0; i < n; i++) key[i] = -bottom[i]!;
  const order = sortByKey(byRank, key);
  for (let k = 0; k < n; k++) pos[order[k]!] = k;
  return pos;
}

/** Validates a worker count the way every public function here does. */
export function checkWorkers(workers: number): void {
  if (!Number.isInteger(workers) || workers < 1) {
    throw new Error(`Expected \`workers\` to be a positive integer, got \`${String(workers)}\` (${typeof workers})`);
  }
}

/** Builds a {@link WorkerSchedule} from start times. */
export function scheduleFromStarts(
  graph: TaskGraph,
  workers: number,
  start: Float64Array,
  lowerBound: number,
  method: string,
  provenOptimal = false,
): WorkerSchedule {
  const slots = assignWorkers(graph, start, workers);
  let makespan = 0;
  for (const slot of slots) makespan = Math.max(makespan, slot.end);
  return {
    workers,
    makespan,
    lowerBound,
    optimal: provenOptimal || makespan <= lowerBound + timeEpsilon(makespan),
    method,
    slots,
  };
}

/**
 * CP/MISF list scheduling on `workers` identical workers: whenever a worker is free,
 * it starts the ready task with the longest path to the end (ties: most immediate
 * successors, then rank). Fast and usually within a few percent of the optimum;
 * {@link scheduleOnWorkers} improves on it.
 */
export function listSchedule(graph: TaskGraph, workers: number): WorkerSchedule {
  checkWorkers(workers);
  const p = Math.min(workers, Math.max(graph.n, 1));
  const start = new Float64Array(graph.n);
  new ListDecoder(graph, p).parallel(cpMisfPositions(graph), start);
  return scheduleFromStarts(graph, workers, start, makespanLowerBound(graph, p), 'cp/misf');
}

/**
 * Only the makespan of a CP/MISF list schedule, for tables over many worker counts: the priority list is
 * computed once by the caller, no worker assignment is built, and one decoder serves every call.
 */
export class ListMakespans {
  readonly #graph: TaskGraph;
  readonly #positions: Int32Array;
  readonly #decoder: ListDecoder;
  readonly #start: Float64Array;

  constructor(graph: TaskGraph, positions: Int32Array) {
    this.#graph = graph;
    this.#positions = positions;
    this.#decoder = new ListDecoder(graph, 1);
    this.#start = new Float64Array(graph.n);
  }

  makespan(workers: number): number {
    checkWorkers(workers);
    const {n, durations} = this.#graph;
    this.#decoder.parallel(this.#positions, this.#start, Math.min(workers, Math.max(n, 1)));
    let makespan = 0;
    for (let i = 0; i < n; i++) makespan = Math.max(makespan, this.#start[i]! + durations[i]!);
    return makespan;
  }
}
