import type {TaskGraph} from './task-graph.js';
import {quickTopologicalOrder} from './topological-order.js';
import {roundUp} from './lower-bound.js';

/** What {@link branchAndBound} found. */
export interface BranchAndBoundResult {
  /** The best makespan found: below the incumbent given, or equal to it when nothing better was found. */
  readonly makespan: number;
  /** Start times of a schedule with that makespan; undefined when it found none better. */
  readonly start?: Float64Array;
  /** True when the search ended by exhausting the tree: nothing shorter exists. */
  readonly exhausted: boolean;
  readonly nodes: number;
}

/** Inputs of {@link branchAndBound}. */
export interface BranchAndBoundInput {
  readonly graph: TaskGraph;
  readonly workers: number;
  /** The makespan to beat. */
  readonly incumbent: number;
  /** A proven lower bound: the search stops once it finds a schedule this short. */
  readonly lowerBound: number;
  /** Longest path from each task to an exit, own duration included. */
  readonly bottom: Float64Array;
  /** Static lower bound on each task's start. */
  readonly head: Float64Array;
  /** Order in which to try tasks at each node, lower first (the best priority list known). */
  readonly pos: Int32Array;
  /** Time grain of the durations (see `timeGrain`), 0 if none. */
  readonly grain: number;
  /** `performance.now()` value at which to give up. */
  readonly deadline: number;
  /** Give up after this many nodes (for results independent of machine speed). */
  readonly maxNodes?: number;
  readonly signal?: AbortSignal;
}

/**
 * Depth-first branch and bound over schedules (DF/IHS in spirit, Kasahara & Narita 1984).
 *
 * Each node places one more task, at its earliest start on the worker free first, and
 * tasks are placed in order of start time (ties in a fixed topological order). Some
 * optimal schedule is built this way, so when the tree is exhausted the best schedule
 * found is optimal. Children are tried in priority-list order, so the first dive
 * rebuilds the best list's schedule and the search improves on it from there.
 *
 * Prunes a node when a bound reaches the makespan to beat: the latest of (earliest
 * start + longest path to the end) over the tasks left, and the work left spread over
 * the workers.
 */
