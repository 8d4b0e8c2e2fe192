import {isAbsolute, relative} from 'node:path';
import type {RunEvent, TaskId} from '../../model/index.js';
import {EXIT_OK, EXIT_USAGE} from '../exit-codes.js';
import type {CliIo} from '../io.js';
import {withRun} from '../state.js';

export interface ClearOptions {
  readonly state?: string;
  readonly run?: string;
  readonly downstream?: boolean;
  readonly failedOnly?: boolean;
}

const FAILED = new Set(['failed', 'upstream_failed', 'cancelled']);

/** `paraplan clear TASK...`: resets tasks of a run to pending, so the next `run --resume` runs them again. */
export async function clearCommand(taskArgs: readonly string[], options: ClearOptions, io: CliIo): Promise<number> {
  return withRun(io, {state: options.state, run: options.run}, async (store, run) => {
    if (run.status === 'running') {
      io.err(`error: run ${run.id} is running; cancel it first (\`paraplan cancel ${run.id}\`) or wait for it to finish\n`);
      return EXIT_USAGE;
    }
    const tasks = await store.tasks(run.id);
    const byId = new Map(tasks.map((t) => [t.task as string, t]));
    const unknown = taskArgs.filter((t) => !byId.has(t));
    if (unknown.length) {
      io.err(`error: run ${run.id} has no task ${unknown.map((u) => `"${u}"`).join(', ')}\n`);
      return EXIT_USAGE;
    }
    const chosen = new Set<TaskId>(taskArgs as TaskId[]);
    if (options.downstream) {
      const dependants = new Map<string, TaskId[]>();
      for (const t of tasks) for (const d of t.needs) dependants.set(d, [...(dependants.get(d) ?? []), t.task]);
      const queue = [...chosen];
      while (queue.length) for (const n of dependants.get(queue.pop()!) ?? []) if (!chosen.has(n)) chosen.add(n), queue.push(n);
    }
    const reset = [...chosen].filter((id) => {
      const t = byId.get(id)!;
      if (t.status === 'pending') return false;
      if (t.status === 'skipped' && t.reason === 'not-selected') return false;
      return options.failedOnly ? FAILED.has(t.status) : true;
    });
    const at = Date.now();
    const events: RunEvent[] = reset.map((task) => ({type: 'task', reason: 'reset', run: run.id, at, task, status: 'pending', message: `was ${byId.get(task)!.status}; cleared by paraplan clear`}));
    await store.append(events);
    if (reset.length === 0) io.out(`nothing to clear in run ${run.id}\n`);
    else io.out(`cleared ${reset.length} task${reset.length === 1 ? '' : 's'} of run ${run.id}: ${reset.join(', ')}\nrun them again with: paraplan run ${planArg(run.planFile, io.cwd)} --resume ${run.id}${stateArg(options.state)}\n`);
    return EXIT_OK;
  });
}

/**
 * The run's plan file as the user would type it: relative to the current folder when that is shorter, quoted
 * when the shell needs it. `PLAN` only for a run that did not come from a file.
 */
export function planArg(planFile: string | undefined, cwd: string): string {
  if (planFile === undefined) return 'PLAN';
  const rel = isAbsolute(planFile) ? relative(cwd, planFile) : planFile;
  const path = rel !== '' && rel.length < planFile.length ? rel : planFile;
  return shellWord(path);
}

function stateArg(state: string | undefined): string {
  return state !== undefined ? ` --state ${shellWord(state)}` : '';
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
