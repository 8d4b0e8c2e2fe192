import {describe, expect, it} from 'vitest';
import {criticalPathTimes} from './critical-path.js';
import {graphFromEdges} from './task-graph.js';
import {whatIfWorkers, whatIfWorkersWith, withKnownRow} from './what-if.js';

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

  it('puts a known schedule in afterwards as if it had been known from the start', () => {
    // A layered graph large enough for list-schedule rows, scheduled with and without the known row.
    const layers = 30;
    const per = 800;
    const durations: number[] = [];
    const edges: [number, number][] = [];
    for (let l = 0; l < layers; l++) {
      for (let i = 0; i < per; i++) {
        const t = l * per + i;
        durations.push(1 + ((t * 7919) % 13));
        if (l > 0) edges.push([(l - 1) * per + ((i * 31) % per), t], [(l - 1) * per + ((i * 17 + 5) % per), t]);
      }
    }
    const g = graphFromEdges(durations, edges);
    const sequential = durations.reduce((a, b) => a + b, 0);
    const critical = criticalPathTimes(g).length;
    const later = whatIfWorkersWith(g, {replacedLater: 4});
    // A schedule as good as the bound for 4 workers: the rows must take it and stop where they would have.
    const known = {workers: 4, makespan: Math.ceil(sequential / 4), optimal: true};
    const merged = withKnownRow(later, known, critical, sequential);
    const direct = whatIfWorkersWith(g, {known: new Map([[4, {...known, lowerBound: known.makespan, method: 'test', slots: []}]])});
    expect(merged).toEqual(direct);
    expect(merged.find((r) => r.workers === 4)).toEqual({workers: 4, makespan: known.makespan, speedup: sequential / known.makespan, optimal: true});
  });

  it('cuts the table where a better known row would have stopped it', () => {
    const rows = [
      {workers: 1, makespan: 100, speedup: 1, optimal: true},
      {workers: 2, makespan: 60, speedup: 100 / 60, optimal: false},
      {workers: 4, makespan: 40, speedup: 2.5, optimal: false},
    ];
    // With 2 workers reaching the critical path (50), no later row is shown.
    expect(withKnownRow(rows, {workers: 2, makespan: 50, optimal: true}, 50, 100).map((r) => [r.workers, r.makespan])).toEqual([
      [1, 100],
      [2, 50],
    ]);
  });
});
