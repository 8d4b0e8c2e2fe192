// Generators of benchmark plans and graphs, shared by the benchmarks. Deterministic (seeded).

/** The scheduler's own seeded PRNG (mulberry32), so benchmark graphs are the same every time. */
import {seededRandom as rng} from '../dist/schedule/index.js';

export {rng};

/**
 * A layered DAG: `layers` layers of `tasks / layers` tasks, each task after the first layer needing
 * `fanIn` distinct random tasks of the layer before. Returns {ids, needs: number[][]}.
 */
export function layeredDag({tasks, layers, fanIn, seed = 1}) {
  const random = rng(seed);
  const per = Math.ceil(tasks / layers);
  const needs = [];
  for (let i = 0; i < tasks; i++) {
    const layer = Math.floor(i / per);
    if (layer === 0) {
      needs.push([]);
      continue;
    }
    const start = (layer - 1) * per;
    const size = Math.min(per, tasks - start, per);
    const picked = new Set();
    while (picked.size < Math.min(fanIn, size)) picked.add(start + Math.floor(random() * size));
    needs.push([...picked]);
  }
  return {ids: Array.from({length: tasks}, (_, i) => `t${i}`), needs};
}

/** A plan object (paraplan's written format) for a layered DAG. */
export function layeredPlan(options, task = () => ({})) {
  const {ids, needs} = layeredDag(options);
  const random = rng((options.seed ?? 1) + 7);
  return {
    name: `layered ${options.tasks}`,
    tasks: ids.map((id, i) => ({id, estimate: `${1 + Math.floor(random() * 30)}m`, needs: needs[i].map((j) => ids[j]), ...task(id, i)})),
  };
}
