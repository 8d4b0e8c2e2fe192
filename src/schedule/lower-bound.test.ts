import {describe, expect, it} from 'vitest';
import {graphFromEdges} from './task-graph.js';
import {makespanLowerBound, timeGrain} from './lower-bound.js';
import {bruteForceOptimum} from './schedule-check.js';

describe('makespanLowerBound', () => {
  it('is the critical path when that dominates', () => {
    expect(makespanLowerBound(graphFromEdges([5, 5, 1], [[0, 1]]), 2)).toBe(10);
  });

  it('is the work divided among the workers, rounded up to whole units', () => {
    expect(makespanLowerBound(graphFromEdges([1, 1, 1], []), 2)).toBe(2);
  });

  it('does not round when durations are not integers', () => {
    expect(makespanLowerBound(graphFromEdges([0.5, 0.5, 0.5], []), 2)).toBe(0.75);
  });

  it('counts the work that must precede a task (heads)', () => {
    // Four 2-unit tasks must all finish before task 4 (length 2) on 2 workers: 4 + 2.
    const g = graphFromEdges([2, 2, 2, 2, 2, 1], [[0, 4], [1, 4], [2, 4], [3, 4]]);
    expect(makespanLowerBound(g, 2, {upTo: 100})).toBe(6);
    expect(bruteForceOptimum(g, 2)).toBe(6);
  });

  it('proves more with energetic reasoning than with work and paths alone', () => {
    // 5, 3 and 5 on 2 workers: work/2 gives 7, but in 7 units both 5s cover [2, 5]
    // entirely and the 3 must spend 1 unit there too: 7 units of work in 6 of capacity.
    const g = graphFromEdges([5, 3, 5], []);
    expect(makespanLowerBound(g, 2)).toBe(7);
    expect(makespanLowerBound(g, 2, {upTo: 10})).toBe(8);
    expect(bruteForceOptimum(g, 2)).toBe(8);
  });

  it('finds the grain of integer durations', () => {
    expect(timeGrain(graphFromEdges([60_000, 90_000, 0], []))).toBe(30_000);
    expect(timeGrain(graphFromEdges([1.5], []))).toBe(0);
  });
});
