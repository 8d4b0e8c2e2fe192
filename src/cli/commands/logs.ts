import {closeSync, existsSync, openSync, readSync, statSync} from 'node:fs';
import {join} from 'node:path';
import type {TaskId} from '../../model/index.js';
import type {RunStore} from '../../store/index.js';
import {EXIT_OK, EXIT_USAGE} from '../exit-codes.js';
import type {CliIo} from '../io.js';
import {withRun} from '../state.js';

export interface LogsOptions {
  readonly state?: string;
  readonly run?: string;
  readonly attempt?: number;
  readonly follow?: boolean;
  /** Poll interval of --follow, ms. @default 200 */
  readonly pollMs?: number;
}

/** `paraplan logs TASK`: the output of a task's last attempt (or `--attempt N`); `--follow` while it runs. */
export async function logsCommand(task: string, options: LogsOptions, io: CliIo): Promise<number> {
  return withRun(io, {state: options.state, run: options.run}, async (store, run, stateDir) => {
    const tasks = await store.tasks(run.id);
    if (!tasks.some((t) => t.task === task)) {
      io.err(`error: run ${run.id} has no task "${task}"\n`);
      return EXIT_USAGE;
    }
    const attempts = await store.attempts(run.id, task as TaskId);
    if (attempts.length === 0) {
      io.err(`task "${task}" has not run in run ${run.id} (no attempts)\n`);
      return EXIT_USAGE;
    }
    const attempt = options.attempt === undefined ? attempts[attempts.length - 1]! : attempts.find((a) => a.attempt === options.attempt);
    if (!attempt) {
      io.err(`error: task "${task}" has no attempt ${options.attempt} in run ${run.id} (it has ${attempts.map((a) => a.attempt).join(', ')})\n`);
      return EXIT_USAGE;
    }
    const path = join(stateDir, attempt.logPath);
    io.err(`# ${task}, attempt ${attempt.attempt} of run ${run.id}${attempt.outcome ? ` (${attempt.outcome})` : ' (running)'}: ${path}\n`);
    let offset = 0;
    const readMore = (): void => {
      if (!existsSync(path)) return;
      const size = statSync(path).size;
      if (size <= offset) return;
      const fd = openSync(path, 'r');
      try {
        const buf = Buffer.alloc(Math.min(size - offset, 1 << 20));
        while (offset < size) {
          const n = readSync(fd, buf, 0, Math.min(buf.length, size - offset), offset);
          if (n <= 0) break;
          io.out(buf.subarray(0, n).toString('utf8'));
          offset += n;
        }
      } finally {
        closeSync(fd);
      }
    };
    if (!existsSync(path) && !options.follow) {
      io.err(`the log file is gone (${path}); the stored tail:\n`);
      io.out(attempt.outputTail ?? '');
      return EXIT_OK;
    }
    readMore();
    if (options.follow) await follow(store, run.id, task as TaskId, attempt.attempt, readMore, options.pollMs ?? 200);
    return EXIT_OK;
  });
}

/** Polls the store until the attempt has an outcome, printing what the log gains meanwhile. */
async function follow(store: RunStore, run: Parameters<RunStore['attempts']>[0], task: TaskId, attempt: number, readMore: () => void, pollMs: number): Promise<void> {
  for (;;) {
    const a = (await store.attempts(run, task)).find((x) => x.attempt === attempt);
    const r = await store.getRun(run);
    readMore();
    if (!a || a.outcome !== undefined || !r || r.status !== 'running') return;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
