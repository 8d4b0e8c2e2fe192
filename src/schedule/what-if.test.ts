import {describe, expect, it} from 'vitest';
import {graphFromEdges} from './task-graph.js';
import {whatIfWorkers} from './what-if.js';

describe('whatIfWorkers', () => {
  it('doubles workers until the critical path is reached', () => {
    // Eight independent 1-hour tasks: 8h, 4h, 2h, 1h.
    const g = graphFromEdges(new Array<number>(8).fill(60), []);
    expect(whatIfWorkers(g).map((r) => [r.workers, r.makespan, r.speedup])).toEqual([
      [1, 480, 1],
      [2, 240, 2],
      [4, 120, 4],
      [8, 60, 8],
    ]);
  });

  it('stops at one worker for a chain', () => {
    expect(whatIfWorkers(graphFromEdges([1, 2, 3], [[0, 1], [1, 2]]))).toEqual([
      {workers: 1, makespan: 6, speedup: 1, optimal: true},
    ]);
  });

  it('stops when more workers stop helping', () => {
    // One long task and two short ones: 2 workers already reach the critical path.
    const rows = whatIfWorkers(graphFromEdges([10, 1, 1], []));
    expect(rows.map((r) => r.workers)).toEqual([1, 2]);
    expect(rows[1]!.makespan).toBe(10);
  });

  it('honours maxWorkers', () => {
    const rows = whatIfWorkers(graphFromEdges(new Array<number>(16).fill(1), []), {maxWorkers: 3});
    expect(rows.map((r) => r.workers)).toEqual([1, 2, 3]);
  });
});
