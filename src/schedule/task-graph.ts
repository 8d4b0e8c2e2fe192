import {PRIORITIES, taskDurationMs, taskId} from '../model/index.js';
import type {Plan, TaskId} from '../model/index.js';

/**
 * A plan reduced to what scheduling needs: durations and edges, in compact arrays.
 *
 * Tasks are numbered `0..n-1` in file order. Edges are stored twice, in CSR form
 * (compressed sparse rows): the predecessors of task `i` are
 * `predList[predStart[i] .. predStart[i + 1] - 1]`, and likewise for successors.
 * Each list is sorted by index and holds no duplicates.
 */
export interface TaskGraph {
  /** Number of tasks. */
  readonly n: number;
  /** Task ids by index. */
  readonly ids: readonly TaskId[];
  /** Duration of each task in ms (any non-negative number; zero for gates). */
  readonly durations: Float64Array;
  /** `n + 1` offsets into `predList`. */
  readonly predStart: Int32Array;
  readonly predList: Int32Array;
  /** `n + 1` offsets into `succList`. */
  readonly succStart: Int32Array;
  readonly succList: Int32Array;
  /**
   * The tie-breaker everywhere, lower = earlier: a permutation of `0..n-1`.
   * From a plan: priority (critical < high < medium < low), then file index.
   */
  readonly rank: Int32Array;
}

/** Options of {@link graphFromPlan}. */
export interface GraphFromPlanOptions {
  /**
   * Keep edges of kind `group-barrier` and `sequential-order`. `false` answers the
   * what-if question "what if only task-to-task dependencies counted?".
   */
  readonly barriers: boolean;
  /** Duration of each task in ms; defaults to `taskDurationMs`. */
  readonly duration?: (index: number) => number;
}

/**
 * Builds the graph of a validated plan (acyclic, every reference resolved).
 * Edges are every `task.needs` entry, deduplicated.
 */
export function graphFromPlan(plan: Plan, options: GraphFromPlanOptions): TaskGraph {
  const tasks = [...plan.tasks.values()];
  const n = tasks.length;
  const index = new Map<TaskId, number>();
  for (let i = 0; i < n; i++) index.set(tasks[i]!.id, i);
  const durations = new Float64Array(n);
  const priorityOf = new Int32Array(n);
  let edgeCount = 0;
  for (let i = 0; i < n; i++) {
    const task = tasks[i]!;
    durations[i] = options.duration ? options.duration(i) : taskDurationMs(plan, task);
    priorityOf[i] = PRIORITIES.indexOf(task.priority);
    edgeCount += task.needs.length;
  }
  const from = new Int32Array(edgeCount);
  const to = new Int32Array(edgeCount);
  let e = 0;
  for (let i = 0; i < n; i++) {
    for (const dep of tasks[i]!.needs) {
      if (!options.barriers && (dep.kind === 'group-barrier' || dep.kind === 'sequential-order')) continue;
      const p = index.get(dep.task);
      if (p === undefined) {
        throw new Error(`Internal error: task "${tasks[i]!.id}" needs "${dep.task}", which is not in the plan`);
      }
      from[e] = p;
      to[e] = i;
      e++;
    }
  }
  const rank = rankByPriority(priorityOf);
  return buildGraph(
    tasks.map((t) => t.id),
    durations,
    from.subarray(0, e),
    to.subarray(0, e),
    rank,
  );
}

/**
 * Builds a graph from an edge list `[from, to]` (task `to` needs task `from`), for tests
 * and benchmarks. Ids default to `"0"`, `"1"`, ...; the rank is the index.
 * Throws on an index out of range or a self-loop; cycles are found later, by
 * {@link topologicalOrder}.
 */
