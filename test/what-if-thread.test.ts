import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {WhatIfThread as SourceThread} from '../src/cli/what-if-thread.js';
import {graphFromEdges, listSchedule, whatIfWorkers} from '../src/schedule/index.js';
import {ROOT} from './helpers/cli.js';

/** 30,000 tasks in 30 layers of 1,000, each needing two tasks of the layer before: above the thread's threshold. */
function layered() {
  const per = 1000;
  const durations = Array.from({length: 30 * per}, (_, t) => 1 + ((t * 7919) % 13));
  const edges: [number, number][] = [];
  for (let t = per; t < durations.length; t++) {
    const base = (Math.floor(t / per) - 1) * per;
    edges.push([base + ((t * 31) % per), t], [base + ((t * 17 + 5) % per), t]);
  }
  return graphFromEdges(durations, edges);
}

describe('the what-if thread', () => {
  it('computes the rows the library computes on the main thread', async () => {
    // The built module: its worker is the compiled what-if-worker.js beside it (`npm test` builds first).
    const {WhatIfThread} = (await import(join(ROOT, 'dist/cli/what-if-thread.js'))) as {WhatIfThread: typeof SourceThread};
    const graph = layered();
    for (const workers of [8, 3]) {
      const main = listSchedule(graph, workers);
      const thread = new WhatIfThread();
      thread.send(graph, workers);
      const rows = await thread.rows(main);
      const expected = whatIfWorkers(graph, {known: new Map([[workers, main]])});
      expect(rows).toEqual(expected);
      expect(rows.map((r) => r.workers)).toEqual(expected.map((r) => r.workers));
      expect(rows.length).toBeGreaterThan(5);
    }
  });

  it('fails, for the caller to compute the rows itself, when the thread cannot run', async () => {
    // From the TypeScript sources the worker's .js file does not exist, so the thread fails to start.
    const thread = new SourceThread();
    thread.send(graphFromEdges([1, 2], []), 2);
    await expect(thread.rows({workers: 2, makespan: 2, optimal: true})).rejects.toThrow();
  });
});
