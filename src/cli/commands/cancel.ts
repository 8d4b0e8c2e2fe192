import {EXIT_OK, EXIT_USAGE} from '../exit-codes.js';
import type {CliIo} from '../io.js';
import {observeRun, withRun} from '../state.js';

export interface CancelOptions {
  readonly state?: string;
  /** Wait until the runner has stopped. */
  readonly wait?: boolean;
  /** Poll interval of --wait, ms. @default 200 */
  readonly pollMs?: number;
}

/** `paraplan cancel [RUN]`: asks the runner of a run (the latest by default) to cancel; it notices via the store. */
export async function cancelCommand(runArg: string | undefined, options: CancelOptions, io: CliIo): Promise<number> {
  return withRun(io, {state: options.state, run: runArg}, async (store, run) => {
    if (run.status !== 'running' || !(await store.requestCancel(run.id, Date.now()))) {
      io.err(`error: run ${run.id} is not running (it is ${run.status}); nothing to cancel\n`);
      return EXIT_USAGE;
    }
    io.out(`asked run ${run.id} to cancel; its runner stops the running tasks and records them\n`);
    if (!options.wait) return EXIT_OK;
    for (;;) {
      await new Promise((r) => setTimeout(r, options.pollMs ?? 200));
      const now = await store.getRun(run.id);
      if (!now) break;
      const seen = await observeRun(store, now);
      if (seen.status !== 'running') {
        io.out(`run ${run.id} is ${seen.status}\n`);
        break;
      }
    }
    return EXIT_OK;
  });
}
