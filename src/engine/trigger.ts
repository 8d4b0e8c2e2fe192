import {unreachable, type TaskStatus, type TriggerRule} from '../model/index.js';

/**
 * How the dependencies of a task have ended so far, counted as they finish (O(1) per finished dependency,
 * so a gate over 10,000 tasks costs nothing).
 */
export interface DependencyCounts {
  /** Dependencies in total. */
  total: number;
  /** Finished: succeeded, failed, upstream_failed, skipped, cancelled. */
  done: number;
  /** `succeeded`, or `skipped` as satisfied (done in the plan, done in an earlier run). */
  success: number;
  /** `failed` or `upstream_failed`. */
  failed: number;
  /** `skipped` and not satisfied (a trigger rule skipped it). */
  skipped: number;
  cancelled: number;
}

export function emptyCounts(total: number): DependencyCounts {
  return {total, done: 0, success: 0, failed: 0, skipped: 0, cancelled: 0};
}

/** Adds one finished dependency to the counts. */
export function countFinished(counts: DependencyCounts, status: TaskStatus, satisfied: boolean): void {
  counts.done++;
  switch (status) {
    case 'succeeded':
      counts.success++;
      break;
    case 'skipped':
      if (satisfied) counts.success++;
      else counts.skipped++;
      break;
    case 'failed':
    case 'upstream_failed':
      counts.failed++;
      break;
    case 'cancelled':
      counts.cancelled++;
      break;
    case 'pending':
    case 'ready':
    case 'running':
    case 'retry_wait':
      throw new Error(`Internal error: counted a dependency that has not finished (${status})`);
    default:
      unreachable(status);
  }
}

/**
 * What a trigger rule says given the dependencies so far.
 * - `wait`: not decided yet (or a dependency was cancelled: the run is stopping).
 * - `ready`: the task may start.
 * - `upstream_failed` / `skipped`: the rule can never be met; the task ends so.
 *
 * Rules decide as early as they can: `one_success` is ready at the first success, `all_success` fails at the
 * first failure.
 */
export type TriggerDecision = 'wait' | 'ready' | 'upstream_failed' | 'skipped';

export function decideTrigger(rule: TriggerRule, c: DependencyCounts): TriggerDecision {
  if (c.total === 0) return 'ready';
  if (c.cancelled > 0) return 'wait';
  const all = c.done === c.total;
  switch (rule) {
    case 'all_success':
      if (c.failed > 0) return 'upstream_failed';
      if (c.skipped > 0) return 'skipped';
      return all ? 'ready' : 'wait';
    case 'all_done':
      return all ? 'ready' : 'wait';
    case 'none_failed':
      if (c.failed > 0) return 'upstream_failed';
      return all ? 'ready' : 'wait';
    case 'one_success':
      if (c.success > 0) return 'ready';
      if (!all) return 'wait';
      return c.failed > 0 ? 'upstream_failed' : 'skipped';
    case 'one_failed':
      if (c.failed > 0) return 'ready';
      return all ? 'skipped' : 'wait';
    default:
      return unreachable(rule);
  }
}
