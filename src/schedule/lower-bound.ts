import type {TaskGraph} from './task-graph.js';
import {reverseGraph} from './task-graph.js';
import {quickTopologicalOrder} from './topological-order.js';

/**
 * The time grain of a graph: when every duration is an integer, every optimal
 * schedule can be shifted so that all times are multiples of the durations' greatest
 * common divisor, so bounds may be rounded up to it. 0 when durations are not integers.
 */
export function timeGrain(graph: TaskGraph): number {
  let g = 0;
  for (let i = 0; i < graph.n; i++) {
    const d = graph.durations[i]!;
    if (!Number.isInteger(d) || d > Number.MAX_SAFE_INTEGER) return 0;
    g = gcd(g, d);
  }
  return g;
}

/** Rounds `x` up to a multiple of `grain` (no rounding for grain 0). */
export function roundUp(x: number, grain: number): number {
  if (grain <= 0) return x;
  // Forgives float noise in `x` (a sum divided by the worker count).
  return Math.ceil(x / grain - 1e-9) * grain;
}

function gcd(a: number, b: number): number {
  while (b) {
    const r = a % b;
    a = b;
    b = r;
  }
  return a;
}

/**
 * Heads and tails: for each task, a lower bound on its start (`head`) and on the time
 * that must still pass after it ends (`tail`), on `workers` workers.
 *
 * Beyond the longest paths, they use the work of the ancestors: if the ancestors of a
 * task that cannot start before `t` hold `W` of work, the task cannot start before
 * `t + W / workers` (Fernandez-Bussell style). Descendants give tails the same way.
 * The ancestor sets cost O(n²) bits, so above `maxTasks` tasks only longest paths are used.
 */
export function headsAndTails(
  graph: TaskGraph,
  workers: number,
  grain: number,
  maxTasks = 2000,
): {head: Float64Array; tail: Float64Array} {
  const head = heads(graph, workers, grain, graph.n <= maxTasks);
  const reversed = reverseGraph(graph);
  const after = heads(reversed, workers, grain, graph.n <= maxTasks);
  return {head, tail: after};
}

function heads(graph: TaskGraph, workers: number, grain: number, useAncestors: boolean): Float64Array {
  const {n, durations, predStart, predList} = graph;
  const order = quickTopologicalOrder(graph);
  const head = new Float64Array(n);
  const words = (n + 31) >>> 5;
  const ancestors = useAncestors ? new Uint32Array(n * words) : undefined;
  const members: number[] = [];
  for (const t of order) {
    let h = 0;
    for (let x = predStart[t]!; x < predStart[t + 1]!; x++) {
      const p = predList[x]!;
      h = Math.max(h, head[p]! + durations[p]!);
      if (ancestors) {
        const base = t * words;
        const from = p * words;
        for (let w = 0; w < words; w++) ancestors[base + w]! |= ancestors[from + w]!;
        ancestors[base + (p >>> 5)]! |= 1 << (p & 31);
      }
    }
    if (ancestors && workers > 1 && predStart[t + 1]! - predStart[t]! > 0) {
      members.length = 0;
      const base = t * words;
      for (let w = 0; w < words; w++) {
        let bits = ancestors[base + w]!;
        while (bits !== 0) {
          const low = bits & -bits;
          members.push((w << 5) + 31 - Math.clz32(low));
          bits ^= low;
        }
      }
      members.sort((a, b) => head[b]! - head[a]!);
      let work = 0;
      for (const a of members) {
        work += durations[a]!;
        h = Math.max(h, head[a]! + roundUp(work / workers, grain));
      }
    }
    head[t] = roundUp(h, grain);
  }
  return head;
}

/**
 * Energetic reasoning: could every task fit in a schedule of length `makespan`?
 * With each task inside its window `[head, makespan - tail]`, a task must spend some
 * minimum time inside any interval `[a, b]`; if the tasks together must spend more than
 * `workers * (b - a)` there, no such schedule exists. `false` is a proof; `true` is not.
 */
export function energeticFeasible(
  graph: TaskGraph,
  workers: number,
  head: Float64Array,
  tail: Float64Array,
  makespan: number,
): boolean {
  const {n, durations} = graph;
  const deadline = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    deadline[j] = makespan - tail[j]!;
    if (head[j]! + durations[j]! > deadline[j]! + 1e-9 * Math.max(1, makespan)) return false;
  }
  const starts = uniqueSorted([...head, ...Array.from(deadline, (d, j) => d - durations[j]!)]);
  const ends = uniqueSorted([...deadline, ...Array.from(head, (h, j) => h + durations[j]!)]);
  for (const a of starts) {
    for (const b of ends) {
      if (b <= a) continue;
      const capacity = workers * (b - a);
      let need = 0;
      for (let j = 0; j < n; j++) {
        const p = durations[j]!;
        const inside = Math.min(b - a, p, head[j]! + p - a, b - deadline[j]! + p);
        if (inside > 0) {
          need += inside;
          if (need > capacity + 1e-9 * Math.max(1, capacity)) return false;
        }
      }
    }
  }
  return true;
}

function uniqueSorted(values: number[]): number[] {
  values.sort((a, b) => a - b);
  const out: number[] = [];
  for (const v of values) if (out.length === 0 || v !== out[out.length - 1]) out.push(v);
  return out;
}

/** Options of {@link makespanLowerBound}. */
export interface LowerBoundOptions {
  /**
   * Also use heads and tails and, below `energeticMaxTasks` tasks, energetic reasoning
   * up to this makespan (usually the best schedule known). Costlier; worth it only to
   * prove a schedule optimal.
   */
  readonly upTo?: number;
  /** @default 250 */
  readonly energeticMaxTasks?: number;
}

/**
 * A proven lower bound on the makespan of any schedule of `graph` on `workers`
 * identical workers: the critical path, the total work divided among the workers
 * and, when asked, the stronger bounds above.
 */
export function makespanLowerBound(graph: TaskGraph, workers: number, options: LowerBoundOptions = {}): number {
  const {n, durations} = graph;
  if (n === 0) return 0;
  const grain = timeGrain(graph);
  const p = Math.max(1, Math.min(workers, n));
  let work = 0;
  for (let i = 0; i < n; i++) work += durations[i]!;
  const {head, tail} = headsAndTails(graph, p, grain, options.upTo === undefined ? 0 : 2000);
  let bound = roundUp(work / p, grain);
  for (let i = 0; i < n; i++) bound = Math.max(bound, head[i]! + durations[i]! + tail[i]!);
  bound = roundUp(bound, grain);
  const upTo = options.upTo;
  if (upTo === undefined || upTo <= bound || n > (options.energeticMaxTasks ?? 250) || p <= 1) return bound;
  // Without a grain there is no next candidate makespan to test.
  if (grain === 0 || energeticFeasible(graph, p, head, tail, bound)) return bound;
  // Smallest multiple of the grain that energetic reasoning cannot rule out: `low` is
  // ruled out, `high` is not (a schedule of length `upTo` exists).
  let low = 0;
  let high = Math.round((upTo - bound) / grain);
  while (high - low > 1) {
    const mid = (low + high) >>> 1;
    if (energeticFeasible(graph, p, head, tail, bound + mid * grain)) high = mid;
    else low = mid;
  }
  return bound + high * grain;
}
