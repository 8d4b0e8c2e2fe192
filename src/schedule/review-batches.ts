import type {Plan, TaskId} from '../model/index.js';

/** Consecutive tasks whose changes can be reviewed together. */
export interface ReviewBatch {
  /** From 0. */
  readonly index: number;
  /** In the order given (a topological order). */
  readonly tasks: TaskId[];
  /** Sum of the tasks' estimated lines changed (`task.size`; 0 for tasks without one). */
  readonly loc: number;
  /** True when the batch is one task larger than the limit on its own. */
  readonly oversized: boolean;
}

/** The result of {@link reviewBatches}. */
export interface ReviewBatches {
  readonly batches: ReviewBatch[];
  /** Tasks without a size: counted as 0 lines, so their batch may be larger than it looks. */
  readonly unsized: TaskId[];
}

/**
 * Cuts tasks, in the given (topological) order, into consecutive batches of at most
 * `maxLoc` estimated lines each. A task above `maxLoc` gets a batch of its own, flagged
 * `oversized`. Ids not in the plan are an internal error.
 */
export function reviewBatches(plan: Plan, order: readonly TaskId[], maxLoc: number): ReviewBatches {
  if (!(maxLoc > 0) || !Number.isFinite(maxLoc)) {
    throw new Error(`Expected \`maxLoc\` to be a positive number, got \`${String(maxLoc)}\` (${typeof maxLoc})`);
  }
  const batches: ReviewBatch[] = [];
  const unsized: TaskId[] = [];
  let tasks: TaskId[] = [];
  let loc = 0;
  const close = (oversized: boolean): void => {
    if (tasks.length > 0) batches.push({index: batches.length, tasks, loc, oversized});
    tasks = [];
    loc = 0;
  };
  for (const id of order) {
    const task = plan.tasks.get(id);
    if (!task) throw new Error(`Internal error: review batches got task "${id}", which is not in plan "${plan.name}"`);
    if (task.size === undefined) unsized.push(id);
    const size = task.size ?? 0;
    if (size > maxLoc) {
      close(false);
      tasks.push(id);
      loc = size;
      close(true);
      continue;
    }
    if (loc + size > maxLoc) close(false);
    tasks.push(id);
    loc += size;
  }
  close(false);
  return {batches, unsized};
}
