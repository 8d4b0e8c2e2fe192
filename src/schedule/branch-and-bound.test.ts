import {describe, expect, it} from 'vitest';
import fc from 'fast-check';
import {graphFromEdges} from './task-graph.js';
import {bottomLevels} from './critical-path.js';
import {branchAndBound} from './branch-and-bound.js';
import {headsAndTails, timeGrain} from './lower-bound.js';
import {bruteForceOptimum, scheduleProblems} from './schedule-check.js';
import {scheduleFromStarts} from './list-schedule.js';

describe('branchAndBound', () => {
  it('finds the optimum from any priority list and proves it (property, against brute force)', () => {
    fc.assert(
      fc.property(
        fc.integer({min: 1, max: 8}).chain((n) =>
          fc.record({
            durations: fc.array(fc.integer({min: 0, max: 9}), {minLength: n, maxLength: n}),
            edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), {maxLength: 2 * n}),
            order: fc.shuffledSubarray(
              Array.from({length: n}, (_, i) => i),
              {minLength: n, maxLength: n},
            ),
          }),
        ),
        fc.integer({min: 1, max: 4}),
        ({durations, edges, order}, workers) => {
          const g = graphFromEdges(
            durations,
            edges.filter(([a, b]) => a !== b).map(([a, b]): [number, number] => [Math.min(a, b), Math.max(a, b)]),
          );
          const p = Math.min(workers, g.n);
          const pos = new Int32Array(g.n);
          order.forEach((t, k) => (pos[t] = k));
          const grain = timeGrain(g);
          const result = branchAndBound({
            graph: g,
            workers: p,
            incumbent: Infinity,
            lowerBound: 0,
            bottom: bottomLevels(g),
            head: headsAndTails(g, p, grain).head,
            pos,
            grain,
            deadline: Infinity,
          });
          expect(result.exhausted).toBe(true);
          expect(result.makespan).toBe(bruteForceOptimum(g, workers));
          expect(scheduleProblems(g, scheduleFromStarts(g, p, result.start!, 0, 'test'))).toEqual([]);
        },
      ),
      {numRuns: 300},
    );
  });

  it('reports nothing better when the incumbent is already optimal', () => {
    const g = graphFromEdges([3, 3, 2, 2, 2, 2, 2], []);
    const result = branchAndBound({
      graph: g,
      workers: 2,
      incumbent: 8,
      lowerBound: 0,
      bottom: bottomLevels(g),
      head: new Float64Array(7),
      pos: Int32Array.from([0, 1, 2, 3, 4, 5, 6]),
      grain: 1,
      deadline: Infinity,
    });
    expect(result).toMatchObject({makespan: 8, exhausted: true});
    expect(result.start).toBeUndefined();
  });

  it('stops at the node limit without claiming to be exhaustive', () => {
    const g = graphFromEdges(Array.from({length: 12}, (_, i) => 1 + ((i * 5) % 7)), []);
    const result = branchAndBound({
      graph: g,
      workers: 3,
      incumbent: Infinity,
      lowerBound: 0,
      bottom: bottomLevels(g),
      head: new Float64Array(12),
      pos: Int32Array.from({length: 12}, (_, i) => i),
      grain: 1,
      deadline: Infinity,
      maxNodes: 5,
    });
    expect(result.exhausted).toBe(false);
  });
});
