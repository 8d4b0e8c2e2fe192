import type {TaskGraph} from './task-graph.js';
import {timeEpsilon} from './critical-path.js';
import {PlaceQueue, TimeHeap} from './int-heap.js';
import {identityOrder, sortByKey} from './key-order.js';

/** One task placed on one worker. Times in ms from the start of the run. */
export interface ScheduleSlot<T = number> {
  /** The task: its index in the graph, or its id in a plan analysis. */
  readonly task: T;
  /** The worker, from 0. */
  readonly worker: number;
  readonly start: number;
  readonly end: number;
}

/** A non-preemptive schedule of every task on identical workers. */
export interface WorkerSchedule<T = number> {
  /** Number of workers asked for (some may stay idle). */
  readonly workers: number;
  /** When the last task ends. */
  readonly makespan: number;
  /** A proven lower bound on the makespan of any schedule on this many workers. */
  readonly lowerBound: number;
  /** True only when proven: the makespan equals the lower bound, or a complete search found nothing shorter. */
  readonly optimal: boolean;
  /** How it was found, e.g. `cp/misf`, `search`, `branch-and-bound`, `critical-path`. */
  readonly method: string;
  /** One slot per task, by start time, then worker. */
  readonly slots: ScheduleSlot<T>[];
}

/**
 * Puts tasks with the given start times on workers: a sweep by start time, each task on
 * the lowest-numbered free worker. Needs a schedule in which at most `workers` tasks
 * overlap (every decoder here yields one); throws an `Internal error` otherwise.
 */
export function assignWorkers(graph: TaskGraph, start: Float64Array, workers: number): ScheduleSlot[] {
  const {n, durations} = graph;
  // By start, then duration (zero-length tasks first at a given time: they free their
  // worker at once), then index.
  const order = sortByKey(sortByKey(identityOrder(n), durations), start);
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, start[i]! + durations[i]!);
  const eps = timeEpsilon(scale);
  const size = Math.min(workers, Math.max(n, 1));
  const busyUntil = new Float64Array(size);
  const busy = new TimeHeap(size, busyUntil);
  // Free workers, lowest number first.
  const idle = new PlaceQueue(size);
  let opened = 0;
  const slots: ScheduleSlot[] = [];
  for (const t of order) {
    const s = start[t]!;
    while (busy.size > 0 && busyUntil[busy.peek()]! <= s + eps) idle.push(busy.pop());
    let w: number;
    if (idle.size > 0) w = idle.pop();
    else if (opened < size) w = opened++;
    else throw new Error(`Internal error: more than ${workers} tasks overlap at ${s}`);
    const end = s + durations[t]!;
    busyUntil[w] = end;
    busy.push(w);
    slots.push({task: t, worker: w, start: s, end});
  }
  return slots;
}

/** The makespan of a schedule given as start times. */
export function makespanOf(graph: TaskGraph, start: Float64Array): number {
  let m = 0;
  for (let i = 0; i < graph.n; i++) m = Math.max(m, start[i]! + graph.durations[i]!);
  return m;
}
