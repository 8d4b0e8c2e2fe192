import type {ExecutorKind} from '../model/index.js';
import type {Executor} from './executor.js';

/** The executors a run may use, by kind. */
export type ExecutorRegistry = ReadonlyMap<ExecutorKind, Executor>;

/** Builds a registry; a kind given twice is a bug. */
export function executorRegistry(executors: readonly Executor[]): ExecutorRegistry {
  const map = new Map<ExecutorKind, Executor>();
  for (const e of executors) {
    if (map.has(e.kind)) throw new Error(`Internal error: two executors of kind ${e.kind}`);
    map.set(e.kind, e);
  }
  return map;
}
