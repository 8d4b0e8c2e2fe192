/** A task id as written in a plan: letters, digits and `._:/-`, starting with a letter or digit. */
export type TaskId = string & {readonly __brand: 'TaskId'};
/** A run id: `r` + a sortable timestamp + a random suffix. */
export type RunId = string & {readonly __brand: 'RunId'};
/** An attempt id: `<run>/<task>#<n>`. */
export type AttemptId = string & {readonly __brand: 'AttemptId'};

const TASK_ID = /^[\p{L}\p{N}][\p{L}\p{N}._:/@+-]*$/u;

/** The longest task id accepted. Longer ids make unreadable branches and logs. */
export const MAX_TASK_ID_LENGTH = 128;

/** True when `text` can be used as a task id as it is. */
export function isTaskId(text: string): boolean {
  return text.length > 0 && text.length <= MAX_TASK_ID_LENGTH && TASK_ID.test(text) && !text.includes('..');
}

/** The only way to make a TaskId: checks the text. */
export function taskId(text: string): TaskId {
  if (!isTaskId(text)) throw new Error(`Internal error: not a valid task id: ${JSON.stringify(text)}`);
  return text as TaskId;
}

/** Turns arbitrary text into a valid task id (for importers): keeps what is allowed, dashes the rest. */
export function slugTaskId(text: string): TaskId | undefined {
  const slug = text
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}._:/@+-]+/gu, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[^\p{L}\p{N}]+|[-.]+$/gu, '')
    .slice(0, MAX_TASK_ID_LENGTH);
  return isTaskId(slug) ? (slug as TaskId) : undefined;
}

const RUN_ID = /^r[0-9]{8}-[0-9]{6}-[a-z0-9]{4}$/;

export function isRunId(text: string): boolean {
  return RUN_ID.test(text);
}

export function runId(text: string): RunId {
  if (!isRunId(text)) throw new Error(`Internal error: not a valid run id: ${JSON.stringify(text)}`);
  return text as RunId;
}

/** Makes a new run id from a clock reading and a random source (both passed in: the model does no I/O). */
export function newRunId(now: Date, random: () => number): RunId {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const stamp = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  let suffix = '';
  for (let i = 0; i < 4; i++) suffix += '0123456789abcdefghijklmnopqrstuvwxyz'[Math.floor(random() * 36)];
  return runId(`r${stamp}-${suffix}`);
}

export function attemptId(run: RunId, task: TaskId, n: number): AttemptId {
  return `${run}/${task}#${n}` as AttemptId;
}
