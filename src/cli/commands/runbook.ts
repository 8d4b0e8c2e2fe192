import {existsSync} from 'node:fs';
import {dirname, relative, resolve, sep} from 'node:path';
import {runActiveTime, runbookMarkdown, type RunbookHistoryRow} from '../../report/index.js';
import {analyzePlan} from '../../schedule/index.js';
import {EXIT_OK} from '../exit-codes.js';
import type {CliIo} from '../io.js';
import {readPlan} from '../read-plan.js';
import {openStore, stateDirFor} from '../state.js';
import {writeOutput} from '../write-output.js';
import {savedReportPath} from './report.js';

export interface RunbookCommandOptions {
  readonly workers?: number;
  readonly output?: string;
  readonly state?: string;
  readonly from?: string;
}

/** Past runs listed in the history. */
const HISTORY_RUNS = 50;

/** `paraplan runbook PLAN [-j N] [-o FILE] [--state DIR]`: the plan's runbook, with the history of its runs. */
export async function runbookCommand(file: string, options: RunbookCommandOptions, io: CliIo): Promise<number> {
  const read = await readPlan(file, {...(options.from ? {from: options.from} : {}), warnings: false}, io);
  if (!read.ok) return read.exitCode;
  const {plan} = read;
  // -j is checked by the command line (intOption) and concurrency by the plan schema: both are positive integers.
  const workers = options.workers ?? plan.concurrency;
  const analysis = analyzePlan(plan, {workers, timeBudgetMs: 500});
  const sequence = [...analysis.schedule.slots].sort((a, b) => a.start - b.start || a.worker - b.worker).map((s) => ({task: s.task, worker: s.worker, startMs: s.start, endMs: s.end}));
  const planFile = resolve(io.cwd, file);
  const stateDir = stateDirFor(io, options.state, file);
  const outDir = options.output !== undefined && options.output !== '-' ? dirname(resolve(io.cwd, options.output)) : io.cwd;
  const history: RunbookHistoryRow[] = [];
  if (existsSync(stateDir)) {
    const opened = openStore(stateDir, {create: false});
    if (opened.ok) {
      const store = opened.value;
      try {
        const runs = (await store.listRuns({limit: 1000})).filter((r) => r.planFile === planFile).slice(0, HISTORY_RUNS);
        for (const run of runs) {
          const tasks = await store.tasks(run.id);
          const active = runActiveTime(run, await store.events(run.id), Date.now());
          const saved = savedReportPath(stateDir, run.id);
          history.push({
            run: run.id,
            status: run.status,
            startedAt: run.startedAt,
            finishedAt: run.finishedAt ?? null,
            wallMs: active.activeMs,
            sessions: active.sessions.length,
            workers: run.workers,
            tasks: tasks.length,
            succeeded: tasks.filter((t) => t.status === 'succeeded').length,
            failed: tasks.filter((t) => t.status === 'failed').length,
            ...(existsSync(saved) ? {reportPath: relative(outDir, saved).split(sep).join('/')} : {}),
          });
        }
      } finally {
        store.close();
      }
    }
  }
  const text = runbookMarkdown({plan, planPath: file, workers, sequence, makespanMs: analysis.schedule.makespan, history, generatedAt: Date.now()});
  await writeOutput(text, options.output, io);
  return EXIT_OK;
}
