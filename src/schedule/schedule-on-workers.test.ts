import {describe, expect, it} from 'vitest';
import fc from 'fast-check';
import {graphFromEdges} from './task-graph.js';
import type {TaskGraph} from './task-graph.js';
import {criticalPathTimes} from './critical-path.js';
import {scheduleOnWorkers} from './schedule-on-workers.js';
import {makespanLowerBound} from './lower-bound.js';
import {bruteForceOptimum, scheduleProblems} from './schedule-check.js';

/** Random DAGs: edges only from lower to higher index, so never a cycle. */
const dag = (maxTasks: number, maxDuration: number): fc.Arbitrary<{durations: number[]; edges: [number, number][]}> =>
  fc.integer({min: 1, max: maxTasks}).chain((n) =>
    fc.record({
      durations: fc.array(fc.integer({min: 0, max: maxDuration}), {minLength: n, maxLength: n}),
      edges: fc
        .array(fc.tuple(fc.integer({min: 0, max: n - 1}), fc.integer({min: 0, max: n - 1})), {maxLength: 3 * n})
        .map((pairs) => pairs.filter(([a, b]) => a !== b).map(([a, b]): [number, number] => [Math.min(a, b), Math.max(a, b)])),
    }),
  );

const quick = {timeBudgetMs: 60_000, maxIterations: 200};

describe('scheduleOnWorkers', () => {
  it('on one worker takes the sum of all durations, proven optimal', () => {
    const s = scheduleOnWorkers(graphFromEdges([3, 1, 4, 1, 5], [[0, 2], [1, 3]]), 1, quick);
    expect(s).toMatchObject({makespan: 14, lowerBound: 14, optimal: true});
  });

  it('with a worker per task follows the critical path', () => {
    const g = graphFromEdges([1, 5, 2, 1], [[0, 1], [0, 2], [1, 3], [2, 3]]);
    expect(scheduleOnWorkers(g, 4, quick)).toMatchObject({makespan: 7, optimal: true, method: 'critical-path'});
    expect(scheduleOnWorkers(g, 100, quick)).toMatchObject({makespan: 7, optimal: true, workers: 100});
  });

  it('finds the optimum where CP/MISF does not (Graham-style instance)', () => {
    // CP/MISF starts the two 3s first and ends at 9; the optimum is 8 (3+3+2 | 2+2+2+2).
    const g = graphFromEdges([3, 3, 2, 2, 2, 2, 2], []);
    const s = scheduleOnWorkers(g, 2, quick);
    expect(s.makespan).toBe(8);
    expect(s.optimal).toBe(true);
    expect(scheduleProblems(g, s)).toEqual([]);
  });

  it('leaves a worker idle on purpose when that is shorter', () => {
    // Task 0 (1) unlocks a long chain 2 -> 3; greedy filling with 1 (3) delays it.
    const g = graphFromEdges([1, 3, 4, 4, 1], [[0, 2], [2, 3]]);
    const s = scheduleOnWorkers(g, 2, quick);
    expect(s.makespan).toBe(bruteForceOptimum(g, 2));
  });

  it('schedules an empty graph in no time', () => {
    expect(scheduleOnWorkers(graphFromEdges([], []), 3)).toMatchObject({makespan: 0, optimal: true, slots: []});
  });

  it('handles zero-length tasks (gates) between others', () => {
    const g = graphFromEdges([2, 2, 0, 2, 2, 0], [[0, 2], [1, 2], [2, 3], [2, 4], [3, 5], [4, 5]]);
    const s = scheduleOnWorkers(g, 2, quick);
    expect(s.makespan).toBe(4);
    expect(scheduleProblems(g, s)).toEqual([]);
  });

  it('returns a valid schedule at once when the signal is already aborted', () => {
    const g = graphFromEdges(
      Array.from({length: 30}, (_, i) => 1 + ((i * 7) % 5)),
      Array.from({length: 29}, (_, i) => [i % 7, i + 1] as [number, number]).filter(([a, b]) => a < b),
    );
    const s = scheduleOnWorkers(g, 3, {signal: AbortSignal.abort()});
    expect(scheduleProblems(g, s)).toEqual([]);
  });

  it('rejects a worker count that is not a positive integer', () => {
    expect(() => scheduleOnWorkers(graphFromEdges([1], []), -1)).toThrow(/Expected `workers` to be a positive integer/);
  });

  it('returns valid, deterministic schedules no shorter than the lower bound (property)', () => {
    fc.assert(
      fc.property(dag(40, 20), fc.integer({min: 1, max: 6}), ({durations, edges}, workers) => {
        const g = graphFromEdges(durations, edges);
        const a = scheduleOnWorkers(g, workers, {timeBudgetMs: 60_000, maxIterations: 50});
        expect(scheduleProblems(g, a)).toEqual([]);
        expect(a.makespan).toBeGreaterThanOrEqual(a.lowerBound);
        expect(a.makespan).toBeGreaterThanOrEqual(criticalPathTimes(g).length);
        if (a.optimal) expect(a.makespan === a.lowerBound || a.method === 'critical-path').toBe(true);
        const b = scheduleOnWorkers(g, workers, {timeBudgetMs: 60_000, maxIterations: 50});
        expect(b).toEqual(a);
      }),
      {numRuns: 150},
    );
  });

  it('matches brute force on tiny graphs, and its bound never exceeds the optimum (property)', () => {
    fc.assert(
      fc.property(dag(7, 9), fc.integer({min: 1, max: 4}), ({durations, edges}, workers) => {
        const g: TaskGraph = graphFromEdges(durations, edges);
        const optimum = bruteForceOptimum(g, workers);
        const s = scheduleOnWorkers(g, workers, quick);
        expect(s.lowerBound).toBeLessThanOrEqual(optimum);
        expect(makespanLowerBound(g, workers, {upTo: s.makespan})).toBeLessThanOrEqual(optimum);
        expect(s.makespan).toBeGreaterThanOrEqual(optimum);
        expect(s.makespan).toBe(optimum);
      }),
      {numRuns: 300},
    );
  });
});
