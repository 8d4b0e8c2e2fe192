import {join} from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {openStore} from '../../src/cli/state.js';
import type {RunEvent, RunId, TaskId} from '../../src/model/index.js';
import {paraplan, tempDir} from '../helpers/cli.js';

/**
 * A run interrupted and resumed 20 s later, written into a real state folder as the engine writes it, then read
 * back by the built CLI: `runs`, `status`, `report` and `clear` must agree on its time and name its plan file.
 */
const RUN = 'r20250102-100000-gap1' as RunId;
const T0 = Date.UTC(2025, 0, 2, 10, 0, 0);
const A = 'quick' as TaskId;
const B = 'flaky' as TaskId;
const C = 'after' as TaskId;

let dir: string;

beforeAll(async () => {
  dir = tempDir({'plans/deploy plan.yaml': 'name: gap\ntasks:\n  - {id: quick, run: [true]}\n'}, 'paraplan-gap-');
  const opened = openStore(join(dir, '.paraplan'), {create: true});
  if (!opened.ok) throw new Error(opened.error);
  const store = opened.value;
  await store.createRun({
    id: RUN,
    planName: 'gap',
    planFile: join(dir, 'plans', 'deploy plan.yaml'),
    workers: 2,
    options: {failFast: false, redoDone: false},
    startedAt: T0,
    lease: {owner: 'o', pid: 1, host: 'elsewhere', expiresAt: T0 + 1000},
    tasks: [
      {task: A, position: 0, title: 'Quick', needs: [], executor: 'shell'},
      {task: B, position: 1, title: 'Flaky', needs: [], executor: 'shell'},
      {task: C, position: 2, title: 'After', needs: [B], executor: 'shell'},
    ],
  });
  const started = (at: number, resumed: boolean): RunEvent => ({type: 'run', reason: 'started', run: RUN, at: T0 + at, resumed, planName: 'gap', tasks: 3, workers: 2, pid: 1, host: 'elsewhere'});
  const events: RunEvent[] = [
    started(0, false),
    {type: 'attempt', reason: 'started', run: RUN, at: T0, task: A, attempt: 1, worker: 0, logPath: 'logs/quick.1.log'},
    // The executor measured 6 ms; the attempt's events are 13 ms apart (its verify command ran too).
    {type: 'attempt', reason: 'finished', run: RUN, at: T0 + 13, task: A, attempt: 1, outcome: 'ok', exitCode: 0, durationMs: 6, verify: []},
    {type: 'task', reason: 'attempt-ok', run: RUN, at: T0 + 13, task: A, status: 'succeeded'},
    {type: 'attempt', reason: 'started', run: RUN, at: T0, task: B, attempt: 1, worker: 1, logPath: 'logs/flaky.1.log'},
    {type: 'attempt', reason: 'finished', run: RUN, at: T0 + 600, task: B, attempt: 1, outcome: 'exit_nonzero', exitCode: 1, durationMs: 600, verify: []},
    {type: 'task', reason: 'attempt-failed', run: RUN, at: T0 + 600, task: B, status: 'failed', message: 'exit code 1'},
    {type: 'task', reason: 'upstream-failed', run: RUN, at: T0 + 600, task: C, status: 'upstream_failed', message: 'dependency "flaky" failed'},
    {type: 'run', reason: 'finished', run: RUN, at: T0 + 600, status: 'failed', counts: {}, durationMs: 600},
    started(20_600, true),
    {type: 'attempt', reason: 'started', run: RUN, at: T0 + 20_600, task: B, attempt: 2, worker: 0, logPath: 'logs/flaky.2.log'},
    {type: 'attempt', reason: 'finished', run: RUN, at: T0 + 20_900, task: B, attempt: 2, outcome: 'exit_nonzero', exitCode: 1, durationMs: 300, verify: []},
    {type: 'task', reason: 'attempt-failed', run: RUN, at: T0 + 20_900, task: B, status: 'failed', message: 'exit code 1'},
    {type: 'run', reason: 'finished', run: RUN, at: T0 + 21_000, status: 'failed', counts: {}, durationMs: 400},
  ];
  await store.append(events);
  store.close();
});

describe('a resumed run, read back by the CLI', () => {
  it('runs: the time is the runners\' active time, not the span with the idle gap', () => {
    const r = paraplan(['runs', '--state', '.paraplan'], {cwd: dir});
    expect(r.code).toBe(0);
    const line = r.stdout.split('\n').find((l) => l.startsWith(RUN))!;
    expect(line).toMatch(/ 1\.0s×2 /);
    expect(line).not.toMatch(/ 21s /);
    const json = JSON.parse(paraplan(['runs', '--json', '--state', '.paraplan'], {cwd: dir}).stdout);
    expect(json[0]).toMatchObject({id: RUN, wallMs: 1000, sessions: 2});
  });

  it('status: the same wall time in words, task times as in the report, upstream_failed explained', () => {
    const r = paraplan(['status', '--state', '.paraplan'], {cwd: dir});
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1.0s over 2 runner sessions; 20s idle between them not counted');
    expect(r.stdout).toContain('3 tasks on 2 workers');
    expect(r.stdout).toContain('1 upstream_failed (not run: a dependency failed)');
    expect(r.stdout).toMatch(/quick\s+succeeded\s+1\s+13ms/);
    // flaky: 600 ms + 300 ms over its two attempts.
    expect(r.stdout).toMatch(/flaky\s+failed\s+2\s+900ms/);
  });

  it('report: wall time, speed-up and time saved come from the active time', () => {
    const r = paraplan(['report', '--format', 'json', '--state', '.paraplan'], {cwd: dir});
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.time).toMatchObject({wallMs: 1000, idleMs: 20_000, spanMs: 21_000, taskTimeMs: 913});
    expect(json.time.speedup).toBeCloseTo(0.913);
    expect(json.time.timeSavedMs).toBe(-87);
    expect(json.tasks[0].attempts[0]).toMatchObject({durationMs: 13, executionMs: 6, worker: 0});
    const md = paraplan(['report', '--state', '.paraplan', '-o', '-'], {cwd: dir}).stdout;
    expect(md).toContain('- Wall time: 1.00 s over 2 runner sessions; 20.0 s idle between them not counted');
    expect(md).not.toContain('19.6 s');
    expect(md).toMatch(/\| 1 \| 1 \| [^|]+ \| 13 ms \| ok \| 0 \|/);
  });

  it('clear: names the run\'s own plan file, relative to the current folder and quoted for the shell', () => {
    const r = paraplan(['clear', 'flaky', '--state', '.paraplan'], {cwd: dir});
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`run them again with: paraplan run 'plans/deploy plan.yaml' --resume ${RUN} --state .paraplan`);
    expect(r.stdout).not.toContain('PLAN');
  });
});
