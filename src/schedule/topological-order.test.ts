import {describe, expect, it} from 'vitest';
import {graphFromEdges, graphFromPlan} from './task-graph.js';
import {topologicalOrder} from './topological-order.js';
import {testPlan} from './test-plan.js';

describe('topologicalOrder', () => {
  it('keeps file order where edges allow', () => {
    expect(Array.from(topologicalOrder(graphFromEdges([1, 1, 1, 1], [])))).toEqual([0, 1, 2, 3]);
  });

  it('puts a task after everything it needs', () => {
    expect(Array.from(topologicalOrder(graphFromEdges([1, 1, 1], [[2, 0], [1, 0]])))).toEqual([1, 2, 0]);
  });

  it('prefers higher priority among ready tasks', () => {
    const plan = testPlan([{id: 'a'}, {id: 'b', priority: 'critical'}, {id: 'c', needs: ['a'], priority: 'critical'}]);
    const g = graphFromPlan(plan, {barriers: true});
    expect(Array.from(topologicalOrder(g), (i) => g.ids[i])).toEqual(['b', 'a', 'c']);
  });

  it('throws an internal error on a cycle, naming tasks on it', () => {
    expect(() => topologicalOrder(graphFromEdges([1, 1, 1], [[0, 1], [1, 2], [2, 1]]))).toThrow(/Internal error: .*cycle.*1, 2/);
  });
});
