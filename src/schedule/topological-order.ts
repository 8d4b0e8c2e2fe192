import type {TaskGraph} from './task-graph.js';
import {KeyHeap} from './int-heap.js';
import {identityOrder} from './key-order.js';

/**
 * A stable topological order (Kahn's algorithm): among the tasks whose predecessors
 * are all placed, the one with the lowest `rank` comes first, so the order follows
 * priority and file order wherever the edges allow.
 * Throws an `Internal error` when the graph has a cycle (plans are validated before).
 */
export function topologicalOrder(graph: TaskGraph): Int32Array {
  const {n, predStart, succStart, succList, rank} = graph;
  // File order is the answer when it is both the rank and a topological order (as written, in many plans).
  if (inFileOrder(graph) && rank.every((r, i) => r === i)) return identityOrder(n);
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
  if (inFileOrder(graph)) return identityOrder(n);
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

/** True when every task needs only tasks before it: file order is then a topological order. */
function inFileOrder(graph: TaskGraph): boolean {
  const {n, predStart, predList} = graph;
  for (let i = 0; i < n; i++) {
    // Predecessor lists are sorted, so the last one is the largest.
    const last = predStart[i + 1]! - 1;
    if (last >= predStart[i]! && predList[last]! >= i) return false;
  }
  return true;
}

