import {formatDuration} from '../../model/index.js';
import {runActiveTime} from '../../report/index.js';
import {EXIT_OK} from '../exit-codes.js';
import {paint, type CliIo} from '../io.js';
import {observeRun, withStore} from '../state.js';

export interface RunsOptions {
  readonly state?: string;
  readonly json?: boolean;
  readonly limit?: number;
}

/** `paraplan runs`: the runs of a state folder, newest first. */
export async function runsCommand(options: RunsOptions, io: CliIo): Promise<number> {
  return withStore(io, options.state, async (store) => {
    const runs = await Promise.all((await store.listRuns({limit: options.limit ?? 20})).map((r) => observeRun(store, r)));
    const now = Date.now();
    // Wall time is the runner sessions' active time: the idle gap before a `--resume` is not the run's time.
    const active = await Promise.all(runs.map(async (r) => runActiveTime(r, await store.events(r.id), now)));
    if (options.json) {
      // Each run record as stored, plus `wallMs` (sum of its sessions' active time) and `sessions` (1 + resumes).
      io.out(JSON.stringify(runs.map((r, i) => ({...r, wallMs: active[i]!.activeMs, sessions: active[i]!.sessions.length})), null, 2) + '\n');
      return EXIT_OK;
    }
    if (runs.length === 0) {
      io.out('no runs yet; start one with `paraplan run PLAN`\n');
      return EXIT_OK;
    }
    io.out(paint(io, 'gray', `${'RUN'.padEnd(24)}  ${'STATUS'.padEnd(11)}  ${'STARTED'.padEnd(19)}  ${'TIME'.padEnd(7)}  ${'TASKS'.padEnd(6)}  PLAN`) + '\n');
    runs.forEach((r, i) => {
      const a = active[i]!;
      const started = new Date(r.startedAt).toISOString().replace('T', ' ').slice(0, 19);
      // `1.0s×2`: the active time of 2 runner sessions (a run and its resume).
      const time = `${formatDuration(a.activeMs)}${a.sessions.length > 1 ? `×${a.sessions.length}` : ''}`;
      io.out(`${r.id.padEnd(24)}  ${r.status.padEnd(11)}  ${started}  ${time.padEnd(7)}  ${String(r.taskCount).padEnd(6)}  ${r.planName}\n`);
    });
    if (active.some((a) => a.sessions.length > 1)) io.out(paint(io, 'gray', 'TIME is the runners\' active time; ×N: over N runner sessions (a run and its resumes), idle time between them not counted') + '\n');
    return EXIT_OK;
  });
}
