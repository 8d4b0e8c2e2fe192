import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {graphFromEdges, graphFromPlan} from './task-graph.js';
import {quickTopologicalOrder, topologicalOrder} from './topological-order.js';
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

  it('equals a plain stable Kahn order, with or without the file-order shortcut', () => {
    // Random DAGs: edges from an earlier to a later place of a random permutation (the identity half the time,
    // which takes the shortcut).
    const dag = fc.integer({min: 1, max: 30}).chain((n) =>
      fc.record({
        n: fc.constant(n),
        perm: fc.oneof(fc.constant([...Array(n).keys()]), fc.shuffledSubarray([...Array(n).keys()], {minLength: n, maxLength: n})),
        pairs: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), {maxLength: 3 * n}),
      }),
    );
    fc.assert(
      fc.property(dag, ({n, perm, pairs}) => {
        const edges = pairs.filter(([a, b]) => a !== b).map(([a, b]) => (a < b ? [perm[a]!, perm[b]!] : [perm[b]!, perm[a]!]) as [number, number]);
        const g = graphFromEdges(new Array<number>(n).fill(1), edges);
        const preds = Array.from({length: n}, (_, i) => edges.filter(([, b]) => b === i).map(([a]) => a));
        const placed = new Set<number>();
        const expected: number[] = [];
        while (expected.length < n) {
          const next = [...Array(n).keys()].find((i) => !placed.has(i) && preds[i]!.every((p) => placed.has(p)))!;
          placed.add(next);
          expected.push(next);
        }
        expect(Array.from(topologicalOrder(g))).toEqual(expected);
        const quick = Array.from(quickTopologicalOrder(g));
        const at = new Map(quick.map((t, k) => [t, k]));
        for (const [a, b] of edges) expect(at.get(a)!).toBeLessThan(at.get(b)!);
      }),
      {numRuns: 300},
    );
  });
});
