import type {RunEvent, RunId, TaskId, VerifyResult} from '../../src/model/index.js';
import {runId, taskId} from '../../src/model/index.js';
import type {NewTask, RunStore} from '../../src/store/index.js';
import {logPathFor} from '../../src/store/index.js';

/** A fixed clock: the run starts here; every time below is an offset from it. */
export const T0 = Date.UTC(2025, 0, 2, 10, 0, 0);
export const RUN = runId('r20250102-100000-abcd');
export const PREVIOUS = runId('r20250101-100000-zzzz');
export const PLAN_FILE = '/work/plans/mixed.yaml';

const id = (s: string): TaskId => taskId(s);

/** The tasks of the mixed run, in plan order. */
export const TASKS: readonly NewTask[] = [
  {task: id('setup'), position: 0, title: 'Set up the database', needs: [], executor: 'shell'},
  {task: id('lint'), position: 1, title: 'Lint <script>window.pwned=1</script>', needs: [], executor: 'shell'},
  {task: id('slow'), position: 2, title: 'Slow integration suite', needs: [], executor: 'shell'},
  {task: id('deploy'), position: 3, title: 'Deploy', needs: [id('lint'), id('setup')], executor: 'shell'},
  {task: id('flaky'), position: 4, title: 'Flaky e2e', needs: [], executor: 'shell'},
  {task: id('build'), position: 5, title: 'Build', needs: [id('setup')], executor: 'shell'},
  {task: id('docs'), position: 6, title: 'Docs', needs: [], executor: 'shell'},
  {task: id('pkg/api:v2'), position: 7, title: 'API v2 by an agent', needs: [id('build')], executor: 'claude'},
  {task: id('notify'), position: 8, title: 'Notify', needs: [id('pkg/api:v2')], executor: 'shell'},
  {task: id('release'), position: 9, title: 'Release', needs: [id('deploy')], executor: 'shell'},
];

const verify = (name: string, exitCode: number, out: string, durationMs = 100): VerifyResult => ({name, command: name, exitCode, durationMs, outputTail: out});

interface AttemptSpec {
  task: string;
  n: number;
  worker: number;
  start: number;
  end: number;
  outcome: 'ok' | 'exit_nonzero' | 'timeout' | 'verify_failed' | 'cancelled';
  exitCode: number | null;
  verify?: VerifyResult[];
  out?: string;
  extra?: Partial<Extract<RunEvent, {type: 'attempt'; reason: 'finished'}>>;
  worktree?: {path: string; branch: string; base: string};
}

function attemptEvents(run: RunId, a: AttemptSpec): RunEvent[] {
  const task = id(a.task);
  return [
    {type: 'attempt', reason: 'started', run, at: T0 + a.start, task, attempt: a.n, worker: a.worker, logPath: logPathFor(run, task, a.n), ...(a.worktree ? {worktree: a.worktree} : {})},
    {type: 'attempt', reason: 'spawned', run, at: T0 + a.start + 1, task, attempt: a.n, pid: 4000 + a.start},
    {
      type: 'attempt',
      reason: 'finished',
      run,
      at: T0 + a.end,
      task,
      attempt: a.n,
      outcome: a.outcome,
      exitCode: a.exitCode,
      durationMs: a.end - a.start,
      verify: a.verify ?? [],
      ...(a.out !== undefined ? {outputTail: a.out} : {}),
      ...(a.outcome !== 'ok' ? {message: `attempt ${a.n} of ${a.task} ended: ${a.outcome}`} : {}),
      ...a.extra,
    },
  ];
}

const taskEvent = (run: RunId, at: number, task: string, status: Extract<RunEvent, {type: 'task'}>['status'], reason: string, more: Partial<Extract<RunEvent, {type: 'task'}>> = {}): RunEvent => ({
  type: 'task',
  reason,
  run,
  at: T0 + at,
  task: id(task),
  status,
  ...more,
});

/**
 * Fills a real store with a run of every outcome, written as the engine writes it (through `append`):
 * - `setup` succeeded, verified; `build` succeeded without verify (completed, unverified);
 * - `lint` failed verification (its title and output hold `<script>`); `slow` timed out;
 * - `deploy` upstream_failed; `release` upstream_failed behind it; `docs` skipped (done in the plan);
 * - `flaky` failed once, retried, then succeeded verified;
 * - `pkg/api:v2` (an agent) succeeded verified, with a branch, commits, changes, tokens and cost;
 * - `notify` was cancelled while running (the run finished `failed` on 2 workers after 10 s).
 */
