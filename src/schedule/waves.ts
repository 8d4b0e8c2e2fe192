import type {TaskId} from '../model/index.js';
import type {TaskGraph} from './task-graph.js';
import {quickTopologicalOrder} from './topological-order.js';
import {rankOrder} from './key-order.js';

/** A set of tasks that may all run at the same time, after the waves before it. */
export interface Wave {
  /** From 0: the number of edges on the longest chain of predecessors of each task. */
  readonly index: number;
  /** Its tasks, by rank (priority, then file order). */
  readonly tasks: TaskId[];
}

/**
 * Longest-path levels of each task: 0 for tasks with no predecessors, else one more
 * than the highest level among its predecessors.
 */
export function waveLevels(graph: TaskGraph): Int32Array {
  const {n, predStart, predList} = graph;
  const level = new Int32Array(n);
  for (const t of quickTopologicalOrder(graph)) {
    let l = 0;
    for (let x = predStart[t]!; x < predStart[t + 1]!; x++) l = Math.max(l, level[predList[x]!]! + 1);
    level[t] = l;
  }
  return level;
}

/**
 * The waves of a graph: wave k holds the tasks whose longest chain of predecessors
 * has k edges. Running wave after wave is always valid, though rarely the fastest.
 */
export function waves(graph: TaskGraph): Wave[] {
  const level = waveLevels(graph);
  const byRank = rankOrder(graph.rank);
  const byLevel: TaskId[][] = [];
  if (byRank) {
    // Filled in rank order, so each wave comes out sorted.
    for (const i of byRank) (byLevel[level[i]!] ??= []).push(graph.ids[i]!);
    return byLevel.map((tasks, index) => ({index, tasks}));
  }
  const members: number[][] = [];
  for (let i = 0; i < graph.n; i++) (members[level[i]!] ??= []).push(i);
  return members.map((list, index) => ({
    index,
    tasks: list.sort((a, b) => graph.rank[a]! - graph.rank[b]!).map((i) => graph.ids[i]!),
  }));
}
