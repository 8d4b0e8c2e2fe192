import {describe, expect, it} from 'vitest';
import {criticalPathTimes} from './critical-path.js';
import {graphFromEdges} from './task-graph.js';
import {cpMisfPositions, ListMakespans, listSchedule} from './list-schedule.js';

describe('listSchedule (CP/MISF)', () => {
  it('on one worker takes the sum of all durations', () => {
    const s = listSchedule(graphFromEdges([3, 1, 4, 1, 5], [[0, 2], [1, 3]]), 1);
    expect(s.makespan).toBe(14);
    expect(s.optimal).toBe(true);
    expect(s.method).toBe('cp/misf');
    expect(new Set(s.slots.map((x) => x.worker))).toEqual(new Set([0]));
  });

  it('runs a diamond in critical-path time on two workers', () => {
    const s = listSchedule(graphFromEdges([1, 5, 2, 1], [[0, 1], [0, 2], [1, 3], [2, 3]]), 2);
    expect(s.makespan).toBe(7);
    expect(s.lowerBound).toBe(7);
  });

  it('starts the task with the longest path to the end first', () => {
    // 0 heads a chain of 3 more; 1 and 2 are loose ends.
    const g = graphFromEdges([1, 2, 2, 1, 1, 1], [[0, 3], [3, 4], [4, 5]]);
    const s = listSchedule(g, 1);
    expect(s.slots[0]).toEqual({task: 0, worker: 0, start: 0, end: 1});
  });

  it('spreads a wide fan-out over the workers', () => {
    const durations = [1, ...new Array<number>(8).fill(2)];
    const edges = Array.from({length: 8}, (_, i) => [0, i + 1] as [number, number]);
    const s = listSchedule(graphFromEdges(durations, edges), 4);
    expect(s.makespan).toBe(5);
    expect(s.optimal).toBe(true);
  });

  it('breaks bottom-level ties by most immediate successors', () => {
    // 0 and 1 both have bottom level 2; 1 has two successors, so it goes first.
    const g = graphFromEdges([1, 1, 1, 1, 1], [[0, 2], [1, 3], [1, 4]]);
    const s = listSchedule(g, 1);
    expect(s.slots[0]!.task).toBe(1);
  });

  it('never uses more workers than asked, even with more tasks ready', () => {
    const s = listSchedule(graphFromEdges(new Array<number>(10).fill(1), []), 3);
    expect(Math.max(...s.slots.map((x) => x.worker))).toBe(2);
    expect(s.makespan).toBe(4);
  });

  it('rejects a worker count that is not a positive integer', () => {
    const g = graphFromEdges([1], []);
    expect(() => listSchedule(g, 0)).toThrow('Expected `workers` to be a positive integer, got `0` (number)');
    expect(() => listSchedule(g, 1.5)).toThrow(/got `1.5`/);
  });

  it('schedules an empty graph in no time', () => {
    expect(listSchedule(graphFromEdges([], []), 2)).toMatchObject({makespan: 0, slots: []});
  });

  it('gives every worker count the makespan of its own list schedule from one shared decoder', () => {
    const durations = Array.from({length: 300}, (_, i) => 1 + ((i * 37) % 11));
    const edges = Array.from({length: 280}, (_, i) => [i, i + 10 + (i % 7)] as [number, number]).filter(([, b]) => b < 300);
    const g = graphFromEdges(durations, edges);
    const lists = new ListMakespans(g, cpMisfPositions(g));
    for (const w of [1, 2, 3, 8, 64, 1000]) expect(lists.makespan(w)).toBe(listSchedule(g, w).makespan);
    expect(lists.makespan(1)).toBe(durations.reduce((a, b) => a + b, 0));
    expect(lists.makespan(1000)).toBe(criticalPathTimes(g).length);
  });
});
