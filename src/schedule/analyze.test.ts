import {describe, expect, it} from 'vitest';
import {analyzePlan} from './analyze.js';
import {testPlan} from './test-plan.js';

const H = 60;

describe('analyzePlan', () => {
  // Two batches: batch 2 waits for all of batch 1 (barrier), though only c needs a.
  const plan = testPlan([
    {id: 'a', minutes: 2 * H},
    {id: 'b', minutes: 1 * H},
    {id: 'c', minutes: 1 * H, needs: ['a', ['b', 'group-barrier']]},
    {id: 'd', minutes: 1 * H, needs: [['a', 'group-barrier'], ['b', 'group-barrier']], priority: 'high'},
    {id: 'e', needs: ['c'], done: true},
  ]);
  const analysis = analyzePlan(plan, {workers: 2, timeBudgetMs: 50});

  it('orders tasks topologically, by priority where free', () => {
    expect(analysis.order).toEqual(['a', 'b', 'd', 'c', 'e']);
  });

  it('levels the plan into waves', () => {
    expect(analysis.waves.map((w) => w.tasks)).toEqual([['a', 'b'], ['d', 'c'], ['e']]);
  });

  it('reports the critical path, slack and sequential time, counting done tasks', () => {
    expect(analysis.critical.path).toEqual(['a', 'c', 'e']);
    expect(analysis.unlimitedMs).toBe((2 * H + H + 30) * 60_000);
    expect(analysis.sequentialMs).toBe((2 * H + 3 * H + 30) * 60_000);
    expect(analysis.critical.timing.get(analysis.order[2]!)).toEqual({
      es: 120 * 60_000,
      ef: 180 * 60_000,
      ls: 150 * 60_000,
      lf: 210 * 60_000,
      slack: 30 * 60_000,
    });
  });

  it('schedules on the workers asked for, with task ids', () => {
    expect(analysis.schedule.workers).toBe(2);
    expect(analysis.schedule.makespan).toBe(analysis.unlimitedMs);
    expect(analysis.schedule.slots.map((s) => s.task).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('shows what the barriers cost', () => {
    expect(analysis.withoutBarriers?.unlimitedMs).toBe(analysis.unlimitedMs);
    // x (2h) in one group, y (1h) behind a barrier on it, z needs y: 4h with the barrier, 2h without.
    const barrier = analyzePlan(testPlan([{id: 'x', minutes: 120}, {id: 'y', minutes: 60, needs: [['x', 'group-barrier']]}, {id: 'z', minutes: 60, needs: ['y']}]), {workers: 2, timeBudgetMs: 10});
    expect(barrier.unlimitedMs).toBe(240 * 60_000);
    expect(barrier.withoutBarriers?.unlimitedMs).toBe(120 * 60_000);
    const noBarriers = analyzePlan(testPlan([{id: 'a'}, {id: 'b', needs: ['a']}]), {workers: 1, timeBudgetMs: 10});
    expect(noBarriers.withoutBarriers).toBeUndefined();
  });

  it('lists tasks that used the default estimate', () => {
    expect(analysis.defaultEstimateTasks).toEqual(['e']);
  });

  it('dispatches by longest path to the end, barriers included', () => {
    // b leads to c through the barrier, so it outranks d despite d's higher priority.
    expect([...analysis.dispatchRank.entries()].sort((x, y) => x[1] - y[1]).map(([id]) => id)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('includes a what-if table starting at one worker', () => {
    expect(analysis.whatIf[0]).toMatchObject({workers: 1, makespan: analysis.sequentialMs, speedup: 1});
  });
});
