import {PlaceQueue, TimeHeap} from './int-heap.js';
import {identityOrder, rankOrder, sortByKey} from './key-order.js';
import type {TaskGraph} from './task-graph.js';

/**
 * Turns a priority list into a schedule on `workers` identical workers: the inner
 * loop of every scheduler here, so it reuses its buffers and allocates nothing per call.
 *
 * A priority list is `pos`: `pos[i]` is the place of task `i`, lower = more urgent; the
 * places are a permutation of `0..n-1`.
 * Two ways to decode (the "schedule generation schemes" of project scheduling):
 * - `parallel`: advance time; whenever a worker is free, start the most urgent
 *   ready task. Never leaves a worker idle while a task is ready (CP/MISF is this).
 * - `serial`: take tasks in priority order (among those whose predecessors are placed)
 *   and put each at its earliest start on any worker. May leave a worker idle on purpose,
 *   which the parallel scheme cannot; for a well-chosen list it yields an optimal schedule.
 */
export class ListDecoder {
  readonly graph: TaskGraph;
  readonly workers: number;
  readonly #waiting: Int32Array;
  readonly #ready: Float64Array;
  readonly #finish: Float64Array;
  readonly #free: Float64Array;
  /** Ready tasks by place; `#order[place]` is the task. */
  readonly #readyQueue: PlaceQueue;
  readonly #order: Int32Array;
  readonly #running: TimeHeap;

  constructor(graph: TaskGraph, workers: number) {
    const n = graph.n;
    this.graph = graph;
    this.workers = workers;
    this.#waiting = new Int32Array(n);
    this.#ready = new Float64Array(n);
    this.#finish = new Float64Array(n);
    this.#free = new Float64Array(workers);
    this.#readyQueue = new PlaceQueue(n);
    this.#order = new Int32Array(n);
    this.#running = new TimeHeap(n, this.#finish);
  }

  #reset(pos: Int32Array): void {
    const {n, predStart} = this.graph;
    const order = this.#order;
    order.fill(-1);
    for (let i = 0; i < n; i++) {
      const p = pos[i]!;
      if (!(p >= 0 && p < n) || order[p] !== -1) throw new Error(`Internal error: the priority list is not a permutation (place ${p} of task ${i})`);
      order[p] = i;
    }
    this.#readyQueue.clear();
    this.#running.clear();
    for (let i = 0; i < n; i++) {
      this.#waiting[i] = predStart[i + 1]! - predStart[i]!;
      this.#ready[i] = 0;
      if (this.#waiting[i] === 0) this.#readyQueue.push(pos[i]!);
    }
  }

  /**
   * Non-delay list scheduling. Fills `start`; returns the makespan. `workers` may differ from the decoder's
   * (tables over many worker counts reuse one decoder).
   */
  parallel(pos: Int32Array, start: Float64Array, workers = this.workers): number {
    this.#reset(pos);
    const {n, durations, succStart, succList} = this.graph;
    const ready = this.#readyQueue;
    const order = this.#order;
    const running = this.#running;
    const finish = this.#finish;
    const waiting = this.#waiting;
    let free = workers;
    let time = 0;
    let done = 0;
    let makespan = 0;
    for (;;) {
      while (free > 0 && ready.size > 0) {
        const t = order[ready.pop()]!;
        start[t] = time;
        finish[t] = time + durations[t]!;
        running.push(t);
        free--;
      }
      if (running.size === 0) break;
      const t = running.pop();
      time = finish[t]!;
      if (time > makespan) makespan = time;
      free++;
      done++;
      for (let x = succStart[t]!; x < succStart[t + 1]!; x++) {
        const s = succList[x]!;
        if (--waiting[s]! === 0) ready.push(pos[s]!);
      }
      // Release every task ending now before choosing, so that all of them compete.
      while (running.size > 0 && finish[running.peek()]! <= time) {
        const u = running.pop();
        free++;
        done++;
        for (let x = succStart[u]!; x < succStart[u + 1]!; x++) {
          const s = succList[x]!;
          if (--waiting[s]! === 0) ready.push(pos[s]!);
        }
      }
    }
    if (done !== n) throw new Error('Internal error: the task graph has a cycle');
    return makespan;
  }

  /** Serial schedule generation. Fills `start`; returns the makespan. */
  serial(pos: Int32Array, start: Float64Array): number {
    this.#reset(pos);
    const {n, durations, succStart, succList} = this.graph;
    const heap = this.#readyQueue;
    const order = this.#order;
    const readyAt = this.#ready;
    const waiting = this.#waiting;
    const free = this.#free;
    const workers = this.workers;
    free.fill(0);
    let makespan = 0;
    let done = 0;
    while (heap.size > 0) {
      const t = order[heap.pop()]!;
      const r = readyAt[t]!;
      // Best fit: the worker that became free last before the task is ready wastes the
      // least idle time; if none is free by then, the one free soonest.
      let fit = -1;
      let soonest = 0;
      for (let m = 0; m < workers; m++) {
        const f = free[m]!;
        if (f <= r) {
          if (fit < 0 || f > free[fit]!) fit = m;
        }
        if (f < free[soonest]!) soonest = m;
      }
      const m = fit >= 0 ? fit : soonest;
      const s = Math.max(r, free[m]!);
      const f = s + durations[t]!;
      start[t] = s;
      free[m] = f;
      if (f > makespan) makespan = f;
      done++;
      for (let x = succStart[t]!; x < succStart[t + 1]!; x++) {
        const u = succList[x]!;
        if (f > readyAt[u]!) readyAt[u] = f;
        if (--waiting[u]! === 0) heap.push(pos[u]!);
      }
    }
    if (done !== n) throw new Error('Internal error: the task graph has a cycle');
    return makespan;
  }
}

/**
 * Priority list from keys: `pos[i]` = place of task `i` when sorted by `key` ascending,
 * ties by `rank`. `scratch` is accepted for compatibility and no longer used.
 */
export function positionsFromKeys(key: Float64Array, rank: Int32Array, pos: Int32Array, scratch?: number[]): Int32Array {
  void scratch;
  const n = key.length;
  const byRank = rankOrder(rank);
  let order: Int32Array;
  if (byRank) order = sortByKey(byRank, key);
  else {
    // Not a permutation: a comparator sort gives the same order as ever.
    const items = Array.from(identityOrder(n));
    items.sort((a, b) => key[a]! - key[b]! || rank[a]! - rank[b]!);
    order = Int32Array.from(items);
  }
  for (let k = 0; k < n; k++) pos[order[k]!] = k;
  return pos;
}
