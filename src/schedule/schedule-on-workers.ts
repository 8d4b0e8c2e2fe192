import type {TaskGraph} from './task-graph.js';
import {reverseGraph} from './task-graph.js';
import {bottomLevels, criticalPathTimes, timeEpsilon, type CpmTimes} from './critical-path.js';
import {ListDecoder, positionsFromKeys} from './list-decoder.js';
import {checkWorkers, cpMisfPositions, scheduleFromStarts} from './list-schedule.js';
import {headsAndTails, makespanLowerBound, roundUp, timeGrain} from './lower-bound.js';
import {branchAndBound} from './branch-and-bound.js';
import {TimeHeap} from './int-heap.js';
import {identityOrder, sortByKey} from './key-order.js';
import type {WorkerSchedule} from './worker-schedule.js';

/** Above this many tasks, the branch and bound is skipped: its nodes cost O(n) each. */
const BRANCH_AND_BOUND_MAX_TASKS = 2000;

/** Options of {@link scheduleOnWorkers}. */
export interface ScheduleOnWorkersOptions {
  /**
   * Time to spend improving on the first schedule, in ms. The search stops earlier as
   * soon as the schedule meets the lower bound (it is then optimal).
   * @default 1000
   */
  readonly timeBudgetMs?: number;
  /**
   * Stops the search, keeping the best schedule found so far. The search is synchronous,
   * so only a signal aborted by other code on this thread, or before the call, is seen.
   */
  readonly signal?: AbortSignal;
  /**
   * Seed of the random search. The same seed gives the same sequence of candidates,
   * so the same result whenever the search gets equally far (see `maxIterations`).
   * @default 1
   */
  readonly seed?: number;
  /** Stop after this many candidate schedules: makes the result independent of machine speed. */
  readonly maxIterations?: number;
}

/**
 * A schedule of `graph` on `workers` identical workers with the shortest makespan this
 * search can find in its time budget.
 *
 * 1. Unlimited workers (no more tasks overlap in the earliest-start schedule than there
 *    are workers): the critical path, optimal.
 * 2. CP/MISF and a few other priority lists, each decoded both ways (see `ListDecoder`)
 *    and then tightened by forward-backward improvement.
 * 3. A stronger lower bound (heads, tails, energetic reasoning): the proof of optimality.
 * 4. Until the budget is spent or the bound is met: a seeded random search over priority
 *    lists around the best one, each candidate tightened the same way (a quarter of the
 *    budget); then, up to 2,000 tasks, a depth-first branch and bound from the best list
 *    (a quarter), which may prove the result optimal; then random search again.
 *
 * `optimal` is true only when the makespan meets the lower bound or the branch and
 * bound exhausted its tree (the bound is then raised to the makespan).
 *
 * @example
 * const s = scheduleOnWorkers(graph, 4, {timeBudgetMs: 200});
 * console.log(s.makespan, s.optimal ? 'optimal' : `>= ${s.lowerBound}`);
 */
export function scheduleOnWorkers(graph: TaskGraph, workers: number, options: ScheduleOnWorkersOptions = {}): WorkerSchedule {
  return scheduleOnWorkersWith(graph, workers, options);
}

/** What {@link scheduleOnWorkersWith} may reuse instead of computing it again (none of it is changed). */
export interface ScheduleKnown {
  readonly cpm?: CpmTimes;
  readonly bottom?: Float64Array;
  readonly cpMisf?: Int32Array;
}