export function graphFromEdges(
  durations: readonly number[],
  edges: readonly (readonly [number, number])[],
  ids?: readonly TaskId[],
): TaskGraph {
  const n = durations.length;
  if (ids && ids.length !== n) throw new Error(`Expected ${n} ids, got ${ids.length}`);
  const from = new Int32Array(edges.length);
  const to = new Int32Array(edges.length);
  for (let e = 0; e < edges.length; e++) {
    const [a, b] = edges[e]!;
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0 || a >= n || b >= n) {
      throw new Error(`Edge ${e} (${a} -> ${b}) refers to a task outside 0..${n - 1}`);
    }
    if (a === b) throw new Error(`Edge ${e} (${a} -> ${b}) is a self-loop`);
    from[e] = a;
    to[e] = b;
  }
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = durations[i]!;
    if (!(v >= 0) || !Number.isFinite(v)) throw new Error(`Expected durations to be finite and non-negative, got \`${v}\` at ${i}`);
    d[i] = v;
  }
  const rank = new Int32Array(n);
  for (let i = 0; i < n; i++) rank[i] = i;
  return buildGraph(ids ?? Array.from({length: n}, (_, i) => taskId(String(i))), d, from, to, rank);
}

/** The same tasks with every edge reversed (successors become predecessors). */
export function reverseGraph(graph: TaskGraph): TaskGraph {
  return {
    ...graph,
    predStart: graph.succStart,
    predList: graph.succList,
    succStart: graph.predStart,
    succList: graph.predList,
  };
}

/** Rank by priority, then index: a stable counting sort on the priority's place (-1 if unknown). */
function rankByPriority(priorityOf: Int32Array): Int32Array {
  const n = priorityOf.length;
  const rank = new Int32Array(n);
  let min = 0;
  let max = 0;
  for (let i = 0; i < n; i++) {
    if (priorityOf[i]! < min) min = priorityOf[i]!;
    if (priorityOf[i]! > max) max = priorityOf[i]!;
  }
  const next = new Int32Array(max - min + 2);
  for (let i = 0; i < n; i++) next[priorityOf[i]! - min + 1]!++;
  for (let p = 1; p < next.length; p++) next[p]! += next[p - 1]!;
  for (let i = 0; i < n; i++) rank[i] = next[priorityOf[i]! - min]!++;
  return rank;
}

function buildGraph(
  ids: readonly TaskId[],
  durations: Float64Array,
  from: Int32Array,
  to: Int32Array,
  rank: Int32Array,
): TaskGraph {
  const n = durations.length;
  // Counting sort by target, then by source within a target: both CSR lists come out
  // sorted, and duplicates end up adjacent, so one pass drops them.
  const byTo = csr(n, to, from);
  const predStart = new Int32Array(n + 1);
  const predList = new Int32Array(byTo.list.length);
  const seen = new Int32Array(n).fill(-1);
  let k = 0;
  for (let i = 0; i < n; i++) {
    predStart[i] = k;
    for (let x = byTo.start[i]!; x < byTo.start[i + 1]!; x++) {
      const p = byTo.list[x]!;
      if (seen[p] === i) continue;
      seen[p] = i;
      predList[k++] = p;
    }
  }
  predStart[n] = k;
  const preds = predList.slice(0, k);
  const succSources = new Int32Array(k);
  for (let i = 0; i < n; i++) for (let x = predStart[i]!; x < predStart[i + 1]!; x++) succSources[x] = i;
  const bySource = csr(n, preds, succSources);
  return {
    n,
    ids,
    durations,
    predStart,
    predList: preds,
    succStart: bySource.start,
    succList: bySource.list,
    rank,
  };
}

/** Groups `value[e]` by `key[e]` (stable), giving CSR offsets and the grouped values. */
function csr(n: number, key: Int32Array, value: Int32Array): {start: Int32Array; list: Int32Array} {
  const start = new Int32Array(n + 1);
  for (let e = 0; e < key.length; e++) start[key[e]! + 1]!++;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, n);
  const list = new Int32Array(key.length);
  // Values are placed in order of the input, so feed them sorted for sorted lists.
  const order = sortedByValue(value);
  for (const e of order) list[fill[key[e]!]!++] = value[e]!;
  return {start, list};
}

/** Edge positions sorted by value (counting sort: linear time). */
function sortedByValue(value: Int32Array): Int32Array {
  let max = -1;
  for (let e = 0; e < value.length; e++) if (value[e]! > max) max = value[e]!;
  const count = new Int32Array(max + 2);
  for (let e = 0; e < value.length; e++) count[value[e]! + 1]!++;
  for (let v = 0; v <= max; v++) count[v + 1]! += count[v]!;
  const order = new Int32Array(value.length);
  for (let e = 0; e < value.length; e++) order[count[value[e]!]!++] = e;
  return order;
}
