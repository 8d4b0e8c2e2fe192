import {describe, expect, it} from 'vitest';
import {graphFromEdges, graphFromPlan, reverseGraph} from './task-graph.js';
import type {TaskGraph} from './task-graph.js';
import {testPlan} from './test-plan.js';

const preds = (g: TaskGraph, i: number): number[] => Array.from(g.predList.subarray(g.predStart[i], g.predStart[i + 1]));
const succs = (g: TaskGraph, i: number): number[] => Array.from(g.succList.subarray(g.succStart[i], g.succStart[i + 1]));

describe('graphFromEdges', () => {
  it('stores both directions, sorted', () => {
    const g = graphFromEdges([1, 2, 3, 4], [[2, 3], [0, 3], [0, 1], [1, 3]]);
    expect(preds(g, 3)).toEqual([0, 1, 2]);
    expect(succs(g, 0)).toEqual([1, 3]);
    expect(Array.from(g.durations)).toEqual([1, 2, 3, 4]);
    expect(g.ids).toEqual(['0', '1', '2', '3']);
    expect(Array.from(g.rank)).toEqual([0, 1, 2, 3]);
  });

  it('drops duplicate edges', () => {
    const g = graphFromEdges([1, 1], [[0, 1], [0, 1], [0, 1]]);
    expect(preds(g, 1)).toEqual([0]);
    expect(succs(g, 0)).toEqual([1]);
    expect(g.predList.length).toBe(1);
  });

  it('rejects an edge to a task that does not exist', () => {
    expect(() => graphFromEdges([1, 1], [[0, 2]])).toThrow(/outside 0..1/);
  });

  it('rejects a self-loop', () => {
    expect(() => graphFromEdges([1], [[0, 0]])).toThrow(/self-loop/);
  });

  it('rejects a negative duration', () => {
    expect(() => graphFromEdges([1, -1], [])).toThrow(/non-negative/);
  });

  it('handles an empty graph', () => {
    const g = graphFromEdges([], []);
    expect(g.n).toBe(0);
    expect(Array.from(g.predStart)).toEqual([0]);
  });

  it('reverses edges', () => {
    const g = reverseGraph(graphFromEdges([1, 1], [[0, 1]]));
    expect(preds(g, 0)).toEqual([1]);
    expect(succs(g, 1)).toEqual([0]);
  });
});

describe('graphFromPlan', () => {
  const plan = testPlan([
    {id: 'a', minutes: 10},
    {id: 'b', minutes: 20, needs: ['a', 'a', ['a', 'prose']]},
    {id: 'c', needs: [['a', 'group-barrier']], priority: 'critical'},
    {id: 'd', minutes: 5, needs: [['c', 'sequential-order'], 'b'], priority: 'low'},
  ]);

  it('uses estimates, and the default for tasks without one', () => {
    const g = graphFromPlan(plan, {barriers: true});
    expect(Array.from(g.durations)).toEqual([600_000, 1_200_000, 1_800_000, 300_000]);
  });

  it('deduplicates the same dependency written several times', () => {
    const g = graphFromPlan(plan, {barriers: true});
    expect(preds(g, 1)).toEqual([0]);
  });

  it('keeps barrier and sequential edges with barriers: true', () => {
    const g = graphFromPlan(plan, {barriers: true});
    expect(preds(g, 2)).toEqual([0]);
    expect(preds(g, 3)).toEqual([1, 2]);
  });

  it('drops barrier and sequential edges with barriers: false', () => {
    const g = graphFromPlan(plan, {barriers: false});
    expect(preds(g, 2)).toEqual([]);
    expect(preds(g, 3)).toEqual([1]);
  });

  it('ranks by priority, then file order', () => {
    const g = graphFromPlan(plan, {barriers: true});
    // c is critical, a and b medium (file order), d low.
    expect(Array.from(g.rank)).toEqual([1, 2, 0, 3]);
  });

  it('builds a large graph (100,000 tasks, 300,000 edges)', () => {
    const n = 100_000;
    const durations = new Array<number>(n).fill(1);
    const edges: [number, number][] = [];
    let x = 12345;
    for (let i = 1; i < n; i++) {
      for (let k = 0; k < 3; k++) {
        x = (x * 1103515245 + 12345) % 2147483648;
        edges.push([x % i, i]);
      }
    }
    const g = graphFromEdges(durations, edges);
    expect(g.n).toBe(n);
    expect(g.predList.length).toBeLessThanOrEqual(edges.length);
    expect(g.succList.length).toBe(g.predList.length);
  });
});