/** {@link scheduleOnWorkers} with figures the caller has already computed. */
export function scheduleOnWorkersWith(graph: TaskGraph, workers: number, options: ScheduleOnWorkersOptions, known: ScheduleKnown = {}): WorkerSchedule {
  checkWorkers(workers);
  const {n} = graph;
  const began = performance.now();
  const budget = Math.max(0, options.timeBudgetMs ?? 1000);
  // Keep a little of the budget for building the result and for clock-check granularity.
  const deadline = began + budget - Math.min(50, budget * 0.05);
  const maxIterations = options.maxIterations ?? Infinity;
  if (n === 0) return {workers, makespan: 0, lowerBound: 0, optimal: true, method: 'empty', slots: []};
  const p = Math.min(workers, n);
  const cpm = known.cpm ?? criticalPathTimes(graph);
  let work = 0;
  for (let i = 0; i < n; i++) work += graph.durations[i]!;
  const eps = timeEpsilon(cpm.length);
  // More work than p workers can do in the critical path's time: the earliest starts overlap more than p.
  if (work <= p * cpm.length + eps && peakOverlap(graph, cpm.es) <= p) {
    return scheduleFromStarts(graph, workers, cpm.es, cpm.length, 'critical-path', true);
  }
  const search = new Search(graph, p, options.seed ?? 1, maxIterations === Infinity ? deadline : Infinity, options.signal);
  // The simple bound first; the one from heads and tails is computed only when a schedule misses it.
  let lowerBound = roundUp(Math.max(cpm.length, work / p), timeGrain(graph));
  search.floor = lowerBound + eps;
  search.refineFloor = () => {
    lowerBound = makespanLowerBound(graph, p);
    return lowerBound + eps;
  };
  const met = (): boolean => search.bestMakespan <= lowerBound + eps;
  const bottom = known.bottom ?? bottomLevels(graph);

  // CP/MISF always runs to the end, so even a spent budget returns a decent schedule.
  // When its parallel decoding already meets the bound and times are exact integers, the
  // serial one cannot be strictly better, so it is not run (it could not change the result).
  const cpMisf = known.cpMisf ?? cpMisfPositions(graph, bottom);
  search.tryPositions(cpMisf, 'cp/misf', () => exactTimes(graph) && search.bestMakespan <= lowerBound);
  if (met() || search.expired()) return search.result(workers, lowerBound);
  const key = new Float64Array(n);
  for (let i = 0; i < n; i++) key[i] = cpm.ls[i]!;
  search.tryKeys(key, 'latest-start');
  for (let i = 0; i < n; i++) key[i] = -bottom[i]! - cpm.es[i]! * 1e-6;
  if (!search.expired()) search.tryKeys(key, 'bottom-level');
  if (met() || search.expired()) return search.result(workers, lowerBound);

  lowerBound = makespanLowerBound(graph, p, {upTo: search.bestMakespan});
  search.floor = lowerBound + eps;
  search.refineFloor = undefined;
  if (met() || search.expired()) return search.result(workers, lowerBound);

  let meanDuration = 0;
  for (let i = 0; i < n; i++) meanDuration += graph.durations[i]!;
  meanDuration /= n;
  const rng = search.rng;
  let iterationsLeft = maxIterations;
  /** Random search over priority lists until `until` (or the iteration limit); true when the bound is met. */
  const randomSearch = (until: number, iterations: number): boolean => {
    for (let i = 0; i < iterations && iterationsLeft > 0; i++, iterationsLeft--) {
      if ((i & 7) === 0 && (performance.now() >= until || search.expired())) break;
      const best = search.bestStart;
      const mode = rng() * 3;
      if (mode < 1) {
        // Sample around CP/MISF: bottom levels with noise.
        const spread = meanDuration * (0.5 + 2 * rng());
        for (let t = 0; t < n; t++) key[t] = -bottom[t]! + spread * rng();
      } else {
        // Perturb the best schedule: its start times with noise, so some tasks swap places.
        const spread = meanDuration * (mode < 2 ? 0.5 : 2) * rng();
        for (let t = 0; t < n; t++) key[t] = best[t]! + spread * rng() - bottom[t]! * 1e-6;
      }
      search.tryKeys(key, 'search');
      if (met()) return true;
    }
    return false;
  };
  const exact = n <= BRANCH_AND_BOUND_MAX_TASKS;
  const share = (fraction: number): number => performance.now() + (deadline - performance.now()) * fraction;
  // Phases: random search finds most improvements fast; branch and bound then tries to
  // prove the result optimal (or improves it), and whatever time it leaves goes back to
  // random search. With `maxIterations` the phases are cut by counts, not by the clock.
  const counted = maxIterations !== Infinity;
  if (randomSearch(exact ? share(0.25) : deadline, counted ? Math.ceil(maxIterations / 2) : Infinity) || !exact) {
    return search.result(workers, lowerBound);
  }
  if (search.expired()) return search.result(workers, lowerBound);
  const grain = timeGrain(graph);
  const {head} = headsAndTails(graph, p, grain);
  for (let i = 0; i < n; i++) key[i] = search.bestStart[i]! - bottom[i]! * 1e-9;
  const found = branchAndBound({
    graph,
    workers: p,
    incumbent: search.bestMakespan,
    lowerBound,
    bottom,
    head,
    pos: positionsFromKeys(key, graph.rank, new Int32Array(n)),
    grain,
    deadline: counted ? Infinity : share(0.5),
    ...(options.signal ? {signal: options.signal} : {}),
    ...(counted ? {maxNodes: maxIterations * 100} : {}),
  });
  if (found.start) search.adopt(found.start, found.makespan, 'branch-and-bound');
  // An exhausted search proves that nothing beats the best schedule: it is a lower bound.
  if (found.exhausted) lowerBound = Math.max(lowerBound, search.bestMakespan);
  if (!met()) randomSearch(deadline, Infinity);
  return search.result(workers, lowerBound);
}

/**
 * True when every start and end time a decoder computes is an exact integer: durations
 * are integers (a time grain exists) and their sum is a safe integer.
 */
function exactTimes(graph: TaskGraph): boolean {
  if (timeGrain(graph) <= 0) return false;
  let sum = 0;
  for (let i = 0; i < graph.n; i++) sum += graph.durations[i]!;
  return sum <= Number.MAX_SAFE_INTEGER;
}

