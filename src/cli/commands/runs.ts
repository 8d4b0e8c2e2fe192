import {formatDuration} from '../../model/index.js';
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
    if (options.json) {
      io.out(JSON.stringify(runs, null, 2) + '\n');
      return EXIT_OK;
    }
    if (runs.length === 0) {
      io.out('no runs yet; start one with `paraplan run PLAN`\n');
      return EXIT_OK;
    }
    const now = Date.now();
    io.out(paint(io, 'gray', `${'RUN'.padEnd(24)}  ${'STATUS'.padEnd(11)}  ${'STARTED'.padEnd(19)}  ${'TIME'.padEnd(7)}  ${'TASKS'.padEnd(6)}  PLAN`) + '\n');
    for (const r of runs) {
      const end = r.finishedAt ?? (r.status === 'running' ? now : undefined);
      const started = new Date(r.startedAt).toISOString().replace('T', ' ').slice(0, 19);
      io.out(`${r.id.padEnd(24)}  ${r.status.padEnd(11)}  ${started}  ${(end !== undefined ? formatDuration(end - r.startedAt) : '').padEnd(7)}  ${String(r.taskCount).padEnd(6)}  ${r.planName}\n`);
    }
    return EXIT_OK;
  });
}
