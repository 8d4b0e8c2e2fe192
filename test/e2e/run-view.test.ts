import {describe, expect, it} from 'vitest';
import {memoryIo} from '../../src/cli/io.js';
import {plainView, ttyView} from '../../src/cli/run-view.js';
import type {Plan, RunEvent, RunId, StoredEvent, TaskId} from '../../src/model/index.js';
import {parsePlanText} from '../../src/plan/load.js';
import {normalizePlan} from '../../src/plan/normalize.js';

const RUN = 'r20250102-100000-view' as RunId;

function planOf(yaml: string): Plan {
  const r = normalizePlan(parsePlanText('/tmp/view.yaml', yaml, 'yaml'));
  if (!r.plan) throw new Error(JSON.stringify(r.diagnostics));
  return r.plan;
}

let seq = 0;
const stored = (e: RunEvent): StoredEvent => ({...e, seq: ++seq}) as StoredEvent;
const task = (at: number, t: string, status: Extract<RunEvent, {type: 'task'}>['status'], reason: string, more: object = {}): StoredEvent =>
  stored({type: 'task', reason, run: RUN, at, task: t as TaskId, status, ...more});
const attemptStarted = (at: number, t: string, n = 1): StoredEvent => stored({type: 'attempt', reason: 'started', run: RUN, at, task: t as TaskId, attempt: n, worker: 0, logPath: `logs/${t}.${n}.log`});
const attemptFinished = (at: number, t: string, outcome: 'ok' | 'exit_nonzero' | 'cancelled' | 'timeout', n = 1): StoredEvent =>
  stored({type: 'attempt', reason: 'finished', run: RUN, at, task: t as TaskId, attempt: n, outcome, exitCode: outcome === 'exit_nonzero' ? 1 : outcome === 'ok' ? 0 : null, durationMs: 5, verify: [], ...(outcome !== 'ok' ? {message: `it ended: ${outcome}`} : {})});

/** Waits for the plain view's batched write (one microtask). */
const flushed = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('the live run view', () => {
  it('counts tasks not run because a dependency failed apart from failed ones, as the final summary does', () => {
    const plan = planOf(`name: v
tasks:
  - {id: a, estimate: 1s, run: [x]}
  - {id: b, estimate: 1s, run: [x]}
  - {id: c, estimate: 1s, needs: [a], run: [x]}
  - {id: d, estimate: 1s, needs: [b], run: [x]}
`);
    const io = memoryIo();
    const view = ttyView(io, {plan, stateDir: '/tmp/state', columns: () => 200});
    const t = Date.now();
    view.onEvent(stored({type: 'run', reason: 'started', run: RUN, at: t, resumed: false, planName: 'v', tasks: 4, workers: 2, pid: 1, host: 'h'}));
    for (const x of ['a', 'b']) {
      view.onEvent(attemptStarted(t, x));
      view.onEvent(attemptFinished(t + 5, x, 'exit_nonzero'));
      view.onEvent(task(t + 5, x, 'failed', 'attempt-failed'));
    }
    view.onEvent(task(t + 5, 'c', 'upstream_failed', 'upstream-failed', {message: 'dependency "a" failed'}));
    view.onEvent(task(t + 5, 'd', 'upstream_failed', 'upstream-failed', {message: 'dependency "b" failed'}));
    const out = io.stdout();
    view.close();
    const footer = out.trimEnd().split('\n').pop()!;
    expect(footer).toMatch(/4\/4 done · 2 failed · 2 not run \(upstream_failed\)/);
    expect(footer).not.toContain('4 failed');
    expect(out).toContain('paraplan: run r20250102-100000-view of "v": 4 tasks on 2 workers');
  });

  it('never shows an ETA shorter than a pending retry wait or a running task\'s timeout', () => {
    const plan = planOf(`name: v
tasks:
  - {id: quick1, estimate: 10ms, run: [x]}
  - {id: quick2, estimate: 10ms, run: [x]}
  - {id: slow, estimate: 10ms, timeout: 1s, run: [x]}
  - {id: flaky, estimate: 10ms, retries: 2, run: [x]}
`);
    const io = memoryIo();
    const view = ttyView(io, {plan, stateDir: '/tmp/state', columns: () => 200});
    const t = Date.now();
    view.onEvent(stored({type: 'run', reason: 'started', run: RUN, at: t - 20, resumed: false, planName: 'v', tasks: 4, workers: 4, pid: 1, host: 'h'}));
    for (const x of ['quick1', 'quick2']) {
      view.onEvent(attemptStarted(t - 20, x));
      view.onEvent(attemptFinished(t - 15, x, 'ok'));
      view.onEvent(task(t - 15, x, 'succeeded', 'attempt-ok'));
    }
    view.onEvent(attemptStarted(t, 'slow'));
    view.onEvent(attemptStarted(t - 20, 'flaky'));
    view.onEvent(attemptFinished(t - 10, 'flaky', 'exit_nonzero'));
    view.onEvent(task(t - 10, 'flaky', 'retry_wait', 'retry-scheduled', {retryAt: t + 1800, message: 'retrying in 1.8s'}));
    const footer = io.stdout().trimEnd().split('\n').pop()!;
    view.close();
    const eta = /ETA ~([\d.]+)(ms|s)/.exec(footer);
    expect(eta, footer).not.toBeNull();
    const ms = Number(eta![1]) * (eta![2] === 's' ? 1000 : 1);
    // The retry starts in ~1.8 s; the running task may take up to its 1 s timeout.
    expect(ms).toBeGreaterThanOrEqual(1700);
  });

  it('reports a task cancelled by Ctrl-C once, with how long it ran and its log', async () => {
    const plan = planOf(`name: v
tasks:
  - {id: long, run: [sleep, '100']}
`);
    const io = memoryIo({cwd: '/tmp'});
    const view = plainView(io, {plan, stateDir: '/tmp/state'});
    const t = Date.now();
    view.onEvent(attemptStarted(t, 'long'));
    view.onEvent(stored({type: 'run', reason: 'cancel-requested', run: RUN, at: t + 1000, by: 'signal'}));
    view.onEvent(attemptFinished(t + 1200, 'long', 'cancelled'));
    view.onEvent(task(t + 1200, 'long', 'cancelled', 'run-cancelled', {message: 'the run was cancelled'}));
    await flushed();
    view.close();
    const lines = io.stdout().split('\n').filter((l) => l.includes('long') && l.includes('cancelled'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe('⊘ long cancelled after 1.2s: the run was cancelled (log: state/logs/long.1.log)');
  });

  it('still prints a cancelled attempt whose task then fails', async () => {
    const plan = planOf(`name: v
tasks:
  - {id: t1, run: [x]}
`);
    const io = memoryIo({cwd: '/tmp'});
    const view = plainView(io, {plan, stateDir: '/tmp/state'});
    const t = Date.now();
    view.onEvent(attemptStarted(t, 't1'));
    view.onEvent(attemptFinished(t + 10, 't1', 'cancelled'));
    view.onEvent(task(t + 10, 't1', 'failed', 'attempt-failed'));
    await flushed();
    view.close();
    expect(io.stdout()).toContain('✗ t1 cancelled after 10ms: it ended: cancelled');
  });
});
