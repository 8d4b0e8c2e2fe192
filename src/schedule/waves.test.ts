import {describe, expect, it} from 'vitest';
import {graphFromEdges} from './task-graph.js';
import {waves} from './waves.js';

describe('waves', () => {
  it('levels a diamond into three waves', () => {
    const g = graphFromEdges([1, 1, 1, 1], [[0, 1], [0, 2], [1, 3], [2, 3]]);
    expect(waves(g)).toEqual([
      {index: 0, tasks: ['0']},
      {index: 1, tasks: ['1', '2']},
      {index: 2, tasks: ['3']},
    ]);
  });

  it('puts a task in the wave after its longest chain of predecessors', () => {
    // 0 -> 1 -> 2 -> 3, and 0 -> 3 directly: 3 is still in wave 3.
    const g = graphFromEdges([1, 1, 1, 1, 1], [[0, 1], [1, 2], [2, 3], [0, 3]]);
    expect(waves(g).map((w) => w.tasks)).toEqual([['0', '4'], ['1'], ['2'], ['3']]);
  });

  it('gives no waves for an empty graph', () => {
    expect(waves(graphFromEdges([], []))).toEqual([]);
  });
});
