import {describe, expect, it} from 'vitest';
import {graphFromEdges} from './task-graph.js';
import {bottomLevels, criticalPath, criticalPathTimes} from './critical-path.js';

describe('criticalPath', () => {
  it('finds the longer branch of a diamond and the slack of the shorter', () => {
    const g = graphFromEdges([1, 5, 2, 1], [[0, 1], [0, 2], [1, 3], [2, 3]]);
    const cp = criticalPath(g);
    expect(cp.length).toBe(7);
    expect(cp.path).toEqual(['0', '1', '3']);
    expect(cp.timing.get(g.ids[2]!)).toEqual({es: 1, ef: 3, ls: 4, lf: 6, slack: 3});
    expect(cp.timing.get(g.ids[3]!)).toEqual({es: 6, ef: 7, ls: 6, lf: 7, slack: 0});
  });

  it('is the sum along a chain', () => {
    const cp = criticalPath(graphFromEdges([2, 3, 4], [[0, 1], [1, 2]]));
    expect(cp.length).toBe(9);
    expect(cp.path).toEqual(['0', '1', '2']);
  });

  it('breaks ties between equal chains by rank', () => {
    const g = graphFromEdges([3, 3, 1], [[1, 2], [0, 2]]);
    expect(criticalPath(g).path).toEqual(['0', '2']);
  });

  it('gives slack to an independent short task', () => {
    const times = criticalPathTimes(graphFromEdges([10, 4], []));
    expect(Array.from(times.slack)).toEqual([0, 6]);
    expect(Array.from(times.path)).toEqual([0]);
  });

  it('follows zero-length tasks to the end of the path', () => {
    const cp = criticalPath(graphFromEdges([5, 0], [[0, 1]]));
    expect(cp.path).toEqual(['0', '1']);
  });

  it('is empty for an empty graph', () => {
    expect(criticalPath(graphFromEdges([], []))).toEqual({length: 0, path: [], timing: new Map()});
  });

  it('computes bottom levels including the own duration', () => {
    expect(Array.from(bottomLevels(graphFromEdges([1, 5, 2, 1], [[0, 1], [0, 2], [1, 3], [2, 3]])))).toEqual([7, 6, 3, 1]);
  });
});
