import {describe, expect, it} from 'vitest';
import {taskId} from '../model/index.js';
import {reviewBatches} from './review-batches.js';
import {testPlan} from './test-plan.js';

const ids = (...xs: string[]) => xs.map(taskId);

describe('reviewBatches', () => {
  it('fills batches in order up to the limit', () => {
    const plan = testPlan([
      {id: 'a', size: 100},
      {id: 'b', size: 150},
      {id: 'c', size: 100},
      {id: 'd', size: 50},
    ]);
    expect(reviewBatches(plan, ids('a', 'b', 'c', 'd'), 250)).toEqual({
      batches: [
        {index: 0, tasks: ['a', 'b'], loc: 250, oversized: false},
        {index: 1, tasks: ['c', 'd'], loc: 150, oversized: false},
      ],
      unsized: [],
    });
  });

  it('gives a task above the limit its own flagged batch', () => {
    const plan = testPlan([{id: 'a', size: 10}, {id: 'big', size: 900}, {id: 'c', size: 10}]);
    expect(reviewBatches(plan, ids('a', 'big', 'c'), 100).batches).toEqual([
      {index: 0, tasks: ['a'], loc: 10, oversized: false},
      {index: 1, tasks: ['big'], loc: 900, oversized: true},
      {index: 2, tasks: ['c'], loc: 10, oversized: false},
    ]);
  });

  it('counts tasks without a size as 0 and reports them', () => {
    const plan = testPlan([{id: 'a', size: 100}, {id: 'b'}]);
    expect(reviewBatches(plan, ids('a', 'b'), 100)).toEqual({
      batches: [{index: 0, tasks: ['a', 'b'], loc: 100, oversized: false}],
      unsized: ['b'],
    });
  });

  it('rejects a limit that is not positive', () => {
    expect(() => reviewBatches(testPlan([]), [], 0)).toThrow(/Expected `maxLoc` to be a positive number, got `0`/);
  });

  it('gives no batches for no tasks', () => {
    expect(reviewBatches(testPlan([]), [], 10)).toEqual({batches: [], unsized: []});
  });
});