/** The most tasks that overlap when each starts at the given time (zero-length ones count too). */
function peakOverlap(graph: TaskGraph, start: Float64Array): number {
  const {n, durations} = graph;
  const order = sortByKey(sortByKey(identityOrder(n), durations), start);
  const end = new Float64Array(n);
  for (let i = 0; i < n; i++) end[i] = start[i]! + durations[i]!;
  // Ties between equal ends do not change how many tasks are running.
  const running = new TimeHeap(n, end);
  let peak = 0;
  for (const t of order) {
    while (running.size > 0 && end[running.peek()]! <= start[t]!) running.pop();
    running.push(t);
    peak = Math.max(peak, running.size);
  }
  return peak;
}

/** Mulberry32: a small, fast, seedable PRNG, so searches are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The state of one search: decoders, buffers and the best schedule so far. */
class Search {
  readonly rng: () => number;
  bestMakespan = Infinity;
  bestStart: Float64Array;
  bestMethod = '';
  /** A schedule this short is optimal: it is not tightened further. */
  floor = -Infinity;
  /** Computes a stronger floor, once, when a schedule misses the current one. */
  refineFloor: (() => number) | undefined;
  readonly #graph: TaskGraph;
  readonly #forward: ListDecoder;
  readonly #backward: ListDecoder;
  readonly #pos: Int32Array;
  readonly #start: Float64Array;
  readonly #back: Float64Array;
  readonly #key: Float64Array;
  readonly #scratch: number[] = [];
  readonly #deadline: number;
  readonly #signal: AbortSignal | undefined;

  constructor(graph: TaskGraph, workers: number, seed: number, deadline: number, signal: AbortSignal | undefined) {
    const n = graph.n;
    this.#deadline = deadline;
    this.#signal = signal;
    this.#graph = graph;
    this.rng = seededRandom(seed);
    this.#forward = new ListDecoder(graph, workers);
    this.#backward = new ListDecoder(reverseGraph(graph), workers);
    this.#pos = new Int32Array(n);
    this.#start = new Float64Array(n);
    this.#back = new Float64Array(n);
    this.#key = new Float64Array(n);
    this.bestStart = new Float64Array(n);
  }

  /** True once the time budget is spent or the signal aborted. */
  expired(): boolean {
    return (this.#deadline !== Infinity && performance.now() >= this.#deadline) || this.#signal?.aborted === true;
  }

  tryKeys(key: Float64Array, method: string): void {
    this.tryPositions(positionsFromKeys(key, this.#graph.rank, this.#pos, this.#scratch), method);
  }

  /**
   * Decodes a priority list both ways, tightens each, keeps the best. `settled` is asked
   * between the two: true skips the serial decoding.
   */
  tryPositions(pos: Int32Array, method: string, settled?: () => boolean): void {
    const saved = Int32Array.from(pos);
    this.#consider(this.#forward.parallel(saved, this.#start), method);
    if (settled?.()) return;
    if (!this.expired()) this.#consider(this.#forward.serial(saved, this.#start), method);
  }

  #consider(makespan: number, method: string): void {
    if (makespan > this.floor && this.refineFloor) {
      this.floor = this.refineFloor();
      this.refineFloor = undefined;
    }
    if (makespan > this.floor) makespan = this.#justify(makespan);
    if (makespan < this.bestMakespan) {
      this.bestMakespan = makespan;
      this.bestStart.set(this.#start);
      this.bestMethod = method;
    }
  }

  /**
   * Forward-backward improvement (Valls et al.'s "justification"): schedule the tasks
   * backwards, latest finish first, then forwards again by those start times. Shifts
   * tasks into idle gaps; never makes the schedule longer, often shorter.
   */
  #justify(makespan: number): number {
    const {n, durations, rank} = this.#graph;
    const start = this.#start;
    const back = this.#back;
    const key = this.#key;
    const pos = this.#pos;
    // Large graphs can spend the whole budget here, so each round checks the clock.
    for (let round = 0; round < 4 && !this.expired(); round++) {
      for (let i = 0; i < n; i++) key[i] = -(start[i]! + durations[i]!);
      const backSpan = this.#backward.serial(positionsFromKeys(key, rank, pos, this.#scratch), back);
      for (let i = 0; i < n; i++) key[i] = backSpan - back[i]! - durations[i]!;
      const saved = Float64Array.from(start);
      const next = this.#forward.serial(positionsFromKeys(key, rank, pos, this.#scratch), start);
      if (next >= makespan) {
        if (next > makespan) start.set(saved);
        break;
      }
      makespan = next;
    }
    return makespan;
  }

  /** Takes a schedule found elsewhere when it is better. */
  adopt(start: Float64Array, makespan: number, method: string): void {
    if (makespan < this.bestMakespan) {
      this.bestMakespan = makespan;
      this.bestStart.set(start);
      this.bestMethod = method;
    }
  }

  result(workers: number, lowerBound: number): WorkerSchedule {
    return scheduleFromStarts(this.#graph, workers, this.bestStart, lowerBound, this.bestMethod);
  }
}
