import {describe, expect, it} from 'vitest';
import type {RunEvent, RunId, TaskId} from '../../src/model/index.js';
import {buildReport, reportHtml, reportMarkdown, runActiveTime} from '../../src/report/index.js';
import {sqliteStore, type RunStore} from '../../src/store/index.js';
import {T0} from './fixture.js';

const RUN = 'r20250102-100000-rsum' as RunId;
const A = 'a' as TaskId;
const B = 'b' as TaskId;

const started = (at: number, resumed: boolean): RunEvent => ({type: 'run', reason: 'started', run: RUN, at: T0 + at, resumed, planName: 'p', tasks: 2, workers: 2, pid: 1, host: 'h'});
const attempt = (task: TaskId, n: number, from: number, to: number, outcome: 'ok' | 'exit_nonzero', durationMs = to - from): RunEvent[] => [
  {type: 'attempt', reason: 'started', run: RUN, at: T0 + from, task, attempt: n, worker: 0, logPath: `logs/${task}.${n}.log`},
  {type: 'attempt', reason: 'finished', run: RUN, at: T0 + to, task, attempt: n, outcome, exitCode: outcome === 'ok' ? 0 : 1, durationMs, verify: []},
];
const finished = (at: number, status: 'failed' | 'succeeded'): RunEvent => ({type: 'run', reason: 'finished', run: RUN, at: T0 + at, status, counts: {}, durationMs: 0});

async function storeWith(events: RunEvent[]): Promise<RunStore> {
  const store = sqliteStore(':memory:');
  await store.createRun({
    id: RUN,
    planName: 'p',
    workers: 2,
    options: {failFast: false, redoDone: false},
    startedAt: T0,
    lease: {owner: 'o', pid: 1, host: 'h', expiresAt: T0 + 1e9},
    tasks: [
      {task: A, position: 0, title: 'A', needs: [], executor: 'shell'},
      {task: B, position: 1, title: 'B', needs: [], executor: 'shell'},
    ],
  });
  await store.append(events);
  return store;
}

async function reportOf(store: RunStore, now = T0 + 3_600_000) {
  return buildReport({run: (await store.getRun(RUN))!, tasks: await store.tasks(RUN), attempts: await store.attempts(RUN), events: await store.events(RUN), now});
}

describe('wall time over runner sessions', () => {
  it('leaves out the idle gap between a run and its --resume, and computes speed-up from the active time', async () => {
    // Session 1: 0 → 600 ms (b fails). 20 s later, session 2: 20 600 → 21 000 ms (b passes). Active: 1.0 s.
    const store = await storeWith([
      started(0, false),
      ...attempt(A, 1, 0, 500, 'ok'),
      ...attempt(B, 1, 0, 600, 'exit_nonzero'),
      finished(600, 'failed'),
      started(20_600, true),
      ...attempt(B, 2, 20_600, 21_000, 'ok'),
      finished(21_000, 'succeeded'),
    ]);
    const r = await reportOf(store);
    store.close();
    expect(r.time.wallMs).toBe(1000);
    expect(r.time.idleMs).toBe(20_000);
    expect(r.time.spanMs).toBe(21_000);
    expect(r.time.sessions.map((s) => [s.startedAt - T0, s.endedAt - T0, s.end])).toEqual([
      [0, 600, 'finished'],
      [20_600, 21_000, 'finished'],
    ]);
    expect(r.time.taskTimeMs).toBe(1500);
    expect(r.time.speedup).toBeCloseTo(1.5);
    expect(r.time.timeSavedMs).toBe(500);
    const md = reportMarkdown(r);
    expect(md).toContain('- Wall time: 1.00 s over 2 runner sessions; 20.0 s idle between them not counted');
    expect(md).toContain('| Measured speed-up | 1.50x |');
    expect(md).toContain('| Time saved by parallel work | 500 ms |');
    expect(reportHtml(r)).toContain('1.00 s over 2 runner sessions; 20.0 s idle between them not counted');
  });

  it('ends a session whose runner died at its last event, not when the death was noticed', async () => {
    const store = await storeWith([
      started(0, false),
      {type: 'attempt', reason: 'started', run: RUN, at: T0 + 300, task: A, attempt: 1, worker: 0, logPath: 'logs/a.1.log'},
      // Written by `paraplan status` a minute later, when it found the runner gone.
      {type: 'run', reason: 'interrupted', run: RUN, at: T0 + 60_000, message: 'the runner stopped without finishing the run'},
      started(90_000, true),
      ...attempt(A, 2, 90_000, 90_700, 'ok'),
      ...attempt(B, 1, 90_000, 90_200, 'ok'),
      finished(90_700, 'succeeded'),
    ]);
    const active = runActiveTime((await store.getRun(RUN))!, await store.events(RUN), T0 + 100_000);
    store.close();
    expect(active.sessions.map((s) => [s.startedAt - T0, s.endedAt - T0, s.end])).toEqual([
      [0, 300, 'interrupted'],
      [90_000, 90_700, 'finished'],
    ]);
    expect(active.activeMs).toBe(1000);
    expect(active.idleMs).toBe(89_700);
  });

  it('a run never resumed keeps finish − start as its wall time', async () => {
    const store = await storeWith([started(5, false), ...attempt(A, 1, 5, 400, 'ok'), ...attempt(B, 1, 5, 300, 'ok'), finished(410, 'succeeded')]);
    const r = await reportOf(store);
    store.close();
    expect(r.time.sessions).toHaveLength(1);
    expect(r.time.wallMs).toBe(410);
    expect(r.time.idleMs).toBe(0);
    expect(reportMarkdown(r)).toContain('- Wall time: 410 ms\n');
  });
});

describe('one attempt time everywhere', () => {
  it('an attempt takes finished − started (verify included), not the executor\'s shorter figure', async () => {
    // The executor measured 6 ms; the attempt's events are 13 ms apart (verify and worktree work included).
    const store = await storeWith([started(0, false), ...attempt(A, 1, 0, 13, 'ok', 6), ...attempt(B, 1, 0, 20, 'ok', 20), finished(20, 'succeeded')]);
    const r = await reportOf(store);
    store.close();
    const a = r.tasks.find((t) => t.id === A)!;
    expect(a.attempts[0]).toMatchObject({durationMs: 13, executionMs: 6, worker: 0});
    expect(a.actualMs).toBe(13);
    expect(r.time.taskTimeMs).toBe(33);
    const md = reportMarkdown(r);
    expect(md).toContain('| Attempt | Worker (from 1) | Started | Time (finished − started) |');
    expect(md).toMatch(/\| 1 \| 1 \| [^|]+ \| 13 ms \| ok \| 0 \|/);
  });
});
