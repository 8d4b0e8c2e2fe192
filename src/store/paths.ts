import type {RunId, TaskId} from '../model/index.js';

/** The state folder's name, beside the plan (or in the current folder). */
export const STATE_DIR_NAME = '.paraplan';
/** The SQLite file inside the state folder. */
export const DB_FILE_NAME = 'paraplan.db';

/**
 * Where an attempt's output goes, relative to the state folder: `logs/<run>/<task>.<attempt>.log`. Task ids may
 * hold `/` and `:`, so they are percent-encoded (unique, and readable for ordinary ids).
 */
export function logPathFor(run: RunId, task: TaskId, attempt: number): string {
  return `logs/${run}/${encodeURIComponent(task)}.${attempt}.log`;
}
