import type {TaskId} from '../model/index.js';
import type {TaskGraph} from './task-graph.js';
import {quickTopologicalOrder} from './topological-order.js';

/** CPM times of every task, by index, with unlimited workers. All in ms. */
export interface CpmTimes {
  /** The project length: the longest chain of durations. */
  readonly length: number;
  /** Earliest start. */
  readonly es: Float64Array;
  /** Earliest finish (`es + duration`). */
  readonly ef: Float64Array;
  /** Latest start that keeps the project length. */
  readonly ls: Float64Array;
  /** Latest finish that keeps the project length. */
  readonly lf: Float64Array;
  /** `ls - es`: how long a task may slip; 0 on the critical path. */
  readonly slack: Float64Array;
  /** One chain of zero-slack tasks from a source to a sink; lower rank wins ties. */
  readonly path: Int32Array;
}

/** CPM times of one task. */
export interface TaskTiming {
  readonly es: number;
  readonly ef: number;
  readonly ls: number;
  readonly lf: number;
  readonly slack: number;
}

/** The critical path of a plan, by task id. */
export interface CriticalPath {
  /** Its length in ms: the shortest possible project time with unlimited workers. */
  readonly length: number;
  /** The tasks on it, first to last. Empty for an empty plan. */
  readonly path: TaskId[];
  /** CPM times of every task. */
  readonly timing: Map<TaskId, TaskTiming>;
}

/**
 * Tolerance for comparing sums of durations: exact for integers, forgiving the last
 * bits of float sums (estimates like `(low + high) / 2`).
 */
export function timeEpsilon(scale: number): number {
  return 1e-9 * Math.max(1, Math.abs(scale));
}

/** Length of the longest path from each task to an exit, its own duration included ("bottom level"). */
export function bottomLevels(graph: TaskGraph, order = quickTopologicalOrder(graph)): Float64Array {
  const {n, durations, succStart, succList} = graph;
  const bl = new Float64Array(n);
  for (let k = n - 1; k >= 0; k--) {
    const t = order[k]!;
    let m = 0;
    for (let x = succStart[t]!; x < succStart[t + 1]!; x++) m = Math.max(m, bl[succList[x]!]!);
    bl[t] = m + durations[t]!;
  }
  return bl;
}

/** Critical path method on a graph: earliest and latest times, slack, and one critical chain. */
export function criticalPathTimes(graph: TaskGraph, order = quickTopologicalOrder(graph)): CpmTimes {
  const {n, durations, predStart, predList, succStart, succList, rank} = graph;
  const es = new Float64Array(n);
  const ef = new Float64Array(n);
  let length = 0;
  for (let k = 0; k < n; k++) {
    const t = order[k]!;
    let s = 0;
    for (let x = predStart[t]!; x < predStart[t + 1]!; x++) s = Math.max(s, ef[predList[x]!]!);
    es[t] = s;
    ef[t] = s + durations[t]!;
    length = Math.max(length, ef[t]!);
  }
  const ls = new Float64Array(n);
  const lf = new Float64Array(n);
  const slack = new Float64Array(n);
  for (let k = n - 1; k >= 0; k--) {
    const t = order[k]!;
    let f = length;
    for (let x = succStart[t]!; x < succStart[t + 1]!; x++) f = Math.min(f, ls[succList[x]!]!);
    lf[t] = f;
    ls[t] = f - durations[t]!;
    slack[t] = ls[t]! - es[t]!;
  }
  const eps = timeEpsilon(length);
  const path: number[] = [];
  let current = -1;
  for (let i = 0; i < n; i++) {
    if (predStart[i + 1]! === predStart[i]! && slack[i]! <= eps && (current < 0 || rank[i]! < rank[current]!)) current = i;
  }
  while (current >= 0) {
    path.push(current);
    let next = -1;
    for (let x = succStart[current]!; x < succStart[current + 1]!; x++) {
      const s = succList[x]!;
      // A tight successor: critical, and starting exactly when this one ends.
      if (slack[s]! <= eps && Math.abs(es[s]! - ef[current]!) <= eps && (next < 0 || rank[s]! < rank[next]!)) next = s;
    }
    current = next;
  }
  return {length, es, ef, ls, lf, slack, path: Int32Array.from(path)};
}

/** Critical path method on a graph, keyed by task id. */
export function criticalPath(graph: TaskGraph, times = criticalPathTimes(graph)): CriticalPath {
  let timing: Map<TaskId, TaskTiming> | undefined;
  return {
    length: times.length,
    path: Array.from(times.path, (i) => graph.ids[i]!),
    // Built on first read: only some outputs show every task's times, and on 100,000 tasks the map costs.
    get timing(): Map<TaskId, TaskTiming> {
      if (timing) return timing;
      timing = new Map();
      for (let i = 0; i < graph.n; i++) {
        timing.set(graph.ids[i]!, {es: times.es[i]!, ef: times.ef[i]!, ls: times.ls[i]!, lf: times.lf[i]!, slack: times.slack[i]!});
      }
      return timing;
    },
  };
}
