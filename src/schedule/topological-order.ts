import type {TaskGraph} from './task-graph.js';
import {KeyHeap} from './int-heap.js';

/**
 * A stable topological order (Kahn's algorithm): among the tasks whose predecessors
 * are all placed, the one with the lowest `rank` comes first, so the order follows
 * priority and file order wherever the edges allow.
 * Throws an `Internal error` when the graph has a cycle (plans are validated before).
 */
export function topologicalOrder(graph: TaskGraph): Int32Array {
  const {n, predStart, succStart, succList, rank} = graph;
  const waiting = new Int32Array(n);
  const heap = new KeyHeap(n, rank);
  for (let i = 0; i < n; i++) {
    waiting[i] = predStart[i + 1]! - predStart[i]!;
    if (waiting[i] === 0) heap.push(i);
  }
  const order = new Int32Array(n);
  let k = 0;
  while (heap.size > 0) {
    const t = heap.pop();
    order[k++] = t;
    for (let x = succStart[t]!; x < succStart[t + 1]!; x++) {
      const s = succList[x]!;
      if (--waiting[s]! === 0) heap.push(s);
    }
  }
  if (k !== n) {
    const stuck = [];
    for (let i = 0; i < n && stuck.length < 5; i++) if (waiting[i]! > 0) stuck.push(graph.ids[i]);
    throw new Error(`Internal error: the task graph has a cycle (through ${stuck.join(', ')}, ...)`);
  }
  return order;
}

/**
 * Any topological order, as fast as possible (no tie-breaking): the order every
 * longest-path pass below uses.
 */
export function quickTopologicalOrder(graph: TaskGraph): Int32Array {
  const {n, predStart, succStart, succList} = graph;
  const waiting = new Int32Array(n);
  const order = new Int32Array(n);
  let tail = 0;
  for (let i = 0; i < n; i++) {
    waiting[i] = predStart[i + 1]! - predStart[i]!;
    if (waiting[i] === 0) order[tail++] = i;
  }
  for (let head = 0; head < tail; head++) {
    const t = order[head]!;
    for (let x = succStart[t]!; x < succStart[t + 1]!; x++) {
      const s = succList[x]!;
      if (--waiting[s]! === 0) order[tail++] = s;
    }
  }
  if (tail !== n) return topologicalOrder(graph); // throws with the details
  return order;
}