export function branchAndBound(input: BranchAndBoundInput): BranchAndBoundResult {
  const {graph, workers, bottom, head, pos, grain, deadline, signal} = input;
  const maxNodes = input.maxNodes ?? Infinity;
  const {n, durations, predStart, succStart, succList} = graph;
  const order = quickTopologicalOrder(graph);
  const topo = new Int32Array(n);
  for (let k = 0; k < n; k++) topo[order[k]!] = k;

  const waiting = new Int32Array(n);
  const readyAt = new Float64Array(n);
  const start = new Float64Array(n);
  const placed = new Uint8Array(n);
  // Free times of the workers, sorted ascending; one saved copy per depth to undo.
  const free = new Float64Array(workers);
  const savedFree = new Float64Array((n + 1) * workers);
  // Tasks whose predecessors are all placed, as a list with an index for O(1) removal.
  const eligible = new Int32Array(n);
  const where = new Int32Array(n).fill(-1);
  let eligibleCount = 0;
  const addEligible = (t: number): void => {
    where[t] = eligibleCount;
    eligible[eligibleCount++] = t;
  };
  const removeEligible = (t: number): void => {
    const i = where[t]!;
    const last = eligible[--eligibleCount]!;
    eligible[i] = last;
    where[last] = i;
    where[t] = -1;
  };
  for (let t = 0; t < n; t++) {
    waiting[t] = predStart[t + 1]! - predStart[t]!;
    if (waiting[t] === 0) addEligible(t);
  }
  let workLeft = 0;
  for (let t = 0; t < n; t++) workLeft += durations[t]!;

  let best = input.incumbent;
  let bestStart: Float64Array | undefined;
  let nodes = 0;
  let stopped = false;
  // Candidate buffers per depth: children of a node, sorted by priority.
  const children = new Int32Array(n * n <= 4_000_000 ? n * n : 0);
  const childBuffer = children.length > 0 ? undefined : new Array<Int32Array>(n + 1);

  const bound = (lastStart: number, makespan: number): number => {
    let b = makespan;
    let occupied = 0;
    for (let m = 0; m < workers; m++) occupied += Math.max(free[m]!, lastStart);
    b = Math.max(b, roundUp((occupied + workLeft) / workers, grain));
    const soonest = Math.max(free[0]!, lastStart);
    for (let t = 0; t < n; t++) {
      if (placed[t]) continue;
      const s = waiting[t] === 0 ? Math.max(readyAt[t]!, soonest) : Math.max(readyAt[t]!, head[t]!, lastStart);
      const v = s + bottom[t]!;
      if (v > b) b = v;
    }
    return b;
  };

  const visit = (depth: number, lastTask: number, lastStart: number, makespan: number): void => {
    if (stopped) return;
    if (++nodes > maxNodes || ((nodes & 1023) === 0 && (performance.now() >= deadline || signal?.aborted))) {
      stopped = true;
      return;
    }
    if (depth === n) {
      if (makespan < best) {
        best = makespan;
        bestStart = Float64Array.from(start);
        if (best <= input.lowerBound) stopped = true;
      }
      return;
    }
    if (bound(lastStart, makespan) >= best) return;
    const list = children.length > 0 ? children.subarray(depth * n, depth * n + n) : (childBuffer![depth] ??= new Int32Array(n));
    let count = 0;
    for (let k = 0; k < eligibleCount; k++) {
      const t = eligible[k]!;
      const s = Math.max(readyAt[t]!, free[0]!);
      // Place tasks in order of start time, equal starts in topological order: every
      // schedule is built once, and some optimal one is among them.
      if (s < lastStart || (s === lastStart && lastTask >= 0 && topo[t]! < topo[lastTask]!)) continue;
      if (s + bottom[t]! >= best) continue;
      list[count++] = t;
    }
    // Insertion sort by priority: lists are short.
    for (let i = 1; i < count; i++) {
      const t = list[i]!;
      let j = i - 1;
      while (j >= 0 && pos[list[j]!]! > pos[t]!) {
        list[j + 1] = list[j]!;
        j--;
      }
      list[j + 1] = t;
    }
    const saved = depth * workers;
    for (let c = 0; c < count && !stopped; c++) {
      const t = list[c]!;
      const s = Math.max(readyAt[t]!, free[0]!);
      const f = s + durations[t]!;
      // Place: the first worker (free soonest) gets busy until f; keep `free` sorted.
      for (let m = 0; m < workers; m++) savedFree[saved + m] = free[m]!;
      let m = 1;
      while (m < workers && free[m]! < f) {
        free[m - 1] = free[m]!;
        m++;
      }
      free[m - 1] = f;
      placed[t] = 1;
      start[t] = s;
      workLeft -= durations[t]!;
      removeEligible(t);
      for (let x = succStart[t]!; x < succStart[t + 1]!; x++) {
        const u = succList[x]!;
        if (--waiting[u]! === 0) addEligible(u);
      }
      // readyAt only grows while placing, so remember the old values to undo.
      const oldReady = readyBackup(depth);
      let r = 0;
      for (let x = succStart[t]!; x < succStart[t + 1]!; x++) {
        const u = succList[x]!;
        oldReady[r++] = readyAt[u]!;
        if (f > readyAt[u]!) readyAt[u] = f;
      }
      visit(depth + 1, t, s, Math.max(makespan, f));
      r = 0;
      for (let x = succStart[t]!; x < succStart[t + 1]!; x++) readyAt[succList[x]!] = oldReady[r++]!;
      for (let x = succStart[t]!; x < succStart[t + 1]!; x++) {
        const u = succList[x]!;
        // Undo in any order: deeper levels reshuffle `eligible`, so remove by name.
        if (waiting[u]!++ === 0) removeEligible(u);
      }
      // The order of `eligible` does not matter: this node's children were listed above.
      addEligible(t);
      workLeft += durations[t]!;
      placed[t] = 0;
      for (let k = 0; k < workers; k++) free[k] = savedFree[saved + k]!;
    }
  };

  const readyBuffers: Float64Array[] = [];
  let maxOut = 0;
  for (let t = 0; t < n; t++) maxOut = Math.max(maxOut, succStart[t + 1]! - succStart[t]!);
  function readyBackup(depth: number): Float64Array {
    return (readyBuffers[depth] ??= new Float64Array(Math.max(1, maxOut)));
  }

  visit(0, -1, 0, 0);
  return {makespan: best, ...(bestStart ? {start: bestStart} : {}), exhausted: !stopped || best <= input.lowerBound, nodes};
}
