import {formatDuration, type TaskStatus} from '../../model/index.js';
import {activeTimeText, runActiveTime, type RunActiveTime} from '../../report/index.js';
import type {AttemptRecord, RunRecord, TaskRecord} from '../../store/index.js';
import {EXIT_OK} from '../exit-codes.js';
import {paint, type CliIo} from '../io.js';
import {withRun} from '../state.js';

export interface StatusOptions {
  readonly state?: string;
  readonly json?: boolean;
}

const STATUS_STYLE: Record<TaskStatus, 'green' | 'red' | 'yellow' | 'gray' | 'cyan' | 'bold'> = {
  succeeded: 'green',
  failed: 'red',
  upstream_failed: 'yellow',
  cancelled: 'yellow',
  skipped: 'gray',
  pending: 'gray',
  ready: 'cyan',
  running: 'cyan',
  retry_wait: 'yellow',
};

/** `paraplan status [RUN]`: the state of every task of a run (the latest by default). */
export async function statusCommand(runArg: string | undefined, options: StatusOptions, io: CliIo): Promise<number> {
  return withRun(io, {state: options.state, run: runArg}, async (store, run) => {
    const tasks = await store.tasks(run.id);
    const attempts = await store.attempts(run.id);
    if (options.json) {
      io.out(JSON.stringify({run, tasks, attempts}, null, 2) + '\n');
      return EXIT_OK;
    }
    const now = Date.now();
    io.out(statusText(run, tasks, attempts, runActiveTime(run, await store.events(run.id), now), io, now));
    return EXIT_OK;
  });
}

/**
 * The run in one line. Its time is the runner sessions' active time (`active`, from the run's events): the idle
 * time between an interrupted run and its `--resume` is not counted. Without `active`, finish − start.
 */
export function runHeadline(run: RunRecord, io: CliIo, now = Date.now(), active?: RunActiveTime): string {
  const end = run.finishedAt ?? (run.status === 'running' ? now : undefined);
  const took = active ? ` · ${activeTimeText(active, formatDuration)}` : end !== undefined ? ` · ${formatDuration(end - run.startedAt)}` : '';
  const style = run.status === 'succeeded' ? 'green' : run.status === 'running' ? 'cyan' : run.status === 'failed' ? 'red' : 'yellow';
  return `run ${run.id} of "${run.planName}": ${paint(io, style, run.status)} · started ${new Date(run.startedAt).toISOString().replace('T', ' ').slice(0, 19)}${took} · ${run.taskCount} task${run.taskCount === 1 ? '' : 's'} on ${run.workers} worker${run.workers === 1 ? '' : 's'}`;
}

/** How a count of tasks in a state is worded: the state's name, explained where it is not plain English. */
const STATUS_WORDS: Partial<Record<TaskStatus, string>> = {upstream_failed: 'upstream_failed (not run: a dependency failed)'};

function statusText(run: RunRecord, tasks: readonly TaskRecord[], attempts: readonly AttemptRecord[], active: RunActiveTime, io: CliIo, now: number): string {
  const last = new Map<string, AttemptRecord>();
  // A task's time, as in the report: the sum of its attempts' finished − started (verify included; one still
  // running counts to now).
  const spent = new Map<string, number>();
  for (const a of attempts) {
    last.set(a.task, a);
    spent.set(a.task, (spent.get(a.task) ?? 0) + Math.max(0, (a.finishedAt ?? (a.outcome === undefined ? now : a.startedAt + (a.durationMs ?? 0))) - a.startedAt));
  }
  const lines = [runHeadline(run, io, now, active)];
  const counts = new Map<TaskStatus, number>();
  for (const t of tasks) counts.set(t.status, (counts.get(t.status) ?? 0) + 1);
  lines.push(`  ${[...counts].map(([s, n]) => `${n} ${STATUS_WORDS[s] ?? s}`).join(', ')}`);
  const idWidth = Math.min(40, Math.max(4, ...tasks.map((t) => t.task.length)));
  lines.push(paint(io, 'gray', `  ${'TASK'.padEnd(idWidth)}  ${'STATUS'.padEnd(15)}  ${'TRIES'.padEnd(5)}  ${'TIME'.padEnd(7)}  NOTE`));
  for (const t of tasks) {
    const a = last.get(t.task);
    const time = a ? formatDuration(spent.get(t.task) ?? 0) : '';
    const note = t.status === 'running' && a?.pid ? `pid ${a.pid}` : (t.message ?? (t.status === 'skipped' ? (t.reason ?? '') : ''));
    lines.push(
      `  ${t.task.padEnd(idWidth)}  ${paint(io, STATUS_STYLE[t.status], t.status.padEnd(15))}  ${String(t.attempts || '').padEnd(5)}  ${time.padEnd(7)}  ${note.split('\n')[0]}`,
    );
  }
  return lines.join('\n') + '\n';
}