export async function fillMixedRun(store: RunStore, run: RunId = RUN, options: {startAt?: number} = {}): Promise<void> {
  const shift = options.startAt ?? 0;
  await store.createRun({
    id: run,
    planName: 'mixed',
    planFile: PLAN_FILE,
    workers: 2,
    options: {failFast: false, redoDone: false},
    startedAt: T0 + shift,
    lease: {owner: 'o', pid: 1, host: 'h', expiresAt: T0 + 60_000},
    tasks: TASKS,
  });
  const e: RunEvent[] = [];
  const s = (ms: number): number => shift + ms;
  e.push({type: 'run', reason: 'started', run, at: T0 + s(0), resumed: false, planName: 'mixed', planFile: PLAN_FILE, tasks: TASKS.length, workers: 2, predictedMs: 9000, pid: 1, host: 'h'});
  e.push(taskEvent(run, s(0), 'docs', 'skipped', 'done-in-plan', {message: 'done in the plan', satisfied: true}));
  e.push(...attemptEvents(run, {task: 'setup', n: 1, worker: 0, start: s(0), end: s(2000), outcome: 'ok', exitCode: 0, verify: [verify('db-ping', 0, 'pong')], out: 'setting up'}));
  e.push(taskEvent(run, s(2000), 'setup', 'succeeded', 'attempt-ok'));
  e.push(
    ...attemptEvents(run, {
      task: 'lint',
      n: 1,
      worker: 1,
      start: s(0),
      end: s(1000),
      outcome: 'verify_failed',
      exitCode: 0,
      verify: [verify('eslint', 1, '<script>window.pwned=2</script>\n3 problems (3 errors)')],
      out: 'linting\n<script>window.pwned=3</script>',
    }),
  );
  e.push(taskEvent(run, s(1000), 'lint', 'failed', 'attempt-failed', {message: 'verification failed: eslint exited with 1'}));
  e.push(taskEvent(run, s(1000), 'deploy', 'upstream_failed', 'upstream-failed', {message: 'dependency "lint" failed'}));
  e.push(taskEvent(run, s(1000), 'release', 'upstream_failed', 'upstream-failed', {message: 'dependency "deploy" failed'}));
  e.push(...attemptEvents(run, {task: 'flaky', n: 1, worker: 1, start: s(1000), end: s(1500), outcome: 'exit_nonzero', exitCode: 3, out: 'first fails'}));
  e.push(taskEvent(run, s(1500), 'flaky', 'retry_wait', 'retry-scheduled', {retryAt: T0 + s(1600)}));
  e.push(...attemptEvents(run, {task: 'flaky', n: 2, worker: 1, start: s(1600), end: s(2600), outcome: 'ok', exitCode: 0, verify: [verify('e2e', 0, '12 passed')]}));
  e.push(taskEvent(run, s(2600), 'flaky', 'succeeded', 'attempt-ok'));
  e.push(...attemptEvents(run, {task: 'build', n: 1, worker: 0, start: s(2000), end: s(3000), outcome: 'ok', exitCode: 0, out: 'built'}));
  e.push(taskEvent(run, s(3000), 'build', 'succeeded', 'attempt-ok'));
  e.push(...attemptEvents(run, {task: 'slow', n: 1, worker: 1, start: s(2600), end: s(5600), outcome: 'timeout', exitCode: null, out: 'still waiting for the database'}));
  e.push(taskEvent(run, s(5600), 'slow', 'failed', 'attempt-failed', {message: 'Command timed out after 3000 milliseconds: make slow'}));
  e.push(
    ...attemptEvents(run, {
      task: 'pkg/api:v2',
      n: 1,
      worker: 0,
      start: s(3000),
      end: s(7000),
      outcome: 'ok',
      exitCode: 0,
      verify: [verify('api-tests', 0, '40 passed'), verify('typecheck', 0, '')],
      worktree: {path: '/tmp/wt/api', branch: 'paraplan/api-v2', base: 'main'},
      extra: {
        result: 'Added the v2 router and 40 tests.',
        usage: {inputTokens: 12000, outputTokens: 3400, costUsd: 0.42, model: 'claude-x'},
        changes: {commits: ['abc1234', 'def5678'], filesChanged: 5, insertions: 120, deletions: 7},
      },
    }),
  );
  e.push(taskEvent(run, s(7000), 'pkg/api:v2', 'succeeded', 'attempt-ok'));
  e.push(...attemptEvents(run, {task: 'notify', n: 1, worker: 0, start: s(7000), end: s(10_000), outcome: 'cancelled', exitCode: null}));
  e.push({type: 'run', reason: 'cancel-requested', run, at: T0 + s(9000), by: 'command'});
  e.push(taskEvent(run, s(10_000), 'notify', 'cancelled', 'run-cancelled', {message: 'the run was cancelled'}));
  e.push({type: 'run', reason: 'finished', run, at: T0 + s(10_000), status: 'failed', counts: {succeeded: 4, failed: 2, upstream_failed: 2, skipped: 1, cancelled: 1}, durationMs: 10_000});
  await store.append(e);
}

/** An earlier run of the same plan: everything failed fast but `setup`. */
export async function fillPreviousRun(store: RunStore): Promise<void> {
  const run = PREVIOUS;
  const startAt = -86_400_000;
  await store.createRun({
    id: run,
    planName: 'mixed',
    planFile: PLAN_FILE,
    workers: 2,
    options: {failFast: true, redoDone: false},
    startedAt: T0 + startAt,
    lease: {owner: 'o', pid: 1, host: 'h', expiresAt: T0},
    tasks: TASKS,
  });
  const e: RunEvent[] = [];
  e.push({type: 'run', reason: 'started', run, at: T0 + startAt, resumed: false, planName: 'mixed', planFile: PLAN_FILE, tasks: TASKS.length, workers: 2, pid: 1, host: 'h'});
  e.push(...attemptEvents(run, {task: 'setup', n: 1, worker: 0, start: startAt, end: startAt + 3000, outcome: 'ok', exitCode: 0}));
  e.push(taskEvent(run, startAt + 3000, 'setup', 'succeeded', 'attempt-ok'));
  e.push(...attemptEvents(run, {task: 'lint', n: 1, worker: 1, start: startAt, end: startAt + 1000, outcome: 'exit_nonzero', exitCode: 2}));
  e.push(taskEvent(run, startAt + 1000, 'lint', 'failed', 'attempt-failed'));
  for (const t of ['slow', 'deploy', 'flaky', 'build', 'docs', 'pkg/api:v2', 'notify', 'release']) e.push(taskEvent(run, startAt + 3000, t, 'cancelled', 'fail-fast'));
  e.push({type: 'run', reason: 'finished', run, at: T0 + startAt + 3000, status: 'failed', counts: {}, durationMs: 3000});
  await store.append(e);
}
